/**
 * The spaces bar's model: top-level spaces (from `space_edges`/`top_level_spaces`, flattened through sub-spaces)
 * and pseudo-spaces (home, DMs, unread, favourites, rooms outside any space), each with its unread counts summed
 * over its rooms, and the room-list filter each one stands for. Derived in one pass over the room list and
 * memoized on the snapshot slices it reads, so a sync that changes nothing here costs nothing.
 */
import type { JSONValue, SpaceEdge } from '../../shared/rpc/types.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';

export type PseudoSpace = 'home' | 'dms' | 'unread' | 'favourites' | 'orphans';

export interface UnreadCounts {
  readonly messages: number;
  readonly notifications: number;
  readonly highlights: number;
}

export interface SpaceEntry {
  /** A pseudo-space's name, or a space's room ID. */
  readonly id: string;
  readonly kind: PseudoSpace | 'space';
  readonly counts: UnreadCounts;
  /** The space's room, for its name and avatar; undefined for pseudo-spaces. */
  readonly room: RoomData | undefined;
}

export const PSEUDO_SPACES: readonly PseudoSpace[] = ['home', 'dms', 'unread', 'favourites', 'orphans'];

export function isSpaceRoom(room: RoomData): boolean {
  return room.meta?.creation_content?.type === 'm.space';
}

function isObject(v: JSONValue | undefined): v is { [k: string]: JSONValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether the room list shows a room: not spaces (the spaces bar has them), and not an upgraded room whose successor
 * we have joined (the successor is listed, and its first line leads back to the old one).
 */
function listed(room: RoomData, rooms: ReadonlyMap<string, RoomData>): boolean {
  if (isSpaceRoom(room)) return false;
  const successor = room.meta?.tombstone?.replacement_room;
  return !(typeof successor === 'string' && rooms.get(successor)?.meta !== undefined);
}

/** The room has the m.favourite tag in its `m.tag` account data. */
export function isFavourite(room: RoomData): boolean {
  const tags = room.accountData['m.tag']?.content.tags;
  return isObject(tags) && tags['m.favourite'] !== undefined;
}

/** The room has the m.lowpriority tag: listed after the other rooms. */
function isLowPriority(room: RoomData): boolean {
  const tags = room.accountData['m.tag']?.content.tags;
  return isObject(tags) && tags['m.lowpriority'] !== undefined;
}

/** Low-priority rooms after the rest, each part keeping its order; the same array when there are none. */
function lowPriorityLast(rooms: readonly RoomData[]): readonly RoomData[] {
  if (!rooms.some(isLowPriority)) return rooms;
  return [...rooms.filter((r) => !isLowPriority(r)), ...rooms.filter(isLowPriority)];
}

export function isUnread(room: RoomData): boolean {
  const m = room.meta;
  return !!m && (m.unread_messages > 0 || m.unread_notifications > 0 || m.unread_highlights > 0 || m.marked_unread === true);
}

/** Every room under a space, through its sub-spaces; safe against cycles. */
export function flattenSpace(spaceId: string, edges: Readonly<Record<string, readonly SpaceEdge[]>>): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>([spaceId]);
  const stack = [spaceId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const edge of edges[id] ?? []) {
      if (edges[edge.child_id] !== undefined) {
        if (!seen.has(edge.child_id)) { seen.add(edge.child_id); stack.push(edge.child_id); }
      } else {
        out.add(edge.child_id);
      }
    }
  }
  return out;
}

/** More would be a hierarchy nobody keeps on purpose; the walk stops there rather than searching a huge graph. */
const MAX_ANCESTORS = 20;
let parentsMemo: { edges: unknown; parents: ReadonlyMap<string, readonly string[]> } | null = null;

/** child → the spaces listing it, from the joined spaces' edges (built once per edges object). */
function parentsOf(edges: Readonly<Record<string, readonly SpaceEdge[]>>): ReadonlyMap<string, readonly string[]> {
  if (parentsMemo?.edges === edges) return parentsMemo.parents;
  const parents = new Map<string, string[]>();
  for (const [spaceId, children] of Object.entries(edges)) {
    for (const edge of children) {
      const list = parents.get(edge.child_id);
      if (!list) parents.set(edge.child_id, [spaceId]);
      else if (!list.includes(spaceId)) list.push(spaceId);
    }
  }
  parentsMemo = { edges, parents };
  return parents;
}

/**
 * The joined spaces that contain a room, directly or through sub-spaces, nearest first (a room's own spaces, then
 * theirs); each once, safe against cycles, and at most MAX_ANCESTORS.
 */
export function ancestorSpaces(roomId: string, edges: Readonly<Record<string, readonly SpaceEdge[]>>): string[] {
  const parents = parentsOf(edges);
  const out: string[] = [];
  const seen = new Set<string>([roomId]);
  let level = [roomId];
  while (level.length && out.length < MAX_ANCESTORS) {
    const next: string[] = [];
    for (const id of level) {
      for (const p of parents.get(id) ?? []) {
        if (seen.has(p) || out.length >= MAX_ANCESTORS) continue;
        seen.add(p);
        out.push(p);
        next.push(p);
      }
    }
    level = next;
  }
  return out;
}

