/**
 * Everything a newly connected frontend needs for the room list, from the database alone (gomuks' first
 * sync_complete with clear_state): every room's meta with its preview event (and that sender's member event, so the
 * list names them) and its unsent messages, room and global account data, invites and the space tree.
 */
import type { AccountData, Event, SyncComplete, SyncRoom } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import { roomAccountData } from '../sync/process-sync.ts';

export function fullState(store: Store): SyncComplete {
  const rooms: Record<string, SyncRoom> = {};
  const userId = store.account.get()?.user_id ?? '';
  const roomAccountDataByRoom = store.account.allRoomAccountData();
  const metas = store.rooms.all();
  // A few statements for the whole list rather than three per room: a new frontend waits for this, and per-room
  // lookups (1,500 for 500 rooms) cost most of it on a database just opened.
  // The rooms' unsent messages (waiting or failed) come along, so every frontend shows them after a reload,
  // a reconnect or a restart: events without a timeline row and with a send_error are local echoes.
  const unsent = store.outbox.eventRowidsByRoom();
  const rowids: number[] = [];
  for (const meta of metas) {
    if (meta.preview_event_rowid) rowids.push(meta.preview_event_rowid);
    for (const rowid of unsent.get(meta.room_id) ?? []) rowids.push(rowid);
  }
  const events = new Map(store.events.getMany(rowids).map((e) => [e.rowid, e]));
  // The preview's sender's member event comes along, so the room list names them ("Bob: hi") before the room
  // is opened and its members loaded, as the live sync that brought the message did.
  const senders: [string, string][] = [];
  for (const meta of metas) {
    const preview = meta.preview_event_rowid ? events.get(meta.preview_event_rowid) : undefined;
    if (preview) senders.push([meta.room_id, preview.sender]);
  }
  const members = new Map(store.state.membersOf(senders).map((e) => [`${e.room_id}\n${e.state_key ?? ''}`, e]));
  for (const meta of metas) {
    const sr: SyncRoom = { meta };
    const roomEvents: Event[] = [];
    const preview = meta.preview_event_rowid ? events.get(meta.preview_event_rowid) : undefined;
    if (preview) roomEvents.push(preview);
    for (const rowid of unsent.get(meta.room_id) ?? []) {
      const ev = events.get(rowid);
      if (ev) roomEvents.push(ev);
    }
    const member = preview && members.get(`${meta.room_id}\n${preview.sender}`);
    if (member && preview) {
      roomEvents.push(member);
      sr.state = { 'm.room.member': { [preview.sender]: member.rowid } };
    }
    if (roomEvents.length) sr.events = roomEvents;
    const ad = roomAccountDataByRoom.get(meta.room_id);
    if (ad) {
      sr.account_data = Object.fromEntries(Object.entries(ad)
        .map(([type, content]) => [type, roomAccountData(userId, meta.room_id, type, content)]));
    }
    rooms[meta.room_id] = sr;
  }
  const accountData: Record<string, AccountData> = {};
  for (const [type, content] of Object.entries(store.account.allAccountData())) {
    accountData[type] = { user_id: userId, type, content };
  }
  return {
    clear_state: true,
    since: store.account.get()?.next_batch ?? undefined,
    rooms,
    account_data: accountData,
    invited_rooms: store.account.allInvites(),
    left_rooms: [],
    space_edges: store.spaces.all(),
    top_level_spaces: store.spaces.topLevel(),
  };
}
