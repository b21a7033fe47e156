/**
 * The renderer's copy of the backend's data, normalized per room, fed by backend events and command results.
 *
 * Everything is immutable and shared structurally: applying a diff copies only what it touches, so a room the
 * diff does not mention keeps the very same RoomData object (and its timeline, events and state objects), and
 * React components that select it do not re-render. Selectors that derive arrays are memoized on the identities
 * of their inputs, which makes them safe to call from `useSyncExternalStore`.
 */
import type {
  ClientState, Event, EventRowID, EventsDecrypted, InvitedRoom, PaginationResponse, Room, SendComplete,
  SyncComplete, SyncRoom, SyncStatus, TimelineRowTuple, Typing,
} from '../../shared/rpc/types.ts';
import { NOT_SENT } from '../../shared/rpc/types.ts';
import type { TransportStatus } from './transport.ts';

/** type → state_key → event rowid */
export type RoomStateMap = Readonly<Record<string, Readonly<Record<string, EventRowID>>>>;

export interface HistoryState {
  /** False once `paginate` said `has_more: false`. */
  readonly hasMore: boolean;
  readonly loading: boolean;
  readonly error: string | null;
}

export interface RoomData {
  readonly id: string;
  /** Undefined only while a diff has mentioned the room without its meta. */
  readonly meta: Room | undefined;
  /** Every event we hold for the room: timeline, state, previews, local echoes, related events. */
  readonly events: ReadonlyMap<EventRowID, Event>;
  /** Ascending timeline_rowid, each event_rowid at most once. */
  readonly timeline: readonly TimelineRowTuple[];
  readonly state: RoomStateMap;
  /** Rowids of our own sends not (yet) placed in the timeline, oldest first. */
  readonly pending: readonly EventRowID[];
  readonly typing: readonly string[];
  readonly history: HistoryState;
  /** A `get_room_state` answer (with members) has been applied. */
  readonly stateLoaded: boolean;
}

export interface StoreSnapshot {
  readonly connection: TransportStatus;
  /** Null until the backend's first `client_state`. */
  readonly clientState: ClientState | null;
  readonly syncStatus: SyncStatus;
  readonly initComplete: boolean;
  readonly runId: string | null;
  readonly rooms: ReadonlyMap<string, RoomData>;
  /** Rooms with meta, newest `sorting_timestamp` first. */
  readonly roomList: readonly RoomData[];
  readonly invitedRooms: readonly InvitedRoom[];
}

export type SendState = 'sent' | 'pending' | 'failed';

export interface TimelineItem {
  readonly event: Event;
  readonly sendState: SendState;
  /** The backend's reason, when `sendState` is 'failed'. */
  readonly sendError: string | null;
}

/** What `send_error` holds while a send is in flight (the contract's constant, re-exported for the UI). */
export { NOT_SENT };

const EMPTY_EVENTS: ReadonlyMap<EventRowID, Event> = new Map();
const INITIAL_HISTORY: HistoryState = { hasMore: true, loading: false, error: null };

export function emptyRoom(id: string): RoomData {
  return {
    id, meta: undefined, events: EMPTY_EVENTS, timeline: [], state: {}, pending: [], typing: [],
    history: INITIAL_HISTORY, stateLoaded: false,
  };
}

export function initialSnapshot(connection: TransportStatus = { state: 'connecting' }): StoreSnapshot {
  return {
    connection, clientState: null, syncStatus: { type: 'ok' }, initComplete: false, runId: null,
    rooms: new Map(), roomList: [], invitedRooms: [],
  };
}

export class Store {
  private snap: StoreSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(initial: StoreSnapshot = initialSnapshot()) {
    this.snap = initial;
  }

