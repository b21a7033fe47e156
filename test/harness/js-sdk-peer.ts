/**
 * An independent Matrix client for encryption interop tests: matrix-js-sdk with its Rust crypto (in-memory crypto
 * store in Node), signed in as a registered test user and syncing against the test Synapse.
 */
import * as sdk from 'matrix-js-sdk';
import {
  CryptoEvent, VerificationPhase, VerifierEvent, type EmojiMapping, type ShowSasCallbacks, type VerificationRequest,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import type { ReceivedToDeviceMessage } from 'matrix-js-sdk/lib/sync-accumulator.js';
import type { TestUser } from './synapse.ts';

const POLL_MS = 100;

/** The SDK logs every request and key operation; the tests only want its errors. */
const errorsOnly: Logger = {
  trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined,
  error: (...msg: unknown[]) => console.error('matrix-js-sdk:', ...msg),
  getChild: () => errorsOnly,
};

/** Another device of `user`, signed in over the API (for a second client of the same account). */
export async function loginNewDevice(baseUrl: string, user: TestUser): Promise<TestUser> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: user.password }),
  });
  const body = await res.json() as { access_token?: string; device_id?: string };
  if (res.status !== 200 || !body.access_token || !body.device_id) throw new Error(`login of a new device failed: HTTP ${res.status}`);
  return { ...user, accessToken: body.access_token, deviceId: body.device_id };
}

export class JsSdkPeer {
  readonly client: sdk.MatrixClient;
  readonly userId: string;
  private password = '';

  /** Verification requests other devices sent this peer, in arrival order. */
  readonly verificationRequests: VerificationRequest[] = [];
  /** To-device messages received (decrypted when they came encrypted), in arrival order. */
  readonly toDevice: ReceivedToDeviceMessage[] = [];

  private constructor(client: sdk.MatrixClient, userId: string) {
    this.client = client;
    this.userId = userId;
    client.on(CryptoEvent.VerificationRequestReceived, (r) => { this.verificationRequests.push(r); });
    client.on(sdk.ClientEvent.ReceivedToDeviceMessage, (m) => { this.toDevice.push(m); });
  }

  /** `cryptoCallbacks` lets a test hand the SDK a secret storage key (recovery tests). */
  static async start(baseUrl: string, user: TestUser, cryptoCallbacks?: sdk.ICreateClientOpts['cryptoCallbacks']): Promise<JsSdkPeer> {
    const client = sdk.createClient({
      baseUrl, userId: user.userId, deviceId: user.deviceId, accessToken: user.accessToken, logger: errorsOnly, cryptoCallbacks,
    });
    unrefSdkTimers(client);
    await client.initRustCrypto({ useIndexedDB: false });
    const prepared = new Promise<void>((resolve) => {
      client.on(sdk.ClientEvent.Sync, (state) => { if (state === sdk.SyncState.Prepared || state === sdk.SyncState.Syncing) resolve(); });
    });
    await client.startClient({ initialSyncLimit: 20 });
    await prepared;
    const peer = new JsSdkPeer(client, user.userId);
    peer.password = user.password;
    return peer;
  }

