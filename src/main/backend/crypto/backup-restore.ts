/**
 * Restoring room keys from the server-side key backup: one session (the late-key path: an event arrived without its
 * key), or the whole backup (downloaded, each session decrypted with the backup key, imported by the engine) with
 * its progress told as key_backup_restore, from the engine's own import progress, so a big backup does not look
 * stuck.
 */
import { RoomId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { BackupDecryptionKey, OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { KeyBackupRestore } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { CryptoApi } from '../matrix/api/crypto.ts';
import { describeRestoreError } from '../matrix/errors.ts';
import { backupMatchesKey, KeyBackupError } from './backup.ts';

/**
 * Asks the backup for one session (the late-key path: an event arrived without its key) and imports it when the
 * backup has it. Answers whether it was imported; false without an enabled backup key.
 */
export async function restoreSession(machine: OlmMachine, api: CryptoApi, roomId: string, sessionId: string): Promise<boolean> {
  const saved = await machine.getBackupKeys();
  const key = saved.decryptionKey;
  const version = saved.backupVersion;
  if (!key || !version) return false;
  const s = await api.backedUpSession(version, roomId, sessionId);
  const d = s?.session_data;
  if (!d || typeof d.ephemeral !== 'string' || typeof d.mac !== 'string' || typeof d.ciphertext !== 'string') return false;
  const session = JSON.parse(key.decryptV1(d.ephemeral, d.mac, d.ciphertext)) as unknown;
  const result = await machine.importBackedUpRoomKeys(new Map([[new RoomId(roomId), new Map([[sessionId, session]])]]), () => undefined, version);
  return result.importedCount > 0;
}

/** Told how a restore goes: `restored` of `total` keys imported so far (0 of 0 while the backup downloads). */
export type RestoreProgress = (stage: 'downloading' | 'importing', restored: number, total: number) => void;

/**
 * Downloads the whole backup and imports every session it can decrypt; answers how many were new here, how many it
 * decrypted and how many the backup holds. `progress` hears the engine's own import progress (before each key,
 * how many it has imported).
 */
export async function restoreBackup(
  machine: OlmMachine, api: CryptoApi, key: BackupDecryptionKey, version: string, progress: RestoreProgress = () => undefined,
): Promise<{ imported: number; decrypted: number; total: number }> {
  progress('downloading', 0, 0);
  const backup = await api.backedUpRoomKeys(version);
  const byRoom = new Map<RoomId, Map<string, unknown>>();
  let total = 0;
  let undecryptable = 0;
  for (const [roomId, room] of Object.entries(backup.rooms ?? {})) {
    const sessions = new Map<string, unknown>();
    for (const [sessionId, s] of Object.entries(room.sessions ?? {})) {
      total++;
      const d = s.session_data;
      if (!d || typeof d.ephemeral !== 'string' || typeof d.mac !== 'string' || typeof d.ciphertext !== 'string') {
        undecryptable++;
        continue;
      }
      try {
        sessions.set(sessionId, JSON.parse(key.decryptV1(d.ephemeral, d.mac, d.ciphertext)) as unknown);
      } catch {
        // A session encrypted for another key (a backup reset half-way) is skipped; the rest still restore.
        undecryptable++;
      }
    }
    if (sessions.size) byRoom.set(new RoomId(roomId), sessions);
  }
  if (total > 0 && undecryptable === total) {
    throw new KeyBackupError(`None of the ${total} keys in backup version ${version} could be decrypted with this backup key.`);
  }
  // Counted against all the backup holds: keys this key cannot decrypt are not restored, and the count says so.
  progress('importing', 0, total);
  const result = await machine.importBackedUpRoomKeys(byRoom, (done) => progress('importing', Number(done), total), version);
  return { imported: result.importedCount, decrypted: total - undecryptable, total };
}

/**
 * restoreBackup telling `tell` how it goes: at most every 1% of the keys (the engine reports each one), then done
 * (also answered), or failed with the reason in words and how many keys were restored before it stopped (and thrown,
 * with those words).
 */
export async function restoreWithProgress(
  machine: OlmMachine, api: CryptoApi, key: BackupDecryptionKey, version: string, logger: Logger,
  tell: ((progress: KeyBackupRestore) => void) = () => undefined,
): Promise<KeyBackupRestore> {
  let told = { stage: '', restored: 0 };
  const seen = { restored: 0, total: 0 };
  try {
    const { imported, decrypted, total } = await restoreBackup(machine, api, key, version, (stage, restored, of) => {
      seen.restored = restored;
      seen.total = of;
      if (stage === told.stage && restored < of && restored - told.restored < Math.max(1, Math.floor(of / 100))) return;
      told = { stage, restored };
      tell({ version, stage, restored, total: of });
    });
    const done: KeyBackupRestore = { version, stage: 'done', restored: decrypted, total };
    tell(done);
    logger.info(`encryption: restored ${decrypted} of ${total} room keys from the backup (${imported} new here)`, { version });
    return done;
  } catch (e) {
    const error = describeRestoreError(e, version);
    logger.warn(`encryption: restoring room keys from the backup failed: ${error}`, { version });
    tell({ version, stage: 'failed', ...seen, error });
    throw new KeyBackupError(error);
  }
}

/**
 * restore_key_backup: the whole backup restored again with the key this session kept when it enabled the backup
 * (verify, or setup), so a restore that failed can be tried again without the recovery key. Refused in words when
 * there is no such key, or the server's current backup is another one (replaced on another device since).
 */
export async function restoreSavedBackup(
  machine: OlmMachine, api: CryptoApi, logger: Logger, tell: (progress: KeyBackupRestore) => void,
): Promise<KeyBackupRestore> {
  const saved = await machine.getBackupKeys();
  const key = saved.decryptionKey;
  const version = saved.backupVersion;
  if (!key || !version) throw new KeyBackupError('This session has no key backup key yet: verify it with your recovery key or passphrase, which restores the backup.');
  const info = await api.backupVersion().catch((e: unknown) => { throw new KeyBackupError(describeRestoreError(e, version)); });
  if (!info || info.version !== version || !backupMatchesKey(info, key)) {
    throw new KeyBackupError(`The key backup this session uses (version ${version}) is no longer your homeserver's current one: enter your recovery key or passphrase to use the current one.`);
  }
  return restoreWithProgress(machine, api, key, version, logger, tell);
}
