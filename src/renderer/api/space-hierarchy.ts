/**
 * A space's rooms as its home lists them, joined or not: pages of `get_space_hierarchy` read into plain rows (name,
 * topic, members, join rule, the space's children with their `via` servers and `suggested` flag), and what the user
 * asked of each row (join, ask to join) while it runs or when it failed. Held per session in a tiny external store,
 * outside the synced snapshot: the hierarchy is asked for, not synced, and rooms we are not in have no place there.
 *
 * Updates share structure: a page adds rows without copying the ones already held, and reading the space again keeps
 * every row object whose content did not change, so a row component re-renders only for its own room.
 *
 * What was read, which sub-spaces were expanded and the filter typed stay for the session: opening the home again
 * shows them at once and reads the same pages again in the background (`openHierarchy`), instead of starting over
 * from the first page. If that background read fails, the rows stay and `refreshError` says why.
 */
import { useSyncExternalStore } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import type { RespHierarchy } from '../../shared/rpc/responses.ts';
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { parseRoomSummary, type RoomSummary } from './room-summary.ts';
import { serverOf, waitForJoinedRoom } from './room-list-actions.ts';
import type { Session } from './session.ts';

/** Rooms asked for per page: a screenful or two, as Element's space home asks for. */
export const HIERARCHY_PAGE_SIZE = 20;

/** A child a space lists in its m.space.child state. */
export interface HierarchyChild {
  readonly roomId: string;
  /** The servers to join it through, as the space says. */
  readonly via: readonly string[];
  readonly suggested: boolean;
}

/** One room (or sub-space) of a space's hierarchy, as the server describes it to someone who may not be in it. */
export interface HierarchyRoom extends RoomSummary {
  /** For restricted rooms: the rooms whose members may join (servers may leave it out). */
  readonly allowedRoomIds: readonly string[];
  /** Its children in the space's order (only spaces have any). */
  readonly children: readonly HierarchyChild[];
}

/** What the user asked of one row: running, or how it ended when the row has to say so. */
export type RowRequest =
  | { readonly kind: 'joining' | 'knocking' }
  | { readonly kind: 'knocked' }
  | { readonly kind: 'failed'; readonly action: 'join' | 'knock'; readonly message: string };

export interface HierarchyState {
  /** Every room read so far, by ID, in the server's order. */
  readonly rooms: ReadonlyMap<string, HierarchyRoom>;
  /** Where the next page starts; null when the space has been read to its end. */
  readonly nextBatch: string | null;
  /**
   * 'first': reading the first page (again); 'more': reading the next one; 'refresh': reading again, in the
   * background, every page read before (the rows held stay shown until the answers are all in).
   */
  readonly loading: 'first' | 'more' | 'refresh' | null;
  /** How many pages the rows held came from, so a refresh reads as many again. */
  readonly pages: number;
  /** The sub-spaces whose rooms are shown below them. */
  readonly expanded: ReadonlySet<string>;
  /** Why the first page could not be read, in words (the rooms are then empty). */
  readonly error: string | null;
  /** Why the next page could not be read; the rows held stay. */
  readonly moreError: string | null;
  /** Why reading the space again in the background failed; the rows held stay (as they were last read). */
  readonly refreshError: string | null;
  /** The filter typed in the home, kept for when it is opened again. */
  readonly query: string;
  /** The sub-spaces opened or closed while this filter is typed (see filterSpaceHomeRows); a new filter starts over. */
  readonly filterToggled: ReadonlySet<string>;
  readonly requests: ReadonlyMap<string, RowRequest>;
}

const EMPTY_STATE: HierarchyState = {
  rooms: new Map(), nextBatch: null, loading: null, pages: 0, expanded: new Set(), error: null, moreError: null,
  refreshError: null, query: '', filterToggled: new Set(), requests: new Map(),
};

// --- parsing the server's JSON --------------------------------------------------------------------------------