  /** A DM with `invitee`, encrypted from its first event (as Element creates them). */
  async createEncryptedDm(invitee: string): Promise<string> {
    const { room_id: roomId } = await this.client.createRoom({
      invite: [invitee], is_direct: true, preset: sdk.Preset.TrustedPrivateChat,
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await this.until(() => this.client.getRoom(roomId) !== null, `room ${roomId} in the SDK's store`);
    return roomId;
  }

  async waitForJoin(roomId: string, userId: string): Promise<void> {
    await this.until(() => this.client.getRoom(roomId)?.getMember(userId)?.membership === 'join', `${userId} joined ${roomId}`);
  }

  /** Waits until the SDK has downloaded this device of `userId` (so a message it sends is encrypted for it). */
  async waitForDevice(userId: string, deviceId: string): Promise<void> {
    const crypto = this.client.getCrypto();
    if (!crypto) throw new Error('the SDK has no crypto');
    await this.until(async () => (await crypto.getUserDeviceInfo([userId], true)).get(userId)?.has(deviceId) === true,
      `device ${deviceId} of ${userId}`);
  }

  async sendText(roomId: string, body: string): Promise<string> {
    return (await this.client.sendTextMessage(roomId, body)).event_id;
  }

  /**
   * Sends an event encrypted whatever its type. The SDK leaves reactions in the clear (as Element Web does); gomuks,
   * Element X and Lattice encrypt them, and this sends one as they do: the engine's own encryption (the relation
   * stays in the clear beside the ciphertext), sent as the m.room.encrypted it becomes.
   */
  async sendEncrypted(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const room = this.client.getRoom(roomId);
    if (!room) throw new Error(`room ${roomId} is not in the SDK's store`);
    const event = new sdk.MatrixEvent({ type, content, room_id: roomId, sender: this.userId });
    // The backend is not part of the SDK's public API; this is what its own send path calls.
    const backend = (this.client as unknown as { cryptoBackend: { encryptEvent(e: sdk.MatrixEvent, r: sdk.Room): Promise<void> } }).cryptoBackend;
    await backend.encryptEvent(event, room);
    if (event.getWireType() !== 'm.room.encrypted') throw new Error(`${type} was not encrypted`);
    return (await this.client.sendEvent(roomId, 'm.room.encrypted' as never, event.getWireContent() as never)).event_id;
  }

  /** The decrypted body of the message with this body, once the SDK has it; fails on a decryption failure. */
  async waitForDecrypted(roomId: string, body: string, timeoutMs = 60_000): Promise<sdk.MatrixEvent> {
    let found: sdk.MatrixEvent | undefined;
    await this.until(() => {
      const events = this.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
      found = events.find((e) => e.getType() === 'm.room.message' && e.getContent().body === body && !e.isDecryptionFailure());
      return found !== undefined;
    }, `"${body}" decrypted in ${roomId}`, timeoutMs);
    return found!;
  }

  /** The first to-device message of this type received (one already received counts). */
  async waitForToDevice(type: string): Promise<ReceivedToDeviceMessage> {
    let found: ReceivedToDeviceMessage | undefined;
    await this.until(() => (found = this.toDevice.find((m) => m.message.type === type)) !== undefined, `a ${type} to-device message`);
    return found!;
  }

  /**
   * Asks a device for emoji verification (to-device). The engine cancels a new request at once (code m.user, on
   * both sides) while it still holds an earlier request with the same user that it has not dropped; it drops
   * finished ones only when it processes a sync, so one sync is let through first.
   */
  async requestDeviceVerification(userId: string, deviceId: string): Promise<VerificationRequest> {
    await this.syncOnce();
    return this.crypto().requestDeviceVerification(userId, deviceId);
  }

  /**
   * Asks a user for emoji verification in a room (an m.key.verification.request message), once the peer knows the
   * user's cross-signing identity, which the SDK needs for it. A sync is let through first, as for a device.
   */
  async requestRoomVerification(userId: string, roomId: string): Promise<VerificationRequest> {
    await this.until(() => this.crypto().userHasCrossSigningKeys(userId, true), `the cross-signing keys of ${userId}`);
    await this.syncOnce();
    return this.crypto().requestVerificationDM(userId, roomId);
  }

  /** Returns once the client has processed a sync response that started after this call. */
  async syncOnce(): Promise<void> {
    const type = 'org.lattice.test.wake';
    const nonce = `${Date.now()}-${Math.random()}`;
    await this.client.sendToDevice(type, new Map([[this.userId, new Map([[this.client.getDeviceId()!, { nonce }]])]]));
    await this.until(() => this.toDevice.some((m) => m.message.type === type && m.message.content.nonce === nonce), 'a sync of the peer\'s own');
  }

  /** The next verification request from `userId` (one already received counts). */
  async waitForVerificationRequest(userId: string): Promise<VerificationRequest> {
    let found: VerificationRequest | undefined;
    await this.until(() => (found = this.verificationRequests.find((r) => r.otherUserId === userId)) !== undefined,
      `a verification request from ${userId}`);
    this.verificationRequests.splice(this.verificationRequests.indexOf(found!), 1);
    return found!;
  }

  async waitForPhase(request: VerificationRequest, phase: VerificationPhase): Promise<void> {
    await this.until(() => {
      if (request.phase === VerificationPhase.Cancelled && phase !== VerificationPhase.Cancelled) {
        throw new Error(`verification cancelled by ${request.cancellingUserId ?? '?'} (${request.cancellationCode ?? '?'}) while waiting for ${VerificationPhase[phase]}`);
      }
      return request.phase === phase;
    }, `verification phase ${VerificationPhase[phase]} (now ${VerificationPhase[request.phase]})`);
  }

  /**
   * The peer's side of the emoji comparison on a ready request: starts it when `start`, else waits for the other
   * side to start it; resolves once the emoji are shown. `done` settles when the verification ends.
   */
  async sas(request: VerificationRequest, start: boolean): Promise<{ emoji: EmojiMapping[]; decimal: number[]; callbacks: ShowSasCallbacks; done: Promise<void> }> {
    let verifier = start ? await request.startVerification('m.sas.v1') : undefined;
    if (!verifier) {
      await this.until(() => request.verifier !== undefined, 'the other side to start the emoji comparison');
      verifier = request.verifier!;
    }
    const shown = new Promise<ShowSasCallbacks>((resolve) => {
      const now = verifier.getShowSasCallbacks();
      if (now) resolve(now);
      verifier.on(VerifierEvent.ShowSas, resolve);
    });
    const done = verifier.verify();
    // A cancel rejects `done`; the caller decides whether that is expected.
    done.catch(() => undefined);
    const callbacks = await within(Promise.race([shown, done.then(() => { throw new Error('verification ended before the emoji were shown'); })]),
      'the emoji to be shown');
    const ended = within(done, 'the verification to end');
    ended.catch(() => undefined);
    return { emoji: callbacks.sas.emoji ?? [], decimal: callbacks.sas.decimal ?? [], callbacks, done: ended };
  }

  /** Whether the peer trusts that device (verified directly or through cross-signing). */
  async trustsDevice(userId: string, deviceId: string): Promise<boolean> {
    return (await this.crypto().getDeviceVerificationStatus(userId, deviceId))?.isVerified() ?? false;
  }

  /** Whether the peer has verified that user's cross-signing identity (signed it with its user-signing key). */
  async trustsUser(userId: string): Promise<boolean> {
    return (await this.crypto().getUserVerificationStatus(userId)).isCrossSigningVerified();
  }

  /**
   * Creates cross-signing keys (a new identity each time: the master key changes) and signs this device with them,
   * authenticating the upload with the user's password.
   */
  async resetCrossSigning(): Promise<void> {
    await this.crypto().bootstrapCrossSigning({
      setupNewCrossSigning: true,
      authUploadDeviceSigningKeys: async (makeRequest) => {
        await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: this.userId }, password: this.password });
      },
    });
  }

  /**
   * Cross-signs this device with the account's existing cross-signing keys, read from secret storage (with the key
   * the `cryptoCallbacks` given to `start` hand over).
   */
  async crossSignFromSecretStorage(): Promise<void> {
    // The private keys are only imported once the public identity they belong to is known (a keys query).
    await this.until(() => this.crypto().userHasCrossSigningKeys(this.userId, true), 'the account\'s cross-signing keys');
    await this.crypto().bootstrapCrossSigning({});
  }

  private crypto() {
    const crypto = this.client.getCrypto();
    if (!crypto) throw new Error('the SDK has no crypto');
    return crypto;
  }

  stop(): void {
    this.client.stopClient();
  }

  private async until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

