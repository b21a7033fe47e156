/**
 * How backend events and command results change the snapshot: pure functions from the previous snapshot to the
 * next. A reducer returns the previous snapshot itself when nothing changed, so the store can skip notifying.
 */
import type {
  ClientState, Event, EventRowID, EventsDecrypted, PaginationResponse, SendComplete, SyncComplete, SyncRoom,
  SyncStatus, Typing,
} from '../../shared/rpc/types.ts';
import { NOT_SENT } from '../../shared/rpc/types.ts';
import {
  INITIAL_HISTORY, emptyRoom, initialSnapshot, mergeState, mergeTimeline, prunePending, sameStrings,
  sortRoomList, withEvents, type RoomData, type StoreSnapshot,
} from './snapshot.ts';
import { mergeReceipts } from './receipts.ts';
import type { TransportStatus } from './transport.ts';

export function reduceConnection(snap: StoreSnapshot, connection: TransportStatus): StoreSnapshot {
  return { ...snap, connection };
}

export function reduceClientState(snap: StoreSnapshot, clientState: ClientState): StoreSnapshot {
  const wasLoggedIn = snap.clientState?.is_logged_in ?? false;
  if (wasLoggedIn && !clientState.is_logged_in) {
    // Logged out: the rooms belonged to the old session.
    return { ...initialSnapshot(snap.connection), clientState, runId: snap.runId };
  }
  return { ...snap, clientState };
}

export function reduceSyncStatus(snap: StoreSnapshot, syncStatus: SyncStatus): StoreSnapshot {
  return { ...snap, syncStatus };
}

export function reduceRunId(snap: StoreSnapshot, runId: string): StoreSnapshot {
  return { ...snap, runId };
}

export function reduceInitComplete(snap: StoreSnapshot): StoreSnapshot {
  return snap.initComplete ? snap : { ...snap, initComplete: true };
}

export function reduceSyncComplete(snap: StoreSnapshot, sync: SyncComplete): StoreSnapshot {
  const prevRooms = snap.rooms;
  const rooms = new Map(sync.clear_state ? [] : prevRooms);
  let changed = sync.clear_state === true;
  for (const [roomId, diff] of Object.entries(sync.rooms ?? {})) {
    const prev = rooms.get(roomId) ?? emptyRoom(roomId);
    const next = applyRoomDiff(prev, diff);
    if (next !== prev || !rooms.has(roomId)) {
      rooms.set(roomId, next);
      changed = true;
    }
  }
  for (const roomId of sync.left_rooms ?? []) {
    if (rooms.delete(roomId)) changed = true;
  }

  let invitedRooms = sync.clear_state ? [] : snap.invitedRooms;
  const joinedOrLeft = new Set([...Object.keys(sync.rooms ?? {}), ...(sync.left_rooms ?? [])]);
  const newInvites = sync.invited_rooms ?? [];
  if (newInvites.length || invitedRooms.some((r) => joinedOrLeft.has(r.room_id))) {
    const byId = new Map(invitedRooms.map((r) => [r.room_id, r] as const));
    for (const id of joinedOrLeft) byId.delete(id);
    for (const inv of newInvites) byId.set(inv.room_id, inv);
    invitedRooms = [...byId.values()].sort((a, b) => b.created_at - a.created_at);
  }

  const accountData = sync.clear_state ? { ...sync.account_data } : mergeRecord(snap.accountData, sync.account_data);
  const spaceEdges = sync.clear_state ? { ...sync.space_edges } : mergeRecord(snap.spaceEdges, sync.space_edges);
  const topLevelSpaces = sync.top_level_spaces ?? (sync.clear_state ? [] : snap.topLevelSpaces);

  if (!changed && invitedRooms === snap.invitedRooms && accountData === snap.accountData && spaceEdges === snap.spaceEdges
    && topLevelSpaces === snap.topLevelSpaces) return snap;
  const nextRooms = changed ? rooms : prevRooms;
  return {
    ...snap,
    rooms: nextRooms,
    roomList: nextRooms === prevRooms ? snap.roomList : sortRoomList(nextRooms),
    invitedRooms,
    accountData,
    spaceEdges,
    topLevelSpaces,
  };
}

