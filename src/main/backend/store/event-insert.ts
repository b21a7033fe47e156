/**
 * How events are inserted: one statement per set of columns an event has (prepared once, kept), bound with one
 * reused parameter array. EventStore (events.ts) runs them.
 */
import type Database from 'better-sqlite3';
import type { DB } from './database.ts';
import type { EventInput } from './events.ts';

const INSERT_COLUMNS = ['room_id', 'event_id', 'sender', 'type', 'state_key', 'timestamp', 'content', 'unsigned',
  'local_content', 'transaction_id', 'redacted_by', 'relates_to', 'relation_type', 'send_error', 'decrypted',
  'decrypted_type', 'decryption_error', 'unread_type', 'sticky_duration', 'sticky_until', 'event_key'] as const;

/** Far more than the sets of columns events come with; past it, a rare set gets a statement of its own each time. */
export const MAX_INSERT_SHAPES = 64;

export interface InsertShape {
  stmt: Database.Statement<InsertParams[number][]>;
  /** The statement's parameters, filled anew for every insert (bound synchronously, see PARAMS). */
  args: InsertParams[number][];
}

/** The insert statement for the columns whose bits are set in `mask` (bit i: INSERT_COLUMNS[i]). */
export function insertShape(db: DB, mask: number): InsertShape {
  const columns = INSERT_COLUMNS.filter((_, i) => mask & (1 << i));
  const stmt = db.prepare<InsertParams[number][]>(`INSERT INTO event (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (event_key) DO NOTHING`);
  return { stmt, args: Array.from({ length: columns.length }, () => null) };
}

export type InsertParams = [
  room_id: string, event_id: string, sender: string, type: string, state_key: string | null, timestamp: number,
  content: string, unsigned: string | null, local_content: string | null, transaction_id: string | null,
  redacted_by: string | null, relates_to: string | null, relation_type: string | null, send_error: string | null,
  decrypted: string | null, decrypted_type: string | null, decryption_error: string | null,
  unread_type: number, sticky_duration: number | null, sticky_until: number | null, event_key: number | null,
];


/**
 * One parameter array for every insert, filled anew each time instead of allocated per event: the statement binds
 * its values synchronously, so nothing reads it after the call, and an array per event was garbage at ingest rate.
 */
const PARAMS = Array.from({ length: 21 }, () => null) as unknown as InsertParams;

export function insertParams(ev: EventInput, key: number | null = null): InsertParams {
  const p = PARAMS;
  p[0] = ev.room_id;
  p[1] = ev.event_id;
  p[2] = ev.sender;
  p[3] = ev.type;
  p[4] = ev.state_key ?? null;
  p[5] = ev.timestamp;
  p[6] = JSON.stringify(ev.content);
  p[7] = ev.unsigned ? JSON.stringify(ev.unsigned) : null;
  p[8] = ev.local_content ? JSON.stringify(ev.local_content) : null;
  p[9] = ev.transaction_id ?? null;
  p[10] = ev.redacted_by ?? null;
  p[11] = ev.relates_to ?? null;
  p[12] = ev.relation_type ?? null;
  p[13] = ev.send_error ?? null;
  p[14] = ev.decrypted ? JSON.stringify(ev.decrypted) : null;
  p[15] = ev.decrypted_type ?? null;
  p[16] = ev.decryption_error ?? null;
  p[17] = ev.unread_type ?? 0;
  p[18] = ev.sticky_duration ?? null;
  p[19] = ev.sticky_until ?? null;
  p[20] = key;
  return p;
}
