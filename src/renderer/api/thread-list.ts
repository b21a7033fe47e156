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

/** The state after a page came: the first page replaces the rows, a later one adds those not yet held. */
export function addThreadPage(state: ThreadListState, page: ManualPaginationResponse, first: boolean): ThreadListState {
  const base = first ? LOADING_THREADS : state;
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
    request(null).then((page) => { if (live) setHeld({ key, state: addThreadPage(LOADING_THREADS, page, true) }); },
      (err: unknown) => { if (live) setHeld({ key, state: { ...LOADING_THREADS, loading: null, error: errorMessage(err) } }); });
    return () => { live = false; };
  }, [request, key]);

  const loadMore = (): void => {
    const from = state.nextBatch;
    if (state.loading || !from) return;
    setHeld({ key, state: { ...state, loading: 'more', error: null } });
    const update = (next: (s: ThreadListState) => ThreadListState) => setHeld((h) => (h.key === key ? { key, state: next(h.state) } : h));
    request(from).then((page) => update((s) => addThreadPage(s, page, false)),
      (err: unknown) => update((s) => ({ ...s, loading: null, error: errorMessage(err) })));
  };
  const reload = (): void => setAttempt((n) => n + 1);
  return { state, loadMore, reload };
}
