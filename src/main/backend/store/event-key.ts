/**
 * The integer key events are found by (migration 23): six bytes of the event ID's hash as a signed 48-bit integer,
 * indexed UNIQUE in place of the event ID's text. Event IDs of rooms v3 and later are `$` and the base64 of a
 * SHA-256 hash, so their key is read straight from the ID; other IDs (rooms v1/v2's `$opaque:server`, local echoes'
 * `~txn`) are hashed with SHA-256 first.
 *
 * Why: event IDs are random, so each insert lands on a different leaf page of the ID's index, and a text entry
 * (about 48 bytes) fills pages fast: that index was most of the pages a sync response wrote (490 of 790 on npm run
 * bench's account). An entry of the key's index is about 16 bytes.
 *
 * Two IDs can share a key (about one chance in 500 among a million events; anyone can make IDs that do). The second
 * is stored with no key (NULL), where a small partial index of the event ID finds it; so a lookup by event ID is
 * `eventWithID` below, through both indexes. Invariant, kept by EventStore on insert and update and by migration 23's
 * triggers on delete and re-key: an event without a key always has another event holding its ID's key. So an
 * insert whose key is free is a new event, and only an insert whose key is taken looks further.
 */
import { createHash } from 'node:crypto';
import type { DB } from './database.ts';

/** Base64 digit values of both alphabets (v3 IDs use `+/`, v4 `-_`), -1 for other characters. */
const DIGITS = new Int8Array(128).fill(-1);
for (const [alphabet, offset] of [['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 0], ['-_', 62], ['+/', 62]] as const) {
  for (let i = 0; i < alphabet.length; i++) DIGITS[alphabet.charCodeAt(i)] = offset + i;
}

/** `$` and 43 base64 digits: the unpadded base64 of a 32-byte hash. */
const HASH_ID_LENGTH = 44;
const TWO_47 = 2 ** 47;
const TWO_48 = 2 ** 48;

export function eventKey(eventId: string): number {
  if (isHashID(eventId)) {
    // The first 8 digits are the hash's first 6 bytes.
    let k = 0;
    for (let i = 1; i <= 8; i++) k = k * 64 + DIGITS[eventId.charCodeAt(i)];
    return k >= TWO_47 ? k - TWO_48 : k;
  }
  return createHash('sha256').update(eventId).digest().readIntBE(0, 6);
}

function isHashID(eventId: string): boolean {
  if (eventId.length !== HASH_ID_LENGTH || eventId.charCodeAt(0) !== 0x24 /* $ */) return false;
  for (let i = 1; i < HASH_ID_LENGTH; i++) {
    const c = eventId.charCodeAt(i);
    if (c >= 128 || DIGITS[c] < 0) return false;
  }
  return true;
}

/**
 * SQL true of the event row with event ID `id` (an SQL expression: a parameter such as `@event_id`, or a column),
 * found through the key's index or, for an event stored without a key, the partial index of those events' IDs
 * (SQLite runs the OR as two index searches). `e` prefixes the event table's columns, e.g. `t.`.
 */
export function eventWithID(id: string, e = ''): string {
  return `(${e}event_key = event_key(${id}) OR ${e}event_key IS NULL) AND ${e}event_id = ${id}`;
}

/** The same for a statement that binds the ID's key (eventKey) and then the ID, saving SQL the call to event_key(). */
export const KEY_AND_ID = '(event_key = ? OR event_key IS NULL) AND event_id = ?';

/** Makes event_key() known to SQL on this connection: the lookups above and the schema's triggers call it. */
export function registerEventKey(db: DB): void {
  db.function('event_key', { deterministic: true }, (id: unknown) => typeof id === 'string' ? eventKey(id) : null);
}
