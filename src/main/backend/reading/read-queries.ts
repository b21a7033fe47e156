/**
 * Database reads for the reading commands that gomuks answers without the homeserver: related events, mentions
 * and read receipts. The statements are prepared once per open database (the database is replaced when an
 * account's data is reset, so they are keyed by it).
 */
import type { Event, Receipt } from '../../../shared/rpc/index.ts';
import type { DB } from '../store/database.ts';
import { UnreadType } from '../push/types.ts';
import { EVENT_COLUMNS, rowToEvent } from '../store/events.ts';

type EventRow = Parameters<typeof rowToEvent>[0];

const FROM_EVENT = `${EVENT_COLUMNS} FROM event e LEFT JOIN timeline t ON t.event_rowid = e.rowid`;

function prepare(db: DB) {
  return {
    related: db.prepare(`${FROM_EVENT}
      WHERE e.relates_to = @event_id AND e.room_id = @room_id
        AND (@relation_type = '' OR e.relation_type = @relation_type) AND (@event_type = '' OR e.type = @event_type)
      ORDER BY e.timestamp ASC`),
    mentions: db.prepare(`${FROM_EVENT}
      WHERE e.timestamp <= @max_ts AND e.unread_type > 0 AND (e.unread_type & @type) <> 0
        AND (@room_id = '' OR e.room_id = @room_id)
      ORDER BY e.timestamp DESC LIMIT @limit`),
    // Only the highlight and sound bits asked (gomuks asks for highlights): event_mention_idx holds just those events
    // (migration 14), newest first, and `unread_type >= 4` lets the planner use it.
    loudMentions: db.prepare(`${FROM_EVENT}
      WHERE e.timestamp <= @max_ts AND e.unread_type >= 4 AND (e.unread_type & @type) <> 0
        AND (@room_id = '' OR e.room_id = @room_id)
      ORDER BY e.timestamp DESC LIMIT @limit`),
    // Read receipts only (m.read and m.read.private): other receipt types say nothing about who read what.
    receipts: db.prepare(`SELECT r.user_id, r.receipt_type, r.thread_id, r.event_id, r.timestamp
      FROM json_each(@event_ids) j JOIN receipt r ON r.room_id = @room_id AND r.event_id = j.value
      WHERE r.receipt_type IN ('m.read', 'm.read.private') AND r.user_id <> @own
      ORDER BY j.key, r.timestamp DESC`),
  };
}

const cache = new WeakMap<DB, ReturnType<typeof prepare>>();
function stmts(db: DB): ReturnType<typeof prepare> {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

export function relatedEvents(db: DB, roomId: string, eventId: string, relationType = '', eventType = ''): Event[] {
  return (stmts(db).related.all({ room_id: roomId, event_id: eventId, relation_type: relationType, event_type: eventType }) as EventRow[])
    .map(rowToEvent);
}

export function mentions(db: DB, maxTimestamp: number, type: number, limit: number, roomId = ''): Event[] {
  const s = stmts(db);
  // Bits 1 (unread) and 2 (notify) are on nearly every message: that list has no index and scans.
  const stmt = (type & (UnreadType.Normal | UnreadType.Notify)) === 0 ? s.loudMentions : s.mentions;
  return (stmt.all({ max_ts: maxTimestamp, type, limit, room_id: roomId }) as EventRow[]).map(rowToEvent);
}

/**
 * Receipts on the given events, by event ID. A user whose receipts sit on several of them (per thread) is counted
 * once, at the first event in the given order (frontends list newest first), as gomuks does.
 */
export function receiptsFor(db: DB, roomId: string, eventIds: string[], ownUserId: string): Record<string, Receipt[]> {
  const rows = stmts(db).receipts.all({ room_id: roomId, event_ids: JSON.stringify(eventIds), own: ownUserId }) as
    { user_id: string; receipt_type: string; thread_id: string; event_id: string; timestamp: number }[];
  const seen = new Set<string>();
  const out: Record<string, Receipt[]> = {};
  for (const r of rows) {
    if (seen.has(r.user_id)) continue;
    seen.add(r.user_id);
    const receipt: Receipt = { user_id: r.user_id, receipt_type: r.receipt_type, event_id: r.event_id, timestamp: r.timestamp };
    if (r.thread_id) receipt.thread_id = r.thread_id;
    (out[r.event_id] ??= []).push(receipt);
  }
  return out;
}
