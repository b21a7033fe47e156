/**
 * Server-side key backup (m.megolm_backup.v1.curve25519-aes-sha2): creating a backup version for a new backup
 * key, enabling the engine's backup so that it encrypts every room key it has for the backup, and uploading those
 * in the background (restoring is backup-restore.ts). The backup's private key lives only in the engine's
 * (encrypted) store and in secret storage.
 */
import { BackupDecryptionKey } from '@matrix-org/matrix-sdk-crypto-wasm';
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