  // Arrow properties so React can take them unbound.
  readonly getSnapshot = (): StoreSnapshot => this.snap;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };

  setConnection(connection: TransportStatus): void {
    this.commit({ ...this.snap, connection });
  }

  applyClientState(clientState: ClientState): void {
    const wasLoggedIn = this.snap.clientState?.is_logged_in ?? false;
    if (wasLoggedIn && !clientState.is_logged_in) {
      // Logged out: the rooms belonged to the old session.
      this.commit({ ...initialSnapshot(this.snap.connection), clientState, runId: this.snap.runId });
      return;
    }
    this.commit({ ...this.snap, clientState });
  }

  applySyncStatus(syncStatus: SyncStatus): void {
    this.commit({ ...this.snap, syncStatus });
  }

  applyRunId(runId: string): void {
    this.commit({ ...this.snap, runId });
  }

  applyInitComplete(): void {
    if (!this.snap.initComplete) this.commit({ ...this.snap, initComplete: true });
  }

  applySyncComplete(sync: SyncComplete): void {
    const prevRooms = this.snap.rooms;
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

    let invitedRooms = sync.clear_state ? [] : this.snap.invitedRooms;
    const joinedOrLeft = new Set([...Object.keys(sync.rooms ?? {}), ...(sync.left_rooms ?? [])]);
    const newInvites = sync.invited_rooms ?? [];
    if (newInvites.length || invitedRooms.some((r) => joinedOrLeft.has(r.room_id))) {
      const byId = new Map(invitedRooms.map((r) => [r.room_id, r] as const));
      for (const id of joinedOrLeft) byId.delete(id);
      for (const inv of newInvites) byId.set(inv.room_id, inv);
      invitedRooms = [...byId.values()].sort((a, b) => b.created_at - a.created_at);
    }

    if (!changed && invitedRooms === this.snap.invitedRooms) return;
    const nextRooms = changed ? rooms : prevRooms;
    this.commit({
      ...this.snap,
      rooms: nextRooms,
      roomList: nextRooms === prevRooms ? this.snap.roomList : sortRoomList(nextRooms),
      invitedRooms,
    });
  }

  /** The event `send_message`/`send_event` answered with: a local echo until the sync places it. */
  addLocalEcho(event: Event): void {
    this.updateRoom(event.room_id, (room) => {
      const inTimeline = room.timeline.some((t) => t.event_rowid === event.rowid);
      const existing = room.events.get(event.rowid);
      // The sync (or send_complete) may have overtaken the command's answer; its copy is newer.
      const events = existing ? room.events : withEvents(room.events, [event]);
      const pending = inTimeline || room.pending.includes(event.rowid) ? room.pending : [...room.pending, event.rowid];
      return events === room.events && pending === room.pending ? room : { ...room, events, pending };
    });
  }

  applySendComplete({ event, error }: SendComplete): void {
    const stored: Event = error !== null
      ? { ...event, send_error: error || 'unknown error' }
      : event.send_error === NOT_SENT ? { ...event, send_error: undefined } : event;
    this.updateRoom(event.room_id, (room) => {
      const inTimeline = room.timeline.some((t) => t.event_rowid === event.rowid);
      const pending = inTimeline || room.pending.includes(event.rowid) ? room.pending : [...room.pending, event.rowid];
      return { ...room, events: withEvents(room.events, [stored]), pending };
    });
  }

  applyEventsDecrypted({ room_id: roomId, events, preview_event_rowid }: EventsDecrypted): void {
    this.updateRoom(roomId, (room) => {
      const meta = room.meta && preview_event_rowid !== undefined && preview_event_rowid !== room.meta.preview_event_rowid
        ? { ...room.meta, preview_event_rowid }
        : room.meta;
      return { ...room, meta, events: events.length ? withEvents(room.events, events) : room.events };
    });
  }

  applyTyping({ room_id: roomId, user_ids }: Typing): void {
    this.updateRoom(roomId, (room) => (sameStrings(room.typing, user_ids) ? room : { ...room, typing: [...user_ids] }));
  }

  setHistoryLoading(roomId: string): void {
    this.updateRoom(roomId, (room) => ({ ...room, history: { ...room.history, loading: true, error: null } }));
  }

  setHistoryError(roomId: string, error: string): void {
    this.updateRoom(roomId, (room) => ({ ...room, history: { ...room.history, loading: false, error } }));
  }

  /** A `paginate` answer: older events, newest first. */
  applyPagination(roomId: string, resp: PaginationResponse): void {
    this.updateRoom(roomId, (room) => {
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
        // An empty page with has_more would ask for the same page forever: the cursor did not move.
        history: { hasMore: resp.has_more && fetched.length > 0, loading: false, error: null },
      };
    });
  }

  /** A `get_room_state` answer. */
  applyRoomState(roomId: string, stateEvents: readonly Event[]): void {
    this.updateRoom(roomId, (room) => {
      const update: Record<string, Record<string, EventRowID>> = {};
      for (const e of stateEvents) {
        (update[e.type] ??= {})[e.state_key ?? ''] = e.rowid;
      }
      return {
        ...room,
        events: stateEvents.length ? withEvents(room.events, stateEvents) : room.events,
        state: mergeState(room.state, update),
        stateLoaded: true,
      };
    });
  }

  /** After a successful mark_read, so the badge clears before the backend's next room meta arrives. */
  markReadLocally(roomId: string): void {
    this.updateRoom(roomId, (room) => {
      const m = room.meta;
      if (!m || (!m.unread_messages && !m.unread_notifications && !m.unread_highlights && !m.marked_unread)) return room;
      return { ...room, meta: { ...m, unread_messages: 0, unread_notifications: 0, unread_highlights: 0, marked_unread: false } };
    });
  }

  private updateRoom(roomId: string, fn: (room: RoomData) => RoomData): void {
    const prev = this.snap.rooms.get(roomId);
    if (!prev) return; // a room we no longer have (left, or logged out)
    const next = fn(prev);
    if (next === prev) return;
    const rooms = new Map(this.snap.rooms);
    rooms.set(roomId, next);
    const resort = next.meta !== prev.meta;
    this.commit({
      ...this.snap,
      rooms,
      roomList: resort ? sortRoomList(rooms) : this.snap.roomList.map((r) => (r === prev ? next : r)),
    });
  }

  private commit(next: StoreSnapshot): void {
    this.snap = next;
    for (const l of [...this.listeners]) l();
  }
}

