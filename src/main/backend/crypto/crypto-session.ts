/**
 * End-to-end encryption for a signed-in session: opens the engine on its store after login or session restore,
 * feeds it each /sync and decrypts (the sync loop's `prepare` step), encrypts for the Sender, runs the outgoing
 * request loop, and closes it all on shutdown. Everything waits for the store to open, so a session starts at once
 * and a store that cannot be opened fails sync and sending with the reason, in words, instead of dropping keys.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import { errorMessage } from '../../../shared/error-message.ts';
import type {
  EventsDecrypted, JSONObject, KeyBackupRestore, SyncComplete, UserIdentityUpdate, VerificationFlow, VerificationState,
} from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MatrixClient } from '../matrix/client.ts';
import type { ClientEvent, SyncResponse } from '../matrix/types.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/store.ts';
import type { Decryption, PreparedSync } from '../sync/prepared.ts';
import { CRYPTO_DB_FILE, CRYPTO_STORE_KEY, openCryptoStore, type CryptoStore } from './crypto-store.ts';
import { DecryptionRetry } from './decryption-retry.ts';
import { identityUpdate } from './devices.ts';
import { KeyRequests, type KeySource } from './key-requests.ts';
import { OutgoingRequests } from './outgoing-requests.ts';
import { Recovery } from './recovery.ts';
import { RoomEncryptor } from './room-encryptor.ts';
import { decryptEvent, decryptSync, feedSync, isEncrypted, toDeviceEvents } from './sync-crypto.ts';
import { ToDeviceEncryptor, type ToDeviceMessages } from './to-device-encryption.ts';
import { holdBackRequests } from './verification-feeds.ts';
import { Verifications } from './verification.ts';
import { listOf } from '../matrix/json-shapes.ts';

export interface CryptoSessionOptions {
  dataDir: string;
  secrets: SecretStore;
  userId: string;
  deviceId: string;
  client: MatrixClient;
  /** The database (replaced on a reset, so read at each use). */
  store: () => Store;
  logger: Logger;
  /** Stored events decrypted after the fact (gomuks' events_decrypted). */
  onEventsDecrypted?: (d: EventsDecrypted) => void;
  /** Room rows whose unread counters such a decryption changed, as a sync_complete diff. */
  onRoomsChanged?: (diff: SyncComplete) => void;
  /** Told when verification_state changed (the backend then sends client_state). */
  onVerificationChange?: () => void;
  /** Every change of an interactive verification (pushed to frontends as verification_update). */
  onVerification?: (flow: VerificationFlow) => void;
  /** A user's cross-signing identity was first seen, changed, verified or accepted (pushed as user_identity_update). */
  onIdentityUpdate?: (update: UserIdentityUpdate) => void;
  /** How restoring room keys from the key backup goes (pushed as key_backup_restore). */
  onRestore?: (progress: KeyBackupRestore) => void;
  /** Bound and retry delay of asking the homeserver what the account has for encryption (recovery.ts; tests shorten them). */
  answerWithinMs?: number;
  recheckMs?: number;
}

interface Opened {
  store: CryptoStore;
  outgoing: OutgoingRequests;
  encryptor: RoomEncryptor;
  retry: DecryptionRetry;
  keyRequests: KeyRequests;
  recovery: Recovery;
  verifications: Verifications;
  toDevice: ToDeviceEncryptor;
}

/** What the device and verification commands work with, once the store is open. */
export interface CryptoEngine {
  machine: OlmMachine;
  outgoing: OutgoingRequests;
  verifications: Verifications;
}

const NOT_CHECKED: VerificationState = { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false };

export class CryptoSession {
  private readonly opts: CryptoSessionOptions;
  private readonly abort = new AbortController();
  private readonly opened: Promise<Opened>;
  /** Engine calls in flight: closing waits for them, as the engine must not be freed under a running call. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Set once open, for the synchronous client_state. */
  private recovery: Recovery | undefined;

  constructor(opts: CryptoSessionOptions) {
    this.opts = opts;
    this.opened = this.open();
    // Uploads the device's keys straight away, so other clients can encrypt for it before it sends anything.
    this.track(this.opened.then((o) => o.outgoing.flush())).catch((e: unknown) => {
      opts.logger.warn(`encryption: ${errorMessage(e)}`);
    });
  }

