/**
 * A room's list of threads, as Element's Threads panel shows it: pages of `get_threads` (the roots with the
 * server's m.thread summaries, and the latest replies it bundled), all of the room's threads or only those the user
 * took part in, read into rows newest activity first. Replies we hold from sync count too, so a thread answered
 * while the list is open moves up and counts the new reply without asking the server again; and a thread a reply
 * comes in for that the list does not hold (one just started, or one further down than the pages read) is added at
 * the top as the reply arrives, once, however the pages read later answer.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import type { ManualPaginationResponse } from '../../shared/rpc/commands/reading.ts';
import type { Event, SyncComplete } from '../../shared/rpc/types.ts';
import { useSession } from './hooks.ts';
import { selectEventById } from './relations.ts';
import type { Session } from './session.ts';
import { selectThreadReplies, threadRootOf, threadSummary } from './threads.ts';

/** `participated`: the threads the user started or replied in ("My threads"). */
export type ThreadFilter = 'all' | 'participated';

/** Threads asked for per page. */
export const THREAD_LIST_PAGE = 20;

export interface ThreadListState {
  /** The roots read so far, in the server's order (latest activity first), each once. */
  readonly roots: readonly Event[];
  /** The latest reply the server bundled with each root, by root ID. */
  readonly latest: ReadonlyMap<string, Event>;
  /** Where the next page starts; null at the end. */
  readonly nextBatch: string | null;
  /** 'first': reading the first page; 'more': the next one. */
  readonly loading: 'first' | 'more' | null;
  /** Why the last page could not be read, in words; the rows held stay. */
  readonly error: string | null;
}

export const LOADING_THREADS: ThreadListState = { roots: [], latest: new Map(), nextBatch: null, loading: 'first', error: null };

/** The state after a page came: its roots not yet held added after those held (a first page onto LOADING_THREADS). */
export function addThreadPage(base: ThreadListState, page: ManualPaginationResponse): ThreadListState {
  const seen = new Set(base.roots.map((r) => r.event_id));
  const roots = [...base.roots];
  for (const r of page.events) {
    if (seen.has(r.event_id)) continue;
    seen.add(r.event_id);
    roots.push(r);
  }
  const latest = new Map(base.latest);
  for (const e of page.related_events ?? []) {
    const root = threadRootOf(e);
    if (root) latest.set(root, e);
  }
  return { roots, latest, nextBatch: page.next_batch ?? null, loading: null, error: null };
}

/** One row of the list: the root, how many replies it has, and the newest one. */
export interface ThreadRow {
  readonly root: Event;
  readonly count: number;
  /** The newest reply that is not deleted, if the server or sync gave us one. */
  readonly latest: Event | undefined;
  /** When the thread last had a reply (else when it was started): the list's order. */
  readonly activity: number;
}

/**
 * The rows, newest activity first. `held(rootId)`: the replies we hold from sync for that thread (oldest first), which
 * the count and the latest reply take into account as the thread summaries do (threadSummary).
 */
export function threadRows(state: ThreadListState, held: (rootId: string) => readonly Event[]): ThreadRow[] {
  const rows = state.roots.map((root, order) => {
    const summary = threadSummary(root, held(root.event_id));
    const bundled = state.latest.get(root.event_id);
    const server = bundled && !bundled.redacted_by ? bundled : undefined;
    const latest = !summary.latest ? server : !server ? summary.latest
      : summary.latest.timestamp >= server.timestamp ? summary.latest : server;
    return { row: { root, count: summary.count, latest, activity: latest?.timestamp ?? root.timestamp }, order };
  });
  // Stable: rows the server ordered keep its order unless a reply moved one up.
  rows.sort((a, b) => b.row.activity - a.row.activity || a.order - b.order);
  return rows.map((r) => r.row);
}

const NO_ARRIVALS: ReadonlyMap<string, ArrivedThread> = new Map();

/** Pages read at most for one question before the list waits for "Load more". */
export const MAX_PAGES_PER_READ = 10;

/**
 * Reads pages from `from` onto `base` until a page's worth of rows came (or the end, or MAX_PAGES_PER_READ pages):
 * the server pages through all of the room's threads and leaves out those the user did not take part in afterwards
 * (Synapse does), so a page of "My threads" can be short or empty and still have more after it. A failed page keeps
 * the rows read before it, with the error in words.
 */
export async function readThreadPages(request: (from: string | null) => Promise<ManualPaginationResponse>,
  base: ThreadListState, from: string | null, live: () => boolean = () => true): Promise<ThreadListState> {
  let state = base;
  let next = from;
  for (let pages = 0; pages < MAX_PAGES_PER_READ && live(); pages++) {
    try {
      state = addThreadPage(state, await request(next));
    } catch (err) {
      return { ...state, loading: null, error: errorMessage(err) };
    }
    next = state.nextBatch;
    if (!next || state.roots.length - base.roots.length >= THREAD_LIST_PAGE) break;
  }
  return state;
}

// --- threads that come in by sync --------------------------------------------------------------------------

/** A thread a reply came in for while the list was open: its root, and whether the user took part in it. */
export interface ArrivedThread {
  readonly root: Event;
  /** The user sent the root or a reply in it ("My threads"). */
  readonly mine: boolean;
}

/** A thread reply a sync brought, with its root when the same sync brought that too. */
export interface ThreadReplyArrival {
  readonly rootId: string;
  readonly reply: Event;
  readonly root: Event | undefined;
}

/**
 * The thread replies a sync diff placed in a room's timeline: new replies only, not older events sent along for
 * context (a reply's target, an edited message), and none from the first diff of a connection (the whole room again,
 * which the list read from the server already covers).
 */
