/**
 * How restoring the room keys of a key backup goes, told by the backend's key_backup_restore: while it runs, how
 * many keys of how many are restored (a bar and the words), and afterwards the outcome, so the user sees that their
 * earlier messages came back. Both setup keeping a backup and verifying this session (VerifyForm.tsx) restore. A
 * failed restore fails neither: after setup it is said in words with the backup still kept, after verifying the
 * session is said to be verified and the restore's failure beside it (why, how many keys came back before it
 * stopped). In both *Try again* restores only the backup once more, with the key the session now holds
 * (`restore_key_backup`, as Settings → Security's *Restore keys from backup* does later; setup or verification is
 * not run again), its progress shown in place of the failure until the new outcome. *Continue* goes on without.
 */
import { useEffect, useRef, useState } from 'react';
import type { KeyBackupRestore } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import { restoreKeyBackupWithProgress } from '../../api/security.ts';

export function keys(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'key' : 'keys'}`;
}

/** A failed restore's count: the keys it restored before it stopped (the backup's total is 0 until downloaded). */
export function restoredBeforeStop(outcome: KeyBackupRestore): string {
  return outcome.restored > 0
    ? `${keys(outcome.restored)} of ${outcome.total.toLocaleString()} were restored before it stopped.`
    : 'None of its keys were restored.';
}

/**
 * The running restore: downloading, then "N of M keys restored" with a bar. `backup` names it: setup keeps "your
 * existing backup" beside the new one it makes; verifying restores the one backup there is.
 */
export function RestoreProgress({ progress, backup = 'your existing backup' }: { progress: KeyBackupRestore; backup?: string }) {
  const text = progress.stage === 'downloading'
    ? `Downloading ${backup} (version ${progress.version})…`
    : `Restoring keys from ${backup}: ${progress.restored.toLocaleString()} of ${keys(progress.total)}…`;
  return (
    <div className="sec-progress" role="status" data-testid="recovery-restore" data-stage={progress.stage}>
      <span>{text}</span>
      <progress className="sec-progress-bar" max={Math.max(progress.total, 1)}
        {...(progress.stage === 'downloading' ? {} : { value: progress.restored })} aria-label="Keys restored" />
    </div>
  );
}

/**
 * After setup that kept an existing backup: how many of its keys are now here, or why restoring failed. *Try again*
 * restores once more (`restore_key_backup`, with the backup key setup left on this session: the rest of setup is
 * done and is not run again), its progress in place of the failure, then `onOutcome` hears the new outcome;
 * `onContinue` leaves the step.
 */
export function RestoreOutcome({ outcome, onOutcome, onContinue }: {
  outcome: KeyBackupRestore;
  onOutcome: (outcome: KeyBackupRestore) => void;
  onContinue: () => void;
}) {
  const retry = useRetry(onOutcome);
  const failed = outcome.stage === 'failed';
  return (
    <div className="sec-form" data-testid="recovery-restore-outcome" data-stage={retry.retrying ? 'retrying' : outcome.stage}>
      {retry.retrying || failed ? (
        // Setup is done whatever the restore does: said as done, the restore's trouble beside it (as after verifying).
        <>
          <div className="sec-success" role="status">
            Secure backup is set up, keeping your existing backup (version {outcome.version}).
          </div>
          {retry.retrying ? <RetryProgress progress={retry.progress} backup="your existing backup" /> : (
            <div className="sec-warning" role="alert" data-testid="recovery-restore-error">
              Its keys could not be restored here: {retry.error ?? outcome.error} {restoredBeforeStop(outcome)}{' '}
              Until they are, your earlier encrypted messages stay unreadable on this session: try again now, or later
              with <b>Restore keys from backup</b> in Settings → Security.
            </div>
          )}
        </>
      ) : (
        <div className="sec-success" role="status" data-testid="recovery-restore-done">
          Secure backup is set up, keeping your existing backup (version {outcome.version}).{' '}
          {outcome.total === 0
            ? 'It held no keys to restore.'
            : `${keys(outcome.restored)} of ${outcome.total.toLocaleString()} restored: your earlier encrypted messages can be read here.`}
        </div>
      )}
      <OutcomeButtons prefix="recovery-restore" failed={failed} retry={retry} onContinue={onContinue} />
    </div>
  );
}

/**
 * After verifying this session: how many of the backup's keys are here now, or, the session being verified all the
 * same, why they could not be restored and how many were before it stopped. *Try again* restores once more
 * (`restore_key_backup`), its progress in place of the failure, then `onOutcome` hears the new outcome;
 * `onContinue` leaves the form.
 */
export function VerifiedRestore({ outcome, onOutcome, onContinue }: {
  outcome: KeyBackupRestore;
  onOutcome: (outcome: KeyBackupRestore) => void;
  onContinue: () => void;
}) {
  const retry = useRetry(onOutcome);
  const failed = outcome.stage === 'failed';
  return (
    <div className="sec-form" data-testid="verify-restore-outcome" data-stage={retry.retrying ? 'retrying' : outcome.stage}>
      {retry.retrying ? (
        <>
          <div className="sec-success" role="status">This session is verified.</div>
          <RetryProgress progress={retry.progress} backup="your key backup" />
        </>
      ) : failed ? (
        <>
          <div className="sec-success" role="status">This session is verified.</div>
          <div className="sec-warning" role="alert" data-testid="verify-restore-error">
            The keys of your earlier encrypted messages could not be restored from your key backup (version{' '}
            {outcome.version}): {retry.error ?? outcome.error} {restoredBeforeStop(outcome)}{' '}
            Until they are, those messages stay unreadable on this session: try again now, or later with{' '}
            <b>Restore keys from backup</b> in Settings → Security.
          </div>
        </>
      ) : (
        <div className="sec-success" role="status" data-testid="verify-restore-done">
          This session is verified.{' '}
          {outcome.total === 0
            ? `Your key backup (version ${outcome.version}) held no keys to restore.`
            : `${keys(outcome.restored)} of ${outcome.total.toLocaleString()} restored from your key backup (version ${outcome.version}): your earlier encrypted messages can be read here.`}
        </div>
      )}
      <OutcomeButtons prefix="verify-restore" failed={failed} retry={retry} onContinue={onContinue} />
    </div>
  );
}

/** A restore tried again: its progress once the backend tells it, until then that it has begun. */
function RetryProgress({ progress, backup }: { progress: KeyBackupRestore | null; backup: string }) {
  return progress && (progress.stage === 'downloading' || progress.stage === 'importing')
    ? <RestoreProgress progress={progress} backup={backup} />
    : <p className="sec-hint" role="status"><span className="spinner" aria-hidden="true" /> Restoring keys from {backup}…</p>;
}

/**
 * Try again (after a failure) and Continue, under an outcome; Continue has the focus, as the outcome is news (again
 * after a retry, whose button may have gone).
 */
function OutcomeButtons({ prefix, failed, retry, onContinue }: {
  prefix: string;
  failed: boolean;
  retry: Retry;
  onContinue: () => void;
}) {
  const continueButton = useRef<HTMLButtonElement>(null);
  const { retrying } = retry;
  const wasRetrying = useRef(false);
  useEffect(() => {
    if (wasRetrying.current && !retrying) continueButton.current?.focus();
    wasRetrying.current = retrying;
  }, [retrying]);
  return (
    <div className="sec-buttons">
      {failed && (
        <button type="button" className="button-secondary" data-testid={`${prefix}-retry`} disabled={retrying} aria-busy={retrying}
          onClick={retry.run}>
          {retrying ? <><span className="spinner" aria-hidden="true" /> Restoring…</> : 'Try again'}
        </button>
      )}
      <button ref={continueButton} type="button" className="button-primary" data-testid={`${prefix}-continue`} disabled={retrying}
        onClick={onContinue} autoFocus>
        Continue
      </button>
    </div>
  );
}

interface Retry {
  retrying: boolean;
  /** The restore under way, as the backend tells it (null until it first does). */
  progress: KeyBackupRestore | null;
  /** Why the last try was refused before it began (no outcome came of it), in words. */
  error: string | null;
  run: () => void;
}

/**
 * Restores again once at a time (`restore_key_backup`), following its progress; its outcome goes to `onOutcome`, a
 * refusal before it began stays here in words until the next try.
 */
function useRetry(onOutcome: (outcome: KeyBackupRestore) => void): Retry {
  const session = useSession();
  const [retrying, setRetrying] = useState(false);
  const [progress, setProgress] = useState<KeyBackupRestore | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run(): Promise<void> {
    if (retrying) return;
    setRetrying(true);
    setProgress(null);
    setError(null);
    try {
      onOutcome(await restoreKeyBackupWithProgress(session, setProgress));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRetrying(false);
      setProgress(null);
    }
  }
  return { retrying, progress, error, run: () => void run() };
}