  private async open(): Promise<Opened> {
    const { dataDir, secrets, userId, deviceId, client } = this.opts;
    const store = await openCryptoStore({ dataDir, secrets, userId, deviceId });
    const outgoing = new OutgoingRequests(store.machine, client.crypto, this.abort.signal);
    this.opts.logger.info('encryption: store opened', { device_id: deviceId });
    const retry = new DecryptionRetry({
      machine: store.machine, store: this.opts.store, userId,
      onEventsDecrypted: (d) => this.opts.onEventsDecrypted?.(d),
      onRoomsChanged: (d) => this.opts.onRoomsChanged?.(d),
    });
    const keyRequests = new KeyRequests(retry, outgoing, this.opts.logger);
    // Whichever way a key arrives (to-device, forwarded, backup, import), the engine reports it here; a withheld
    // notice too, so the stored error can say the key will not come.
    store.machine.registerRoomKeyUpdatedCallback((infos) => this.retryLater(infos.map((i) => i.sessionId)));
    store.machine.registerRoomKeysWithheldCallback((infos) => this.retryLater(infos.map((i) => i.sessionId)));
    // Registered once per engine: a new, changed, verified or accepted identity is told to the frontends.
    store.machine.registerUserIdentityUpdatedCallback((user) => this.identityLater(store.machine, user.toString()));
    // Keys that reached the engine's store just before a crash, after their events were stored as failed.
    void this.retryLater(retry.queued().map((q) => q.session_id), retry);
    const recovery = new Recovery({
      machine: store.machine, outgoing, client, userId, deviceId, logger: this.opts.logger,
      accountData: (type) => this.opts.store().account.allAccountData()[type],
      onChange: () => this.opts.onVerificationChange?.(), onRestore: (p) => this.opts.onRestore?.(p), signal: this.abort.signal,
      answerWithinMs: this.opts.answerWithinMs, recheckMs: this.opts.recheckMs,
    });
    this.recovery = recovery;
    void this.track(recovery.start());
    // The key backup is asked first for a missing session; what it returns reaches the room-key callback above.
    keyRequests.addSource(async (sessions, signal) => {
      for (const s of sessions) {
        if (signal.aborted) return;
        await recovery.restoreFromBackup(s.room_id, s.session_id).catch((e: unknown) =>
          this.opts.logger.warn(`encryption: key backup lookup failed: ${errorMessage(e)}`));
      }
    });
    const verifications = new Verifications({
      machine: store.machine, outgoing, api: client.crypto, logger: this.opts.logger,
      dmWith: (user) => this.opts.store().rooms.all().find((r) => r.dm_user_id === user)?.room_id,
      onUpdate: (flow) => this.opts.onVerification?.(flow),
    });
    return {
      store, outgoing, encryptor: new RoomEncryptor(store.machine, outgoing, client, this.opts.store), verifications, retry,
      keyRequests, recovery, toDevice: new ToDeviceEncryptor(store.machine, outgoing, client.crypto),
    };
  }

  /** Called from the engine's callbacks: the retry runs after the engine call that reported the keys returns. */
  private retryLater(sessionIds: string[], retry?: DecryptionRetry): Promise<void> {
    if (sessionIds.length && !this.abort.signal.aborted) {
      setImmediate(() => {
        if (this.abort.signal.aborted) return;
        void this.track((async () => (retry ?? (await this.opened).retry).retry(sessionIds))())
          .catch((e: unknown) => this.opts.logger.warn(`encryption: decrypting stored events failed: ${errorMessage(e)}`));
      });
    }
    return Promise.resolve();
  }

  /**
   * Like retryLater: the identity is read once the engine call that reported it has returned. `always` reports
   * a user without cross-signing keys too (an empty master key): for our own device list, which changes with or
   * without them.
   */
  private identityLater(machine: OlmMachine, userId: string, always = false): Promise<void> {
    const report = this.opts.onIdentityUpdate;
    if (report && !this.abort.signal.aborted) {
      setImmediate(() => {
        if (this.abort.signal.aborted) return;
        const none = { user_id: userId, master_key: '', identity_changed: false, verification_violation: false, user_trusted: false };
        void this.track(identityUpdate(machine, userId)).then((u) => { if (u) report(u); else if (always) report(none); })
          .catch((e: unknown) => this.opts.logger.warn(`encryption: reading the identity of ${userId} failed: ${errorMessage(e)}`));
      });
    }
    return Promise.resolve();
  }

  /**
   * Decrypts the stored events of these megolm sessions that their keys now allow: for whoever imported keys
   * outside the engine's callbacks. Resolves to how many events were decrypted.
   */
  retryDecryption(sessionIds: Iterable<string>): Promise<number> {
    return this.track(this.opened.then((o) => o.retry.retry(sessionIds)));
  }

  /** gomuks' rerequest_session: asks the key sources and this account's verified other devices for a session's key again. */
  rerequestSession(roomId: string, sessionId: string, sender: string): Promise<void> {
    return this.track(this.opened.then((o) => o.keyRequests.rerequest(roomId, sessionId, sender, this.abort.signal)));
  }

  /** Registers a source of missing keys (the key backup), asked before other devices. */
  addKeySource(source: KeySource): void {
    void this.opened.then((o) => o.keyRequests.addSource(source), () => undefined);
  }

  /** Decrypts history from /messages before it is stored (the same results the sync's prepare step gives). */
  decryptEvents(roomId: string, events: readonly (ClientEvent | undefined)[]): Promise<Map<string, Decryption>> {
    return this.track((async () => {
      const o = await this.opened;
      const out = new Map<string, Decryption>();
      for (const ev of events) if (isEncrypted(ev)) out.set(ev.event_id, await decryptEvent(o.store.machine, roomId, ev));
      return out;
    })());
  }

