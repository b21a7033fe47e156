/** Current room state: (room, type, state_key) → the event that set it. */
import type { Event, JSONObject } from '../../../shared/rpc/index.ts';
import type Database from 'better-sqlite3';
import type { DB } from './database.ts';
import { EVENT_COLUMNS, EVENT_SELECT, rowToEvent, type EventRow } from './events.ts';

const FROM_STATE = `${EVENT_COLUMNS} FROM current_state cs JOIN event e ON e.rowid = cs.event_rowid
  LEFT JOIN timeline t ON t.event_rowid = e.rowid`;
/**
 * Single lookups name the state row in a subquery rather than joining current_state to event: measured with this
 * SQLite, the join form costs ten times as much per call (60-100 µs against 3-10 µs), whatever its plan says, and
 * ingest looks a member up for every message.
 */
const STATE_ROWID = 'SELECT event_rowid FROM current_state WHERE room_id = ? AND event_type = ? AND state_key = ?';

export class StateStore {
  private readonly db: DB;
  private readonly stmts;
  /** getTypes' statements, by the number of types asked for. */
  private readonly byTypes = new Map<number, Database.Statement<string[], EventRow>>();
  /**
   * Member contents as last read (null: no member event), by room and user: ingest needs the sender's for every
   * message, and a room's senders repeat. Every write of member state goes through this class (or redacts an event
   * and says so, forgetMember), and a rolled-back transaction clears it (Store.transaction), so it matches the
   * database. Bounded: cleared whole when it grows past MEMBER_CACHE_LIMIT entries.
   */
  private readonly memberCache = new Map<string, Map<string, JSONObject | null>>();
  private memberCacheSize = 0;

  constructor(db: DB) {
    this.db = db;
    this.stmts = {
      set: db.prepare<StateParams>(`INSERT INTO current_state (room_id, event_type, state_key, event_rowid, membership)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (room_id, event_type, state_key) DO UPDATE SET event_rowid = excluded.event_rowid,
          membership = excluded.membership`),
      setIfMissing: db.prepare<StateParams>(`INSERT OR IGNORE INTO current_state (room_id, event_type, state_key, event_rowid, membership)
        VALUES (?, ?, ?, ?, ?)`),
      get: db.prepare<[string, string, string], EventRow>(`${EVENT_SELECT} WHERE e.rowid = (${STATE_ROWID})`),
      // Many rooms' member events in one statement (a JSON array of [room, user] pairs): a new frontend's room list
      // names every preview's sender, and one statement costs what a few single lookups do.
      membersOf: db.prepare<[string], EventRow>(`${EVENT_COLUMNS} FROM json_each(?) j
        JOIN current_state cs ON cs.room_id = j.value ->> 0 AND cs.event_type = 'm.room.member' AND cs.state_key = j.value ->> 1
        JOIN event e ON e.rowid = cs.event_rowid LEFT JOIN timeline t ON t.event_rowid = e.rowid`),
      content: db.prepare<[string, string, string], string>(`SELECT content FROM event WHERE rowid = (${STATE_ROWID})`).pluck(),
      all: db.prepare<[string], EventRow>(`${FROM_STATE} WHERE cs.room_id = ?`),
      allNoMembers: db.prepare<[string], EventRow>(`${FROM_STATE} WHERE cs.room_id = ? AND cs.event_type <> 'm.room.member'`),
      members: db.prepare<[string], { state_key: string; membership: string | null }>(`SELECT state_key, membership FROM current_state
        WHERE room_id = ? AND event_type = 'm.room.member'`),
      clearRoom: db.prepare<[string]>('DELETE FROM current_state WHERE room_id = ?'),
      keys: db.prepare<[string], { event_type: string; state_key: string; event_rowid: number }>('SELECT event_type, state_key, event_rowid FROM current_state WHERE room_id = ?'),
    };
  }

  set(ev: Pick<Event, 'room_id' | 'type' | 'state_key' | 'content'>, rowid: number): void {
    if (ev.type === 'm.room.member') this.forgetMember(ev.room_id, ev.state_key ?? '');
    this.stmts.set.run(ev.room_id, ev.type, ev.state_key ?? '', rowid, membershipOf(ev));
  }

  /** For member events learnt from history: they fill a gap but never override newer state. */
  setIfMissing(ev: Pick<Event, 'room_id' | 'type' | 'state_key' | 'content'>, rowid: number): void {
    if (ev.type === 'm.room.member') this.forgetMember(ev.room_id, ev.state_key ?? '');
    this.stmts.setIfMissing.run(ev.room_id, ev.type, ev.state_key ?? '', rowid, membershipOf(ev));
  }

