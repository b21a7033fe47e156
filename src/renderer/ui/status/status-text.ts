import type { SyncStatus } from '../../../shared/rpc/types.ts';

/** Null while syncing is fine. */
export function syncStatusText(s: SyncStatus): string | null {
  if (s.type === 'ok') return null;
  const error = s.error?.trim();
  if (s.type === 'permanently-failed') return `Sync stopped: ${error || 'unknown error'}`;
  const attempts = s.error_count && s.error_count > 1 ? ` (${s.error_count} attempts)` : '';
  return error ? `Connection problem: ${error} — retrying${attempts}` : `Connection problem — retrying${attempts}`;
}
