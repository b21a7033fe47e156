/**
 * Before setting up secure backup on an account that already has a key backup this session cannot open (an older
 * setup, made by another app): keep it, by giving its recovery key or passphrase (the new secure backup then uses
 * it, and the earlier messages it holds become readable here), or start over knowingly, told in words that the
 * messages only that backup holds become unreadable on new sessions. The key is checked against the backup at once
 * (check_backup_key: the backend derives it and compares it with the backup's public key), so a wrong one is said
 * here, in the backend's words, and the setup does not go on; nothing is changed on the server until setup finishes.
 */
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import { checkBackupKey, type ExistingBackupChoice } from '../../api/security.ts';
import { PassphraseField } from './PassphraseFields.tsx';

export function ExistingBackup({ onChoice, onCancel }: { onChoice: (c: ExistingBackupChoice) => void; onCancel?: (() => void) | undefined }) {
  const session = useSession();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [confirmStartOver, setConfirmStartOver] = useState(false);

  async function keep(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (checking) return;
    if (key.trim() === '') {
      setError('Enter the recovery key or passphrase of your existing backup.');
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await checkBackupKey(session, key);
    } catch (err) {
      setError(errorMessage(err));
      setChecking(false);
      return;
    }
    setChecking(false);
    onChoice({ kind: 'keep', key });
  }

  if (confirmStartOver) {
    return (
      <div className="sec-form" role="alertdialog" aria-labelledby="sec-start-over-title" aria-describedby="sec-start-over-text" data-testid="backup-start-over-confirm">
        <h2 id="sec-start-over-title" className="sec-subtitle">Start over without your existing backup?</h2>
        <p id="sec-start-over-text" className="sec-warning">
          A new key backup replaces the one this account has. Encrypted messages whose keys are only in the old backup
          can no longer be read here or on any new session. Only do this if you lost that backup’s recovery key and
          passphrase.
        </p>
        <div className="sec-buttons">
          <button type="button" className="button-secondary" onClick={() => setConfirmStartOver(false)} autoFocus>Go back</button>
          <button type="button" className="button-danger" data-testid="backup-start-over-confirm-button" onClick={() => onChoice({ kind: 'replace' })}>
            Start over
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="sec-form" onSubmit={(e) => void keep(e)} noValidate data-testid="backup-existing">
      <p className="sec-text">
        <strong>This account already has a key backup</strong>, made earlier by this or another app. Enter its
        recovery key or passphrase to keep it: your earlier encrypted messages become readable here, and your new
        secure backup goes on using it.
      </p>
      <PassphraseField label="Backup recovery key or passphrase" testId="backup-existing-key" value={key} autoFocus
        onChange={(v) => { setKey(v); setError(null); }} />
      {error && <div className="sec-error" role="alert" data-testid="backup-existing-error">{error}</div>}
      <div className="sec-buttons">
        {onCancel && <button type="button" className="button-secondary" onClick={onCancel} disabled={checking}>Cancel</button>}
        <button type="submit" className="button-primary" data-testid="backup-keep" disabled={checking} aria-busy={checking}>
          {checking ? <><span className="spinner" aria-hidden="true" /> Checking…</> : 'Keep this backup'}
        </button>
      </div>
      <button type="button" className="sec-link" data-testid="backup-start-over" disabled={checking} onClick={() => setConfirmStartOver(true)}>
        I lost it: start over
      </button>
    </form>
  );
}
