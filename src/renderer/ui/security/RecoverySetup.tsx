/**
 * Setting up secure backup (or replacing it): a recovery key is generated first (from a passphrase when the user
 * wants one), shown with copy and download, and only once the user confirms they saved it does the backend publish
 * the new cross-signing keys, secret storage and key backup (`reset_encryption`). The homeserver may ask for the
 * account password on the way; the field appears then (and from the start when replacing existing keys). When the
 * account already has a key backup this session cannot open, the user first chooses to keep it or start over
 * (ExistingBackup.tsx); when kept, its keys are restored during setup with their progress shown, and the outcome
 * (how many restored, or why not) is shown before the step closes (BackupRestore.tsx).
 */
import { useState, type FormEvent } from 'react';
import type { KeyBackupRestore, RecoveryKeyResponse } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { useOwnUserId, useSession } from '../../api/hooks.ts';
import { generateRecoveryKey, onBackupRestore, setUpRecovery, type ExistingBackupChoice } from '../../api/security.ts';
import { RestoreOutcome, RestoreProgress } from './BackupRestore.tsx';
import { ExistingBackup } from './ExistingBackup.tsx';
import { NewPassphraseFields, PassphraseField } from './PassphraseFields.tsx';
import { copyText, saveTextFile } from './save-text.ts';
import { checkNewPassphrase, describeSetupError, recoveryKeyFileName, recoveryKeyFileText } from './security-logic.ts';

export function RecoverySetup({ mode, existingBackup = false, onDone, onCancel, onBusyChange, onOutcome }: {
  mode: 'setup' | 'reset';
  /** The account has a key backup this session cannot open: ask to keep it or start over first. */
  existingBackup?: boolean;
  onDone?: () => void;
  onCancel?: () => void;
  /** Told when publishing starts and ends: the session turns verified half-way, before the key backup exists. */
  onBusyChange?: (busy: boolean) => void;
  /** Told when setup is done and only the kept backup's restore outcome is left to read: nothing is left to skip. */
  onOutcome?: () => void;
}) {
  const session = useSession();
  const [generated, setGenerated] = useState<RecoveryKeyResponse | null>(null);
  const [backup, setBackup] = useState<ExistingBackupChoice | null>(null);
  // The kept backup's restore as the backend tells it; once setup is done, its outcome stays until Continue.
  const [restore, setRestore] = useState<KeyBackupRestore | null>(null);
  const [outcome, setOutcome] = useState<KeyBackupRestore | null>(null);

  /** Runs `work` hearing the restore's progress; answers the last thing the backend told of it. */
  async function withRestore(work: () => Promise<void>): Promise<KeyBackupRestore | null> {
    let last: KeyBackupRestore | null = null;
    const off = onBackupRestore(session, (p) => { last = p; setRestore(p); });
    try {
      await work();
    } finally {
      off();
    }
    return last;
  }

  async function finish(key: RecoveryKeyResponse, password: string | undefined): Promise<void> {
    onBusyChange?.(true);
    let told: KeyBackupRestore | null = null;
    try {
      // A reset was confirmed with a warning that the old backup's messages become unreadable (SecuritySection).
      told = await withRestore(() => setUpRecovery(session, key, password, backup ?? (mode === 'reset' ? { kind: 'replace' } : undefined)));
    } catch (e) {
      setRestore(null);
      onBusyChange?.(false);
      throw e;
    }
    if (backup?.kind === 'keep' && told) {
      // Still busy: the step stays (the session is verified now) until the user has read the outcome.
      setOutcome(told);
      onOutcome?.();
      return;
    }
    onBusyChange?.(false);
    onDone?.();
  }

  function leave(): void {
    onBusyChange?.(false);
    onDone?.();
  }

  // Try again there restores only the kept backup (restore_key_backup): setup itself is done.
  if (outcome) return <RestoreOutcome outcome={outcome} onOutcome={setOutcome} onContinue={leave} />;
  if (existingBackup && !backup) return <ExistingBackup onChoice={setBackup} onCancel={onCancel} />;
  return generated
    ? <SaveKey generated={generated} askPassword={mode === 'reset'} onBack={() => setGenerated(null)}
        restore={restore} onFinish={(password) => finish(generated, password)} />
    // Back to the choice about the existing backup (a key that did not open it can be typed again there).
    : <ChooseKey onGenerated={setGenerated} onCancel={existingBackup ? () => setBackup(null) : onCancel} />;
}

