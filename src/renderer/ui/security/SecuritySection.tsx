/**
 * The Security tab of Settings: where this device stands with end-to-end encryption — whether this session is
 * verified, whether the account has cross-signing and secure backup (client_state's verification_state), the key
 * backup's state (get_key_backup_status), and where this device keeps its secrets when that is not the OS
 * keychain — and the actions: verify with the recovery key or passphrase or with another session (emoji, in the
 * verification dialog), set up recovery or replace the recovery
 * key (after a confirmation that says what that does), restore the key backup's keys again while this session uses
 * it (RestoreBackupPanel.tsx), export and import room keys. One action is open at a time,
 * below the status.
 */
import { useCallback, useEffect, useState } from 'react';
import type { KeyBackupStatus } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { useClientState, useSession } from '../../api/hooks.ts';
import { keyBackupStatus } from '../../api/security.ts';
import { requestVerification } from '../../api/verification-requests.ts';
import { KeyExportForm, KeyImportForm } from './KeyTransfer.tsx';
import { RecoverySetup } from './RecoverySetup.tsx';
import { RestoreBackupPanel } from './RestoreBackupPanel.tsx';
import { VerifyForm } from './VerifyForm.tsx';
import { describeBackup } from './security-logic.ts';
import './security.css';

type Action = 'verify' | 'setup' | 'reset-confirm' | 'reset' | 'restore' | 'export' | 'import';

function useBackupStatus(): { status: KeyBackupStatus | null; error: string | null; reload: () => void } {
  const session = useSession();
  const [status, setStatus] = useState<KeyBackupStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    keyBackupStatus(session).then(
      (s) => { if (live) { setStatus(s); setError(null); } },
      (err: unknown) => { if (live) setError(errorMessage(err)); },
    );
    return () => { live = false; };
  }, [session, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { status, error, reload };
}