  /** The sync loop's prepare step: feed the engine, then decrypt (see sync-crypto.ts for the crash reasoning). */
  prepareSync(resp: SyncResponse): Promise<PreparedSync> {
    return this.track((async () => {
      const o = await this.opened;
      await o.verifications.beforeFeed(resp);
      const { now, later } = holdBackRequests(toDeviceEvents(resp));
      const toDevice = await feedSync(o.store.machine, resp, Date.now(), now);
      // A session of ours signed in or out (or changed its name or keys): the Sessions screen lists it again.
      if (listed(resp.device_lists?.changed, this.opts.userId)) void this.identityLater(o.store.machine, this.opts.userId, true);
      forgetMembersOnChange(o.encryptor, resp);
      const flush = () => o.outgoing.flush().catch((e: unknown) => this.opts.logger.warn(`encryption: sending keys failed: ${errorMessage(e)}`));
      // Not fed (nothing new for the engine, see feedSync): its state, and what it has to send, are as after the
      // last response that was; that one's follow-up is not repeated (its reads cost a few store transactions).
      if (toDevice) {
        o.recovery.afterSync();
        o.verifications.observeToDevice(toDevice);
        // Key uploads, queries and the like go out in the background; a failure is retried after the next sync fed.
        void flush();
      }
      const decrypted = await decryptSync(o.store.machine, resp);
      // Verification events in rooms reach the engine only this way, and may make it queue answers.
      if (await o.verifications.observeRooms(resp, decrypted)) void flush();
      // Verification requests to this device, once the room events may have ended an earlier verification.
      if (await o.verifications.feedHeldBack(later)) void flush();
      // Sessions the previous transaction queued as missing are asked for in the background.
      void this.track(o.keyRequests.askNew(this.abort.signal))
        .catch((e: unknown) => this.opts.logger.warn(`encryption: asking for keys failed: ${errorMessage(e)}`));
      return decrypted;
    })());
  }

  /** The engine, once the store is open (device and verification commands). */
  engine(): Promise<CryptoEngine> {
    return this.track(this.opened.then(({ store, outgoing, verifications }) => ({ machine: store.machine, outgoing, verifications })));
  }

  async isEncrypted(roomId: string): Promise<boolean> {
    return (await this.opened).encryptor.isEncrypted(roomId);
  }

  /** Shares the room key ahead of sending (gomuks' ensure_group_session_shared, called when typing starts). */
  ensureShared(roomId: string): Promise<void> {
    return this.track(this.opened.then((o) => o.encryptor.ensureShared(roomId, this.abort.signal)));
  }

  /** The m.room.encrypted content for an event. */
  encrypt(roomId: string, type: string, content: JSONObject): Promise<JSONObject> {
    return this.track(this.opened.then((o) => o.encryptor.encrypt(roomId, type, content, this.abort.signal)));
  }

  /** gomuks' send_to_device with encrypted: Olm-encrypts each device's content and sends them as m.room.encrypted. */
  sendEncryptedToDevice(type: string, messages: ToDeviceMessages): Promise<void> {
    return this.track(this.opened.then((o) => o.toDevice.send(type, messages, this.abort.signal)));
  }

  /** This device's cross-signing state as last checked (all false until the store is open and checked). */
  get verificationState(): VerificationState {
    return this.recovery?.verificationState ?? NOT_CHECKED;
  }

  /** Runs recovery, key export or import on the open engine; closing waits for it. */
  withEngine<T>(fn: (recovery: Recovery, machine: OlmMachine) => Promise<T>): Promise<T> {
    return this.track(this.opened.then((o) => fn(o.recovery, o.store.machine)));
  }

  async close(): Promise<void> {
    this.abort.abort(new Error('encryption stopping'));
    let o: Opened;
    try {
      o = await this.opened;
    } catch {
      return;
    }
    await Promise.allSettled([...this.inFlight]);
    await o.recovery.idle();
    await o.outgoing.idle();
    o.store.close();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.catch(() => undefined).finally(() => this.inFlight.delete(p));
    return p;
  }
}

/** A membership or history visibility change in a room makes its recipients be read again before the next share. */
function forgetMembersOnChange(encryptor: RoomEncryptor, resp: SyncResponse): void {
  for (const [roomId, room] of Object.entries(resp.rooms?.join ?? {})) {
    const events = [...listOf(room?.state?.events), ...listOf(room?.timeline?.events)];
    if (events.some((e) => e?.type === 'm.room.member' || e?.type === 'm.room.history_visibility')) encryptor.invalidate(roomId);
  }
}

/** Whether `userId` is in what the server sent as a list of users (which may be anything: json-shapes.ts). */
function listed(list: unknown, userId: string): boolean {
  return Array.isArray(list) && list.includes(userId);
}

/** Deletes the crypto store and its key: on sign-out, and before a login as a new device. */
export async function wipeCryptoStore(dataDir: string, secrets: SecretStore): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path.join(dataDir, CRYPTO_DB_FILE + suffix), { force: true });
  await secrets.delete(CRYPTO_STORE_KEY);
}
