/**
 * Settings → Security: whether this session is verified, whether the account has cross-signing and secure backup,
 * the key backup's state, and the actions: verify with the recovery key or passphrase, set up recovery or replace
 * the recovery key (after a confirmation that says what that does), export and import room keys. One action is
 * open at a time, below the status.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { KeyBackupStatus } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { useClientState, useSession } from '../../api/hooks.ts';
import { keyBackupStatus } from '../../api/security.ts';
import { KeyExportForm, KeyImportForm } from './KeyTransfer.tsx';
import { RecoverySetup } from './RecoverySetup.tsx';
import { VerifyForm } from './VerifyForm.tsx';
import { describeBackup } from './security-logic.ts';
import './security.css';

type Action = 'verify' | 'setup' | 'reset-confirm' | 'reset' | 'export' | 'import';

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
  const state = useClientState();
  const vs = state?.verification_state;
  const [action, setAction] = useState<Action | null>(null);
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
    reload();
  };

  return (
    <section className="settings-section sec-section" aria-labelledby="sec-title" data-testid="security-section">
      <h3 id="sec-title">Security</h3>
      <dl className="sec-status">
        <StatusRow label="This session" good={verified} testId="sec-session"
          text={!vs?.state_checked ? 'Checking…' : verified ? 'Verified' : 'Not verified'} />
        <StatusRow label="Cross-signing" good={!!vs?.has_cross_signing} text={vs?.has_cross_signing ? 'Set up' : 'Not set up'} />
        <StatusRow label="Secure backup" good={!!vs?.has_ssss} text={vs?.has_ssss ? 'Set up' : 'Not set up'} testId="sec-ssss" />
        <StatusRow label="Key backup" good={!!backup.status?.enabled} testId="sec-backup"
          text={backup.error ? `Unknown: ${backup.error}` : backup.status ? describeBackup(backup.status) : 'Checking…'}
          extra={<button type="button" className="sec-link is-inline" data-testid="sec-backup-refresh" onClick={reload}>Refresh</button>} />
      </dl>

      {action === null && (
        <div className="sec-actions">
          {hasRecovery && (!verified || backupUnused) && (
            <button type="button" className="button-secondary" data-testid="sec-action-verify" onClick={() => setAction('verify')}>
              Enter recovery key or passphrase
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
          <button type="button" className="button-secondary" data-testid="sec-action-export" onClick={() => setAction('export')}>
            Export room keys
          </button>
          <button type="button" className="button-secondary" data-testid="sec-action-import" onClick={() => setAction('import')}>
            Import room keys
          </button>
        </div>
      )}

      {action !== null && (
        <div className="sec-panel" data-testid={`sec-panel-${action}`}>
          {action === 'verify' && (
            <>
              <VerifyForm autoFocus onVerified={finished} />
              <button type="button" className="sec-link" onClick={() => setAction(null)}>Cancel</button>
            </>
          )}
          {action === 'setup' && <RecoverySetup mode="setup" onDone={finished} onCancel={() => setAction(null)} />}
          {action === 'reset-confirm' && <ResetConfirm onCancel={() => setAction(null)} onConfirm={() => setAction('reset')} />}
          {action === 'reset' && <RecoverySetup mode="reset" onDone={finished} onCancel={() => setAction(null)} />}
          {action === 'export' && <KeyExportForm onDone={() => setAction(null)} />}
          {action === 'import' && <KeyImportForm onDone={finished} />}
        </div>
      )}
    </section>
  );
}

function StatusRow({ label, text, good, testId, extra }: { label: string; text: string; good: boolean; testId?: string; extra?: ReactNode }) {
  return (
    <div className={`sec-status-row ${good ? 'is-good' : 'is-bad'}`} data-testid={testId}>
      <dt>{label}</dt>
      <dd><span className="sec-dot" aria-hidden="true" /><span>{text}{extra && <> {extra}</>}</span></dd>
    </div>
  );
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
