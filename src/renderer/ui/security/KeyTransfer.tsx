/**
 * Room key export and import (Settings → Security): the export asks for a passphrase twice and saves the
 * backend's passphrase-protected file as a download; the import reads a chosen file and its passphrase and says
 * how many of its keys were new. The file's text goes to the backend as it is; nothing of it is kept here.
 */
import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useOwnUserId, useSession } from '../../api/hooks.ts';
import { exportRoomKeys, importRoomKeys } from '../../api/security.ts';
import { saveTextFile } from './save-text.ts';
import { checkNewPassphrase, describeImport, exportFileName } from './security-logic.ts';

export function KeyExportForm({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const userId = useOwnUserId();
  const id = useId();
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
      <label className="field" htmlFor={`${id}-p1`}>
        <span className="field-label">Passphrase for the file</span>
        <input id={`${id}-p1`} data-testid="export-passphrase" type="password" autoComplete="new-password" value={first}
          disabled={busy} autoFocus onChange={(e) => { setFirst(e.target.value); setError(null); setDone(null); }} />
      </label>
      <label className="field" htmlFor={`${id}-p2`}>
        <span className="field-label">Repeat the passphrase</span>
        <input id={`${id}-p2`} data-testid="export-passphrase-again" type="password" autoComplete="new-password" value={second}
          disabled={busy} onChange={(e) => { setSecond(e.target.value); setError(null); }} />
      </label>
      {error && <div className="sec-error" role="alert" data-testid="export-error">{error}</div>}
      {done && <div className="sec-success" role="status" data-testid="export-done">{done}</div>}
      <div className="sec-buttons">
        <button type="button" className="button-secondary" onClick={onDone} disabled={busy}>{done ? 'Close' : 'Cancel'}</button>
        <button type="submit" className="button-primary" data-testid="export-submit" disabled={busy} aria-busy={busy}>
          {busy ? <><span className="spinner" aria-hidden="true" /> Exporting…</> : 'Export keys'}
        </button>
      </div>
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
      <label className="field" htmlFor={`${id}-pass`}>
        <span className="field-label">Passphrase</span>
        <input id={`${id}-pass`} data-testid="import-passphrase" type="password" autoComplete="off" value={passphrase}
          disabled={busy} onChange={(e) => { setPassphrase(e.target.value); setError(null); }} />
      </label>
      {error && <div className="sec-error" role="alert" data-testid="import-error">{error}</div>}
      {result && <div className="sec-success" role="status" data-testid="import-result">{result}</div>}
      <div className="sec-buttons">
        <button type="button" className="button-secondary" onClick={onDone} disabled={busy}>{result ? 'Close' : 'Cancel'}</button>
        <button type="submit" className="button-primary" data-testid="import-submit" disabled={busy} aria-busy={busy}>
          {busy ? <><span className="spinner" aria-hidden="true" /> Importing…</> : 'Import keys'}
        </button>
      </div>
    </form>
  );
}
