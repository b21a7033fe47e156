/**
 * The public room directory as "Explore public rooms" shows it: what is typed (a search term, and optionally another
 * server whose directory to browse), the rooms found so far, read a page at a time through `get_public_rooms`, and
 * what the user asked of each row (join, ask to join) while it runs or when it failed. Held per session in a tiny
 * external store, outside the synced snapshot: the directory is asked for, not synced, and lists rooms we are not in.
 *
 * Typing searches after a short pause (one request per pause, not per key); an answer to an older search that
 * arrives late is dropped, so the rows always belong to what the boxes say now. Pure parts (parsing a room, the
 * request, the servers to join through) are exported for the unit tests; components call only the actions.
 */
import { useSyncExternalStore } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import { isServerName } from '../../shared/server-name.ts';
import type { CommandParams } from '../../shared/rpc/commands.ts';
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { joinRoom } from './room-requests.ts';
import { serverOf, waitForJoinedRoom } from './room-list-actions.ts';
import type { RowRequest } from './space-hierarchy.ts';
import type { Session } from './session.ts';

/** Rooms asked for per page: a screenful or two, as Element's directory asks for. */
export const PUBLIC_ROOMS_PAGE_SIZE = 20;
/** How long typing has to pause before the directory is searched. */
export const SEARCH_DELAY_MS = 300;

/** One room as the directory describes it to someone who may not be in it. */
export interface PublicRoom {
  readonly roomId: string;
  readonly name: string | undefined;
  readonly alias: string | undefined;
  readonly topic: string | undefined;
  readonly avatar: string | undefined;
  readonly members: number | undefined;
  readonly joinRule: string | undefined;
  readonly isSpace: boolean;
}

export interface DirectoryState {
  /** The search term as typed. */
  readonly query: string;
  /** The server whose directory to browse, as typed; empty for our own homeserver's. */
  readonly server: string;
  /** What the rows were read for (null before the first answer): the empty state names it. */
  readonly shown: { readonly query: string; readonly server: string } | null;
  /** Every room read so far for `shown`, in the server's order, each once. */
  readonly rooms: readonly PublicRoom[];
  /** Where the next page starts; null when the directory has been read to its end. */
  readonly nextBatch: string | null;
  /** 'first': reading a search's first page; 'more': the next page. */
  readonly loading: 'first' | 'more' | null;
  /** A search waits for the typing to pause: the rows are about to be replaced. */
  readonly pending: boolean;
  /** Why the search could not be done, in words (the rows are then empty). */
  readonly error: string | null;
  /** Why the next page could not be read; the rows held stay. */
  readonly moreError: string | null;
  readonly requests: ReadonlyMap<string, RowRequest>;
}

const EMPTY_STATE: DirectoryState = {
  query: '', server: '', shown: null, rooms: [], nextBatch: null, loading: null, pending: false, error: null, moreError: null, requests: new Map(),
};

// --- pure parts ------------------------------------------------------------------------------------------------

