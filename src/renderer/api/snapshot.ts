/**
 * The shape of the renderer's copy of the backend's data, normalized per room, and the structural-sharing
 * helpers the reducers build new snapshots with.
 *
 * Everything is immutable and shared structurally: a helper returns its input unchanged when there is nothing to
 * change, so a room a diff does not mention keeps the very same RoomData object (and its timeline, events and state
 * objects), and React components that select it do not re-render.
 */
import type {
  AccountData, ClientState, Event, EventRowID, InvitedRoom, Room, SpaceEdge, SyncStatus, TimelineRowTuple, UserPresence,
} from '../../shared/rpc/types.ts';
import type { VerificationFlow } from '../../shared/rpc/commands/verification.ts';
import { NO_RECEIPTS, type ReceiptMap } from './receipts.ts';
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
  /** Room account data by type (e.g. `m.tag`), each the backend's {user_id, room_id, type, content} object. */
  readonly accountData: Readonly<Record<string, AccountData>>;
  /** Each member's newest read receipt we have seen (from history pages and syncs); see receipts.ts. */
  readonly receipts: ReceiptMap;
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
  /** Global account data by type, as {user_id, type, content} objects. */
  readonly accountData: Readonly<Record<string, AccountData>>;
  /** space room ID → its children, each list replaced whole by a sync that mentions the space. */
  readonly spaceEdges: Readonly<Record<string, readonly SpaceEdge[]>>;
  /** Spaces that are no other joined space's child, in the backend's order. */
  readonly topLevelSpaces: readonly string[];
  /** Interactive verifications by transaction ID, as the backend's `verification_update` events last said. */
  readonly verifications: ReadonlyMap<string, VerificationFlow>;
  /** Others' (and our own) presence by user ID, as the backend's `presence` events last said; see presence.ts. */
  readonly presence: ReadonlyMap<string, UserPresence>;
}


const EMPTY_EVENTS: ReadonlyMap<EventRowID, Event> = new Map();
const EMPTY_OBJECT: Readonly<Record<string, AccountData>> = {};
export const INITIAL_HISTORY: HistoryState = { hasMore: true, loading: false, error: null };

export function emptyRoom(id: string): RoomData {
  return {
    id, meta: undefined, events: EMPTY_EVENTS, timeline: [], state: {}, pending: [], typing: [],
    history: INITIAL_HISTORY, stateLoaded: false, accountData: EMPTY_OBJECT, receipts: NO_RECEIPTS,
  };
}

export function initialSnapshot(connection: TransportStatus = { state: 'connecting' }): StoreSnapshot {
  return {
    connection, clientState: null, syncStatus: { type: 'ok', error_count: 0 }, initComplete: false, runId: null,
    rooms: new Map(), roomList: [], invitedRooms: [], accountData: EMPTY_OBJECT, spaceEdges: {}, topLevelSpaces: [],
    verifications: new Map(), presence: new Map(),
  };
}

export function withEvents(prev: ReadonlyMap<EventRowID, Event>, add: readonly Event[]): ReadonlyMap<EventRowID, Event> {
  if (add.length === 0) return prev;
  const next = new Map(prev);
  for (const e of add) next.set(e.rowid, e);
  return next;
}

/**
 * Adds tuples, keeping ascending timeline_rowid order and one tuple per event (the newest placement wins).
 * The two common cases are incremental: a sync appends newer rows, a history page prepends older ones. Both only
 * concatenate (no re-sort, no map of everything loaded), so paging back through 10,000 events stays linear.
 */
export function mergeTimeline(prev: readonly TimelineRowTuple[], added: readonly TimelineRowTuple[]): readonly TimelineRowTuple[] {
  if (added.length === 0) return prev;
  if (prev.length === 0) return sortedUnique(added);
  const sorted = sortedUnique(added);
  const addedIds = new Set(sorted.map((t) => t.event_rowid));
  const overlaps = prev.some((t) => addedIds.has(t.event_rowid));
  if (!overlaps) {
    if (sorted[0].timeline_rowid > prev[prev.length - 1].timeline_rowid) return prev.concat(sorted); // sync
    if (sorted[sorted.length - 1].timeline_rowid < prev[0].timeline_rowid) return sorted.concat(prev); // history
  }
  const byEvent = new Map<EventRowID, TimelineRowTuple>();
  for (const t of prev) byEvent.set(t.event_rowid, t);
  for (const t of sorted) byEvent.set(t.event_rowid, t);
  return [...byEvent.values()].sort((a, b) => a.timeline_rowid - b.timeline_rowid);
}

/** The added tuples ascending, one per event: pages arrive newest first, syncs oldest first. */
function sortedUnique(added: readonly TimelineRowTuple[]): TimelineRowTuple[] {
  let ascending = true;
  let descending = true;
  for (let i = 1; i < added.length; i++) {
    if (added[i].timeline_rowid <= added[i - 1].timeline_rowid) ascending = false;
    if (added[i].timeline_rowid >= added[i - 1].timeline_rowid) descending = false;
  }
  const seen = new Set<EventRowID>();
  const list = ascending ? [...added] : descending ? [...added].reverse() : [...added].sort((a, b) => a.timeline_rowid - b.timeline_rowid);
  // The newest placement of an event wins: walk from the end so the last one is kept.
  const out: TimelineRowTuple[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    if (seen.has(list[i].event_rowid)) continue;
    seen.add(list[i].event_rowid);
    out.push(list[i]);
  }
  return out.reverse();
}

export function mergeState(prev: RoomStateMap, update: Record<string, Record<string, EventRowID>>): RoomStateMap {
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

/** Drops pending sends the timeline now places; the same array when none moved. */
export function prunePending(pending: readonly EventRowID[], timeline: readonly TimelineRowTuple[], prevTimeline: readonly TimelineRowTuple[]): readonly EventRowID[] {
  if (pending.length === 0 || timeline === prevTimeline) return pending;
  const placed = new Set(timeline.map((t) => t.event_rowid));
  const kept = pending.filter((r) => !placed.has(r));
  return kept.length === pending.length ? pending : kept;
}

export function sortRoomList(rooms: ReadonlyMap<string, RoomData>): readonly RoomData[] {
  const list: { room: RoomData; meta: Room }[] = [];
  for (const room of rooms.values()) if (room.meta) list.push({ room, meta: room.meta });
  // Ties broken by id so the order is stable between renders.
  return list
    .sort((a, b) => (b.meta.sorting_timestamp - a.meta.sorting_timestamp) || (a.room.id < b.room.id ? -1 : a.room.id > b.room.id ? 1 : 0))
    .map((r) => r.room);
}

export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
