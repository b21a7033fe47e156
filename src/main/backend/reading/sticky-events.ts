/**
 * get_sticky_events: the room's stored events that are still sticky (MSC4354). The server marks each with
 * `unsigned.msc4354_sticky_duration_ttl_ms`, the stickiness left when it served the event, beside `unsigned.age`;
 * their sum is the event's sticky duration, so it is sticky until its timestamp plus that (at most an hour).
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { DB } from '../store/database.ts';
import { EVENT_COLUMNS, rowToEvent } from '../store/events.ts';

/** MSC4354's longest stickiness. */
const MAX_STICKY_MS = 3_600_000;

/**
 * Only the room's newest timeline rows can still be sticky (an hour at most); this many covers a very busy hour
 * and keeps the read short in a room with a long history.
 */
const RECENT_ROWS = 2000;

const SQL = `${EVENT_COLUMNS}
  FROM (SELECT rowid, event_rowid FROM timeline WHERE room_id = @room_id ORDER BY rowid DESC LIMIT ${RECENT_ROWS}) t
  JOIN event e ON e.rowid = t.event_rowid
  WHERE e.unsigned ->> '$.msc4354_sticky_duration_ttl_ms' IS NOT NULL AND e.redacted_by IS NULL AND e.send_error IS NULL
    AND e.timestamp + MIN(${MAX_STICKY_MS},
      COALESCE(e.unsigned ->> '$.age', 0) + (e.unsigned ->> '$.msc4354_sticky_duration_ttl_ms')) > @now
  ORDER BY e.timestamp ASC, e.rowid ASC`;

const statements = new WeakMap<DB, ReturnType<DB['prepare']>>();

export function activeStickyEvents(db: DB, roomId: string, now: number): Event[] {
  let stmt = statements.get(db);
  if (!stmt) statements.set(db, (stmt = db.prepare(SQL)));
  return (stmt.all({ room_id: roomId, now }) as Parameters<typeof rowToEvent>[0][]).map(rowToEvent);
}