  /**
   * A user's current member content in a room (do not change it: it is shared), undefined without one. From the
   * cache when it can (see memberCache).
   */
  memberContent(roomId: string, userId: string): JSONObject | undefined {
    let room = this.memberCache.get(roomId);
    let content = room?.get(userId);
    if (content === undefined) {
      const json = this.stmts.content.get(roomId, 'm.room.member', userId);
      content = json === undefined ? null : JSON.parse(json) as JSONObject;
      if (this.memberCacheSize >= MEMBER_CACHE_LIMIT) this.forgetCached();
      if (!room) this.memberCache.set(roomId, room = new Map<string, JSONObject | null>());
      room.set(userId, content);
      this.memberCacheSize++;
    }
    return content ?? undefined;
  }

  /** A member event of this user changed other than by set (it was redacted). */
  forgetMember(roomId: string, userId: string): void {
    if (this.memberCache.get(roomId)?.delete(userId)) this.memberCacheSize--;
  }

  /** Forgets what was read: after a rolled-back transaction the rows may differ from what was cached. */
  forgetCached(): void {
    this.memberCache.clear();
    this.memberCacheSize = 0;
  }

  get(roomId: string, type: string, stateKey = ''): Event | undefined {
    const r = this.stmts.get.get(roomId, type, stateKey);
    return r && rowToEvent(r);
  }

  /** The member events of these (room, user) pairs that have one, in no particular order. */
  membersOf(pairs: readonly (readonly [roomId: string, userId: string])[]): Event[] {
    return pairs.length ? this.stmts.membersOf.all(JSON.stringify(pairs)).map(rowToEvent) : [];
  }

  /** The state events with an empty state key of these types, by type: one indexed query for all of them. */
  getTypes(roomId: string, types: readonly string[]): Map<string, Event> {
    let stmt = this.byTypes.get(types.length);
    if (!stmt) {
      stmt = this.db.prepare<string[], EventRow>(`${EVENT_SELECT} WHERE e.rowid IN (SELECT event_rowid FROM current_state
        WHERE room_id = ? AND event_type IN (${types.map(() => '?').join(', ')}) AND state_key = '')`);
      this.byTypes.set(types.length, stmt);
    }
    return new Map(stmt.all(roomId, ...types).map((r) => [r.type, rowToEvent(r)]));
  }

  /**
   * The state events of these types (any state key) in every joined room, or in those of `roomIds` we are in, by
   * room: the room table holds joined rooms only, and the primary key (room_id, event_type, state_key) answers each
   * room's lookup without a scan.
   */
  ofTypesInJoinedRooms(types: readonly string[], roomIds?: readonly string[]): Event[] {
    const marks = (list: readonly string[]) => list.map(() => '?').join(', ');
    const inRooms = roomIds ? ` AND cs.room_id IN (${marks(roomIds)})` : '';
    return this.db.prepare<string[], EventRow>(`${FROM_STATE} JOIN room r ON r.room_id = cs.room_id
      WHERE cs.event_type IN (${marks(types)})${inRooms} ORDER BY cs.room_id, cs.event_type, cs.state_key`)
      .all(...types, ...(roomIds ?? [])).map(rowToEvent);
  }

  all(roomId: string, includeMembers = true): Event[] {
    const stmt = includeMembers ? this.stmts.all : this.stmts.allNoMembers;
    return stmt.all(roomId).map(rowToEvent);
  }

  /** user ID → membership, for name computation. */
  memberships(roomId: string): Map<string, string> {
    const rows = this.stmts.members.all(roomId);
    return new Map(rows.map((r) => [r.state_key, r.membership ?? 'leave']));
  }

  /** type → state_key → rowid, the shape sync_complete carries. */
  keys(roomId: string): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const r of this.stmts.keys.all(roomId)) {
      (out[r.event_type] ??= {})[r.state_key] = r.event_rowid;
    }
    return out;
  }

  clear(roomId: string): void {
    this.memberCacheSize -= this.memberCache.get(roomId)?.size ?? 0;
    this.memberCache.delete(roomId);
    this.stmts.clearRoom.run(roomId);
  }
}

/** About 10 MB at most: member contents are small. */
const MEMBER_CACHE_LIMIT = 50_000;

type StateParams = [room_id: string, event_type: string, state_key: string, event_rowid: number, membership: string | null];

function membershipOf(ev: Pick<Event, 'type' | 'content'>): string | null {
  if (ev.type !== 'm.room.member') return null;
  const m = ev.content.membership;
  return typeof m === 'string' ? m : 'leave';
}