interface SpacesModel {
  readonly entries: readonly SpaceEntry[];
  /** space room ID → the rooms it contains (flattened). */
  readonly members: ReadonlyMap<string, ReadonlySet<string>>;
  /** Rooms in at least one top-level space. */
  readonly inSomeSpace: ReadonlySet<string>;
  /** The list rooms (spaces themselves excluded), newest first. */
  readonly rooms: readonly RoomData[];
}

interface ModelMemo { roomList: readonly RoomData[]; edges: unknown; top: unknown; model: SpacesModel }
let modelMemo: ModelMemo | null = null;

/**
 * Whether two room lists differ only in what the model does not read: a history page or a new event replaces a
 * room's data object without touching its meta or account data, and must not rebuild the model for 2,000 rooms.
 */
function sameRoomsForModel(a: readonly RoomData[], b: readonly RoomData[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && (a[i].meta !== b[i].meta || a[i].accountData !== b[i].accountData)) return false;
  }
  return true;
}

export function selectSpacesModel(snap: StoreSnapshot): SpacesModel {
  if (modelMemo && modelMemo.edges === snap.spaceEdges && modelMemo.top === snap.topLevelSpaces) {
    if (modelMemo.roomList === snap.roomList) return modelMemo.model;
    if (sameRoomsForModel(modelMemo.roomList, snap.roomList)) {
      // Same membership and counts; only the room objects changed, which the list rows need.
      const rooms = snap.roomList.filter((r) => listed(r, snap.rooms));
      const model = { ...modelMemo.model, rooms };
      modelMemo = { ...modelMemo, roomList: snap.roomList, model };
      return model;
    }
  }
  const members = new Map<string, ReadonlySet<string>>();
  const inSomeSpace = new Set<string>();
  for (const id of snap.topLevelSpaces) {
    const set = flattenSpace(id, snap.spaceEdges);
    members.set(id, set);
    for (const r of set) inSomeSpace.add(r);
  }
  const rooms = snap.roomList.filter((r) => listed(r, snap.rooms));
  const sums = new Map<string, { messages: number; notifications: number; highlights: number }>();
  const add = (id: string, room: RoomData): void => {
    const m = room.meta!;
    const s = sums.get(id) ?? { messages: 0, notifications: 0, highlights: 0 };
    s.messages += m.unread_messages + (m.marked_unread && !m.unread_messages ? 1 : 0);
    s.notifications += m.unread_notifications;
    s.highlights += m.unread_highlights;
    sums.set(id, s);
  };
  for (const room of rooms) {
    add('home', room);
    if (room.meta?.dm_user_id) add('dms', room);
    if (isUnread(room)) add('unread', room);
    if (isFavourite(room)) add('favourites', room);
    if (!inSomeSpace.has(room.id) && !room.meta?.dm_user_id) add('orphans', room);
    for (const [spaceId, set] of members) if (set.has(room.id)) add(spaceId, room);
  }
  const zero: UnreadCounts = { messages: 0, notifications: 0, highlights: 0 };
  const entries: SpaceEntry[] = [
    ...PSEUDO_SPACES.map((id) => ({ id, kind: id, counts: sums.get(id) ?? zero, room: undefined })),
    ...snap.topLevelSpaces.map((id) => ({ id, kind: 'space' as const, counts: sums.get(id) ?? zero, room: snap.rooms.get(id) })),
  ];
  const model: SpacesModel = { entries, members, inSomeSpace, rooms };
  modelMemo = { roomList: snap.roomList, edges: snap.spaceEdges, top: snap.topLevelSpaces, model };
  return model;
}

/** Whether a room belongs in the list while `spaceId` is selected; the open room stays in "unread". */
export function roomInSpace(model: SpacesModel, spaceId: string, room: RoomData, activeRoomId: string | null): boolean {
  switch (spaceId) {
    case 'home': return true;
    case 'dms': return !!room.meta?.dm_user_id;
    case 'unread': return isUnread(room) || room.id === activeRoomId;
    case 'favourites': return isFavourite(room);
    case 'orphans': return !model.inSomeSpace.has(room.id) && !room.meta?.dm_user_id;
    default: return model.members.get(spaceId)?.has(room.id) ?? false;
  }
}

interface ListMemo { model: SpacesModel; spaceId: string; active: string | null; rooms: readonly RoomData[] }
let listMemo: ListMemo | null = null;

/** The rooms shown for a space, in list order; the same array while nothing it depends on changed. */
export function selectRoomsInSpace(snap: StoreSnapshot, spaceId: string, activeRoomId: string | null): readonly RoomData[] {
  const model = selectSpacesModel(snap);
  // The active room only matters to "unread".
  const active = spaceId === 'unread' ? activeRoomId : null;
  if (listMemo && listMemo.model === model && listMemo.spaceId === spaceId && listMemo.active === active) return listMemo.rooms;
  // A space selected in the bar that has since become a sub-space of another (or one opened from elsewhere) is not
  // among the top-level spaces the model flattened: its rooms come from its own edges, as its home lists them.
  const sub = spaceId !== 'home' && !PSEUDO_SPACES.includes(spaceId as PseudoSpace) && !model.members.has(spaceId)
    ? flattenSpace(spaceId, snap.spaceEdges) : undefined;
  const rooms = lowPriorityLast(spaceId === 'home' ? model.rooms
    : model.rooms.filter((r) => (sub ? sub.has(r.id) : roomInSpace(model, spaceId, r, active))));
  listMemo = { model, spaceId, active, rooms };
  return rooms;
}