/** Replaces the entries a diff names; the same object when it names none. */
function mergeRecord<T>(prev: Readonly<Record<string, T>>, update: Record<string, T> | null | undefined): Readonly<Record<string, T>> {
  if (!update || Object.keys(update).length === 0) return prev;
  return { ...prev, ...update };
}

function applyRoomDiff(prev: RoomData, diff: SyncRoom): RoomData {
  const events = diff.events?.length ? withEvents(prev.events, diff.events) : prev.events;
  const meta = diff.meta ?? prev.meta;
  let timeline = prev.timeline;
  if (diff.reset) timeline = mergeTimeline([], diff.timeline ?? []);
  else if (diff.timeline?.length) timeline = mergeTimeline(prev.timeline, diff.timeline);
  const state = diff.state ? mergeState(prev.state, diff.state) : prev.state;

  let pending = prunePending(prev.pending, timeline, prev.timeline);
  // Echoes can also reach us inside a sync (e.g. sent from another window): anything of ours not yet placed.
  const echoes = diff.events?.filter((e) => e.timeline_rowid === 0 && e.send_error && !pending.includes(e.rowid)) ?? [];
  if (echoes.length) {
    const placed = new Set(timeline.map((t) => t.event_rowid));
    const unplaced = echoes.filter((e) => !placed.has(e.rowid)).map((e) => e.rowid);
    if (unplaced.length) pending = [...pending, ...unplaced];
  }
  const history = diff.reset ? INITIAL_HISTORY : prev.history;
  const accountData = mergeRecord(prev.accountData, diff.account_data);
  const receipts = mergeReceipts(prev.receipts, diff.receipts);

  if (events === prev.events && meta === prev.meta && timeline === prev.timeline && state === prev.state
    && pending === prev.pending && history === prev.history && accountData === prev.accountData && receipts === prev.receipts) {
    return prev;
  }
  return { ...prev, meta, events, timeline, state, pending, history, accountData, receipts };
}

/** The event `send_message`/`send_event` answered with: a local echo until the sync places it. */
export function reduceLocalEcho(snap: StoreSnapshot, event: Event): StoreSnapshot {
  return updateRoom(snap, event.room_id, (room) => {
    const inTimeline = room.timeline.some((t) => t.event_rowid === event.rowid);
    const existing = room.events.get(event.rowid);
    // The sync (or send_complete) may have overtaken the command's answer; its copy is newer.
    const events = existing ? room.events : withEvents(room.events, [event]);
    const pending = inTimeline || room.pending.includes(event.rowid) ? room.pending : [...room.pending, event.rowid];
    return events === room.events && pending === room.pending ? room : { ...room, events, pending };
  });
}

export function reduceSendComplete(snap: StoreSnapshot, { event, error, discarded }: SendComplete): StoreSnapshot {
  if (discarded) {
    // A failed message the user dropped: its local echo goes from every view.
    return updateRoom(snap, event.room_id, (room) => {
      if (!room.events.has(event.rowid) && !room.pending.includes(event.rowid)) return room;
      const events = new Map(room.events);
      events.delete(event.rowid);
      return { ...room, events, pending: room.pending.filter((r) => r !== event.rowid) };
    });
  }
  const stored: Event = error !== null
    ? { ...event, send_error: error || 'unknown error' }
    : event.send_error === NOT_SENT ? { ...event, send_error: undefined } : event;
  return updateRoom(snap, event.room_id, (room) => {
    const inTimeline = room.timeline.some((t) => t.event_rowid === event.rowid);
    const pending = inTimeline || room.pending.includes(event.rowid) ? room.pending : [...room.pending, event.rowid];
    return { ...room, events: withEvents(room.events, [stored]), pending };
  });
}

