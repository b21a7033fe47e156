import type { SyncStatus } from '../../../shared/rpc/types.ts';

/**
 * Null while syncing is fine. The backend's reason comes first, as a sentence; then that Lattice keeps trying and
 * how often it has, so "(5 attempts)" does not read as a limit.
 */
export function syncStatusText(s: SyncStatus): string | null {
  if (s.type === 'ok') return null;
  const error = s.error?.trim();
  if (s.type === 'permanently-failed') return `Sync stopped: ${error || 'unknown error'}`;
  const tries = s.error_count && s.error_count > 1 ? ` (${s.error_count} attempts so far)` : '';
  return error
    ? `${/[.?!)]$/.test(error) ? error : `${error}.`} Lattice keeps trying${tries}.`
    : `Connecting to the homeserver… Lattice keeps trying${tries}.`;
}
