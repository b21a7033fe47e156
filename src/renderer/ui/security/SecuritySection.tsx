/**
 * The Security tab of Settings: where this device stands with end-to-end encryption, read from client_state's
 * verification_state — whether this session is verified, whether the account has cross-signing and secure
 * backup (secret storage), and where this device keeps its secrets when that is not the OS keychain. (Recovery
 * setup, key export and import come with the encryption screens.)
 */
import { useClientState } from '../../api/hooks.ts';

function Status({ ok, yes, no, testId }: { ok: boolean; yes: string; no: string; testId: string }) {
  return <span className={`settings-trust ${ok ? 'trust-verified' : 'trust-unverified'}`} data-testid={testId}>{ok ? yes : no}</span>;
}

export function SecuritySection() {
  const state = useClientState();
  const vs = state?.verification_state;
  return (
    <>
      <h3>Security</h3>
      <p className="settings-intro">End-to-end encryption keeps your messages readable only by the people in the room.</p>
      {!vs?.state_checked
        ? <p className="settings-hint" role="status">Checking this session's encryption…</p>
        : (
          <dl className="settings-status" data-testid="security-status">
            <div>
              <dt>This session</dt>
              <dd><Status ok={vs.is_verified} yes="Verified" no="Not verified" testId="security-verified" />
                {!vs.is_verified && <span className="settings-hint">Verify it from another session, or with your recovery key, to read older encrypted messages.</span>}
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
          </dl>
        )}
      {state?.secret_storage_warning && <p className="settings-warning" role="note">{state.secret_storage_warning}</p>}
      {state?.secret_storage_error && <p className="settings-alert" role="alert">{state.secret_storage_error}</p>}
    </>
  );
}
