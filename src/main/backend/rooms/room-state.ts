/** get_room_state: current state from the database, optionally (re)fetched from the server first. */
import type { Event, Room } from '../../../shared/rpc/index.ts';
import type { MatrixClient } from '../matrix/client.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { ingestEvent } from '../sync/ingest-event.ts';

export interface RoomStateOptions {
  refetch?: boolean;
  fetchMembers?: boolean;
  includeMembers?: boolean;
}

/** Returns the state and, when the room row changed (member list now complete), the new row. */
export async function getRoomState(store: Store, client: MatrixClient, roomId: string, opts: RoomStateOptions,
  signal: AbortSignal): Promise<{ state: Event[]; updatedRoom?: Room }> {
  const room = store.rooms.get(roomId);
  if (!room) throw new Error(`Unknown room ${roomId}: it is not a room this account has joined.`);
  let updatedRoom: Room | undefined;
  if (opts.refetch) {
    const all = await client.rooms.roomState(roomId, signal);
    storeState(store, roomId, all);
  }
  if (opts.fetchMembers && !room.has_member_list) {
    const resp = await client.rooms.members(roomId, undefined, signal);
    signal.throwIfAborted();
    storeState(store, roomId, (resp as { chunk?: unknown } | null)?.chunk);
    // The row as it is now: a sync may have changed it (its name, its counts) while the members were fetched, and
    // the copy read before the request would put the old values back.
    const current = store.rooms.get(roomId);
    if (current && !current.has_member_list) {
      updatedRoom = { ...current, has_member_list: true };
      store.rooms.save(updatedRoom);
    }
  }
  // As gomuks: members only when asked for (a room's member list can be most of its state).
  return { state: store.state.all(roomId, opts.includeMembers === true), updatedRoom };
}

function storeState(store: Store, roomId: string, events: unknown): void {
  store.transaction(() => {
    // The server's JSON: an entry that is no state event is passed over (ingestEvent checks the rest of its shape).
    for (const ev of Array.isArray(events) ? events as unknown[] : []) {
      if (!hasStateKey(ev)) continue;
      const r = ingestEvent(store, roomId, ev);
      if (r) store.state.set({ room_id: roomId, type: ev.type, state_key: ev.state_key, content: ev.content }, r.rowid);
    }
  });
}

function hasStateKey(v: unknown): v is ClientEvent & { state_key: string } {
  return typeof v === 'object' && v !== null && typeof (v as ClientEvent).state_key === 'string';
}