export function SecuritySection() {
  const session = useSession();
  const state = useClientState();
  const [askError, setAskError] = useState<string | null>(null);
  const ownUserId = state?.user_id;
  const vs = state?.verification_state;
  const [action, setAction] = useState<Action | null>(null);
  /** The verify form has verified and shows how many keys its restore brought back. */
  const [restoreShown, setRestoreShown] = useState(false);
  const backup = useBackupStatus();
  const { reload } = backup;
  const hasRecovery = !!(vs?.has_cross_signing || vs?.has_ssss);
  // Verified from another device without its backup key: the recovery key still brings the key backup.
  const backupUnused = backup.status !== null && backup.status.version !== null && !backup.status.enabled;

  // Verifying or setting up changes the backup's state too.
  const verified = vs?.is_verified ?? false;
  useEffect(() => { reload(); }, [verified, reload]);

  const finished = (): void => {
    setAction(null);
    setRestoreShown(false);
    reload();
  };

  return (
    <div className="sec-section" data-testid="security-section">
      <h3>Security</h3>
      <p className="settings-intro">End-to-end encryption keeps your messages readable only by the people in the room.</p>
      {!vs?.state_checked
        ? <p className="settings-hint" role="status">Checking this session's encryption…{vs?.check_error !== undefined && ` ${vs.check_error}`}</p>
        : (
          <dl className="settings-status" data-testid="security-status">
            <div>
              <dt>This session</dt>
              <dd><Status ok={verified} yes="Verified" no="Not verified" testId="security-verified" />
                {/* Without cross-signing or a backup there is nothing to verify against yet: setting up is the way. */}
                {!verified && <span className="settings-hint" data-testid="security-verify-hint">{hasRecovery
                  ? 'Verify it with your recovery key or from another session (below), to read older encrypted messages.'
                  : 'Set up secure backup (below): this session then becomes your first verified one.'}</span>}
              </dd>
            </div>
            <div>
              <dt>Cross-signing</dt>
              <dd><Status ok={vs.has_cross_signing} yes="Set up" no="Not set up" testId="security-cross-signing" /></dd>
            </div>
            <div>
              <dt>Secure backup</dt>
              <dd><Status ok={vs.has_ssss} yes="Set up" no="Not set up" testId="security-backup" />
                {!vs.has_ssss && <span className="settings-hint">Without it, losing all your sessions means losing your encrypted history.</span>}
              </dd>
            </div>
            <div>
              <dt>Key backup</dt>
              <dd data-testid="security-key-backup">
                <Status ok={!!backup.status?.enabled} yes="In use" no={backup.status?.version ? 'Not in use here' : 'None'} testId="security-key-backup-state" />
                <span className="settings-hint">
                  {backup.error ? `Unknown: ${backup.error}` : backup.status ? describeBackup(backup.status) : 'Checking…'}
                  {' '}<button type="button" className="sec-link is-inline" data-testid="sec-backup-refresh" onClick={reload}>Refresh</button>
                </span>
              </dd>
            </div>
          </dl>
        )}
      {state?.secret_storage_warning && <p className="settings-warning" role="note">{state.secret_storage_warning}</p>}
      {state?.secret_storage_error && <p className="settings-alert" role="alert">{state.secret_storage_error}</p>}

      {action === null && (
        <div className="sec-actions">
          {hasRecovery && (!verified || backupUnused) && (
            <button type="button" className="button-secondary" data-testid="sec-action-verify" onClick={() => setAction('verify')}>
              Enter recovery key or passphrase
            </button>
          )}
          {vs?.has_cross_signing && !verified && ownUserId && (
            <button type="button" className="button-secondary" data-testid="sec-action-verify-session"
              onClick={() => {
                setAskError(null);
                // Our own user without a device: every other session of ours is asked; the dialog follows.
                requestVerification(session, ownUserId).catch((err: unknown) => setAskError(errorMessage(err)));
              }}>
              Verify with another session
            </button>
          )}
          {hasRecovery ? (
            <button type="button" className="button-secondary" data-testid="sec-action-reset" onClick={() => setAction('reset-confirm')}>
              Reset recovery key…
            </button>
          ) : (
            <button type="button" className="button-secondary" data-testid="sec-action-setup" onClick={() => setAction('setup')}>
              Set up secure backup
            </button>
          )}
          {backup.status?.enabled && (
            <button type="button" className="button-secondary" data-testid="sec-action-restore" onClick={() => setAction('restore')}>
              Restore keys from backup
            </button>
          )}
          <button type="button" className="button-secondary" data-testid="sec-action-export" onClick={() => setAction('export')}>
            Export room keys
          </button>
          <button type="button" className="button-secondary" data-testid="sec-action-import" onClick={() => setAction('import')}>
            Import room keys
          </button>
        </div>
      )}

      {askError && <p className="settings-alert" role="alert" data-testid="sec-verify-session-error">{askError}</p>}
      {action !== null && (
        <div className="sec-panel" data-testid={`sec-panel-${action}`}>
          {action === 'verify' && (
            <>
              <VerifyForm autoFocus onVerified={finished} onOutcome={() => setRestoreShown(true)} />
              {/* Verified, with the restore's outcome to read: nothing is left to cancel. */}
              {!restoreShown && <button type="button" className="sec-link" onClick={() => setAction(null)}>Cancel</button>}
            </>
          )}
          {action === 'setup' && <RecoverySetup mode="setup" existingBackup={vs?.has_key_backup === true} onDone={finished} onCancel={() => setAction(null)} />}
          {action === 'reset-confirm' && <ResetConfirm onCancel={() => setAction(null)} onConfirm={() => setAction('reset')} />}
          {action === 'reset' && <RecoverySetup mode="reset" onDone={finished} onCancel={() => setAction(null)} />}
          {action === 'restore' && <RestoreBackupPanel onDone={finished} />}
          {action === 'export' && <KeyExportForm onDone={() => setAction(null)} />}
          {action === 'import' && <KeyImportForm onDone={finished} />}
        </div>
      )}
    </div>
  );
}

function Status({ ok, yes, no, testId }: { ok: boolean; yes: string; no: string; testId: string }) {
  return <span className={`settings-trust ${ok ? 'trust-verified' : 'trust-unverified'}`} data-testid={testId}>{ok ? yes : no}</span>;
}

function ResetConfirm({ onCancel, onConfirm }: { onCancel: () => void; onConfirm: () => void }) {
  return (
    <div className="sec-form" role="alertdialog" aria-labelledby="sec-reset-title" aria-describedby="sec-reset-text" data-testid="reset-confirm">
      <h4 id="sec-reset-title" className="sec-subtitle">Reset your recovery key?</h4>
      <div id="sec-reset-text" className="sec-warning">
        <p>This replaces your cross-signing identity, secure backup and key backup with new ones:</p>
        <ul>
          <li>your old recovery key and passphrase stop working;</li>
          <li>your other sessions and the people who verified you will have to verify again;</li>
          <li>messages whose keys only the old backup held cannot be read on new devices.</li>
        </ul>
        <p>Do this only if you lost your recovery key, or believe someone else has it.</p>
      </div>
      <div className="sec-buttons">
        <button type="button" className="button-secondary" onClick={onCancel} autoFocus>Cancel</button>
        <button type="button" className="button-danger" data-testid="reset-confirm-button" onClick={onConfirm}>Reset</button>
      </div>
    </div>
  );
}
