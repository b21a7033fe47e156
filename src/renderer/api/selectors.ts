/**
 * Reading the snapshot: what components show, derived from the normalized rooms. Selectors that derive arrays or
 * maps are memoized on the identities of their inputs, so they return the same object while their slice is
 * unchanged, which makes them safe to call from `useSyncExternalStore`.
 */
import type { Event, EventRowID, TimelineRowTuple } from '../../shared/rpc/types.ts';
import { NOT_SENT } from '../../shared/rpc/types.ts';
import { NameIndex, plainName } from '../../shared/display-name.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';

export type SendState = 'sent' | 'pending' | 'failed';

export interface TimelineItem {
  readonly event: Event;
  readonly sendState: SendState;
  /** The backend's reason, when `sendState` is 'failed'. */
  readonly sendError: string | null;
}

interface TimelineMemo {
  events: ReadonlyMap<EventRowID, Event>;
  pending: readonly EventRowID[];
  items: readonly TimelineItem[];
}
const timelineMemo = new WeakMap<readonly TimelineRowTuple[], TimelineMemo>();

/**
 * Whether older history could still be loaded: not once the backend said there is none, nor when the oldest event
 * we have is the room's creation (a short room whose start came with the first sync: there is nothing before it,
 * and asking would only keep "Loading older messages…" on screen while the server says so).
 */
export function selectHasOlderHistory(room: RoomData | undefined): boolean {
  if (!room?.history.hasMore) return false;
  const first = room.timeline[0];
  const oldest = first && room.events.get(first.event_rowid);
  return !(oldest?.type === 'm.room.create' && oldest.state_key === '');
}

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

const indexMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, { members: unknown; index: NameIndex; names: ReadonlyMap<string, string> }>();

function memberIndex(room: RoomData): { index: NameIndex; names: ReadonlyMap<string, string> } {
  const members = room.state['m.room.member'];
  const memo = indexMemo.get(room.events);
  if (memo && memo.members === members) return memo;
  const index = new NameIndex(Object.entries(members ?? {}).map(([userId, rowid]) => [userId, room.events.get(rowid)?.content ?? {}] as const));
  const names = new Map<string, string>();
  for (const userId of Object.keys(members ?? {})) {
    const shown = index.resolve(userId);
    if (shown) names.set(userId, plainName(userId, shown));
  }
  const entry = { members, index, names };
  indexMemo.set(room.events, entry);
  return entry;
}

/**
 * The room's members by name (see shared/display-name.ts): tells when a name, current or from the past, needs the
 * user ID beside it.
 */
export function selectNameIndex(room: RoomData | undefined): NameIndex {
  return room ? memberIndex(room).index : EMPTY_INDEX;
}
const EMPTY_INDEX = new NameIndex([]);

/**
 * user ID → the name to show, from the room's m.room.member state, with the user ID beside it where the name alone
 * could be mistaken for another member's (`Name (@user:server)`).
 */
export function selectMemberNames(room: RoomData | undefined): ReadonlyMap<string, string> {
  return room ? memberIndex(room).names : EMPTY_NAMES;
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

/**
 * The backend's client_state carries the account's profile once it has fetched it, and again after each change:
 * from then on it is the truth (a removed avatar must not come back from an old member event). Until then, our own
 * member events say the same.
 */
function profileKnown(snap: StoreSnapshot): boolean {
  return snap.clientState?.displayname !== undefined || snap.clientState?.avatar_url !== undefined;
}

export function selectOwnDisplayName(snap: StoreSnapshot): string | undefined {
  return snap.clientState?.displayname ?? selectOwnProfile(snap)?.name;
}

/** Our avatar mxc:// URI. */
export function selectOwnAvatar(snap: StoreSnapshot): string | undefined {
  return profileKnown(snap) ? snap.clientState?.avatar_url : selectOwnProfile(snap)?.avatar;
}
