/**
 * "Enter your recovery key or passphrase": verifies this session through the backend's `verify`. A wrong key is
 * an error in words under the field and the text stays, so the user can fix a typo and try again. `verify` also
 * restores the room keys of the key backup: how that goes is shown as setup shows it (BackupRestore.tsx), and once
 * verified, how many keys came back, or why they could not be (the session is verified all the same) with *Try
 * again* (`restore_key_backup`: the recovery key is not kept here to verify again), until *Continue*.
 */
import { useId, useState, type FormEvent } from 'react';
import type { KeyBackupRestore } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import { onBackupRestore, verifyWithRecovery } from '../../api/security.ts';
import { RestoreProgress, VerifiedRestore } from './BackupRestore.tsx';
import { describeVerifyError } from './security-logic.ts';

export function VerifyForm({ onVerified, onBusyChange, onOutcome, autoFocus = false }: {
  onVerified?: () => void;
  /**
   * Told when a verification starts and ends (the first-run step stays up until it has finished, the restore's
   * outcome read).
   */
  onBusyChange?: (busy: boolean) => void;
  /** Told when the session is verified and only the restore's outcome is left to read: nothing is left to skip. */
  onOutcome?: () => void;
  autoFocus?: boolean;
}) {
  const session = useSession();
  const id = useId();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The backup's restore as the backend tells it while verify runs; once verified, its outcome until Continue.
  const [restore, setRestore] = useState<KeyBackupRestore | null>(null);
  const [outcome, setOutcome] = useState<KeyBackupRestore | null>(null);

  function done(): void {
    setBusy(false);
    onBusyChange?.(false);
  }

  async function submit(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy) return;
    if (code.trim() === '') {
      setError('Enter your recovery key or passphrase.');
      return;
    }
    setBusy(true);
    onBusyChange?.(true);
    setError(null);
    setRestore(null);
    const told: { last: KeyBackupRestore | null } = { last: null };
    const off = onBackupRestore(session, (p) => { told.last = p; setRestore(p); });
    try {
      await verifyWithRecovery(session, code);
      setCode('');
      if (told.last?.stage === 'done' || told.last?.stage === 'failed') {
        // Still busy: the first-run step stays (the session is verified now) until the outcome is read.
        setOutcome(told.last);
        onOutcome?.();
        return;
      }
      done();
      onVerified?.();
    } catch (err) {
      setError(describeVerifyError(errorMessage(err)));
      done();
    } finally {
      off();
    }
  }

  const restoring = busy && restore && (restore.stage === 'downloading' || restore.stage === 'importing') ? restore : null;
  if (outcome) return <VerifiedRestore outcome={outcome} onOutcome={setOutcome} onContinue={() => { done(); onVerified?.(); }} />;
  return (
    <form className="sec-form" onSubmit={(e) => void submit(e)} noValidate data-testid="verify-form">
      <label className="field" htmlFor={`${id}-code`}>
        <span className="field-label">Recovery key or passphrase</span>
        <input id={`${id}-code`} data-testid="verify-code" type="password" autoComplete="off" spellCheck={false}
          placeholder="EsT… or your passphrase" value={code} disabled={busy} autoFocus={autoFocus}
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-err` : undefined}
          onChange={(e) => { setCode(e.target.value); setError(null); }} />
      </label>
      {restoring && <RestoreProgress progress={restoring} backup="your key backup" />}
      {error && (
        <div id={`${id}-err`} className="sec-error" role="alert" data-testid="verify-error">
          {error}
        </div>
      )}
      <button type="submit" className="button-primary" data-testid="verify-submit" disabled={busy} aria-busy={busy}>
        {busy ? <><span className="spinner" aria-hidden="true" /> {restoring ? 'Restoring keys…' : 'Verifying…'}</> : 'Verify'}
      </button>
    </form>
  );
}
