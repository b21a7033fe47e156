/**
 * The banners above the layout about the app's plumbing: the connection to the backend (with a countdown and "Retry
 * now"), the homeserver's sync (with "Retry now"), and secrets kept outside the OS keychain.
 */
import { useEffect, useState } from 'react';
import { useClientState, useConnection, useSession, useSyncStatus } from '../../api/hooks.ts';
import type { SyncStatus } from '../../../shared/rpc/types.ts';
import type { TransportStatus } from '../../api/transport.ts';
import { syncStatusText } from './status-text.ts';
import './status.css';

/** Seconds until `at`, ticking, for "reconnecting in 5 s". */
function useCountdown(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return undefined;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export function ConnectionBanner({ status }: { status: TransportStatus }) {
  const session = useSession();
  const retryAt = status.state === 'closed' || status.state === 'unauthenticated' ? status.retryAt : null;
  const seconds = useCountdown(retryAt);
  if (status.state === 'open' || status.state === 'connecting') return null;
  if (status.state === 'unauthenticated') {
    return (
      <div className="banner banner-error" role="alert" data-testid="connection-status">
        <span className="banner-text">{status.message}</span>
        <button type="button" className="banner-action" onClick={() => session.reconnectNow()}>Try again</button>
      </div>
    );
  }
  if (status.retryAt === null) {
    return (
      <div className="banner banner-error" role="alert" data-testid="connection-status">
        <span className="banner-text">{status.reason}.</span>
      </div>
    );
  }
  return (
    <div className="banner banner-warning" role="status" data-testid="connection-status">
      <span className="banner-text">
        {status.reason} — reconnecting{seconds ? ` in ${seconds} s` : '…'}
      </span>
      <button type="button" className="banner-action" onClick={() => session.reconnectNow()}>Retry now</button>
    </div>
  );
}

/**
 * The homeserver's sync, when it is failing: why, and "Retry now", which ends the backend's wait before its next try
 * (the backoff grows to a minute, and a rate limit may ask for longer). The button says "Retrying…" until that try's
 * outcome arrives as a new status (none at all when it worked: the banner goes).
 */
export function SyncStatusBanner() {
  const session = useSession();
  const status = useSyncStatus();
  const [retriedAt, setRetriedAt] = useState<SyncStatus | null>(null);
  const text = syncStatusText(status);
  if (!text) return null;
  const failed = status.type === 'permanently-failed';
  const retrying = retriedAt === status;
  function retry(): void {
    setRetriedAt(status);
    session.client.request('retry_sync', {}).catch(() => setRetriedAt(null));
  }
  return (
    <div className={`banner ${failed ? 'banner-error' : 'banner-warning'}`} role={failed ? 'alert' : 'status'} data-testid="sync-status" data-sync-status={status.type}>
      <span className="banner-text">{text}</span>
      {!failed && (
        <button type="button" className="banner-action" data-testid="sync-retry" disabled={retrying} onClick={retry}>
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
      )}
    </div>
  );
}

export function SecretStorageBanner() {
  const warning = useClientState()?.secret_storage_warning;
  if (!warning) return null;
  return (
    <div className="banner banner-caution" role="status" data-testid="secret-storage-warning">
      <span className="banner-icon" aria-hidden="true">⚠</span>
      <span className="banner-text">
        <strong>Secrets are not in the OS keychain.</strong> {warning}
      </span>
    </div>
  );
}

/** Everything that can be wrong with the app's plumbing, stacked above the layout. */
export function StatusBanners() {
  const connection = useConnection();
  return (
    <div className="banners">
      <ConnectionBanner status={connection} />
      {connection.state === 'open' && <SyncStatusBanner />}
      <SecretStorageBanner />
    </div>
  );
}
