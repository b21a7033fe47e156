/**
 * Messages that wait for a link preview still loading before they go out, kept per room (and per thread) outside
 * the composer: going to another room unmounts it, and a message sent just before must still go once, behind the
 * ones sent before it in the same place, and its "Waiting for the link preview, then sending…" line must be shown
 * again in that room's composer when the user comes back (and nowhere else).
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { Session } from '../../api/session.ts';

interface Place {
  /** The sends in the order they were made: one waiting for its preview holds the ones after it. */
  queue: Promise<void>;
  /** How many of them wait for a preview. */
  waiting: number;
}

const places = new WeakMap<Session, Map<string, Place>>();
const listeners = new Set<() => void>();

function placeOf(session: Session, key: string): Place {
  let byKey = places.get(session);
  if (!byKey) places.set(session, byKey = new Map<string, Place>());
  let place = byKey.get(key);
  if (!place) byKey.set(key, place = { queue: Promise.resolve(), waiting: 0 });
  return place;
}

function count(place: Place, by: number): void {
  place.waiting += by;
  for (const l of listeners) l();
}

/**
 * Runs `send` after the sends queued before it in `key`'s place, and once `ready` (a preview still loading, already
 * capped in time) has settled; counted as waiting meanwhile. A failed send is `send`'s to report: the next still goes.
 */
export function queueSend(session: Session, key: string, ready: Promise<void> | null, send: () => Promise<void>): void {
  const place = placeOf(session, key);
  if (ready) count(place, 1);
  const turn = place.queue.then(() => ready).then(() => {
    if (ready) count(place, -1);
    return send();
  });
  place.queue = turn.catch(() => undefined);
}

/** How many messages sent from `key`'s composer wait for a preview. */
export function useWaitingSends(session: Session, key: string): number {
  const subscribe = useCallback((l: () => void) => {
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  return useSyncExternalStore(subscribe, () => places.get(session)?.get(key)?.waiting ?? 0);
}
