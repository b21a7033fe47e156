/**
 * The logged-in account, account data, receipts and invites: small tables without much logic of their own.
 * The access token is deliberately absent: it lives in the OS keychain.
 */
import type { InvitedRoom, JSONObject, Receipt } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';

export interface AccountRow {
  user_id: string;
  device_id: string;
  homeserver_url: string;
  filter_id: string | null;
  next_batch: string | null;
}

interface ReceiptRow { user_id: string; receipt_type: string; thread_id: string; event_id: string; timestamp: number }

export class AccountStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      get: db.prepare<[], AccountRow>('SELECT * FROM account LIMIT 1'),
      put: db.prepare<[string, string, string]>(`INSERT INTO account (user_id, device_id, homeserver_url) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET device_id = excluded.device_id, homeserver_url = excluded.homeserver_url,
          filter_id = NULL, next_batch = NULL`),
      setFilter: db.prepare<[string, string]>('UPDATE account SET filter_id = ? WHERE user_id = ?'),
      setNextBatch: db.prepare<[string, string]>('UPDATE account SET next_batch = ? WHERE user_id = ?'),
      setAccountData: db.prepare<[string, string, string]>(`INSERT INTO account_data (room_id, type, content) VALUES (?, ?, ?)
        ON CONFLICT (room_id, type) DO UPDATE SET content = excluded.content`),
      getAccountData: db.prepare<[string, string], string>('SELECT content FROM account_data WHERE room_id = ? AND type = ?').pluck(),
      allAccountData: db.prepare<[string], { type: string; content: string }>('SELECT type, content FROM account_data WHERE room_id = ?'),
      roomAccountData: db.prepare<[], { room_id: string; type: string; content: string }>(`SELECT room_id, type, content FROM account_data
        WHERE room_id <> ''`),
      receiptsFor: db.prepare<[string, string], ReceiptRow>(`SELECT r.user_id, r.receipt_type, r.thread_id, r.event_id, r.timestamp
        FROM json_each(?) j JOIN receipt r ON r.event_id = j.value WHERE r.room_id = ?`),
      setReceipt: db.prepare<[string, string, string, string, string, number]>(`INSERT INTO receipt (room_id, user_id, receipt_type, thread_id, event_id, timestamp)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, user_id, receipt_type, thread_id)
        DO UPDATE SET event_id = excluded.event_id, timestamp = excluded.timestamp`),
      putInvite: db.prepare<[string, number, string]>(`INSERT INTO invited_room (room_id, created_at, invite_state) VALUES (?, ?, ?)
        ON CONFLICT (room_id) DO UPDATE SET invite_state = excluded.invite_state`),
      deleteInvite: db.prepare<[string]>('DELETE FROM invited_room WHERE room_id = ?'),
      // Joining rooms ends their invites: one statement for a whole sync response's joined rooms.
      deleteInvites: db.prepare<[string]>('DELETE FROM invited_room WHERE room_id IN (SELECT value FROM json_each(?))'),
      anyInvite: db.prepare<[], number>('SELECT EXISTS (SELECT 1 FROM invited_room)').pluck(),
      allInvites: db.prepare<[], { invite_state: string }>('SELECT * FROM invited_room ORDER BY created_at DESC'),
    };
  }

  get(): AccountRow | undefined {
    return this.stmts.get.get();
  }

  put(userId: string, deviceId: string, homeserverUrl: string): void {
    this.stmts.put.run(userId, deviceId, homeserverUrl);
  }

  setFilterID(userId: string, filterId: string): void {
    this.stmts.setFilter.run(filterId, userId);
  }

  setNextBatch(userId: string, nextBatch: string): void {
    this.stmts.setNextBatch.run(nextBatch, userId);
  }

  setAccountData(roomId: string, type: string, content: JSONObject): void {
    this.stmts.setAccountData.run(roomId, type, JSON.stringify(content));
  }

  getAccountData(roomId: string, type: string): JSONObject | undefined {
    const s = this.stmts.getAccountData.get(roomId, type);
    return s === undefined ? undefined : (JSON.parse(s) as JSONObject);
  }

  allAccountData(roomId = ''): Record<string, JSONObject> {
    const out: Record<string, JSONObject> = {};
    for (const r of this.stmts.allAccountData.all(roomId)) {
      out[r.type] = JSON.parse(r.content) as JSONObject;
    }
    return out;
  }

  /** Every room's account data: room ID → type → content. */
  allRoomAccountData(): Map<string, Record<string, JSONObject>> {
    const out = new Map<string, Record<string, JSONObject>>();
    for (const r of this.stmts.roomAccountData.all()) {
      let byType = out.get(r.room_id);
      if (!byType) out.set(r.room_id, byType = {});
      byType[r.type] = JSON.parse(r.content) as JSONObject;
    }
    return out;
  }

  /** The receipts that point at these events: event ID → receipts (paginate's `receipts`). */
  receiptsFor(roomId: string, eventIds: string[]): Record<string, Receipt[]> {
    const out: Record<string, Receipt[]> = {};
    if (eventIds.length === 0) return out;
    for (const r of this.stmts.receiptsFor.all(JSON.stringify(eventIds), roomId)) {
      const receipt: Receipt = { user_id: r.user_id, receipt_type: r.receipt_type, event_id: r.event_id, timestamp: r.timestamp };
      if (r.thread_id) receipt.thread_id = r.thread_id;
      (out[r.event_id] ??= []).push(receipt);
    }
    return out;
  }

  setReceipt(roomId: string, r: Receipt): void {
    this.stmts.setReceipt.run(roomId, r.user_id, r.receipt_type, r.thread_id ?? '', r.event_id, r.timestamp);
  }

  putInvite(invite: InvitedRoom): void {
    this.stmts.putInvite.run(invite.room_id, invite.created_at, JSON.stringify(invite));
  }

  deleteInvite(roomId: string): boolean {
    return this.stmts.deleteInvite.run(roomId).changes > 0;
  }

  /** Drops the invites of these rooms (they were joined); checks first, since there are rarely any invites. */
  deleteInvites(roomIds: string[]): void {
    if (roomIds.length === 0 || !this.stmts.anyInvite.get()) return;
    this.stmts.deleteInvites.run(JSON.stringify(roomIds));
  }

  allInvites(): InvitedRoom[] {
    return this.stmts.allInvites.all().map((r) => JSON.parse(r.invite_state) as InvitedRoom);
  }
}
