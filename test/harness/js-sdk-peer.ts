/**
 * An independent Matrix client for encryption interop tests: matrix-js-sdk with its Rust crypto (in-memory crypto
 * store in Node), signed in as a registered test user and syncing against the test Synapse.
 */
import * as sdk from 'matrix-js-sdk';
import {
  CryptoEvent, VerificationPhase, VerifierEvent, type EmojiMapping, type ShowSasCallbacks, type VerificationRequest,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import type { TestUser } from './synapse.ts';

const POLL_MS = 100;

/**
 * matrix-js-sdk's request timeout (`timeoutSignal` in http-api/utils.js) starts a timer for every request and never
 * clears it, so each request the peer made holds the test process open for its whole timeout (110 s for a sync)
 * after the tests are done. Timers of a minute or more are only such timeouts here: they are unref'd, so they still
 * fire while the tests run but no longer keep a finished test file waiting.
 */
let longTimersUnrefd = false;
function unrefLongTimers(): void {
  if (longTimersUnrefd) return;
  longTimersUnrefd = true;
  const original = globalThis.setTimeout;
  const patched = (...args: Parameters<typeof original>): ReturnType<typeof original> => {
    const timer = original(...args);
    if (typeof args[1] === 'number' && args[1] >= 60_000) timer.unref();
    return timer;
  };
  globalThis.setTimeout = Object.assign(patched, original);
}

/** The SDK logs every request and key operation; the tests only want its errors. */
const errorsOnly: Logger = {
  trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined,
  error: (...msg: unknown[]) => console.error('matrix-js-sdk:', ...msg),
  getChild: () => errorsOnly,
};

export class JsSdkPeer {
  readonly client: sdk.MatrixClient;
  readonly userId: string;
  private password = '';

  /** Verification requests other devices sent this peer, in arrival order. */
  readonly verificationRequests: VerificationRequest[] = [];

  private constructor(client: sdk.MatrixClient, userId: string) {
    this.client = client;
    this.userId = userId;
    client.on(CryptoEvent.VerificationRequestReceived, (r) => { this.verificationRequests.push(r); });
  }

  /** `cryptoCallbacks` lets a test hand the SDK a secret storage key (recovery tests). */
  static async start(baseUrl: string, user: TestUser, cryptoCallbacks?: sdk.ICreateClientOpts['cryptoCallbacks']): Promise<JsSdkPeer> {
    unrefLongTimers();
    const client = sdk.createClient({
      baseUrl, userId: user.userId, deviceId: user.deviceId, accessToken: user.accessToken, logger: errorsOnly, cryptoCallbacks,
    });
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

  /** Asks a device for emoji verification (to-device). */
  requestDeviceVerification(userId: string, deviceId: string): Promise<VerificationRequest> {
    return this.crypto().requestDeviceVerification(userId, deviceId);
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