function obj(v: JSONValue | undefined): JSONObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** The spec's rule for a child's `order`: printable ASCII of at most 50 characters, else as if absent. */
function validOrder(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' && v.length <= 50 && /^[\x20-\x7e]*$/.test(v) ? v : undefined;
}

/**
 * The space's children from its `children_state`, ordered as the spec orders them: by `order` (those with one
 * first), then by when the child was added, then by room ID. A child with no `via` is no longer a child.
 */
function childrenOf(room: JSONObject): HierarchyChild[] {
  const state = Array.isArray(room.children_state) ? room.children_state : [];
  const rows: { child: HierarchyChild; order: string | undefined; ts: number }[] = [];
  for (const raw of state) {
    const ev = obj(raw);
    const content = obj(ev?.content);
    if (!ev || !content || ev.type !== 'm.space.child' || typeof ev.state_key !== 'string') continue;
    const via = Array.isArray(content.via) ? content.via.filter((v): v is string => typeof v === 'string') : [];
    if (via.length === 0) continue;
    rows.push({
      child: { roomId: ev.state_key, via, suggested: content.suggested === true },
      order: validOrder(content.order),
      ts: typeof ev.origin_server_ts === 'number' ? ev.origin_server_ts : 0,
    });
  }
  rows.sort((a, b) => {
    if (a.order !== b.order) {
      if (a.order === undefined) return 1;
      if (b.order === undefined) return -1;
      return a.order < b.order ? -1 : 1;
    }
    return a.ts - b.ts || (a.child.roomId < b.child.roomId ? -1 : a.child.roomId > b.child.roomId ? 1 : 0);
  });
  return rows.map((r) => r.child);
}

export function parseHierarchyRoom(room: JSONObject): HierarchyRoom | null {
  const summary = parseRoomSummary(room);
  if (!summary) return null;
  const allowed = Array.isArray(room.allowed_room_ids) ? room.allowed_room_ids.filter((v): v is string => typeof v === 'string') : [];
  return { ...summary, allowedRoomIds: allowed, children: childrenOf(room) };
}

/** The old row when the new one says the same, so unchanged rows keep their identity. */
function sameRoom(a: HierarchyRoom, b: HierarchyRoom): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The reason alone from a backend failure that names its target by ID ("Could not join !x:y: <reason>") or by event
 * type ("Could not set the m.space.child state: <reason>"): the space home already says which room or space and
 * what failed, and a room ID or an event type means nothing to a person.
 */