function ChooseKey({ onGenerated, onCancel }: { onGenerated: (g: RecoveryKeyResponse) => void; onCancel?: () => void }) {
  const session = useSession();
  const [withPassphrase, setWithPassphrase] = useState(false);
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy) return;
    const problem = withPassphrase ? checkNewPassphrase(first, second) : null;
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onGenerated(await generateRecoveryKey(session, withPassphrase ? first : undefined));
    } catch (err) {
      setError(`Could not make a recovery key: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sec-form" onSubmit={(e) => void submit(e)} noValidate data-testid="recovery-choose">
      <p className="sec-text">
        Lattice makes a <strong>recovery key</strong>. With it you can read your encrypted messages on any new
        device, even if you lose this one.
      </p>
      <label className="sec-check">
        <input type="checkbox" checked={withPassphrase} data-testid="recovery-use-passphrase" disabled={busy}
          onChange={(e) => { setWithPassphrase(e.target.checked); setError(null); }} />
        <span>Also let me use a passphrase I can remember</span>
      </label>
      {withPassphrase && (
        <>
          <NewPassphraseFields label="Recovery passphrase" testId="recovery-passphrase" first={first} second={second}
            disabled={busy} onFirst={(v) => { setFirst(v); setError(null); }} onSecond={(v) => { setSecond(v); setError(null); }} />
          <p className="sec-hint">Not your account password: a passphrase anyone could guess opens your messages too.</p>
        </>
      )}
      {error && <div className="sec-error" role="alert" data-testid="recovery-error">{error}</div>}
      <div className="sec-buttons">
        {onCancel && <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>Cancel</button>}
        <button type="submit" className="button-primary" data-testid="recovery-generate" disabled={busy} aria-busy={busy}>
          {busy ? <><span className="spinner" aria-hidden="true" /> Making the key…</> : 'Generate recovery key'}
        </button>
      </div>
    </form>
  );
}

function SaveKey({ generated, askPassword, restore, onBack, onFinish }: {
  generated: RecoveryKeyResponse;
  askPassword: boolean;
  /** The kept backup's restore, while setup runs it. */
  restore: KeyBackupRestore | null;
  onBack: () => void;
  onFinish: (accountPassword: string | undefined) => Promise<void>;
}) {
  const userId = useOwnUserId();
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [needsPassword, setNeedsPassword] = useState(askPassword);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = generated.recovery_key;

  async function finish(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy || !saved) return;
    setBusy(true);
    setError(null);
    try {
      await onFinish(password || undefined);
    } catch (err) {
      const text = describeSetupError(errorMessage(err));
      if (text.needsPassword) setNeedsPassword(true);
      setError(text.text);
      setBusy(false);
    }
  }

  return (
    <form className="sec-form" onSubmit={(e) => void finish(e)} noValidate data-testid="recovery-save">
      <p className="sec-text">
        Save this recovery key somewhere safe, like a password manager. Anyone with it can read your encrypted
        messages{generated.passphrase_meta ? '; your passphrase works the same way' : ''}.
      </p>
      <code className="sec-key" data-testid="recovery-key" aria-label="Recovery key">{key}</code>
      <div className="sec-buttons is-start">
        <button type="button" className="button-secondary" data-testid="recovery-copy"
          onClick={() => void copyText(key).then(setCopied)}>{copied ? 'Copied' : 'Copy'}</button>
        <button type="button" className="button-secondary" data-testid="recovery-download"
          onClick={() => saveTextFile(recoveryKeyFileName(userId), recoveryKeyFileText(userId, key))}>Download</button>
        {copied === false && <span className="sec-hint" role="status">Copying was refused: select the key and copy it by hand.</span>}
      </div>
      <label className="sec-check">
        <input type="checkbox" checked={saved} data-testid="recovery-saved" disabled={busy} onChange={(e) => setSaved(e.target.checked)} />
        <span>I have saved my recovery key</span>
      </label>
      {needsPassword && (
        <PassphraseField label="Account password" testId="recovery-account-password" value={password} disabled={busy}
          autoComplete="current-password" onChange={setPassword} hint="Your homeserver asks for it to publish new encryption keys." />
      )}
      {busy && restore && <RestoreProgress progress={restore} />}
      {error && <div className="sec-error" role="alert" data-testid="recovery-error">{error}</div>}
      <div className="sec-buttons">
        <button type="button" className="button-secondary" onClick={onBack} disabled={busy}>Back</button>
        <button type="submit" className="button-primary" data-testid="recovery-finish" disabled={busy || !saved} aria-busy={busy}>
          {busy ? <><span className="spinner" aria-hidden="true" /> Setting up…</> : 'Finish setup'}
        </button>
      </div>
    </form>
  );
}
