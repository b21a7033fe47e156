/**
 * Setting up secure backup on an account that already has a key backup this session cannot open (an older setup,
 * say an old Element's, with a backup but no secret storage or cross-signing): a new backup version would make the
 * old one's room keys unreachable for every new session. So the setup either keeps that backup, opened with its own
 * recovery key (or passphrase, when its auth_data says how to derive the key from one), or replaces it only when the
 * user said so knowingly. Decided before anything is changed on the server; the key is also checked on its own
 * (check_backup_key) as soon as the user typed it.
 */
import { BackupDecryptionKey } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { BackupKeyCheck } from '../../../shared/rpc/index.ts';
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
  if (choice.backupKey !== undefined && choice.backupKey.trim() !== '') {
    const { info, key } = await openExistingBackup(api, choice.backupKey);
    return { keep: key, version: info.version };
  }
  const info = await api.backupVersion();
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

/**
 * The server's current backup and its key from `text` (recovery key or passphrase), checked to open it: the derived
 * key's public part must be the backup's `auth_data.public_key`. Throws in words, with what to try, when it is not;
 * the caller owns (and frees) the key. check_backup_key asks this as soon as the user typed the key, and
 * reset_encryption again, as the server's backup may have changed in between.
 */
export async function openExistingBackup(api: CryptoApi, text: string): Promise<{ info: BackupVersionInfo; key: BackupDecryptionKey }> {
  const info = await api.backupVersion();
  if (!info) throw new KeyBackupError('This account has no key backup on the server, so there is none to keep.');
  const key = await backupKeyFrom(text.trim(), info);
  if (!backupMatchesKey(info, key)) {
    key.free();
    throw new KeyBackupError(
      `That recovery key or passphrase does not open the account's existing key backup (version ${info.version}): it `
      + 'does not match that backup. Check it for typing mistakes (a passphrase must match exactly, capitals and '
      + 'spaces included), or try the backup\'s recovery key instead of its passphrase, or the other way round.',
    );
  }
  return { info, key };
}

/** check_backup_key: the backup `text` opens (openExistingBackup's words when it opens none); keeps nothing. */
export async function checkBackupKey(api: CryptoApi, text: string): Promise<BackupKeyCheck> {
  const { info, key } = await openExistingBackup(api, text);
  key.free();
  return { version: info.version, ...(typeof info.count === 'number' ? { key_count: info.count } : {}) };
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
    throw new KeyBackupError(`That is not a recovery key (check it for typing mistakes), and the existing key backup (version ${info.version}) was not set up with a passphrase: give its recovery key.`);
  }
  const bits = info.auth_data.private_key_bits;
  const derived = await keyFromPassphrase(text, { algorithm: 'm.pbkdf2', salt, iterations, ...(typeof bits === 'number' ? { bits } : {}) });
  try {
    return BackupDecryptionKey.fromBase64(Buffer.from(derived).toString('base64'));
  } finally {
    derived.fill(0);
  }
}
