/**
 * Handlers of the crypto area: verify, generate_recovery_key, reset_encryption (crypto/recovery.ts) and
 * export_keys / import_keys (crypto/key-export.ts), get_key_backup_status (crypto/backup-status.ts) and
 * check_backup_key (crypto/existing-backup.ts), restore_key_backup (crypto/backup-restore.ts), each run on the session's open encryption engine.
 */
import type { cryptoCommands } from '../../../shared/rpc/commands.ts';
import type { CryptoSession } from '../crypto/crypto-session.ts';
import { keyBackupStatus } from '../crypto/backup-status.ts';
import { checkBackupKey } from '../crypto/existing-backup.ts';
import { exportKeys, importKeys } from '../crypto/key-export.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function cryptoHandlers(ctx: CommandContext): AreaHandlers<typeof cryptoCommands> {
  const engine = (): CryptoSession => {
    const crypto = ctx.requireSession().crypto;
    if (!crypto) throw new Error('End-to-end encryption is not running for this session (no secret store for its keys).');
    return crypto;
  };
  return {
    verify: async ({ recovery_key: code }) => {
      await engine().withEngine((r) => r.verify(code));
      return true;
    },
    generate_recovery_key: ({ passphrase }) => engine().withEngine((r) => r.generateRecoveryKey(passphrase)),
    reset_encryption: async ({ recovery_key: key, passphrase_meta: meta, account_password: password, backup_key: backupKey, replace_backup: replaceBackup }) => {
      await engine().withEngine((r) => r.resetEncryption(key, meta, password, { backupKey, replaceBackup }));
      return true;
    },
    export_keys: ({ passphrase, room_id: roomId }) => engine().withEngine((_, machine) => exportKeys(machine, passphrase, roomId)),
    import_keys: ({ passphrase, data }) => engine().withEngine(async (r, machine) => {
      const result = await importKeys(machine, data, passphrase);
      // Imported keys go to the key backup too, when it is on.
      await r.backup.flush().catch(() => undefined);
      return result;
    }),
    // Asks only the server (the backup's auth_data) and derives the key: no engine state is read or changed.
    check_backup_key: ({ backup_key: text }) => engine().withEngine(() => checkBackupKey(ctx.requireSession().client.crypto, text)),
    get_key_backup_status: () => engine().withEngine((_, machine) => keyBackupStatus(machine, ctx.requireSession().client.crypto)),
    restore_key_backup: () => engine().withEngine((r) => r.restoreBackupAgain()),
  };
}
