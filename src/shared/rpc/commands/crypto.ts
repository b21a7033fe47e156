/**
 * Verification and recovery of this device, and room key export/import: gomuks' `verify`, `generate_recovery_key`,
 * `reset_encryption` and `export_keys` with its names and request fields, plus `import_keys` (gomuks imports
 * through its web server instead), `get_key_backup_status` (a Lattice extension: gomuks has no command that
 * tells the frontend the key backup's state), `check_backup_key` (a Lattice extension: gomuks cannot keep an
 * older backup at all) and `restore_key_backup` (a Lattice extension: restoring again after a restore failed).
 * Private keys never cross this contract: the recovery key and passphrases go in, the recovery key a person must
 * write down comes out, and nothing else secret.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';
import { roomIdField } from './fields.ts';

/** How a recovery key was derived from a passphrase (secret storage's `passphrase` of a key description). */
export interface PassphraseMeta {
  algorithm: 'm.pbkdf2';
  salt: string;
  iterations: number;
  bits?: number;
}

/**
 * generate_recovery_key's answer, in gomuks' shape without `cross_signing_keys`: gomuks hands the new private
 * cross-signing seeds to the frontend and back; Lattice's engine makes them itself in reset_encryption.
 */
export interface RecoveryKeyResponse {
  recovery_key: string;
  passphrase_meta?: PassphraseMeta;
}

export interface KeyImportResult {
  /** Keys that were new or better than the ones this device had. */
  imported_count: number;
  /** Keys in the file. */
  total_count: number;
}

/** get_key_backup_status's answer: the server's current key backup and this device's part in it. */
export interface KeyBackupStatus {
  /** The server's current backup version; null when the account has no key backup. */
  version: string | null;
  /** How many keys the server's backup holds, when the server says. */
  server_key_count?: number;
  /** This device holds the key of that backup and uploads its room keys to it. */
  enabled: boolean;
  /** Room keys this device holds, and how many of them it has backed up. */
  device_key_count: number;
  device_backed_up_count: number;
}

/** check_backup_key's answer: the server's backup that the key or passphrase opens. */
export interface BackupKeyCheck {
  version: string;
  /** How many keys that backup holds, when the server says. */
  key_count?: number;
}

/**
 * Lattice extension, pushed as `key_backup_restore` while room keys are restored from a key backup (setting up
 * secure backup that keeps an existing backup, `verify`, or `restore_key_backup`): how many of the backup's keys this
 * device has imported so far, from the crypto engine's import progress. `downloading` comes first (the backup is
 * fetched in one request, so 0 of 0), then `importing` (restored of total, total being the keys this backup key
 * decrypts), then `done`, or `failed` with `error` in words and the keys imported before it stopped: the backup
 * itself is then still kept and enabled, and neither the setup nor the verification fails for it.
 */
export interface KeyBackupRestore {
  version: string;
  stage: 'downloading' | 'importing' | 'done' | 'failed';
  restored: number;
  total: number;
  error?: string;
}

const passphraseMeta = z.object({
  algorithm: z.literal('m.pbkdf2'),
  salt: z.string().min(1),
  iterations: z.number().int().min(1),
  bits: z.number().int().min(8).max(512).optional(),
});

export const cryptoCommands = {
  /**
   * Verifies this device with the account's recovery key or recovery passphrase: the cross-signing keys and the
   * backup key are read from secret storage, this device is cross-signed, the key backup is enabled and restored.
   * A `client_state` event follows with the new verification state.
   */
  verify: command(z.object({ recovery_key: z.string().min(1, 'give the recovery key or passphrase') })).returns<boolean>(),
  /**
   * A new recovery key, from `passphrase` when given (then `passphrase_meta` says how). Nothing uses it until
   * `reset_encryption` is called with it, so showing it to the user first loses nothing.
   */
  generate_recovery_key: command(z.object({ passphrase: z.string().optional() })).returns<RecoveryKeyResponse>(),
  /**
   * Replaces the account's cross-signing identity, secret storage key and key backup with new ones opened by
   * `recovery_key` (from generate_recovery_key, with its `passphrase_meta`). Publishing cross-signing keys needs
   * user-interactive auth: `account_password` answers it when the homeserver asks. Lattice extension: when the
   * account has a key backup this session cannot open, `backup_key` (that backup's recovery key or passphrase) keeps
   * it, its key stored in the new secret storage and its room keys restored; `replace_backup: true` agrees to a new
   * backup instead; with neither, nothing is changed and the answer is an error saying so.
   */
  reset_encryption: command(z.object({
    recovery_key: z.string().min(1),
    passphrase_meta: passphraseMeta.optional(),
    account_password: z.string().optional(),
    backup_key: z.string().optional(),
    replace_backup: z.boolean().optional(),
  })).returns<boolean>(),
  /** The room keys (all, or one room's) as the spec's passphrase-protected export file, as text. */
  export_keys: command(z.object({
    passphrase: z.string().min(1, 'an export needs a passphrase'),
    room_id: roomIdField.optional(),
  })).returns<string>(),
  /** Imports the room keys of an export file (ours, Element's, any client's) that `passphrase` opens. */
  import_keys: command(z.object({
    passphrase: z.string().min(1),
    data: z.string().min(1, 'give the contents of the key file'),
  })).returns<KeyImportResult>(),
  /**
   * Lattice extension: whether `backup_key` (a recovery key, or a passphrase when the backup's auth_data has its
   * salt and iterations) opens the server's current key backup, as reset_encryption's `backup_key` would need: the
   * key is derived and its public key compared with the backup's `auth_data.public_key`. Answers the backup it
   * opens; an error in words when it does not (or there is no backup). Changes nothing and keeps nothing.
   */
  check_backup_key: command(z.object({ backup_key: z.string().trim().min(1, 'give the backup\'s recovery key or passphrase') })).returns<BackupKeyCheck>(),
  /** Lattice extension: the key backup's state, read from the server and the engine; changes nothing. */
  get_key_backup_status: command(z.object({})).returns<KeyBackupStatus>(),
  /**
   * Lattice extension: restores the room keys of the key backup this session uses (enabled by `verify` or
   * `reset_encryption`, its key kept by the engine) again, for when that restore failed: no recovery key is needed.
   * Its progress is told as `key_backup_restore`; answers the `done` stage, or an error in words (told as `failed`
   * too) when it fails again, or when this session has no backup key or the server's backup is another one now.
   */
  restore_key_backup: command(z.object({})).returns<KeyBackupRestore>(),
} satisfies CommandArea;
