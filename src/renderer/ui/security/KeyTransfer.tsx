/**
 * Room key export and import (Settings → Security): the export asks for a passphrase twice and saves the
 * backend's passphrase-protected file as a download; the import reads a chosen file and its passphrase and says
 * how many of its keys were new (fields and buttons from PassphraseFields.tsx). The file's text goes to the backend as it is; nothing of it is kept here.
 */
import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useOwnUserId, useSession } from '../../api/hooks.ts';
import { exportRoomKeys, importRoomKeys } from '../../api/security.ts';
import { FormEnd, NewPassphraseFields, PassphraseField } from './PassphraseFields.tsx';
import { saveTextFile } from './save-text.ts';
import { checkNewPassphrase, describeImport, exportFileName } from './security-logic.ts';

export function KeyExportForm({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const userId = useOwnUserId();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy) return;
    const problem = checkNewPassphrase(first, second);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const text = await exportRoomKeys(session, first);
      const name = exportFileName(userId, new Date());
      saveTextFile(name, text);
      setFirst('');
      setSecond('');
      setDone(`Saved as ${name}. Keep the file and its passphrase apart.`);
    } catch (err) {
      setError(`Could not export the keys: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sec-form" onSubmit={(e) => void submit(e)} noValidate data-testid="export-form">
      <p className="sec-text">
        Saves the keys of your encrypted rooms to a file protected by a passphrase, to import into another client.
      </p>
      <NewPassphraseFields label="Passphrase for the file" testId="export-passphrase" first={first} second={second}
        disabled={busy} autoFocus onFirst={(v) => { setFirst(v); setError(null); setDone(null); }}
        onSecond={(v) => { setSecond(v); setError(null); }} />
      <FormEnd error={error} success={done} busy={busy} onCancel={onDone} submitLabel="Export keys" busyLabel="Exporting…"
        testIds={{ error: 'export-error', success: 'export-done', submit: 'export-submit' }} />
    </form>
  );
}

export function KeyImportForm({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);

  async function submit(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy) return;
    if (!file) {
      setError('Choose the key file to import.');
      return;
    }
    if (passphrase === '') {
      setError('Enter the passphrase the file was exported with.');
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const text = await file.text();
      setResult(describeImport(await importRoomKeys(session, text, passphrase)));
      setPassphrase('');
    } catch (err) {
      setError(`Could not import the keys: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sec-form" onSubmit={(e) => void submit(e)} noValidate data-testid="import-form">
      <p className="sec-text">Imports room keys from a file exported by Lattice, Element or another Matrix client.</p>
      <label className="field" htmlFor={`${id}-file`}>
        <span className="field-label">Key file</span>
        <input id={`${id}-file`} className="sec-file" data-testid="import-file" type="file" accept=".txt,text/plain" disabled={busy}
          onChange={(e) => { setFile(e.target.files?.[0] ?? null); setError(null); setResult(null); }} />
      </label>
      <PassphraseField label="Passphrase" testId="import-passphrase" value={passphrase} disabled={busy}
        onChange={(v) => { setPassphrase(v); setError(null); }} />
      <FormEnd error={error} success={result} busy={busy} onCancel={onDone} submitLabel="Import keys" busyLabel="Importing…"
        testIds={{ error: 'import-error', success: 'import-result', submit: 'import-submit' }} />
    </form>
  );
}
