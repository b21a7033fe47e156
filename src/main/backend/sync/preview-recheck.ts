/**
 * Room-list previews chosen again after the rule that picks them changed. The rule is TypeScript
 * (preview-event.ts) and a sync applies it only to the rooms it touches, so a database written by an older rule
 * keeps each room's preview (often none, or an event that says nothing, such as a call's candidates) until that
 * room's next event. A migration queues this pass (a row of `preview_recheck`, migration 21); after opening the
 * database the backend runs the rule over every room (room-meta.ts, recheckPreview) a slice of rooms per
 * transaction, yielding to sync and commands in between, and sends the rooms whose row changed to the frontends
 * connected meanwhile as a sync would (the row and its new preview event). A crash loses at most a slice's work,
 * which the next start does again with the same result: the pass may run any number of times.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { Room, SyncComplete, SyncRoom } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import { recheckPreview } from './room-meta.ts';

/**
 * Rooms looked at per transaction. Each reads its row and its preview event, and unless that is a message with
 * nothing after it, the newest events (room-meta.ts, findPreview): on npm run bench's account (500 rooms) the whole
 * pass took 50-75 ms of CPU time with every preview right and 130-210 ms with none set (the first room list a
 * frontend is sent took 20-45 ms), so a slice of 25 rooms holds the event loop for a few milliseconds.
 */
const ROOMS_PER_SLICE = 25;

/**
 * Does one slice of the queued pass in one transaction: answers the rooms whose row changed, as a sync diff's
 * rooms, or undefined when no pass is queued.
 */
export function recheckPreviewsSlice(store: Store, rooms = ROOMS_PER_SLICE): Record<string, SyncRoom> | undefined {
  const db = store.db;
  return store.transaction(() => {
    const after = db.prepare<[], string>('SELECT after_room_id FROM preview_recheck LIMIT 1').pluck().get();
    if (after === undefined) return undefined;
    const ids = db.prepare<[string, number], string>('SELECT room_id FROM room WHERE room_id > ? ORDER BY room_id LIMIT ?')
      .pluck().all(after, rooms);
    const changed: Record<string, SyncRoom> = {};
    for (const roomId of ids) {
      const room = store.rooms.get(roomId);
      if (!room || !recheckPreview(store, room) || !store.rooms.save(room)) continue;
      changed[roomId] = withPreview(store, room);
    }
    if (ids.length < rooms) db.prepare('DELETE FROM preview_recheck').run();
    else db.prepare<[string]>('UPDATE preview_recheck SET after_room_id = ?').run(ids[ids.length - 1]);
    return changed;
  });
}

/**
 * The room's row with its new preview event, which a frontend connected before may not hold, and that sender's
 * member event, so the list names them (as the first room list has them, rpc/full-state.ts).
 */
function withPreview(store: Store, room: Room): SyncRoom {
  const preview = room.preview_event_rowid ? store.events.get(room.preview_event_rowid) : undefined;
  if (!preview) return { meta: room };
  const member = store.state.get(room.room_id, 'm.room.member', preview.sender);
  if (!member) return { meta: room, events: [preview] };
  return { meta: room, events: [preview, member], state: { 'm.room.member': { [preview.sender]: member.rowid } } };
}

/**
 * Works through the queued pass, a slice per turn of the event loop, until it is done or the database was closed
 * or replaced (sign-out); the next start then goes on where this one stopped. Rooms that changed go to `changed`
 * (the frontends, as a sync_complete) slice by slice. Answers how many rooms changed.
 */
export async function recheckStoredPreviews(store: () => Store, logger: Logger, changed: (diff: SyncComplete) => void,
  rooms = ROOMS_PER_SLICE): Promise<number> {
  const s = store();
  let total = 0;
  try {
    for (;;) {
      // First after the start, then between slices: the backend opens and serves its first room list meanwhile.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (store() !== s || !s.db.open) return total;
      const diff = recheckPreviewsSlice(s, rooms);
      if (diff === undefined) break;
      const n = Object.keys(diff).length;
      if (n) changed({ rooms: diff });
      total += n;
    }
  } catch (e) {
    logger.warn(`could not choose the room list's previews again (tried again at the next start): ${errorMessage(e)}`);
    return total;
  }
  if (total) logger.info(`chose the room list's preview of ${total} rooms again`);
  return total;
}
