/**
 * Everything a newly connected frontend needs for the room list, from the database alone (gomuks' first
 * sync_complete with clear_state): every room's meta with its preview event (and that sender's member event, so the
 * list names them) and its unsent messages, room and global account data, invites and the space tree.
 */
import type { AccountData, SyncComplete, SyncRoom } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import { roomAccountData } from '../sync/process-sync.ts';

export function fullState(store: Store): SyncComplete {
  const rooms: Record<string, SyncRoom> = {};
  const userId = store.account.get()?.user_id ?? '';
  const roomAccountDataByRoom = store.account.allRoomAccountData();
  for (const meta of store.rooms.all()) {
    const sr: SyncRoom = { meta };
    // The room's unsent messages (waiting or failed) come along, so every frontend shows them after a reload,
    // a reconnect or a restart: events without a timeline row and with a send_error are local echoes.
    const rowids = store.outbox.eventRowids(meta.room_id);
    if (meta.preview_event_rowid) rowids.unshift(meta.preview_event_rowid);
    if (rowids.length) sr.events = store.events.getMany(rowids);
    // The preview's sender's member event comes along, so the room list names them ("Bob: hi") before the room
    // is opened and its members loaded, as the live sync that brought the message did.
    const previewSender = sr.events?.find((e) => e.rowid === meta.preview_event_rowid)?.sender;
    const member = previewSender ? store.state.get(meta.room_id, 'm.room.member', previewSender) : undefined;
    if (member && previewSender && sr.events) {
      sr.events.push(member);
      sr.state = { 'm.room.member': { [previewSender]: member.rowid } };
    }
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
