/**
 * get_sticky_events: the room's stored events that are still sticky (MSC4354), wherever they came from (the
 * timeline, the sync's sticky section, history). Ingest writes each sticky event's end on our clock
 * (`sticky_until`, see sync/sticky.ts); the sync clears it once passed (`expireStickiness`), so both statements
 * read only the partial index of events that are sticky now, however long the room's history.
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { DB } from '../store/database.ts';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from '../store/events.ts';

const ACTIVE = `${EVENT_COLUMNS}
  FROM event e INDEXED BY event_sticky_until_idx LEFT JOIN timeline t ON t.event_rowid = e.rowid
  WHERE e.sticky_until > @now AND e.room_id = @room_id AND e.redacted_by IS NULL AND e.send_error IS NULL
  ORDER BY e.timestamp ASC, e.rowid ASC`;

const EXPIRE = 'UPDATE event SET sticky_until = NULL WHERE sticky_until IS NOT NULL AND sticky_until <= ?';

interface Statements {
  active: ReturnType<DB['prepare']>;
  expire: ReturnType<DB['prepare']>;
}

const statements = new WeakMap<DB, Statements>();

function stmts(db: DB): Statements {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = { active: db.prepare(ACTIVE), expire: db.prepare(EXPIRE) }));
  return s;
}

export function activeStickyEvents(db: DB, roomId: string, now: number): Event[] {
  return (stmts(db).active.all({ room_id: roomId, now }) as EventRow[]).map(rowToEvent);
}

/** Forgets the end of every event whose stickiness has run out (their duration stays, as gomuks keeps it). */
export function expireStickiness(db: DB, now: number): void {
  stmts(db).expire.run(now);
}