export function failureReason(error: string): string {
  const rest = error.replace(/^Could not (?:join|knock on|read the space) [!#]\S+: |^Could not set the \S+ state: /, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

// --- the store ------------------------------------------------------------------------------------------------

class HierarchyStore {
  private readonly spaces = new Map<string, HierarchyState>();
  /** Bumped on every first-page read, so an older answer arriving late is dropped. */
  private readonly generation = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => { this.listeners.delete(l); };
  };

  get(spaceId: string): HierarchyState {
    return this.spaces.get(spaceId) ?? EMPTY_STATE;
  }

  update(spaceId: string, change: (s: HierarchyState) => HierarchyState): void {
    const before = this.get(spaceId);
    const after = change(before);
    if (after === before) return;
    this.spaces.set(spaceId, after);
    for (const l of [...this.listeners]) l();
  }

  nextGeneration(spaceId: string): number {
    const g = (this.generation.get(spaceId) ?? 0) + 1;
    this.generation.set(spaceId, g);
    return g;
  }

  isCurrent(spaceId: string, g: number): boolean {
    return this.generation.get(spaceId) === g;
  }
}

const stores = new WeakMap<Session, HierarchyStore>();

function storeOf(session: Session): HierarchyStore {
  let s = stores.get(session);
  if (!s) { s = new HierarchyStore(); stores.set(session, s); }
  return s;
}

/** The space's hierarchy as read so far (outside React). */
export function spaceHierarchyOf(session: Session, spaceId: string): HierarchyState {
  return storeOf(session).get(spaceId);
}

export function useSpaceHierarchy(session: Session, spaceId: string): HierarchyState {
  const store = storeOf(session);
  return useSyncExternalStore(store.subscribe, () => store.get(spaceId));
}

/** Adds a page's rooms after those held; `previous` supplies the old objects of rooms read before. */
function withPage(held: ReadonlyMap<string, HierarchyRoom>, page: readonly JSONObject[],
  previous: ReadonlyMap<string, HierarchyRoom>): ReadonlyMap<string, HierarchyRoom> {
  const rooms = new Map(held);
  for (const raw of page) {
    const room = parseHierarchyRoom(raw);
    if (!room || rooms.has(room.roomId)) continue;
    const old = previous.get(room.roomId);
    rooms.set(room.roomId, old && sameRoom(old, room) ? old : room);
  }
  return rooms;
}

/**
 * Reads the space's first page (again), keeping what is shown until the answer comes; later pages are read with
 * `loadMoreHierarchy`. A space that cannot be read says why in `error`.
 */
export async function loadHierarchy(session: Session, spaceId: string): Promise<void> {
  const store = storeOf(session);
  const g = store.nextGeneration(spaceId);
  store.update(spaceId, (s) => ({ ...s, loading: 'first', error: null, moreError: null, refreshError: null }));
  try {
    const page = await session.client.request('get_space_hierarchy', { room_id: spaceId, limit: HIERARCHY_PAGE_SIZE });
    if (!store.isCurrent(spaceId, g)) return;
    store.update(spaceId, (s) => ({
      ...s, rooms: withPage(new Map(), page.rooms, s.rooms), nextBatch: page.next_batch ?? null, loading: null, pages: 1,
    }));
  } catch (err) {
    if (!store.isCurrent(spaceId, g)) return;
    store.update(spaceId, (s) => ({ ...s, rooms: new Map(), nextBatch: null, loading: null, error: failureReason(errorMessage(err)) }));
  }
}

/** Reads the page after those held, if there is one and none is being read. */
export async function loadMoreHierarchy(session: Session, spaceId: string): Promise<void> {
  const store = storeOf(session);
  const from = store.get(spaceId).nextBatch;
  if (from === null || store.get(spaceId).loading !== null) return;
  const g = store.nextGeneration(spaceId);
  store.update(spaceId, (s) => ({ ...s, loading: 'more', moreError: null }));
  try {
    const page = await session.client.request('get_space_hierarchy', { room_id: spaceId, from, limit: HIERARCHY_PAGE_SIZE });
    if (!store.isCurrent(spaceId, g)) return;
    store.update(spaceId, (s) => ({
      ...s, rooms: withPage(s.rooms, page.rooms, s.rooms), nextBatch: page.next_batch ?? null, loading: null, pages: s.pages + 1,
    }));
  } catch (err) {
    if (!store.isCurrent(spaceId, g)) return;
    store.update(spaceId, (s) => ({ ...s, loading: null, moreError: failureReason(errorMessage(err)) }));
  }
}

/**
 * What the home does as it opens: a space read before this session is shown as it was and read again in the
 * background, as many pages as were read; one never read (or that could not be read) is read from its first page.
 */
export async function openHierarchy(session: Session, spaceId: string): Promise<void> {
  const held = storeOf(session).get(spaceId);
  if (held.pages === 0 || held.error !== null) return loadHierarchy(session, spaceId);
  if (held.loading !== null) return;
  return refreshHierarchy(session, spaceId);
}

/**
 * Reads again the pages read before and swaps them in at once, keeping the row objects that did not change. A
 * failure keeps the rows held (they were right a moment ago) and says why in `refreshError`, for the home to show
 * with a way to try again (this, once more).
 */
export async function refreshHierarchy(session: Session, spaceId: string): Promise<void> {
  const store = storeOf(session);
  const held = store.get(spaceId);
  if (held.pages === 0 || held.loading !== null) return;
  const g = store.nextGeneration(spaceId);
  const want = held.pages;
  // A failure said before stays until this read ends: the rows are still as old, and its button keeps the focus.
  store.update(spaceId, (s) => ({ ...s, loading: 'refresh', moreError: null }));
  try {
    let rooms: ReadonlyMap<string, HierarchyRoom> = new Map();
    let from: string | null = null;
    let pages = 0;
    do {
      const page: RespHierarchy = await session.client.request('get_space_hierarchy', {
        room_id: spaceId, limit: HIERARCHY_PAGE_SIZE, ...(from === null ? {} : { from }),
      });
      if (!store.isCurrent(spaceId, g)) return;
      rooms = withPage(rooms, page.rooms, store.get(spaceId).rooms);
      from = page.next_batch ?? null;
      pages++;
    } while (from !== null && pages < want);
    const done = rooms;
    const nextBatch = from;
    store.update(spaceId, (s) => ({ ...s, rooms: done, nextBatch, loading: null, pages, refreshError: null }));
  } catch (err) {
    if (!store.isCurrent(spaceId, g)) return;
    store.update(spaceId, (s) => ({ ...s, loading: null, refreshError: failureReason(errorMessage(err)) }));
  }
}

/**
 * Shows or hides a sub-space's rooms below it; remembered for the session. While a filter is typed it opens or
 * closes the sub-space in the filtered rows only, leaving what is expanded without a filter as it was.
 */
export function toggleHierarchyExpanded(session: Session, spaceId: string, subSpaceId: string): void {
  storeOf(session).update(spaceId, (s) => {
    const filtering = s.query.trim() !== '';
    const set = new Set(filtering ? s.filterToggled : s.expanded);
    if (!set.delete(subSpaceId)) set.add(subSpaceId);
    return filtering ? { ...s, filterToggled: set } : { ...s, expanded: set };
  });
}

/** Sets the home's filter (kept for the session); a different filter starts with its own sub-spaces opened. */
export function setHierarchyFilter(session: Session, spaceId: string, query: string): void {
  storeOf(session).update(spaceId, (s) => (s.query === query ? s
    : { ...s, query, filterToggled: s.query.trim() === query.trim() ? s.filterToggled : new Set() }));
}

function setRequest(store: HierarchyStore, spaceId: string, roomId: string, request: RowRequest | null): void {
  store.update(spaceId, (s) => {
    const requests = new Map(s.requests);
    if (request) requests.set(roomId, request);
    else requests.delete(roomId);
    return { ...s, requests };
  });
}

/** The servers to reach a child through: the space's `via`, else the space's own server. */
function viaFor(child: HierarchyChild, spaceId: string): string[] {
  if (child.via.length) return [...child.via];
  const server = serverOf(spaceId);
  return server ? [server] : [];
}

/**
 * Joins a room of the space and waits until the sync has brought it, so the row can offer to open it and the room
 * list under the space shows it. A refusal stays on the row, in words.
 */
export async function joinHierarchyRoom(session: Session, spaceId: string, child: HierarchyChild): Promise<void> {
  const store = storeOf(session);
  setRequest(store, spaceId, child.roomId, { kind: 'joining' });
  try {
    const { room_id: roomId } = await session.client.request('join_room', { room_id_or_alias: child.roomId, via: viaFor(child, spaceId) });
    await waitForJoinedRoom(session, roomId);
    setRequest(store, spaceId, child.roomId, null);
  } catch (err) {
    setRequest(store, spaceId, child.roomId, { kind: 'failed', action: 'join', message: failureReason(errorMessage(err)) });
  }
}

/** Asks to be let into a knock room; the row then says the request is pending. */
export async function knockHierarchyRoom(session: Session, spaceId: string, child: HierarchyChild): Promise<void> {
  const store = storeOf(session);
  setRequest(store, spaceId, child.roomId, { kind: 'knocking' });
  try {
    await session.client.request('knock_room', { room_id_or_alias: child.roomId, via: viaFor(child, spaceId) });
    setRequest(store, spaceId, child.roomId, { kind: 'knocked' });
  } catch (err) {
    setRequest(store, spaceId, child.roomId, { kind: 'failed', action: 'knock', message: failureReason(errorMessage(err)) });
  }
}