export function applyRoomDiff(prev: RoomData, diff: SyncRoom): RoomData {
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

  if (events === prev.events && meta === prev.meta && timeline === prev.timeline && state === prev.state
    && pending === prev.pending && history === prev.history) {
    return prev;
  }
  return { ...prev, meta, events, timeline, state, pending, history };
}

function withEvents(prev: ReadonlyMap<EventRowID, Event>, add: readonly Event[]): ReadonlyMap<EventRowID, Event> {
  if (add.length === 0) return prev;
  const next = new Map(prev);
  for (const e of add) next.set(e.rowid, e);
  return next;
}

/** Adds tuples, keeping ascending timeline_rowid order and one tuple per event (the newest placement wins). */
export function mergeTimeline(prev: readonly TimelineRowTuple[], added: readonly TimelineRowTuple[]): readonly TimelineRowTuple[] {
  if (added.length === 0) return prev;
  const known = new Set(prev.map((t) => t.event_rowid));
  const last = prev.length ? prev[prev.length - 1].timeline_rowid : -Infinity;
  let ascendingAfter = true;
  let prevRowid = last;
  for (const t of added) {
    if (known.has(t.event_rowid) || t.timeline_rowid <= prevRowid) { ascendingAfter = false; break; }
    prevRowid = t.timeline_rowid;
  }
  if (ascendingAfter) return [...prev, ...added]; // the common case: a sync appending new messages

  const byEvent = new Map<EventRowID, TimelineRowTuple>();
  for (const t of prev) byEvent.set(t.event_rowid, t);
  for (const t of added) byEvent.set(t.event_rowid, t);
  return [...byEvent.values()].sort((a, b) => a.timeline_rowid - b.timeline_rowid);
}

