/**
 * How restoring the room keys of a key backup goes, told by the backend's key_backup_restore: while it runs, how
 * many keys of how many are restored (a bar and the words), and afterwards the outcome, so the user sees that their
 * earlier messages came back. Both setup keeping a backup and verifying this session (VerifyForm.tsx) restore. A
 * failed restore fails neither: after setup it is said in words with the backup still kept, *Try again* restoring
 * once more with the new recovery key (`verify`); after verifying, the session is said to be verified and the
 * restore's failure beside it (why, how many keys came back before it stopped), *Try again* restoring once more with
 * the key the session now holds (`restore_key_backup`, as Settings → Security's *Restore keys from backup* does
 * later). *Continue* goes on without.
 */
import { useState } from 'react';
import type { KeyBackupRestore } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';

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
 * After setup that kept an existing backup: how many of its keys are now here, or why restoring failed. `onRetry`
 * restores again (rejecting with the reason, shown here); `onContinue` leaves the step.
 */
export function RestoreOutcome({ outcome, onRetry, onContinue }: {
  outcome: KeyBackupRestore;
  onRetry: () => Promise<void>;
  onContinue: () => void;
}) {
  const { retrying, retryError, retry } = useRetry(onRetry);
  const failed = outcome.stage === 'failed';
  return (
    <div className="sec-form" data-testid="recovery-restore-outcome" data-stage={outcome.stage}>
      {failed ? (
        <div className="sec-error" role="alert" data-testid="recovery-restore-error">
          Secure backup is set up and your existing backup (version {outcome.version}) is kept, but its keys could not
          be restored here: {retryError ?? outcome.error} Your earlier encrypted messages stay unreadable on this
          session until they are: try again, or later enter your new recovery key in Settings → Security.
        </div>
      ) : (
        <div className="sec-success" role="status" data-testid="recovery-restore-done">
          Secure backup is set up, keeping your existing backup (version {outcome.version}).{' '}
          {outcome.total === 0
            ? 'It held no keys to restore.'
            : `${keys(outcome.restored)} of ${outcome.total.toLocaleString()} restored: your earlier encrypted messages can be read here.`}
        </div>
      )}
      <OutcomeButtons prefix="recovery-restore" failed={failed} retrying={retrying} onRetry={retry} onContinue={onContinue} />
    </div>
  );
}

/**
 * After verifying this session: how many of the backup's keys are here now, or, the session being verified all the
 * same, why they could not be restored and how many were before it stopped. `onRetry` restores again (rejecting
 * with the reason, shown here); `onContinue` leaves the form.
 */
export function VerifiedRestore({ outcome, onRetry, onContinue }: {
  outcome: KeyBackupRestore;
  onRetry: () => Promise<void>;
  onContinue: () => void;
}) {
  const { retrying, retryError, retry } = useRetry(onRetry);
  const failed = outcome.stage === 'failed';
  return (
    <div className="sec-form" data-testid="verify-restore-outcome" data-stage={outcome.stage}>
      {failed ? (
        <>
          <div className="sec-success" role="status">This session is verified.</div>
          <div className="sec-warning" role="alert" data-testid="verify-restore-error">
            The keys of your earlier encrypted messages could not be restored from your key backup (version{' '}
            {outcome.version}): {retryError ?? outcome.error} {restoredBeforeStop(outcome)}{' '}
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
      <OutcomeButtons prefix="verify-restore" failed={failed} retrying={retrying} onRetry={retry} onContinue={onContinue} />
    </div>
  );
}

/** Try again (after a failure) and Continue, under an outcome; Continue has the focus, as the outcome is news. */
function OutcomeButtons({ prefix, failed, retrying, onRetry, onContinue }: {
  prefix: string;
  failed: boolean;
  retrying: boolean;
  onRetry: () => void;
  onContinue: () => void;
}) {
  return (
    <div className="sec-buttons">
      {failed && (
        <button type="button" className="button-secondary" data-testid={`${prefix}-retry`} disabled={retrying} aria-busy={retrying}
          onClick={onRetry}>
          {retrying ? <><span className="spinner" aria-hidden="true" /> Restoring…</> : 'Try again'}
        </button>
      )}
      <button type="button" className="button-primary" data-testid={`${prefix}-continue`} disabled={retrying} onClick={onContinue} autoFocus>
        Continue
      </button>
    </div>
  );
}

/** Runs `onRetry` once at a time, keeping its failure in words until the next try. */
function useRetry(onRetry: () => Promise<void>): { retrying: boolean; retryError: string | null; retry: () => void } {
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);
  async function run(): Promise<void> {
    setRetrying(true);
    setRetryError(null);
    try {
      await onRetry();
    } catch (err) {
      setRetryError(errorMessage(err));
    } finally {
      setRetrying(false);
    }
  }
  return { retrying, retryError, retry: () => void run() };
}
