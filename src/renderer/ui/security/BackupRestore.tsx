/**
 * How restoring the room keys of a key backup goes, told by the backend's key_backup_restore: while it runs, how
 * many keys of how many are restored (a bar and the words), and afterwards the outcome, so the user sees that their
 * earlier messages came back. Both setup keeping a backup and verifying this session (VerifyForm.tsx) restore. After
 * setup, a failed restore is said in words with the backup still kept (setup is done); *Try again* restores once
 * more with the new recovery key (`verify`), *Continue* goes on without. After verifying, a failed restore fails the
 * verification (said in the form's error), so only a finished one has an outcome here.
 */
import { useState } from 'react';
import type { KeyBackupRestore } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';

function keys(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'key' : 'keys'}`;
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
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);
  async function retry(): Promise<void> {
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
      <div className="sec-buttons">
        {failed && (
          <button type="button" className="button-secondary" data-testid="recovery-restore-retry" disabled={retrying} aria-busy={retrying}
            onClick={() => void retry()}>
            {retrying ? <><span className="spinner" aria-hidden="true" /> Restoring…</> : 'Try again'}
          </button>
        )}
        <button type="button" className="button-primary" data-testid="recovery-restore-continue" disabled={retrying} onClick={onContinue} autoFocus>
          Continue
        </button>
      </div>
    </div>
  );
}

/** After verifying this session: how many of the backup's keys are here now. `onContinue` leaves the form. */
export function VerifiedRestore({ outcome, onContinue }: { outcome: KeyBackupRestore; onContinue: () => void }) {
  return (
    <div className="sec-form" data-testid="verify-restore-outcome">
      <div className="sec-success" role="status" data-testid="verify-restore-done">
        This session is verified.{' '}
        {outcome.total === 0
          ? `Your key backup (version ${outcome.version}) held no keys to restore.`
          : `${keys(outcome.restored)} of ${outcome.total.toLocaleString()} restored from your key backup (version ${outcome.version}): your earlier encrypted messages can be read here.`}
      </div>
      <div className="sec-buttons">
        <button type="button" className="button-primary" data-testid="verify-restore-continue" onClick={onContinue} autoFocus>
          Continue
        </button>
      </div>
    </div>
  );
}