export function threadReplyArrivals(diff: SyncComplete, roomId: string): ThreadReplyArrival[] {
  const room = diff.clear_state ? undefined : diff.rooms?.[roomId];
  if (!room?.events?.length || !room.timeline?.length) return [];
  const placed = new Set(room.timeline.map((t) => t.event_rowid));
  const byId = new Map(room.events.map((e) => [e.event_id, e]));
  const out: ThreadReplyArrival[] = [];
  for (const reply of room.events) {
    const rootId = placed.has(reply.rowid) ? threadRootOf(reply) : undefined;
    if (rootId) out.push({ rootId, reply, root: byId.get(rootId) });
  }
  return out;
}

/** The threads that came with `root` noted (a newer copy of it replaces the older; the user's part once seen stays). */
export function noteArrivedThread(arrived: ReadonlyMap<string, ArrivedThread>, root: Event, mine: boolean): ReadonlyMap<string, ArrivedThread> {
  const had = arrived.get(root.event_id);
  const next = new Map(arrived);
  next.set(root.event_id, { root, mine: mine || (had?.mine ?? false) });
  return next;
}

/**
 * The list with the threads that came by sync added after the roots the server gave (threadRows then puts them where
 * their latest reply says: at the top as it comes), each once: a page or a reading again that has the thread too
 * keeps the server's copy. Under "My threads" only those the user took part in. Nothing while the first page loads.
 */
export function withArrivedThreads(state: ThreadListState, arrived: ReadonlyMap<string, ArrivedThread>, filter: ThreadFilter): ThreadListState {
  if (state.loading === 'first' || arrived.size === 0) return state;
  const listed = new Set(state.roots.map((r) => r.event_id));
  const extra = [...arrived.values()].filter((t) => !listed.has(t.root.event_id) && (filter === 'all' || t.mine)).map((t) => t.root);
  return extra.length ? { ...state, roots: [...state.roots, ...extra] } : state;
}

/**
 * Follows a room's syncs for thread replies and notes each one's thread with its root: the one the sync brought or we
 * hold at once, then the server's copy with its thread summary as it is now (a thread further down than the pages
 * read has replies we never held), asked for once per thread. `listed(rootId)`: the root as the list holds it.
 */
function followArrivals(session: Session, roomId: string, listed: (rootId: string) => Event | undefined,
  note: (root: Event, mine: boolean) => void): () => void {
  const asked = new Set<string>();
  return session.client.on('sync_complete', (diff) => {
    for (const { rootId, reply, root } of threadReplyArrivals(diff, roomId)) {
      const snapshot = session.store.getSnapshot();
      const own = snapshot.clientState?.user_id;
      const room = snapshot.rooms.get(roomId);
      const held = root ?? listed(rootId) ?? selectEventById(room, rootId);
      const mine = (e: Event) => reply.sender === own || e.sender === own || selectThreadReplies(room, rootId).some((r) => r.sender === own);
      if (held) note(held, mine(held));
      if (asked.has(rootId) || listed(rootId)) continue;
      asked.add(rootId);
      session.client.request('get_event', { room_id: roomId, event_id: rootId, fresh: true })
        .then((fresh) => note(fresh, mine(fresh)), (err: unknown) => console.warn(`lattice: the root of thread ${rootId} did not come`, err));
    }
  });
}

/**
 * Reads a room's threads: the first page at once (again when the room or filter changes, or on `reload`), the next
 * one on `loadMore`. The pages held belong to one question (room, filter, attempt); answers to an earlier one are
 * dropped. Threads replied in by sync since are added (withArrivedThreads) whatever the question.
 */
export function useThreadList(roomId: string, filter: ThreadFilter): { state: ThreadListState; loadMore: () => void; reload: () => void } {
  const session = useSession();
  const [attempt, setAttempt] = useState(0);
  const key = `${attempt} ${filter} ${roomId}`;
  const [held, setHeld] = useState<{ key: string; state: ThreadListState }>({ key, state: LOADING_THREADS });
  const read = held.key === key ? held.state : LOADING_THREADS;
  const [arrived, setArrived] = useState<{ roomId: string; threads: ReadonlyMap<string, ArrivedThread> }>({ roomId, threads: new Map() });
  const arrivedHere = arrived.roomId === roomId ? arrived.threads : NO_ARRIVALS;
  const state = useMemo(() => withArrivedThreads(read, arrivedHere, filter), [read, arrivedHere, filter]);
  // What the list holds, for the sync listener (which outlives renders) to find a root without asking for it.
  const listedRoots = useRef<ReadonlyMap<string, Event>>(new Map());
  useEffect(() => { listedRoots.current = new Map(read.roots.map((r) => [r.event_id, r])); }, [read.roots]);

  useEffect(() => followArrivals(session, roomId, (id) => listedRoots.current.get(id), (root, mine) => setArrived((a) => ({
    roomId, threads: noteArrivedThread(a.roomId === roomId ? a.threads : NO_ARRIVALS, root, mine),
  }))), [session, roomId, listedRoots]);

  const request = useCallback((from: string | null) => session.client.request('get_threads', {
    room_id: roomId, include: filter, limit: THREAD_LIST_PAGE, ...(from ? { from } : {}),
  }), [session, roomId, filter]);

  useEffect(() => {
    let live = true;
    void readThreadPages(request, LOADING_THREADS, null, () => live).then((state) => { if (live) setHeld({ key, state }); });
    return () => { live = false; };
  }, [request, key]);

  const loadMore = (): void => {
    const from = read.nextBatch;
    if (read.loading || !from) return;
    const reading = { ...read, loading: 'more' as const, error: null };
    setHeld({ key, state: reading });
    void readThreadPages(request, reading, from).then((next) => setHeld((h) => (h.key === key ? { key, state: next } : h)));
  };
  const reload = (): void => setAttempt((n) => n + 1);
  return { state, loadMore, reload };
}
