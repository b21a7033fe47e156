/**
 * Encrypting for a room: who gets the room key (the joined members, plus the invited ones unless history is visible
 * to joined members only), making sure their devices are known and have Olm sessions, sharing the key, then
 * encrypting. The engine rotates the key itself when a member left or the room's rotation settings say so. One
 * share per room at a time: the engine wants each share's to-device messages sent before the next share.
 */
import { EncryptionSettings, HistoryVisibility, RoomId, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { MatrixClient } from '../matrix/client.ts';
import type { Store } from '../store/store.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';

export class RoomEncryptor {
  private readonly machine: OlmMachine;
  private readonly outgoing: OutgoingRequests;
  private readonly client: MatrixClient;
  private readonly store: () => Store;
  /** Member lists loaded from the server, dropped when the room's membership or history visibility changes. */
  private readonly members = new Map<string, Map<string, string>>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(machine: OlmMachine, outgoing: OutgoingRequests, client: MatrixClient, store: () => Store) {
    this.machine = machine;
    this.outgoing = outgoing;
    this.client = client;
    this.store = store;
  }

  /** The room's membership changed: reload its member list before the next share. */
  invalidate(roomId: string): void {
    this.members.delete(roomId);
  }

  isEncrypted(roomId: string): boolean {
    return !!this.store().rooms.get(roomId)?.encryption_event;
  }

  ensureShared(roomId: string, signal: AbortSignal): Promise<void> {
    return this.serial(roomId, () => this.share(roomId, signal));
  }

  encrypt(roomId: string, type: string, content: JSONObject, signal: AbortSignal): Promise<JSONObject> {
    return this.serial(roomId, async () => {
      await this.share(roomId, signal);
      const sealed = await this.machine.encryptRoomEvent(new RoomId(roomId), type, JSON.stringify(content));
      return JSON.parse(sealed) as JSONObject;
    });
  }

  private serial<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(roomId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.chains.set(roomId, next);
    void next.catch(() => undefined).finally(() => { if (this.chains.get(roomId) === next) this.chains.delete(roomId); });
    return next;
  }

  private async share(roomId: string, signal: AbortSignal): Promise<void> {
    const encryption = this.store().rooms.get(roomId)?.encryption_event;
    if (!encryption) throw new Error(`The room ${roomId} is not encrypted.`);
    const visibility = this.historyVisibility(roomId);
    const users = await this.recipients(roomId, visibility, signal);
    const ids = () => users.map((u) => new UserId(u));
    await this.machine.updateTrackedUsers(ids());
    // The keys query for newly tracked users has to be answered before the engine knows their devices.
    await this.outgoing.flush();
    const claim = await this.machine.getMissingSessions(ids());
    if (claim) await this.outgoing.send(claim);
    const settings = new EncryptionSettings();
    settings.historyVisibility = visibility;
    const periodMs = encryption.rotation_period_ms;
    if (typeof periodMs === 'number' && periodMs > 0) settings.rotationPeriod = BigInt(Math.floor(periodMs * 1000));
    const periodMsgs = encryption.rotation_period_msgs;
    if (typeof periodMsgs === 'number' && periodMsgs > 0) settings.rotationPeriodMessages = BigInt(Math.floor(periodMsgs));
    for (const r of await this.machine.shareRoomKey(new RoomId(roomId), ids(), settings)) await this.outgoing.send(r);
  }

  private historyVisibility(roomId: string): HistoryVisibility {
    const v = this.store().state.get(roomId, 'm.room.history_visibility')?.content.history_visibility;
    switch (v) {
      case 'invited': return HistoryVisibility.Invited;
      case 'joined': return HistoryVisibility.Joined;
      case 'world_readable': return HistoryVisibility.WorldReadable;
      default: return HistoryVisibility.Shared;
    }
  }

  /** Joined members, and invited ones unless only joined members may read the history. */
  private async recipients(roomId: string, visibility: HistoryVisibility, signal: AbortSignal): Promise<string[]> {
    let members = this.members.get(roomId);
    if (!members) {
      members = new Map();
      const resp = await this.client.rooms.members(roomId, undefined, signal);
      for (const ev of Array.isArray(resp?.chunk) ? resp.chunk : []) {
        const m = ev?.content?.membership;
        if (typeof ev?.state_key === 'string' && typeof m === 'string') members.set(ev.state_key, m);
      }
      this.members.set(roomId, members);
    }
    const out: string[] = [];
    for (const [user, m] of members) {
      if (m === 'join' || (m === 'invite' && visibility !== HistoryVisibility.Joined)) out.push(user);
    }
    return out;
  }
}