function mergeState(prev: RoomStateMap, update: Record<string, Record<string, EventRowID>>): RoomStateMap {
  let next: Record<string, Readonly<Record<string, EventRowID>>> | null = null;
  for (const [type, keys] of Object.entries(update)) {
    const before = prev[type];
    const entries = Object.entries(keys);
    if (before && entries.every(([k, v]) => before[k] === v)) continue;
    next ??= { ...prev };
    next[type] = { ...before, ...keys };
  }
  return next ?? prev;
}

function prunePending(pending: readonly EventRowID[], timeline: readonly TimelineRowTuple[], prevTimeline: readonly TimelineRowTuple[]): readonly EventRowID[] {
  if (pending.length === 0 || timeline === prevTimeline) return pending;
  const placed = new Set(timeline.map((t) => t.event_rowid));
  const kept = pending.filter((r) => !placed.has(r));
  return kept.length === pending.length ? pending : kept;
}

function sortRoomList(rooms: ReadonlyMap<string, RoomData>): readonly RoomData[] {
  const list: RoomData[] = [];
  for (const r of rooms.values()) if (r.meta) list.push(r);
  // Ties broken by id so the order is stable between renders.
  return list.sort((a, b) => (b.meta!.sorting_timestamp - a.meta!.sorting_timestamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// ---- selectors ---------------------------------------------------------------------------------------------

interface TimelineMemo {
  events: ReadonlyMap<EventRowID, Event>;
  pending: readonly EventRowID[];
  items: readonly TimelineItem[];
}
const timelineMemo = new WeakMap<readonly TimelineRowTuple[], TimelineMemo>();

/**
 * The room's timeline in display order: placed events, then our unplaced sends. Same array while the room's
 * timeline, events and pending list are unchanged.
 */
export function selectTimeline(room: RoomData | undefined): readonly TimelineItem[] {
  if (!room) return EMPTY_ITEMS;
  const memo = timelineMemo.get(room.timeline);
  if (memo && memo.events === room.events && memo.pending === room.pending) return memo.items;
  const items: TimelineItem[] = [];
  for (const t of room.timeline) {
    const event = room.events.get(t.event_rowid);
    if (event) items.push(itemFor(event, true));
  }
  for (const rowid of room.pending) {
    const event = room.events.get(rowid);
    if (event) items.push(itemFor(event, false));
  }
  timelineMemo.set(room.timeline, { events: room.events, pending: room.pending, items });
  return items;
}
const EMPTY_ITEMS: readonly TimelineItem[] = [];

const itemMemo = new WeakMap<Event, { placed: boolean; item: TimelineItem }>();

/** Reuses the item object for an unchanged event so memoized message rows skip re-rendering. */
function itemFor(event: Event, placed: boolean): TimelineItem {
  const cached = itemMemo.get(event);
  if (cached && cached.placed === placed) return cached.item;
  let item: TimelineItem;
  if (placed || !event.send_error) item = { event, sendState: 'sent', sendError: null };
  else if (event.send_error === NOT_SENT) item = { event, sendState: 'pending', sendError: null };
  else item = { event, sendState: 'failed', sendError: event.send_error };
  itemMemo.set(event, { placed, item });
  return item;
}

const memberMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, { members: unknown; names: ReadonlyMap<string, string> }>();

/** user ID → display name, from the room's m.room.member state. */
export function selectMemberNames(room: RoomData | undefined): ReadonlyMap<string, string> {
  if (!room) return EMPTY_NAMES;
  const members = room.state['m.room.member'];
  const memo = memberMemo.get(room.events);
  if (memo && memo.members === members) return memo.names;
  const names = new Map<string, string>();
  for (const [userId, rowid] of Object.entries(members ?? {})) {
    const name = room.events.get(rowid)?.content.displayname;
    if (typeof name === 'string' && name.trim() !== '') names.set(userId, name);
  }
  memberMemo.set(room.events, { members, names });
  return names;
}
const EMPTY_NAMES: ReadonlyMap<string, string> = new Map();

const avatarMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, { members: unknown; avatars: ReadonlyMap<string, string> }>();

/** user ID → avatar mxc:// URI, from the room's m.room.member state (per-room avatars, like the names). */
export function selectMemberAvatars(room: RoomData | undefined): ReadonlyMap<string, string> {
  if (!room) return EMPTY_NAMES;
  const members = room.state['m.room.member'];
  const memo = avatarMemo.get(room.events);
  if (memo && memo.members === members) return memo.avatars;
  const avatars = new Map<string, string>();
  for (const [userId, rowid] of Object.entries(members ?? {})) {
    const url = room.events.get(rowid)?.content.avatar_url;
    if (typeof url === 'string' && url !== '') avatars.set(userId, url);
  }
  avatarMemo.set(room.events, { members, avatars });
  return avatars;
}

/** `@alice:example.org` → `alice`. */
export function localpart(userId: string): string {
  const m = /^@([^:]+)/.exec(userId);
  return m ? m[1] : userId;
}

export function displayNameOf(names: ReadonlyMap<string, string>, userId: string): string {
  return names.get(userId) ?? localpart(userId);
}

export function roomDisplayName(room: RoomData | undefined): string {
  const m = room?.meta;
  if (!m) return room?.id ?? '';
  return m.name?.trim() || m.canonical_alias || (m.dm_user_id ? localpart(m.dm_user_id) : '') || 'Empty room';
}

export function selectPreviewEvent(room: RoomData | undefined): Event | undefined {
  const rowid = room?.meta?.preview_event_rowid;
  return rowid ? room.events.get(rowid) : undefined;
}

/** The newest event the server has confirmed: what a read receipt should point at. */
export function selectLatestReadableEvent(room: RoomData | undefined): Event | undefined {
  if (!room) return undefined;
  for (let i = room.timeline.length - 1; i >= 0; i--) {
    const e = room.events.get(room.timeline[i].event_rowid);
    if (e && e.event_id.startsWith('$')) return e;
  }
  return undefined;
}

export function hasUnread(room: RoomData | undefined): boolean {
  const m = room?.meta;
  return !!m && (m.unread_messages > 0 || m.unread_notifications > 0 || m.unread_highlights > 0 || m.marked_unread === true);
}

interface OwnProfile { userId: string; name: string | undefined; avatar: string | undefined }
const ownProfileMemo = new WeakMap<ReadonlyMap<string, RoomData>, OwnProfile>();

/** Our display name and avatar, from our own m.room.member events (the first room that has each). */
function selectOwnProfile(snap: StoreSnapshot): OwnProfile | undefined {
  const userId = snap.clientState?.user_id;
  if (!userId) return undefined;
  const memo = ownProfileMemo.get(snap.rooms);
  if (memo && memo.userId === userId) return memo;
  const profile: OwnProfile = { userId, name: undefined, avatar: undefined };
  for (const room of snap.roomList) {
    const rowid = room.state['m.room.member']?.[userId];
    const content = rowid !== undefined ? room.events.get(rowid)?.content : undefined;
    if (!content) continue;
    if (profile.name === undefined && typeof content.displayname === 'string' && content.displayname.trim() !== '') {
      profile.name = content.displayname;
    }
    if (profile.avatar === undefined && typeof content.avatar_url === 'string' && content.avatar_url !== '') {
      profile.avatar = content.avatar_url;
    }
    if (profile.name !== undefined && profile.avatar !== undefined) break;
  }
  ownProfileMemo.set(snap.rooms, profile);
  return profile;
}

export function selectOwnDisplayName(snap: StoreSnapshot): string | undefined {
  return selectOwnProfile(snap)?.name;
}

/** Our avatar mxc:// URI. */
export function selectOwnAvatar(snap: StoreSnapshot): string | undefined {
  return selectOwnProfile(snap)?.avatar;
}
