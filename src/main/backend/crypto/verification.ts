/**
 * Interactive emoji (SAS) verification: requests made and received, to-device (a device) or in a room (a user),
 * driven by the contract's commands and reported as `verification_update` on every change.
 *
 * The engine does the protocol. Our part: hand it the verification events it cannot see by itself (to-device ones
 * arrive through `receiveSyncChanges`, but room ones must be given with `receiveVerificationEvent`, decrypted),
 * notice new requests in both, send what its methods return (and what it queues in its outgoing requests), and
 * watch each flow for changes. In-room verification messages go out unencrypted, as matrix-js-sdk sends them, so
 * either client reads the other's.
 */
import {
  DeviceId, DeviceLists, EventId, OtherUserIdentity, OwnUserIdentity, RoomId, Sas, UserId, VerificationMethod,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine, VerificationRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import { errorMessage } from '../../../shared/error-message.ts';
import type { JSONObject, VerificationFlow } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { CryptoApi } from '../matrix/api/crypto.ts';
import type { ClientEvent, SyncResponse } from '../matrix/types.ts';
import type { PreparedSync } from '../sync/prepared.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';
import { PREFIX, requestsLast, toDeviceFeeds } from './verification-feeds.ts';
import { readFlow } from './verification-flow.ts';

const METHODS = [VerificationMethod.SasV1];
/** The engine ignores a verification request older than this (ten minutes). */
const REQUEST_MAX_AGE_MS = 10 * 60_000;

export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

export interface VerificationsOptions {
  machine: OlmMachine;
  outgoing: OutgoingRequests;
  api: CryptoApi;
  logger: Logger;
  /** The DM with a user, for a request to a user without a room named. */
  dmWith(userId: string): string | undefined;
  onUpdate(flow: VerificationFlow): void;
}

interface Watched {
  request: VerificationRequest;
  sas: Sas | undefined;
  /** The last flow sent, as JSON: a change callback that changes nothing sends nothing. */
  last: string;
}

export class Verifications {
  private readonly opts: VerificationsOptions;
  private readonly flows = new Map<string, Watched>();
  private txn = 0;

  constructor(opts: VerificationsOptions) {
    this.opts = opts;
  }

  /**
   * Before `receiveSyncChanges`: the engine drops a to-device request from a device it does not know, so the
   * devices of a sender we do not follow yet are fetched first (the first contact of someone who wants to verify).
   */
  async beforeFeed(resp: SyncResponse): Promise<void> {
    const events = Array.isArray(resp.to_device?.events) ? resp.to_device.events : [];
    const senders = new Set<string>();
    for (const ev of events) {
      if (ev?.type === 'm.key.verification.request' && typeof ev.sender === 'string') senders.add(ev.sender);
    }
    if (senders.size === 0) return;
    const tracked = new Set([...await this.opts.machine.trackedUsers()].map((u) => u.toString()));
    const unknown = [...senders].filter((u) => !tracked.has(u));
    if (unknown.length > 0) await this.fetchDevices(unknown);
  }

  /**
   * After the room events: the to-device events holdBackRequests held back, fed on their own (in parts, see
   * toDeviceFeeds) and observed. Returns whether anything was fed.
   */
  async feedHeldBack(events: readonly JSONObject[]): Promise<boolean> {
    if (events.length === 0) return false;
    for (const part of toDeviceFeeds(events)) {
      this.observeToDevice(await this.opts.machine.receiveSyncChanges(JSON.stringify(part), new DeviceLists(), new Map(), undefined));
    }
    return true;
  }

  /** After `receiveSyncChanges`: new to-device requests are watched, and every flow an event touched re-read. */
  observeToDevice(events: readonly { rawEvent: string }[]): void {
    for (const processed of events) {
      const ev = parse(processed.rawEvent);
      if (!ev || typeof ev.type !== 'string' || !ev.type.startsWith(PREFIX) || typeof ev.sender !== 'string') continue;
      const flowId = ev.content?.transaction_id;
      if (typeof flowId !== 'string') continue;
      this.touch(ev.sender, flowId);
    }
  }

  /**
   * After decryption: the room verification events of this response (the request is an m.room.message, the rest
   * `m.key.verification.*`, either possibly encrypted) go to the engine in their decrypted form.
   */
  async observeRooms(resp: SyncResponse, decrypted: PreparedSync): Promise<boolean> {
    const rooms: { roomId: string; events: ClientEvent[] }[] = [];
    for (const [roomId, room] of Object.entries(resp.rooms?.join ?? {})) {
      const events = room?.timeline?.events;
      if (!Array.isArray(events)) continue;
      const found = events.map((raw) => clearEvent(raw, decrypted)).filter((ev): ev is ClientEvent => !!ev && isVerificationEvent(ev));
      if (found.length) rooms.push({ roomId, events: found });
    }
    for (const { roomId, events } of requestsLast(rooms, this.ownUserId())) {
      for (const ev of events) {
        const isRequest = ev.type === 'm.room.message';
        try {
          if (isRequest && ev.sender !== this.ownUserId()) await this.beforeRoomRequest(ev);
          await this.opts.machine.receiveVerificationEvent(JSON.stringify({ ...ev, room_id: roomId }), new RoomId(roomId));
        } catch (e) {
          this.opts.logger.warn(`verification: an event in ${roomId} was refused: ${errorMessage(e)}`);
          continue;
        }
        const flowId = isRequest ? ev.event_id : relatesTo(ev);
        if (!flowId) continue;
        if (isRequest && ev.sender !== this.ownUserId()) this.touch(ev.sender, flowId);
        else this.refreshFlow(flowId);
      }
    }
    return rooms.length > 0;
  }

  async request(userId: string, deviceId: string | undefined, roomId: string | undefined): Promise<VerificationFlow> {
    const { machine } = this.opts;
    await this.dropFinished(userId);
    // The engine takes ownership of IDs passed in arrays, so each call gets its own.
    const user = () => new UserId(userId);
    if (deviceId !== undefined) {
      let device = await machine.getDevice(user(), new DeviceId(deviceId));
      if (!device) {
        await machine.updateTrackedUsers([user()]);
        await this.opts.outgoing.flush();
        device = await machine.getDevice(user(), new DeviceId(deviceId));
      }
      if (!device) throw new VerificationError(`${userId} has no device ${deviceId} that this device knows of.`);
      const [request, toDevice] = device.requestVerification(METHODS);
      await this.opts.outgoing.send(toDevice);
      return this.watch(request);
    }
    const identity = await machine.getIdentity(user());
    if (identity instanceof OwnUserIdentity) {
      const [request, out] = await identity.requestVerification(METHODS);
      await this.opts.outgoing.send(out);
      return this.watch(request);
    }
    if (!(identity instanceof OtherUserIdentity)) {
      throw new VerificationError(userId === this.ownUserId()
        ? 'This account has no cross-signing keys yet, so its other devices cannot be asked together: name the device to verify.'
        : `${userId} has no cross-signing keys (or this device has not fetched them), so the user cannot be verified: verify one of their devices instead.`);
    }
    const room = roomId ?? this.opts.dmWith(userId);
    if (!room) throw new VerificationError(`There is no direct chat with ${userId} to verify them in: name a room shared with them.`);
    const content = identity.verificationRequestContent(METHODS);
    const sent = JSON.parse(await this.opts.api.roomMessage(room, 'm.room.message', this.txnId(), content)) as { event_id?: unknown };
    if (typeof sent.event_id !== 'string') throw new VerificationError('The homeserver did not give the verification request an event ID.');
    return this.watch(identity.requestVerification(new RoomId(room), new EventId(sent.event_id), METHODS));
  }

  async accept(userId: string, flowId: string): Promise<VerificationFlow> {
    const w = this.find(userId, flowId);
    const out = w.request.acceptWithMethods(METHODS);
    if (out) await this.opts.outgoing.send(out);
    return this.update(w);
  }

  /** Starts the emoji comparison, or accepts the one the other side started. */
  async startSas(userId: string, flowId: string): Promise<VerificationFlow> {
    const w = this.find(userId, flowId);
    const existing = w.request.getVerification();
    if (existing instanceof Sas) {
      this.watchSas(w, existing);
      const out = existing.accept();
      if (out) await this.opts.outgoing.send(out);
      return this.update(w);
    }
    if (!w.request.isReady()) throw new VerificationError('This verification is not ready for the emoji comparison: both sides must have accepted it first.');
    const started = await w.request.startSas();
    if (!started) throw new VerificationError('The other device does not offer emoji verification.');
    const [sas, out] = started;
    this.watchSas(w, sas);
    await this.opts.outgoing.send(out);
    return this.update(w);
  }

  async confirm(userId: string, flowId: string): Promise<VerificationFlow> {
    const w = this.find(userId, flowId);
    const sas = w.sas ?? this.sasOf(w);
    if (!sas?.canBePresented()) throw new VerificationError('There are no emoji to confirm yet in this verification.');
    for (const out of await sas.confirm()) await this.opts.outgoing.send(out);
    // Trusting the other side may have queued signature uploads.
    this.flushInBackground();
    return this.update(w);
  }

  async cancel(userId: string, flowId: string, reason: 'user' | 'mismatch'): Promise<VerificationFlow> {
    const w = this.find(userId, flowId);
    const sas = w.sas ?? this.sasOf(w);
    const out = sas && !sas.isDone() && !sas.isCancelled()
      ? sas.cancelWithCode(reason === 'mismatch' ? 'm.mismatched_sas' : 'm.user')
      : w.request.cancel();
    if (out) await this.opts.outgoing.send(out);
    return this.update(w);
  }

  list(userId: string | undefined): VerificationFlow[] {
    if (userId) for (const r of this.opts.machine.getVerificationRequests(new UserId(userId))) this.watch(r);
    const all = [...this.flows.values()].map((w) => readFlow(w.request, w.sas ?? this.sasOf(w)));
    return userId ? all.filter((f) => f.user_id === userId) : all;
  }

  /**
   * The engine cancels a new request at birth (it and the one before, code m.user) while it still holds an earlier
   * request with the same user that is not cancelled, and it lets go of finished ones only when it processes a
   * sync. Asking right after a verification ended (a device verified, then its owner) came before that sync, so
   * the engine is fed an empty one first: it drops what is finished and times out what is stale.
   */
  private async dropFinished(userId: string): Promise<void> {
    const held = this.opts.machine.getVerificationRequests(new UserId(userId));
    if (held.every((r) => r.isCancelled())) return;
    this.observeToDevice(await this.opts.machine.receiveSyncChanges('[]', new DeviceLists(), new Map(), undefined));
  }

  /**
   * Before the engine sees a request another user made in a room (a request older than the engine accepts, history
   * read while catching up, is left alone):
   * - it ignores one from a device it does not know (someone who asks in a DM where nothing was ever sent, so their
   *   devices were never fetched), so that user's devices are fetched first, as for a request sent to this device;
   * - it cancels one while it holds an earlier request with that user that it has not dropped, and it drops
   *   finished ones only when fed a sync, which happened before this response's room events reached it. So when the
   *   end of the last verification came in this response, or in one since the engine was last fed, the finished
   *   request is dropped first (see dropFinished).
   */
  private async beforeRoomRequest(ev: ClientEvent): Promise<void> {
    const { machine } = this.opts;
    const fromDevice = ev.content?.from_device;
    if (typeof fromDevice !== 'string' || !(Date.now() - ev.origin_server_ts <= REQUEST_MAX_AGE_MS)) return;
    if (!await machine.getDevice(new UserId(ev.sender), new DeviceId(fromDevice))) await this.fetchDevices([ev.sender]);
    await this.dropFinished(ev.sender);
  }

  /** Asks the homeserver for these users' devices now, following them from here on. */
  private async fetchDevices(userIds: string[]): Promise<void> {
    try {
      await this.opts.machine.updateTrackedUsers(userIds.map((u) => new UserId(u)));
      await this.opts.outgoing.flush();
    } catch (e) {
      this.opts.logger.warn(`verification: could not fetch the devices of ${userIds.join(', ')}: ${errorMessage(e)}`);
    }
  }

  private ownUserId(): string {
    return this.opts.machine.userId.toString();
  }

  private txnId(): string {
    return `lattice-verify-${Date.now()}-${++this.txn}`;
  }

  private find(userId: string, flowId: string): Watched {
    const known = this.flows.get(key(userId, flowId));
    if (known) return known;
    const request = this.opts.machine.getVerificationRequest(new UserId(userId), flowId);
    if (!request) throw new VerificationError(`There is no verification ${flowId} with ${userId} (it may have timed out).`);
    this.watch(request);
    return this.flows.get(key(userId, flowId))!;
  }

  /** A flow an event touched: watched from now on if new (a request we received), and its state sent. */
  private touch(userId: string, flowId: string): void {
    const known = this.flows.get(key(userId, flowId));
    if (known) {
      this.update(known);
      return;
    }
    // The sender as the engine passed it on: a malformed one (from the network) has no flow of ours.
    const user = userIdOrUndefined(userId);
    const request = user && this.opts.machine.getVerificationRequest(user, flowId);
    if (request) this.watch(request);
  }

  private refreshFlow(flowId: string): void {
    for (const w of this.flows.values()) if (w.request.flowId === flowId) this.update(w);
  }

  private watch(request: VerificationRequest): VerificationFlow {
    const k = key(request.otherUserId.toString(), request.flowId);
    const known = this.flows.get(k);
    if (known) return this.update(known);
    const w: Watched = { request, sas: undefined, last: '' };
    this.flows.set(k, w);
    request.registerChangesCallback(() => {
      // The engine calls this while it processes an event; read the new state once it is done.
      setImmediate(() => this.update(w));
      return Promise.resolve();
    });
    return this.update(w);
  }

  private watchSas(w: Watched, sas: Sas): void {
    if (w.sas) return;
    w.sas = sas;
    sas.registerChangesCallback(() => {
      setImmediate(() => this.update(w));
      return Promise.resolve();
    });
  }

  private sasOf(w: Watched): Sas | undefined {
    const v = w.request.getVerification();
    if (!(v instanceof Sas)) return undefined;
    this.watchSas(w, v);
    return v;
  }

  /** Reads the flow, sends it if it changed, and accepts an SAS the other side started on a request we accepted. */
  private update(w: Watched): VerificationFlow {
    const sas = w.sas ?? this.sasOf(w);
    const flow = readFlow(w.request, sas);
    if (sas && flow.phase === 'started' && !sas.hasBeenAccepted()) {
      const out = sas.accept();
      if (out) {
        this.opts.outgoing.send(out).catch((e: unknown) => this.opts.logger.warn(`verification: accepting the emoji comparison failed: ${errorMessage(e)}`));
      }
    }
    const json = JSON.stringify(flow);
    if (json !== w.last) {
      w.last = json;
      this.opts.onUpdate(flow);
      // Steps the engine took by itself (a key, a MAC, done) wait in its outgoing requests.
      this.flushInBackground();
    }
    return flow;
  }

  private flushInBackground(): void {
    this.opts.outgoing.flush().catch((e: unknown) => this.opts.logger.warn(`verification: sending failed: ${errorMessage(e)}`));
  }
}

function key(userId: string, flowId: string): string {
  return `${userId}\n${flowId}`;
}

function parse(raw: string): ClientEvent | undefined {
  try {
    const ev = JSON.parse(raw) as unknown;
    return typeof ev === 'object' && ev !== null ? ev as ClientEvent : undefined;
  } catch {
    return undefined;
  }
}

/** The event as its sender wrote it: the decrypted type and content of an encrypted one. */
function clearEvent(raw: ClientEvent | undefined, decrypted: PreparedSync): ClientEvent | undefined {
  if (typeof raw !== 'object' || raw === null || typeof raw.type !== 'string') return undefined;
  if (raw.type !== 'm.room.encrypted') return raw;
  const d = decrypted.get(raw.event_id);
  if (!d?.decrypted || !d.decrypted_type) return undefined;
  return { ...raw, type: d.decrypted_type, content: d.decrypted };
}

function isVerificationEvent(ev: ClientEvent): boolean {
  if (typeof ev.sender !== 'string' || typeof ev.event_id !== 'string') return false;
  if (ev.type.startsWith(PREFIX)) return true;
  return ev.type === 'm.room.message' && ev.content?.msgtype === 'm.key.verification.request';
}

function relatesTo(ev: ClientEvent): string | undefined {
  const rel = ev.content?.['m.relates_to'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel)) return undefined;
  const id = (rel as Record<string, unknown>).event_id;
  return typeof id === 'string' ? id : undefined;
}

function userIdOrUndefined(userId: string): UserId | undefined {
  try {
    return new UserId(userId);
  } catch {
    return undefined;
  }
}
