/**
 * Server-side key backup (m.megolm_backup.v1.curve25519-aes-sha2): creating a backup version for a new backup
 * key, enabling the engine's backup so that it encrypts every room key it has for the backup, uploading those in
 * the background, and restoring: downloading the backup, decrypting each session with the backup key and
 * importing them. The backup's private key lives only in the engine's (encrypted) store and in secret storage.
 */
import { BackupDecryptionKey, RoomId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { BackupVersionInfo, CryptoApi } from '../matrix/api/crypto.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';

export const BACKUP_ALGORITHM = 'm.megolm_backup.v1.curve25519-aes-sha2';

export class KeyBackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyBackupError';
  }
}

/** Whether the server's backup is the one this key opens (its public key is the key's public part). */
export function backupMatchesKey(info: BackupVersionInfo, key: BackupDecryptionKey): boolean {
  return info.algorithm === BACKUP_ALGORITHM && info.auth_data.public_key === key.megolmV1PublicKey.publicKeyBase64;
}

/** Keeps the key with its version in the engine's store and turns on uploading to that version. */
export async function enableBackup(machine: OlmMachine, key: BackupDecryptionKey, version: string): Promise<void> {
  await machine.saveBackupDecryptionKey(key, version);
  await machine.enableBackupV1(key.megolmV1PublicKey.publicKeyBase64, version);
}

/** A new backup version on the server for a fresh backup key, its auth data signed by this device (and master key). */
export async function createBackup(machine: OlmMachine, api: CryptoApi): Promise<{ key: BackupDecryptionKey; version: string }> {
  const key = BackupDecryptionKey.createRandomKey();
  const authData: Record<string, unknown> = { public_key: key.megolmV1PublicKey.publicKeyBase64 };
  // Signed as canonical JSON: with a single key, JSON.stringify already is.
  const signatures = await machine.sign(JSON.stringify(authData));
  authData.signatures = JSON.parse(signatures.asJSON()) as unknown;
  const { version } = await api.createBackupVersion(BACKUP_ALGORITHM, authData);
  return { key, version };
}

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

/** Downloads the whole backup and imports every session it can decrypt; answers how many of how many. */
export async function restoreBackup(machine: OlmMachine, api: CryptoApi, key: BackupDecryptionKey, version: string): Promise<{ imported: number; total: number }> {
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
  const result = await machine.importBackedUpRoomKeys(byRoom, () => undefined, version);
  return { imported: result.importedCount, total };
}

/**
 * Uploads the room keys the engine has not yet backed up, batch by batch, once the backup is enabled. Runs are
 * serialized like the outgoing request loop; a failure leaves the keys marked as not backed up, so the next run
 * (after the next sync) sends them again.
 */
export class BackupUploader {
  private readonly machine: OlmMachine;
  private readonly outgoing: OutgoingRequests;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(machine: OlmMachine, outgoing: OutgoingRequests) {
    this.machine = machine;
    this.outgoing = outgoing;
  }

  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const req = await this.machine.backupRoomKeys();
            if (!req) break;
            await this.outgoing.send(req);
          }
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
