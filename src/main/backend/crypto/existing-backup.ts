/**
 * Setting up secure backup on an account that already has a key backup this session cannot open (an older setup,
 * say an old Element's, with a backup but no secret storage or cross-signing): a new backup version would make the
 * old one's room keys unreachable for every new session. So the setup either keeps that backup, opened with its own
 * recovery key (or passphrase, when its auth_data says how to derive the key from one), or replaces it only when the
 * user said so knowingly. Decided before anything is changed on the server.
 */
import { BackupDecryptionKey } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { BackupVersionInfo, CryptoApi } from '../matrix/api/crypto.ts';
import { backupMatchesKey, KeyBackupError } from './backup.ts';
import { decodeRecoveryKey, keyFromPassphrase } from './secret-storage-crypto.ts';

/** What the setup does about the server's current backup: keep it with this key, or make a new one. */
export type BackupPlan = { keep: BackupDecryptionKey; version: string } | { keep: null };

export interface BackupChoice {
  /** The existing backup's recovery key or passphrase: that backup is kept. */
  backupKey?: string | undefined;
  /** The user agreed to start a new backup, knowing the old one's messages become unreadable here. */
  replaceBackup?: boolean | undefined;
}

/**
 * Asks the server for its current backup and decides. Throws, in words, when the account has a backup this session
 * cannot open and the user neither gave its key nor agreed to replace it, or when the key given does not open it.
 */
export async function planBackup(machine: OlmMachine, api: CryptoApi, choice: BackupChoice): Promise<BackupPlan> {
  const info = await api.backupVersion();
  if (choice.backupKey !== undefined && choice.backupKey.trim() !== '') {
    if (!info) throw new KeyBackupError('This account has no key backup on the server, so there is none to keep.');
    const key = await backupKeyFrom(choice.backupKey.trim(), info);
    if (!backupMatchesKey(info, key)) {
      key.free();
      throw new KeyBackupError(`That recovery key or passphrase does not open the account's existing key backup (version ${info.version}).`);
    }
    return { keep: key, version: info.version };
  }
  if (!info || choice.replaceBackup === true) return { keep: null };
  // A session that already uses this backup (a reset from Settings) holds its keys: replacing it is the reset asked for.
  const saved = await machine.getBackupKeys();
  if (saved.decryptionKey && saved.backupVersion === info.version && backupMatchesKey(info, saved.decryptionKey)) return { keep: null };
  throw new KeyBackupError(
    `This account already has a key backup (version ${info.version}) that this session cannot open. Give that backup's `
    + 'recovery key or passphrase to keep it, or agree to start over: a new backup makes the messages kept only in the '
    + 'old one unreadable on new sessions.',
  );
}

/** The backup's private key from its recovery key, or from a passphrase when the backup's auth_data says how. */
async function backupKeyFrom(text: string, info: BackupVersionInfo): Promise<BackupDecryptionKey> {
  const bytes = decodeRecoveryKey(text);
  if (bytes) {
    try {
      return BackupDecryptionKey.fromBase64(Buffer.from(bytes).toString('base64'));
    } finally {
      bytes.fill(0);
    }
  }
  const salt = info.auth_data.private_key_salt;
  const iterations = info.auth_data.private_key_iterations;
  if (typeof salt !== 'string' || typeof iterations !== 'number') {
    throw new KeyBackupError('That is not a recovery key, and the existing key backup was not set up with a passphrase: give its recovery key.');
  }
  const bits = info.auth_data.private_key_bits;
  const derived = await keyFromPassphrase(text, { algorithm: 'm.pbkdf2', salt, iterations, ...(typeof bits === 'number' ? { bits } : {}) });
  try {
    return BackupDecryptionKey.fromBase64(Buffer.from(derived).toString('base64'));
  } finally {
    derived.fill(0);
  }
}
