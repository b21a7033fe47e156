/**
 * Splits a sync_complete that touches many rooms into several, each of a bounded number of rooms, as gomuks sends
 * a new frontend its room list in batches. One diff of 500 rooms with their events is a JSON text of about 7 million
 * characters (two bytes each once any character is outside Latin-1), and the worker's text, the message buffer to
 * the host thread and the host's text all exist at once: that set the backend's peak memory. Chunks of a few dozen
 * rooms keep each of those small.
 *
 * A frontend that applies the chunks in order ends with what the single diff gives (test/unit/sync-chunks.test.ts):
 * - the first chunk carries `clear_state` and every top-level field (account data, invites, left rooms, space
 *   edges, to-device events), so a replay on connect is marked as one from its first envelope, and invites in it are
 *   not taken as news;
 * - rooms named in `left_rooms` or `invited_rooms` ride in that first chunk too, because a frontend applies a
 *   diff's rooms before its left rooms and drops the invites of the rooms it joined before adding the diff's new
 *   invites: kept together, both happen in the same order as in the single diff;
 * - a room's diff is never split, so its events and timeline keep their order, and rooms keep the diff's order (the
 *   room list of a new connection is newest first, so its first chunk is the top of the list, as in gomuks);
 * - only the last chunk carries `since`: the position is reached once everything before it has been applied.
 */
import type { SyncComplete, SyncRoom } from '../../../shared/rpc/index.ts';

/** Rooms per chunk; gomuks sends its initial room list in batches of 100. */
export const SYNC_CHUNK_ROOMS = 50;

export function chunkSyncComplete(diff: SyncComplete, maxRooms = SYNC_CHUNK_ROOMS): SyncComplete[] {
  const rooms = diff.rooms;
  // Room IDs and plain assignments: entries and fromEntries made a pair array per room on every response.
  const ids = rooms ? Object.keys(rooms) : [];
  if (!rooms || ids.length <= maxRooms) return [diff];
  const { since, rooms: _rooms, ...first } = diff;
  const together = new Set(diff.left_rooms);
  for (const r of diff.invited_rooms ?? []) together.add(r.room_id);
  const firstRooms: Record<string, SyncRoom> = {};
  const rest: string[] = [];
  for (const id of ids) {
    if (together.has(id)) firstRooms[id] = rooms[id];
    else rest.push(id);
  }
  let i = 0;
  for (let n = ids.length - rest.length; n < maxRooms && i < rest.length; n++, i++) firstRooms[rest[i]] = rooms[rest[i]];
  const chunks: SyncComplete[] = [{ ...first, rooms: firstRooms }];
  while (i < rest.length) {
    const chunk: Record<string, SyncRoom> = {};
    for (const end = Math.min(i + maxRooms, rest.length); i < end; i++) chunk[rest[i]] = rooms[rest[i]];
    chunks.push({ rooms: chunk });
  }
  if (since !== undefined) (chunks.at(-1) as SyncComplete).since = since;
  return chunks;
}
