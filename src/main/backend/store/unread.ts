/**
 * Unread state computed locally: each event's unread_type (set once by the push evaluator at ingest) and a room's
 * counters, counted from the timeline after our read position, so they are exact whatever changed: new events,
 * our own message or read receipt from any device, a redaction of an unread event.
 */
import type { DB } from './database.ts';
import { eventWithID } from './event-key.ts';
import { ROOM_NID } from './room-keys.ts';

export interface UnreadCounts {
  unread_messages: number;
  unread_notifications: number;
  unread_highlights: number;
}

export class UnreadStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      setType: db.prepare('UPDATE event SET unread_type = ? WHERE rowid = ?'),
      // Our read position: the later of our newest read receipt (public or private, any thread) and our own newest
      // event, as a timeline rowid. Events we have no timeline row for do not count. CROSS JOIN keeps SQLite on the
      // room's timeline index: the event table has no index by room or sender, and a scan of it per room per sync
      // made ingest ten times slower.
      readPosition: db.prepare(`SELECT MAX(pos) FROM (
          SELECT t.rowid AS pos FROM receipt r CROSS JOIN event e ON ${eventWithID('r.event_id', 'e.')}
            CROSS JOIN timeline t ON t.event_rowid = e.rowid
          WHERE r.room_id = @room AND r.user_id = @user AND r.receipt_type IN ('m.read', 'm.read.private')
          UNION ALL
          -- Newest first, stopping at our newest event: MAX() would look at every event of the room.
          SELECT * FROM (SELECT t.rowid FROM timeline t CROSS JOIN event e ON e.rowid = t.event_rowid
            WHERE t.room_nid = (SELECT nid FROM room_key WHERE room_id = @room) AND e.sender = @user
            ORDER BY t.rowid DESC LIMIT 1)
        )`).pluck(),
      // Only what the push rules read of a state event, without building the whole Event. The state row is named
      // in a subquery, not joined: as in StateStore, the join form costs several times as much per call.
      stateField: db.prepare(`SELECT sender, json_extract(content, ?) AS value FROM event
        WHERE rowid = (SELECT event_rowid FROM current_state WHERE room_id = ? AND event_type = ? AND state_key = ?)`),
      count: db.prepare(`SELECT
          COALESCE(SUM((e.unread_type & 1) != 0), 0) AS unread_messages,
          COALESCE(SUM((e.unread_type & 2) != 0), 0) AS unread_notifications,
          COALESCE(SUM((e.unread_type & 4) != 0), 0) AS unread_highlights
        FROM timeline t CROSS JOIN event e ON e.rowid = t.event_rowid
        WHERE t.room_nid = ${ROOM_NID} AND t.rowid > ? AND e.unread_type != 0 AND e.redacted_by IS NULL`),
    };
  }

  setUnreadType(eventRowid: number, unreadType: number): void {
    this.stmts.setType.run(unreadType, eventRowid);
  }

  /**
   * One field of a room's current state event (`path` is a JSON path such as `$.displayname`) and its sender, or
   * undefined when the room has no such state. Objects and arrays come back as JSON text.
   */
  stateField(roomId: string, type: string, stateKey: string, path: string): { sender: string; value: unknown } | undefined {
    return this.stmts.stateField.get(path, roomId, type, stateKey) as { sender: string; value: unknown } | undefined;
  }

  /** The room's counters from the events after our read position. */
  count(roomId: string, ownUserId: string): UnreadCounts {
    const pos = (this.stmts.readPosition.get({ room: roomId, user: ownUserId }) as number | null) ?? Number.MIN_SAFE_INTEGER;
    return this.stmts.count.get(roomId, pos) as UnreadCounts;
  }
}