function str(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** A directory entry (the spec's PublishedRoomsChunk) as a row; null for one without a room ID. */
export function parsePublicRoom(raw: JSONObject): PublicRoom | null {
  const roomId = str(raw.room_id);
  if (!roomId?.startsWith('!')) return null;
  const members = raw.num_joined_members;
  return {
    roomId,
    name: str(raw.name),
    alias: str(raw.canonical_alias),
    topic: str(raw.topic),
    avatar: str(raw.avatar_url),
    members: typeof members === 'number' && Number.isInteger(members) && members >= 0 ? members : undefined,
    joinRule: str(raw.join_rule),
    isSpace: raw.room_type === 'm.space',
  };
}

/** `held` with a page's rooms after it, each room once (a server may repeat one across pages). */
export function withPage(held: readonly PublicRoom[], page: readonly JSONObject[]): PublicRoom[] {
  const seen = new Set(held.map((r) => r.roomId));
  const rooms = [...held];
  for (const raw of page) {
    const room = parsePublicRoom(raw);
    if (!room || seen.has(room.roomId)) continue;
    seen.add(room.roomId);
    rooms.push(room);
  }
  return rooms;
}

/** The server's name in what was typed, lower-cased; '' for our own homeserver. */
export function normalizeServer(typed: string): string {
  return typed.trim().toLowerCase();
}

/** Why the typed server cannot be asked, in words; null when it can (or is empty: our own). */
export function serverProblem(typed: string): string | null {
  const server = normalizeServer(typed);
  if (server === '' || isServerName(server)) return null;
  return `“${typed.trim()}” is not a server name. Type one such as matrix.org.`;
}

/** The request for a page of the directory: the term and the server only when there are any. */
export function publicRoomsParams(query: string, server: string, since?: string): CommandParams<'get_public_rooms'> {
  const term = query.trim();
  const name = normalizeServer(server);
  return {
    limit: PUBLIC_ROOMS_PAGE_SIZE,
    ...(name ? { server: name } : {}),
    ...(since ? { since } : {}),
    ...(term ? { filter: { generic_search_term: term } } : {}),
  };
}

/**
 * The servers to join a directory room through: the server whose directory listed it (it is in the room), then the
 * servers of its address and of its ID, each once. Empty for our own directory's rooms with nothing to add: our
 * homeserver knows them.
 */
export function joinVia(room: PublicRoom, server: string): string[] {
  const name = normalizeServer(server);
  const via = [name, serverOf(room.alias), serverOf(room.roomId)].filter((s): s is string => !!s);
  return name ? [...new Set(via)] : [];
}

/**
 * The reason alone from a backend failure that names what failed and its target by ID ("Could not join !x:y: ..."):
 * the row or the dialog already says what failed. Our own sentences (no "Could not ...:" prefix) stay whole.
 */
export function directoryFailure(error: string): string {
  const rest = error.replace(/^Could not (?:join|knock on) [!#]\S+: /, '').replace(/^Could not list the public rooms(?: of \S+)?: /, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

// --- the store -------------------------------------------------------------------------------------------------

class DirectoryStore {
  state: DirectoryState = EMPTY_STATE;
  /** Bumped on every search, so an older answer arriving late is dropped. */
  generation = 0;
  timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => { this.listeners.delete(l); };
  };

  readonly get = (): DirectoryState => this.state;

  update(change: (s: DirectoryState) => DirectoryState): void {
    const after = change(this.state);
    if (after === this.state) return;
    this.state = after;
    for (const l of [...this.listeners]) l();
  }

  cancelPending(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const stores = new WeakMap<Session, DirectoryStore>();

function storeOf(session: Session): DirectoryStore {
  let s = stores.get(session);
  if (!s) { s = new DirectoryStore(); stores.set(session, s); }
  return s;
}

/** The directory as read so far (outside React). */
export function directoryOf(session: Session): DirectoryState {
  return storeOf(session).get();
}

export function useDirectory(session: Session): DirectoryState {
  const store = storeOf(session);
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Searches what the boxes say now: the first page, replacing the rows once it comes. */
export async function searchPublicRooms(session: Session): Promise<void> {
  const store = storeOf(session);
  store.cancelPending();
  const g = ++store.generation;
  const { query, server } = store.state;
  const shown = { query: query.trim(), server: normalizeServer(server) };
  const problem = serverProblem(server);
  if (problem) {
    store.update((s) => ({ ...s, shown, rooms: [], nextBatch: null, loading: null, pending: false, error: problem, moreError: null }));
    return;
  }
  store.update((s) => ({ ...s, loading: 'first', pending: false, error: null, moreError: null }));
  try {
    const page = await session.client.request('get_public_rooms', publicRoomsParams(query, server));
    if (store.generation !== g) return;
    store.update((s) => ({ ...s, shown, rooms: withPage([], page.chunk), nextBatch: page.next_batch ?? null, loading: null }));
  } catch (err) {
    if (store.generation !== g) return;
    store.update((s) => ({ ...s, shown, rooms: [], nextBatch: null, loading: null, error: directoryFailure(errorMessage(err)) }));
  }
}

/** Opens the directory afresh: our own server's rooms, no term. */
export function openDirectory(session: Session): void {
  const store = storeOf(session);
  store.update((s) => ({ ...EMPTY_STATE, requests: s.requests }));
  void searchPublicRooms(session);
}

/** Stops a search waiting for typing to pause (the dialog closed); an answer still on its way is dropped. */
export function closeDirectory(session: Session): void {
  const store = storeOf(session);
  store.cancelPending();
  store.generation++;
  store.update((s) => (s.loading === null && !s.pending ? s : { ...s, loading: null, pending: false }));
}

/** Searches once typing pauses; every key restarts the wait. */
function searchSoon(session: Session): void {
  const store = storeOf(session);
  store.cancelPending();
  store.update((s) => (s.pending ? s : { ...s, pending: true }));
  store.timer = setTimeout(() => { store.timer = undefined; void searchPublicRooms(session); }, SEARCH_DELAY_MS);
}

export function setDirectoryQuery(session: Session, query: string): void {
  const store = storeOf(session);
  if (store.state.query === query) return;
  store.update((s) => ({ ...s, query }));
  searchSoon(session);
}

export function setDirectoryServer(session: Session, server: string): void {
  const store = storeOf(session);
  if (store.state.server === server) return;
  store.update((s) => ({ ...s, server }));
  searchSoon(session);
}

/** Reads the page after those held, if there is one and nothing is being read. */
export async function loadMorePublicRooms(session: Session): Promise<void> {
  const store = storeOf(session);
  const { nextBatch, loading, shown } = store.state;
  if (nextBatch === null || loading !== null || shown === null) return;
  const g = store.generation;
  store.update((s) => ({ ...s, loading: 'more', moreError: null }));
  try {
    const page = await session.client.request('get_public_rooms', publicRoomsParams(shown.query, shown.server, nextBatch));
    if (store.generation !== g) return;
    store.update((s) => ({ ...s, rooms: withPage(s.rooms, page.chunk), nextBatch: page.next_batch ?? null, loading: null }));
  } catch (err) {
    if (store.generation !== g) return;
    store.update((s) => ({ ...s, loading: null, moreError: directoryFailure(errorMessage(err)) }));
  }
}

function setRequest(store: DirectoryStore, roomId: string, request: RowRequest | null): void {
  store.update((s) => {
    const requests = new Map(s.requests);
    if (request) requests.set(roomId, request);
    else requests.delete(roomId);
    return { ...s, requests };
  });
}

/**
 * Joins a room of the directory (the same join as "Join a room", with its refusals) and waits until the sync has
 * brought it, so the row can offer to view it. A refusal stays on the row, in words.
 */
export async function joinPublicRoom(session: Session, room: PublicRoom): Promise<void> {
  const store = storeOf(session);
  setRequest(store, room.roomId, { kind: 'joining' });
  try {
    const roomId = await joinRoom(session, room.roomId, joinVia(room, store.state.shown?.server ?? ''));
    await waitForJoinedRoom(session, roomId);
    setRequest(store, room.roomId, null);
  } catch (err) {
    setRequest(store, room.roomId, { kind: 'failed', action: 'join', message: directoryFailure(errorMessage(err)) });
  }
}

/** Asks to be let into a knock room; the row then says the request is pending. */
export async function knockPublicRoom(session: Session, room: PublicRoom): Promise<void> {
  const store = storeOf(session);
  setRequest(store, room.roomId, { kind: 'knocking' });
  try {
    await session.client.request('knock_room', { room_id_or_alias: room.roomId, via: joinVia(room, store.state.shown?.server ?? '') });
    setRequest(store, room.roomId, { kind: 'knocked' });
  } catch (err) {
    setRequest(store, room.roomId, { kind: 'failed', action: 'knock', message: directoryFailure(errorMessage(err)) });
  }
}
