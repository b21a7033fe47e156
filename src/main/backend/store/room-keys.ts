/**
 * Rooms' numbers (room_key, migration 15): the small integer key the timeline and the room's activity row name
 * their room by. Looked up once per room and remembered, so a sync's statements bind the number itself instead of
 * looking the room ID up in room_key's index for every row they write.
 */
import type { DB } from './database.ts';

/** The number of the room whose ID is bound here (NULL, matching no row, for a room without one). */
export const ROOM_NID = '(SELECT nid FROM room_key WHERE room_id = ?)';

export class RoomKeys {
  private readonly stmts;
  /**
   * Room ID → number. Keys are never deleted or renumbered, so a remembered number stays right for good, also for
   * other connections to the database; a rolled-back transaction clears this (Store.transaction), since a key added
   * in it is gone and its number may go to another room.
   */
  private readonly nids = new Map<string, number>();

  constructor(db: DB) {
    this.stmts = {
      add: db.prepare<[string]>('INSERT OR IGNORE INTO room_key (room_id) VALUES (?)'),
      get: db.prepare<[string], number>('SELECT nid FROM room_key WHERE room_id = ?').pluck(),
    };
  }

  /** The room's number, given to it now if it has none. */
  nid(roomId: string): number {
    let nid = this.nids.get(roomId);
    if (nid !== undefined) return nid;
    const added = this.stmts.add.run(roomId);
    nid = added.changes > 0 ? Number(added.lastInsertRowid) : this.stmts.get.get(roomId);
    if (nid === undefined) throw new Error(`room_key has no row for ${roomId}`);
    this.nids.set(roomId, nid);
    return nid;
  }

  /** Forgets the numbers looked up: after a rolled-back transaction a key added in it is gone. */
  forgetCached(): void {
    this.nids.clear();
  }
}
