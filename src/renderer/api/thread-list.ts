/**
 * A room's list of threads, as Element's Threads panel shows it: pages of `get_threads` (the roots with the
 * server's m.thread summaries, and the latest replies it bundled), all of the room's threads or only those the user
 * took part in, read into rows newest activity first. Replies we hold from sync count too, so a thread answered
 * while the list is open moves up and counts the new reply without asking the server again.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import type { ManualPaginationResponse } from '../../shared/rpc/commands/reading.ts';
import type { Event } from '../../shared/rpc/types.ts';
import { useSession } from './hooks.ts';
import { threadRootOf, threadSummary } from './threads.ts';

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

/**
 * Reads a room's threads: the first page at once (again when the room or filter changes, or on `reload`), the next
 * one on `loadMore`. The pages held belong to one question (room, filter, attempt); answers to an earlier one are
 * dropped.
 */
export function useThreadList(roomId: string, filter: ThreadFilter): { state: ThreadListState; loadMore: () => void; reload: () => void } {
  const session = useSession();
  const [attempt, setAttempt] = useState(0);
  const key = `${attempt} ${filter} ${roomId}`;
  const [held, setHeld] = useState<{ key: string; state: ThreadListState }>({ key, state: LOADING_THREADS });
  const state = held.key === key ? held.state : LOADING_THREADS;

  const request = useCallback((from: string | null) => session.client.request('get_threads', {
    room_id: roomId, include: filter, limit: THREAD_LIST_PAGE, ...(from ? { from } : {}),
  }), [session, roomId, filter]);

  useEffect(() => {
    let live = true;
    void readThreadPages(request, LOADING_THREADS, null, () => live).then((state) => { if (live) setHeld({ key, state }); });
    return () => { live = false; };
  }, [request, key]);

  const loadMore = (): void => {
    const from = state.nextBatch;
    if (state.loading || !from) return;
    const reading = { ...state, loading: 'more' as const, error: null };
    setHeld({ key, state: reading });
    void readThreadPages(request, reading, from).then((next) => setHeld((h) => (h.key === key ? { key, state: next } : h)));
  };
  const reload = (): void => setAttempt((n) => n + 1);
  return { state, loadMore, reload };
}
