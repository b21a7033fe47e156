/**
 * Rules of the encryption screens, kept out of the components so they are unit-tested: which first-run step a
 * session needs, backend errors turned into words a person can act on, passphrase checks, the export file's name
 * and the key backup's summary.
 */
import type { KeyBackupStatus, KeyImportResult } from '../../../shared/rpc/commands.ts';
import type { VerificationState } from '../../../shared/rpc/types.ts';

/** What the first-run encryption step asks of this session: nothing, to verify it, or to set up recovery. */
export type EncryptionStepKind = 'none' | 'verify' | 'setup';

/**
 * What an unverified session is missing: `verify` when the account already has a cross-signing identity or secret
 * storage (another device set it up: this one must prove it belongs), `setup` when it has neither; `none` when
 * the session is verified or the state is not known yet.
 */
export function encryptionNeed(state: VerificationState | undefined): EncryptionStepKind {
  if (!state?.state_checked || state.is_verified) return 'none';
  return state.has_cross_signing || state.has_ssss ? 'verify' : 'setup';
}

export interface GateInput {
  /** The user signed in in this window (not a restored session, not another browser on the same backend). */
  freshLogin: boolean;
  /** The user skipped the step knowingly on this device. */
  skipped: boolean;
  /** The user asked for the step again (the reminder's button). */
  opened: boolean;
  /** The user chose not to wait for the first check. */
  stopWaiting: boolean;
}

/**
 * What the window shows between login and the rooms: `wait` for the first encryption check right after a login,
 * the step right after a login (until skipped) or when asked for again, else the app. A restored session or
 * another browser on the same backend is not stopped: it gets the reminder banner instead.
 */
export function gateView(state: VerificationState | undefined, g: GateInput): 'wait' | 'verify' | 'setup' | 'app' {
  const afterLogin = g.freshLogin && !g.skipped;
  if (afterLogin && !g.stopWaiting && !state?.state_checked) return 'wait';
  const need = encryptionNeed(state);
  if (need === 'none' || !(afterLogin || g.opened)) return 'app';
  return need;
}

/** The reminder banner: shown for an unverified session until the user dismisses it on this device. */
export function reminderFor(state: VerificationState | undefined, dismissed: boolean): EncryptionStepKind {
  return dismissed ? 'none' : encryptionNeed(state);
}

/** The verify command's error in words, with the backend's own message kept for the curious. */
export function describeVerifyError(message: string): string {
  if (/does not match|not a recovery key|MAC differs|wrong/i.test(message)) {
    return 'That recovery key or passphrase is not right. Check it for typos and try again.';
  }
  if (/no cross-signing identity|nothing to verify/i.test(message)) {
    return 'This account has no secure backup to verify against. Set up recovery instead.';
  }
  if (/lacks|missing|reset on another device|do not match the identity/i.test(message)) {
    return `Secure backup on this account is incomplete or was reset elsewhere: ${message}`;
  }
  if (/not running|no secret store/i.test(message)) return `Encryption is not running: ${message}`;
  return `Could not verify this session: ${message}`;
}

export interface SetupErrorText {
  text: string;
  /** The homeserver wants the account password (first time it is asked, or it was wrong). */
  needsPassword: boolean;
}

/** reset_encryption's error in words; says when the account password must be asked for. */
export function describeSetupError(message: string): SetupErrorText {
  if (/refused the account password/i.test(message)) {
    return { text: 'The homeserver refused that password. Enter your account password again.', needsPassword: true };
  }
  if (/asks for your account password/i.test(message)) {
    return { text: 'Your homeserver asks for your account password to publish the new keys.', needsPassword: true };
  }
  return { text: `Could not set up secure backup: ${message}`, needsPassword: false };
}

/** A new passphrase typed twice (a key export's, or a recovery passphrase): an error in words, or null when fine. */
export function checkNewPassphrase(first: string, second: string, minLength = 8): string | null {
  if (first === '') return 'Enter a passphrase.';
  if (first.length < minLength) return `Use at least ${minLength} characters.`;
  if (first !== second) return 'The two passphrases are not the same.';
  return null;
}

/** `lattice-keys-alice-2026-11-26.txt`: the account and the day, so several exports are told apart. */
export function exportFileName(userId: string | undefined, now: Date): string {
  const who = (/^@([^:]+)/.exec(userId ?? '')?.[1] ?? 'account').replace(/[^A-Za-z0-9._-]/g, '_');
  const day = now.toISOString().slice(0, 10);
  return `lattice-keys-${who}-${day}.txt`;
}

export function recoveryKeyFileName(userId: string | undefined): string {
  const who = (/^@([^:]+)/.exec(userId ?? '')?.[1] ?? 'account').replace(/[^A-Za-z0-9._-]/g, '_');
  return `lattice-recovery-key-${who}.txt`;
}

/** The recovery key file's text: the key and what it is for, so it is recognised when found later. */
export function recoveryKeyFileText(userId: string | undefined, key: string): string {
  return `Recovery key for ${userId ?? 'your Matrix account'}\n\n${key}\n\nKeep it private: it unlocks your encrypted messages on any new device.\n`;
}

export function describeImport(result: KeyImportResult): string {
  const n = (k: number): string => `${k} key${k === 1 ? '' : 's'}`;
  if (result.total_count === 0) return 'The file holds no keys.';
  if (result.imported_count === 0) return `Imported 0 of ${n(result.total_count)}: this session already had all of them.`;
  return `Imported ${result.imported_count} of ${n(result.total_count)}.`;
}

/** One line about the server-side key backup, for Settings → Security. */
export function describeBackup(status: KeyBackupStatus): string {
  if (status.version === null) return 'No key backup on this account.';
  const stored = status.server_key_count !== undefined ? `, ${status.server_key_count} key${status.server_key_count === 1 ? '' : 's'} stored` : '';
  const mine = status.enabled
    ? `This session backs up its keys (${status.device_backed_up_count} of ${status.device_key_count} backed up).`
    : 'This session does not use it yet: verify it to restore and back up keys.';
  return `Backup version ${status.version}${stored}. ${mine}`;
}