export function reduceEventsDecrypted(snap: StoreSnapshot, { room_id, events, preview_event_rowid }: EventsDecrypted): StoreSnapshot {
  return updateRoom(snap, room_id, (room) => {
    const meta = room.meta && preview_event_rowid !== undefined && preview_event_rowid !== room.meta.preview_event_rowid
      ? { ...room.meta, preview_event_rowid }
      : room.meta;
    return { ...room, meta, events: events.length ? withEvents(room.events, events) : room.events };
  });
}

export function reduceTyping(snap: StoreSnapshot, { room_id, user_ids }: Typing): StoreSnapshot {
  return updateRoom(snap, room_id, (room) => (sameStrings(room.typing, user_ids) ? room : { ...room, typing: [...user_ids] }));
}

export function reduceHistoryLoading(snap: StoreSnapshot, roomId: string): StoreSnapshot {
  return updateRoom(snap, roomId, (room) => ({ ...room, history: { ...room.history, loading: true, error: null } }));
}

export function reduceHistoryError(snap: StoreSnapshot, roomId: string, error: string): StoreSnapshot {
  return updateRoom(snap, roomId, (room) => ({ ...room, history: { ...room.history, loading: false, error } }));
}

/** A `paginate` answer: older events, newest first. */
export function reducePagination(snap: StoreSnapshot, roomId: string, resp: PaginationResponse): StoreSnapshot {
  return updateRoom(snap, roomId, (room) => {
    const fetched = resp.events ?? [];
    const events = withEvents(room.events, [...fetched, ...(resp.related_events ?? [])]);
    const tuples = fetched
      .filter((e) => e.timeline_rowid !== 0)
      .map((e) => ({ timeline_rowid: e.timeline_rowid, event_rowid: e.rowid }));
    const timeline = mergeTimeline(room.timeline, tuples);
    return {
      ...room,
      events,
      timeline,
      pending: prunePending(room.pending, timeline, room.timeline),
      receipts: mergeReceipts(room.receipts, resp.receipts),
      // An empty page with has_more would ask for the same page forever: the cursor did not move.
      history: { hasMore: resp.has_more && fetched.length > 0, loading: false, error: null },
    };
  });
}

/** A `get_room_state` answer, or (`complete` false) some state events of the room (get_specific_room_state). */
export function reduceRoomState(snap: StoreSnapshot, roomId: string, stateEvents: readonly Event[], complete = true): StoreSnapshot {
  return updateRoom(snap, roomId, (room) => {
    const update: Record<string, Record<string, EventRowID>> = {};
    for (const e of stateEvents) {
      (update[e.type] ??= {})[e.state_key ?? ''] = e.rowid;
    }
    return {
      ...room,
      events: stateEvents.length ? withEvents(room.events, stateEvents) : room.events,
      state: mergeState(room.state, update),
      stateLoaded: complete || room.stateLoaded,
    };
  });
}

/** After a successful mark_read, so the badge clears before the backend's next room meta arrives. */
export function reduceMarkReadLocally(snap: StoreSnapshot, roomId: string): StoreSnapshot {
  return updateRoom(snap, roomId, (room) => {
    const m = room.meta;
    if (!m || (!m.unread_messages && !m.unread_notifications && !m.unread_highlights && !m.marked_unread)) return room;
    return { ...room, meta: { ...m, unread_messages: 0, unread_notifications: 0, unread_highlights: 0, marked_unread: false } };
  });
}

/** Replaces one room, re-sorting the list only when its meta changed. */
function updateRoom(snap: StoreSnapshot, roomId: string, fn: (room: RoomData) => RoomData): StoreSnapshot {
  const prev = snap.rooms.get(roomId);
  if (!prev) return snap; // a room we no longer have (left, or logged out)
  const next = fn(prev);
  if (next === prev) return snap;
  const rooms = new Map(snap.rooms);
  rooms.set(roomId, next);
  const resort = next.meta !== prev.meta;
  return {
    ...snap,
    rooms,
    roomList: resort ? sortRoomList(rooms) : snap.roomList.map((r) => (r === prev ? next : r)),
  };
}
