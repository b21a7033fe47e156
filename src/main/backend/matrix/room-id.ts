/**
 * The ID of a version 12 room, computed before creating it: `!` and the unpadded URL-safe base64 of the reference
 * hash of its m.room.create event (the room ID is that event's ID). Only the creator and the creation content
 * shape the event, with a timestamp the client picks (gomuks' `fi.mau.origin_server_ts` extension) — so a client
 * can know the ID in advance.
 */
import { createHash } from 'node:crypto';
import type { JSONValue } from '../../../shared/rpc/index.ts';

/** Matrix canonical JSON: object keys sorted by code point, no insignificant whitespace, UTF-8. */
export function canonicalJSON(v: JSONValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function calculateRoomId(sender: string, timestamp: number, content: JSONValue): string {
  const pdu: { [k: string]: JSONValue } = {
    auth_events: [], prev_events: [], depth: 1, origin_server_ts: timestamp, sender, state_key: '', type: 'm.room.create', content,
  };
  // The content hash covers the event without hashes; the reference hash then covers it with them.
  pdu.hashes = { sha256: sha256(canonicalJSON(pdu)).toString('base64').replace(/=+$/, '') };
  return `!${sha256(canonicalJSON(pdu)).toString('base64url')}`;
}
