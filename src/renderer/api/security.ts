/**
 * Requests of the encryption screens (first-run step and Settings → Security), built here so components never
 * assemble payloads: verifying this session with the recovery key or passphrase, setting up recovery (checking an
 * existing backup's key first, and hearing how its keys are restored), restoring the key backup again, the key
 * backup's status, and room key export and import. Secrets typed by the user pass straight through to the backend
 * and are kept nowhere on this side.
 */
import type { BackupKeyCheck, KeyBackupRestore, KeyBackupStatus, KeyImportResult, RecoveryKeyResponse } from '../../shared/rpc/commands.ts';
import type { Session } from './session.ts';

/** Verifies this session with the account's recovery key or passphrase; rejects with the backend's reason. */
export async function verifyWithRecovery(session: Session, keyOrPassphrase: string): Promise<void> {
  await session.client.request('verify', { recovery_key: keyOrPassphrase.trim() });
}

/** A new recovery key (derived from `passphrase` when one is given); nothing uses it until `setUpRecovery`. */
export function generateRecoveryKey(session: Session, passphrase?: string): Promise<RecoveryKeyResponse> {
  return session.client.request('generate_recovery_key', passphrase ? { passphrase } : {});
}

/** What to do with a key backup the account already has: keep it (opened with its key or passphrase) or start over. */
export type ExistingBackupChoice = { kind: 'keep'; key: string } | { kind: 'replace' };

/**
 * Whether the key or passphrase opens the account's existing key backup, asked as soon as it is typed; rejects with
 * the backend's words (it does not match that backup, and what to try) when it does not.
 */
export function checkBackupKey(session: Session, keyOrPassphrase: string): Promise<BackupKeyCheck> {
  return session.client.request('check_backup_key', { backup_key: keyOrPassphrase.trim() });
}

/**
 * Restores the key backup's room keys again with the key this session holds (after a restore that failed); answers
 * the `done` outcome, rejects with the reason in words. Its progress comes as onBackupRestore tells it.
 */
export function restoreKeyBackup(session: Session): Promise<KeyBackupRestore> {
  return session.client.request('restore_key_backup', {});
}

/**
 * restore_key_backup hearing its progress (`onProgress`): answers its outcome, `done` or `failed` (why, and how many
 * keys came before it stopped, as the backend last told it); rejects only when refused before it began (no backup
 * key on this session, another backup on the server now), with the reason in words.
 */
export async function restoreKeyBackupWithProgress(session: Session, onProgress: (progress: KeyBackupRestore) => void): Promise<KeyBackupRestore> {
  const told: { last: KeyBackupRestore | null } = { last: null };
  const off = onBackupRestore(session, (p) => { told.last = p; onProgress(p); });
  try {
    return await restoreKeyBackup(session);
  } catch (err) {
    if (told.last?.stage === 'failed') return told.last;
    throw err;
  } finally {
    off();
  }
}

/** Hears how restoring room keys from the key backup goes (setup keeping a backup, or verify); answers the unsubscribe. */
export function onBackupRestore(session: Session, listener: (progress: KeyBackupRestore) => void): () => void {
  return session.client.on('key_backup_restore', listener);
}

/**
 * Sets up (or replaces) cross-signing, secret storage and key backup, opened by the generated key. The account
 * password answers the homeserver when it asks for it (replacing existing cross-signing keys).
 */
export async function setUpRecovery(session: Session, generated: RecoveryKeyResponse, accountPassword?: string, backup?: ExistingBackupChoice): Promise<void> {
  await session.client.request('reset_encryption', {
    recovery_key: generated.recovery_key,
    ...(generated.passphrase_meta ? { passphrase_meta: generated.passphrase_meta } : {}),
    ...(accountPassword ? { account_password: accountPassword } : {}),
    ...(backup?.kind === 'keep' ? { backup_key: backup.key.trim() } : {}),
    ...(backup?.kind === 'replace' ? { replace_backup: true } : {}),
  });
}

export function keyBackupStatus(session: Session): Promise<KeyBackupStatus> {
  return session.client.request('get_key_backup_status', {});
}

/** All room keys as the spec's passphrase-protected export file (text). */
export function exportRoomKeys(session: Session, passphrase: string): Promise<string> {
  return session.client.request('export_keys', { passphrase });
}

export function importRoomKeys(session: Session, fileText: string, passphrase: string): Promise<KeyImportResult> {
  return session.client.request('import_keys', { passphrase, data: fileText });
}
