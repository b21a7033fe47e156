/**
 * A room's timeline order: (timeline rowid → event rowid). Rows name their room by its number in room_key
 * (migration 15), which keeps the per-room index small: a sync adds an entry to it in every room it touches.
 */
import type { Event, TimelineRowTuple } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from './events.ts';
import { ROOM_NID, type RoomKeys } from './room-keys.ts';

const FROM_TIMELINE = `${EVENT_COLUMNS} FROM timeline t JOIN event e ON e.rowid = t.event_rowid`;

export class TimelineStore {
  private readonly stmts;
  private readonly keys: RoomKeys;

  constructor(db: DB, keys: RoomKeys) {
    this.keys = keys;
    this.stmts = {
      // One statement whether or not the event is already placed: the UNIQUE event_rowid turns a repeat into a no-op.
      // The room's number is bound, not looked up by its ID in the statement: a sync appends a row in every room it
      // touches. The foreign key stays: its check finds the event just inserted in a page at hand (no measurable
      // cost in a micro-benchmark of 50,000 appends), and its cascade keeps a deleted event out of every timeline.
      append: db.prepare<[number, number]>(`INSERT INTO timeline (room_nid, event_rowid) VALUES (?, ?)
        ON CONFLICT (event_rowid) DO NOTHING`),
      // Back-paginated events go below everything stored so far, across all rooms, so one sort orders any room.
      minRowid: db.prepare<[], number | null>('SELECT MIN(rowid) FROM timeline').pluck(),
      prepend: db.prepare<[number, number, number]>('INSERT INTO timeline (rowid, room_nid, event_rowid) VALUES (?, ?, ?)'),
      has: db.prepare<[number], number>('SELECT rowid FROM timeline WHERE event_rowid = ?').pluck(),
      clearRoom: db.prepare<[string]>(`DELETE FROM timeline WHERE room_nid = ${ROOM_NID}`),
      page: db.prepare<[string, number, number], EventRow>(`${FROM_TIMELINE} WHERE t.room_nid = ${ROOM_NID} AND t.rowid < ? ORDER BY t.rowid DESC LIMIT ?`),
      hasOlder: db.prepare<[string, number], number>(`SELECT 1 FROM timeline WHERE room_nid = ${ROOM_NID} AND rowid < ? LIMIT 1`).pluck(),
      latest: db.prepare<[string, number], EventRow>(`${FROM_TIMELINE} WHERE t.room_nid = ${ROOM_NID} ORDER BY t.rowid DESC LIMIT ?`),
      newest: db.prepare<[string], number | null>(`SELECT MAX(rowid) FROM timeline WHERE room_nid = ${ROOM_NID}`).pluck(),
    };
  }

  /** Adds an event at the end; returns its timeline rowid, or undefined if it was already in a timeline. */
  append(roomId: string, eventRowid: number): TimelineRowTuple | undefined {
    const r = this.stmts.append.run(this.keys.nid(roomId), eventRowid);
    if (r.changes === 0) return undefined;
    return { timeline_rowid: Number(r.lastInsertRowid), event_rowid: eventRowid };
  }

  /** Adds an event before everything stored; returns undefined if it was already in a timeline. */
  prepend(roomId: string, eventRowid: number): TimelineRowTuple | undefined {
    if (this.stmts.has.get(eventRowid) !== undefined) return undefined;
    const min = this.stmts.minRowid.get() ?? 0;
    const id = Math.min(min, 0) - 1;
    this.stmts.prepend.run(id, this.keys.nid(roomId), eventRowid);
    return { timeline_rowid: id, event_rowid: eventRowid };
  }

  clear(roomId: string): void {
    this.stmts.clearRoom.run(roomId);
  }

  /** Up to `limit` events older than `before`, newest first. */
  page(roomId: string, before: number, limit: number): Event[] {
    return this.stmts.page.all(roomId, before, limit).map(rowToEvent);
  }

  hasOlder(roomId: string, before: number): boolean {
    return this.stmts.hasOlder.get(roomId, before) !== undefined;
  }

  latest(roomId: string, limit: number): Event[] {
    return this.stmts.latest.all(roomId, limit).map(rowToEvent);
  }

  /** The timeline rowid of the room's newest event (from the index alone: no event is read), if it has any. */
  newestRowid(roomId: string): number | undefined {
    return this.stmts.newest.get(roomId) ?? undefined;
  }
}
