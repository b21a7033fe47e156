/**
 * Verification and recovery of this device with gomuks' commands: `verify` opens secret storage with a recovery key
 * or passphrase, imports the cross-signing keys and the backup key into the engine, cross-signs this device, enables
 * the key backup and restores the room keys from it (a failed restore is told, not a failed verification:
 * `restore_key_backup` tries it again); `generate_recovery_key` and `reset_encryption` set everything
 * up from scratch (new cross-signing identity published with user-interactive auth, a new secret storage key
 * holding the three cross-signing keys and a new backup key, a new backup version). It also keeps
 * `client_state.verification_state` true to what the engine and the account hold, including after a restart. When
 * neither the engine nor the synced account data knows of an identity or secret storage, the state stays unchecked
 * (with the reason in `check_error`, retried) until the homeserver itself said there is none
 * (account-encryption.ts): a silent or failing server must not look like an account without secure backup.
 *
 * Private keys go from secret storage into the engine's encrypted store and nowhere else: not SQLite, not logs,
 * not the frontend (unlike gomuks, generate_recovery_key does not return cross-signing seeds: the engine makes
 * the keys in reset_encryption).
 */
import crypto from 'node:crypto';
import { BackupDecryptionKey, OwnUserIdentity, UserId, DeviceId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import { errorMessage } from '../../../shared/error-message.ts';
import type { KeyBackupRestore, RecoveryKeyResponse, VerificationState } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { askAccountEncryption, type AccountEncryption } from './account-encryption.ts';
import { BackupUploader, backupMatchesKey, createBackup, enableBackup } from './backup.ts';
import { restoreSavedBackup, restoreSession, restoreWithProgress } from './backup-restore.ts';
import { planBackup, type BackupChoice, type BackupPlan } from './existing-backup.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';
import { awaitOwnIdentity, signOwnDeviceAndIdentity, uploadSigningKeys } from './own-cross-signing.ts';
import {
  decodeRecoveryKey, encodeRecoveryKey, keyFromPassphrase, newPassphraseInfo, SecretStorageError, type PassphraseInfo,
} from './secret-storage-crypto.ts';
import { BACKUP_SECRET, CROSS_SIGNING_SECRETS, DEFAULT_KEY_TYPE, SecretStorage } from './secret-storage.ts';

export interface RecoveryOptions {
  machine: OlmMachine;
  outgoing: OutgoingRequests;
  client: MatrixClient;
  userId: string;
  deviceId: string;
  logger: Logger;
  /** Account data as last synced (for has_ssss without a request). */
  accountData: (type: string) => unknown;
  /** Told when verification_state changed. */
  onChange: () => void;
  /** Told how restoring room keys from the key backup goes (pushed as key_backup_restore). */
  onRestore?: ((progress: KeyBackupRestore) => void) | undefined;
  /** Ends the questions to the homeserver and their retries (the session is closing). */
  signal: AbortSignal;
  /** How long asking the homeserver what the account has may go unanswered (tests shorten it). */
  answerWithinMs?: number;
  /** How long after a failed ask the homeserver is asked again (tests shorten it). */
  recheckMs?: number;
}

/** Like the sync loop's bound for requests that should be answered at once (sync/sync-loop.ts). */
const ANSWER_WITHIN_MS = 30_000;
const RECHECK_MS = 5_000;

const UNCHECKED: VerificationState = { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false };

export class Recovery {
  private readonly o: RecoveryOptions;
  readonly backup: BackupUploader;
  private state: VerificationState = UNCHECKED;
  /** Set once secret storage was seen or set up by this device (sync may not have brought the account data yet). */
  private ssssSeen = false;
  private refreshing: Promise<void> = Promise.resolve();
  private adopting: Promise<void> | null = null;
  private askedForSecrets = false;
  /** What the homeserver said the account has, once it said it (see askServer). */
  private server: AccountEncryption | null = null;
  /** Why the last question to the homeserver got no answer, until one does. */
  private serverError: string | undefined;
  private asking: Promise<void> | null = null;
  private recheck: ReturnType<typeof setTimeout> | undefined;

  constructor(o: RecoveryOptions) {
    this.o = o;
    this.backup = new BackupUploader(o.machine, o.outgoing);
  }

  get verificationState(): VerificationState {
    return this.state;
  }

  /** At start: turns the backup back on (the engine does not keep it enabled across restarts) and checks the state. */
  async start(): Promise<void> {
    await this.resumeBackup().catch((e: unknown) => this.o.logger.warn(`encryption: key backup not resumed: ${errorMessage(e)}`));
    await this.refresh();
  }

  /** After each sync: a change to our own devices or identity may change the state; new room keys go to the backup. */
  afterSync(): void {
    // A sync came through, so the homeserver answers again: a question it failed is asked again now.
    clearTimeout(this.recheck);
    this.recheck = undefined;
    // Cheap (three engine reads), and only a change is told: so the state follows whatever the sync brought.
    void this.refresh();
    this.backupInBackground();
    if (!this.adopting) {
      this.adopting = this.adoptGossipedBackupKey()
        .catch((e: unknown) => this.o.logger.warn(`encryption: a backup key from another device was not used: ${errorMessage(e)}`))
        .finally(() => { this.adopting = null; });
    }
  }

  /**
   * A backup key another of our devices sent (secret sharing after this device was verified interactively): used
   * like the one from secret storage when it opens the server's current backup. The engine keeps received secrets
   * in an inbox until they are handled, so one that arrives while Lattice is down is picked up at the next sync.
   */
  private async adoptGossipedBackupKey(): Promise<void> {
    const { machine, client, logger } = this.o;
    const inbox = await machine.getSecretsFromInbox(BACKUP_SECRET);
    if (inbox.size === 0) return;
    if (await machine.isBackupEnabled()) {
      await machine.deleteSecretsFromInbox(BACKUP_SECRET);
      return;
    }
    const info = await client.crypto.backupVersion();
    for (const secret of inbox) {
      let key: BackupDecryptionKey;
      try {
        key = BackupDecryptionKey.fromBase64(secret);
      } catch {
        continue;
      }
      if (info && backupMatchesKey(info, key)) {
        await this.useBackupKey(key);
        logger.info('encryption: using the backup key another device shared');
        break;
      }
    }
    await machine.deleteSecretsFromInbox(BACKUP_SECRET);
  }

  /**
   * Recomputes verification_state from the engine and account data, telling the backend if it changed. Runs are
   * chained, so a slow one cannot overwrite the state a later one found.
   */
  refresh(): Promise<void> {
    const run = this.refreshing.then(() => this.check());
    this.refreshing = run;
    return run;
  }

  /** restore_key_backup: the whole backup restored again with the key this session kept (backup-restore.ts). */
  restoreBackupAgain(): Promise<KeyBackupRestore> {
    return restoreSavedBackup(this.o.machine, this.o.client.crypto, this.o.logger, (p) => this.o.onRestore?.(p));
  }

  /**
   * For the late-key queue: fetches one session from the key backup and imports it (false when there is no
   * enabled backup or it lacks the session). Imports reach the engine's room key callback like any other.
   */
  restoreFromBackup(roomId: string, sessionId: string): Promise<boolean> {
    return restoreSession(this.o.machine, this.o.client.crypto, roomId, sessionId);
  }

  private async check(): Promise<void> {
    const { machine, userId, deviceId } = this.o;
    try {
      const identity = await machine.getIdentity(new UserId(userId));
      const device = await machine.getDevice(new UserId(userId), new DeviceId(deviceId));
      const status = await machine.crossSigningStatus();
      const hasKeys = status.hasMaster && status.hasSelfSigning && status.hasUserSigning;
      const def = this.o.accountData(DEFAULT_KEY_TYPE) as { key?: unknown } | undefined;
      const crossSigned = identity instanceof OwnUserIdentity && !!device?.isCrossSignedByOwner();
      // Signed by another of our devices (interactive verification) but without the private keys: ask our other
      // devices for them, once per run (they answer only a device they trust; the answers land in the engine).
      if (crossSigned && !this.askedForSecrets && (!hasKeys || !(await machine.isBackupEnabled()))) {
        this.askedForSecrets = true;
        if (await machine.requestMissingSecretsIfNeeded()) {
          this.o.outgoing.flush().catch((e: unknown) => this.o.logger.warn(`encryption: asking for secrets failed: ${errorMessage(e)}`));
        }
      }
      const hasCrossSigning = identity instanceof OwnUserIdentity || this.server?.crossSigning === true;
      const hasSsss = this.ssssSeen || (typeof def?.key === 'string' && def.key !== '') || this.server?.secretStorage === true;
      // Nothing known here may only mean nothing arrived yet (a first sync or key query not answered): only the
      // server's own "none" lets the step offer to set everything up anew.
      const known = crossSigned || hasCrossSigning || hasSsss || this.server !== null;
      if (!known) this.askServer();
      const next: VerificationState = {
        is_verified: crossSigned && hasKeys,
        state_checked: known,
        has_cross_signing: hasCrossSigning,
        has_ssss: hasSsss,
        // Told only where it changes the step (setup, not verify), so the state does not depend on whether the
        // server happened to be asked.
        ...(this.server?.keyBackup === true && !hasCrossSigning && !hasSsss ? { has_key_backup: true } : {}),
        ...(!known && this.serverError !== undefined ? { check_error: this.serverError } : {}),
      };
      identity?.free();
      device?.free();
      const prev = this.state;
      this.state = next;
      const keys = new Set([...Object.keys(next), ...Object.keys(prev)]) as Set<keyof VerificationState>;
      if ([...keys].some((k) => next[k] !== prev[k])) this.o.onChange();
    } catch (e) {
      this.o.logger.warn(`encryption: could not check verification: ${errorMessage(e)}`);
    }
  }

  /**
   * Asks the homeserver what the account has (in the background; one question at a time). An answer is kept for
   * the session and checked against; a failure is told in words and asked again after RECHECK_MS, or sooner when
   * a sync comes through (afterSync checks again).
   */
  private askServer(): void {
    const { client, userId, signal } = this.o;
    // One question at a time, and after a failure not before the retry is due (or a sync came through).
    if (this.asking || this.recheck || signal.aborted) return;
    this.asking = askAccountEncryption(client, userId, this.o.answerWithinMs ?? ANSWER_WITHIN_MS, signal).then(
      (answer) => {
        this.server = answer;
        this.serverError = undefined;
      },
      (e: unknown) => {
        if (signal.aborted) return;
        this.serverError = errorMessage(e);
        this.o.logger.warn(`encryption: could not ask the homeserver what the account has: ${this.serverError}`);
        this.recheck = setTimeout(() => { this.recheck = undefined; void this.refresh(); }, this.o.recheckMs ?? RECHECK_MS);
        this.recheck.unref();
      },
    ).finally(() => {
      this.asking = null;
      if (!signal.aborted) void this.refresh();
    });
  }

  /** gomuks' generate_recovery_key: a new key (from a passphrase when given), used for nothing until reset_encryption. */
  async generateRecoveryKey(passphrase?: string): Promise<RecoveryKeyResponse> {
    if (passphrase === undefined || passphrase === '') return { recovery_key: encodeRecoveryKey(crypto.randomBytes(32)) };
    const info = newPassphraseInfo();
    const key = await keyFromPassphrase(passphrase, info);
    try {
      return { recovery_key: encodeRecoveryKey(key), passphrase_meta: info };
    } finally {
      key.fill(0);
    }
  }

  /** gomuks' verify: see the file header. */
  async verify(code: string): Promise<void> {
    const { machine, client, userId, deviceId, logger } = this.o;
    const ss = new SecretStorage(client, userId);
    const key = await ss.unlock(code);
    this.ssssSeen = true;
    try {
      const [master, self, user] = await Promise.all(CROSS_SIGNING_SECRETS.map((n) => ss.getSecret(n, key)));
      if (master === null || self === null || user === null) throw new SecretStorageError('A cross-signing key is missing from secret storage for this recovery key.');
      const backupSecret = await ss.getSecret(BACKUP_SECRET, key);
      await awaitOwnIdentity(this.o);
      const status = await machine.importCrossSigningKeys(master, self, user);
      if (!status.hasMaster || !status.hasSelfSigning || !status.hasUserSigning) {
        throw new SecretStorageError('The cross-signing keys in secret storage do not match the identity this account has published; it may have been reset on another device.');
      }
      await signOwnDeviceAndIdentity(this.o);
      if (backupSecret === null) logger.warn('encryption: secret storage holds no key backup key; verified without restoring keys');
      else await this.useBackupKey(BackupDecryptionKey.fromBase64(backupSecret));
    } finally {
      key.key.fill(0);
      await this.refresh();
    }
    logger.info('encryption: this device is verified', { device_id: deviceId });
  }

  /**
   * gomuks' reset_encryption: see the file header. `passphrase` is the generate_recovery_key answer's passphrase_meta.
   * An existing key backup this session cannot open is kept when `backup` gives its key, replaced only when it says
   * so, else nothing is changed (existing-backup.ts).
   */
  async resetEncryption(recoveryKey: string, passphrase: PassphraseInfo | undefined, accountPassword: string | undefined, backup: BackupChoice = {}): Promise<void> {
    const { machine, client, userId, logger } = this.o;
    const keyBytes = decodeRecoveryKey(recoveryKey);
    if (!keyBytes) throw new SecretStorageError('That is not a recovery key: use the one generate_recovery_key gave, with no character changed.');
    let plan: BackupPlan = { keep: null };
    try {
      plan = await planBackup(machine, client.crypto, backup);
      const reqs = await machine.bootstrapCrossSigning(true);
      if (reqs.uploadKeysRequest) await this.o.outgoing.send(reqs.uploadKeysRequest as Parameters<OutgoingRequests['send']>[0]);
      await uploadSigningKeys(this.o, reqs.uploadSigningKeysRequest.body, accountPassword);
      await this.o.outgoing.send(reqs.uploadSignaturesRequest);
      const ss = new SecretStorage(client, userId);
      const storageKey = await ss.addDefaultKey(keyBytes, passphrase);
      this.ssssSeen = true;
      const exported = await machine.exportCrossSigningKeys();
      if (!exported?.masterKey || !exported.self_signing_key || !exported.userSigningKey) {
        throw new SecretStorageError('The new cross-signing keys could not be read back from the encryption engine.');
      }
      await ss.storeSecret(CROSS_SIGNING_SECRETS[0], exported.masterKey, storageKey);
      await ss.storeSecret(CROSS_SIGNING_SECRETS[1], exported.self_signing_key, storageKey);
      await ss.storeSecret(CROSS_SIGNING_SECRETS[2], exported.userSigningKey, storageKey);
      exported.free();
      if (plan.keep) {
        // The account's existing backup stays: its key goes into the new secret storage and its keys come here.
        await ss.storeSecret(BACKUP_SECRET, plan.keep.toBase64(), storageKey);
        await enableBackup(machine, plan.keep, plan.version);
        logger.info('encryption: cross-signing and secret storage set up, keeping the existing key backup', { version: plan.version });
        // Setup is done and the backup kept and enabled whatever happens now: a failed restore is told (with
        // key_backup_restore's error) but does not fail the setup; restore_key_backup tries again.
        await restoreWithProgress(machine, client.crypto, plan.keep, plan.version, logger, this.o.onRestore).catch(() => undefined);
        this.backupInBackground();
      } else {
        const { key: backupKey, version } = await createBackup(machine, client.crypto);
        await ss.storeSecret(BACKUP_SECRET, backupKey.toBase64(), storageKey);
        await enableBackup(machine, backupKey, version);
        this.backupInBackground();
        logger.info('encryption: cross-signing, secret storage and key backup set up anew', { version });
      }
    } finally {
      keyBytes.fill(0);
      await this.refresh();
    }
  }

  /** Waits for background work in flight (before the engine is closed): a backup upload, a check, a shared key. */
  async idle(): Promise<void> {
    clearTimeout(this.recheck);
    await Promise.allSettled([this.backup.idle(), this.refreshing, this.adopting, this.asking]);
  }

  private backupInBackground(): void {
    this.backup.flush().catch((e: unknown) => this.o.logger.warn(`encryption: backing up keys failed: ${errorMessage(e)}`));
  }

  /** The backup key from secret storage: enabled if it is the server's current backup, then the backup restored. */
  private async useBackupKey(key: BackupDecryptionKey): Promise<void> {
    const { machine, client, logger } = this.o;
    const info = await client.crypto.backupVersion();
    if (!info) {
      logger.warn('encryption: the account has no key backup on the server; nothing to restore');
      return;
    }
    if (!backupMatchesKey(info, key)) {
      throw new SecretStorageError(`The backup key in secret storage does not open the server's key backup (version ${info.version}); it was probably reset on another device without updating secret storage.`);
    }
    await enableBackup(machine, key, info.version);
    // Verified and the backup enabled whatever happens now: a failed restore is told (key_backup_restore's error,
    // with the keys restored before it stopped) but does not fail the verification; restore_key_backup tries again.
    await restoreWithProgress(machine, client.crypto, key, info.version, logger, this.o.onRestore).catch(() => undefined);
    this.backupInBackground();
  }

  /** Re-enables the backup whose key the engine kept, if it is still the server's current one. */
  private async resumeBackup(): Promise<void> {
    const { machine, client, logger } = this.o;
    const saved = await machine.getBackupKeys();
    const key = saved.decryptionKey;
    const version = saved.backupVersion;
    if (!key || !version) return;
    const info = await client.crypto.backupVersion();
    if (info && info.version === version && backupMatchesKey(info, key)) {
      await machine.enableBackupV1(key.megolmV1PublicKey.publicKeyBase64, version);
      this.backupInBackground();
    } else {
      logger.warn('encryption: the key backup this device used is no longer the server\'s current one; backup stays off until verify');
    }
  }
}