/**
 * The SDK arms timers it never clears: one per request for its local timeout (110 s for a /sync), and one per
 * encrypted event from sync for five minutes (cleared only by a decryption that happened after it was armed). A
 * stopped client so held its test file's process open for minutes after the suite had finished. Both are armed
 * synchronously, inside `requestOtherUrl` and inside the client's event emission: while those run, timers are made
 * not to hold the process (the client's open sockets keep it alive while it is running).
 */
function unrefSdkTimers(client: sdk.MatrixClient): void {
  const http = client.http;
  const request = http.requestOtherUrl.bind(http);
  http.requestOtherUrl = ((...args: Parameters<typeof request>) => withUnrefTimers(() => request(...args))) as typeof http.requestOtherUrl;
  const emit: (...args: unknown[]) => boolean = client.emit.bind(client);
  client.emit = (...args: unknown[]) => withUnrefTimers(() => emit(...args));
}

function withUnrefTimers<T>(fn: () => T): T {
  const setTimer = globalThis.setTimeout;
  globalThis.setTimeout = ((...a: Parameters<typeof setTimeout>) => setTimer(...a).unref()) as typeof setTimeout;
  try {
    return fn();
  } finally {
    globalThis.setTimeout = setTimer;
  }
}

/**
 * `p`, or a rejection naming what did not happen within `ms`: a verification message lost between the two sides
 * would otherwise hold the test until the runner's own ten-minute limit.
 */
function within<T>(p: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
