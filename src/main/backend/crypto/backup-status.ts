/**
 * get_key_backup_status: what the UI shows about the server-side key backup. The server says which backup is
 * current (and how many keys it holds); the engine says whether this device uploads to it and how many of its room
 * keys are already there. Read-only: nothing is enabled or uploaded here.
 */
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { KeyBackupStatus } from '../../../shared/rpc/index.ts';
import type { CryptoApi } from '../matrix/api/crypto.ts';

export async function keyBackupStatus(machine: OlmMachine, api: CryptoApi): Promise<KeyBackupStatus> {
  const [info, enabled, counts, saved] = await Promise.all([
    api.backupVersion(), machine.isBackupEnabled(), machine.roomKeyCounts(), machine.getBackupKeys(),
  ]);
  try {
    return {
      version: info?.version ?? null,
      ...(typeof info?.count === 'number' ? { server_key_count: info.count } : {}),
      // Enabled for an older version (reset on another device) is not taking part in the current backup.
      enabled: enabled && info !== null && saved.backupVersion === info.version,
      device_key_count: counts.total,
      device_backed_up_count: counts.backedUp,
    };
  } finally {
    counts.free();
    saved.free();
  }
}
