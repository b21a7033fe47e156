/**
 * The last step before a sync_complete leaves the backend: every key gomuks always sends is filled in. Go
 * marshals jsoncmd.SyncComplete and SyncRoom without omitempty, so a gomuks frontend may rely on each key being
 * there (empty lists and maps as null); inside the backend a diff only holds what changed.
 */
import type { Room, SyncComplete, SyncRoom } from '../../../shared/rpc/index.ts';

export function wireSyncComplete(d: SyncComplete): SyncComplete {
  let rooms: Record<string, SyncRoom> | null = null;
  if (d.rooms) {
    rooms = {};
    for (const id of Object.keys(d.rooms)) rooms[id] = wireSyncRoom(d.rooms[id]);
  }
  const out: SyncComplete = {
    account_data: d.account_data ?? null,
    rooms,
    left_rooms: d.left_rooms ?? null,
    invited_rooms: d.invited_rooms ?? null,
    space_edges: d.space_edges ?? null,
    top_level_spaces: d.top_level_spaces ?? null,
  };
  if (d.since !== undefined) out.since = d.since;
  if (d.clear_state !== undefined) out.clear_state = d.clear_state;
  if (d.to_device !== undefined) out.to_device = d.to_device;
  return out;
}

function wireSyncRoom(r: SyncRoom): SyncRoom {
  const out: SyncRoom = {
    meta: r.meta ? wireRoom(r.meta) : null,
    timeline: r.timeline ?? null,
    reset: r.reset ?? false,
    state: r.state ?? null,
    account_data: r.account_data ?? null,
    events: r.events ?? null,
    receipts: r.receipts ?? null,
    dismiss_notifications: r.dismiss_notifications ?? false,
    notifications: r.notifications ?? null,
  };
  if (r.sticky?.length) out.sticky = r.sticky;
  return out;
}

function wireRoom(room: Room): Room {
  return room.prev_batch === undefined ? { ...room, prev_batch: '' } : room;
}
