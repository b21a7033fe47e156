/**
 * Messages that wait for a link preview still loading before they go out, kept per room (and per thread) outside
 * the composer: going to another room unmounts it, and a message sent just before must still go once, behind the
 * ones sent before it in the same place, and its "Waiting for the link preview, then sending…" line must be shown
 * again in that room's composer when the user comes back (and nowhere else).
 *
 * Until it is handed to the backend (whose outbox keeps it across restarts) a waiting message exists only in this
 * page, so its text is also kept in the renderer's storage: if the page goes (a reload, the app closed) before it
 * went, the next composer of its place gets the text back (takeHeld) instead of the message being lost.
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

const HELD_PREFIX = 'lattice.waiting-send.';
/** This page's waiting messages: a held text whose ID is not here was left by an earlier page. */
const live = new Set<string>();

interface HeldText { id: string; text: string }

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: a waiting message then lives only as long as this page
  }
}

function readHeld(key: string): HeldText[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(HELD_PREFIX + key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((h): h is HeldText =>
      typeof h === 'object' && h !== null && typeof (h as HeldText).id === 'string' && typeof (h as HeldText).text === 'string') : [];
  } catch {
    return [];
  }
}

function writeHeld(key: string, held: readonly HeldText[]): void {
  try {
    if (held.length) storage()?.setItem(HELD_PREFIX + key, JSON.stringify(held));
    else storage()?.removeItem(HELD_PREFIX + key);
  } catch {
    // Quota exceeded: the message still goes from this page; only a reload meanwhile would lose it.
  }
}

/**
 * The texts of messages that waited in `key`'s place when an earlier page went, oldest first, taken out of storage:
 * for the composer to show again, so the user can send them (they never reached the backend).
 */
export function takeHeld(key: string): string[] {
  const held = readHeld(key);
  const orphaned = held.filter((h) => !live.has(h.id));
  if (orphaned.length) writeHeld(key, held.filter((h) => live.has(h.id)));
  return orphaned.map((h) => h.text);
}
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

/** A composer's first text: messages an earlier page left waiting (oldest first), then the saved draft. */
export function restoredText(held: readonly string[], draft: string): string {
  return [...held, draft].filter((t) => t.trim() !== '').join('\n\n');
}

/**
 * Runs `send` after the sends queued before it in `key`'s place, and once `ready` (a preview still loading, already
 * capped in time) has settled; counted as waiting meanwhile. A failed send is `send`'s to report: the next still goes.
 */
export function queueSend(session: Session, key: string, ready: Promise<void> | null, send: () => Promise<void>, text = ''): void {
  const place = placeOf(session, key);
  let id: string | undefined;
  if (ready) {
    count(place, 1);
    id = crypto.randomUUID();
    live.add(id);
    writeHeld(key, [...readHeld(key), { id, text }]);
  }
  const turn = place.queue.then(() => ready).then(() => {
    if (ready) count(place, -1);
    if (id !== undefined) {
      // Handed over: from here the backend's outbox keeps it.
      live.delete(id);
      writeHeld(key, readHeld(key).filter((h) => h.id !== id));
    }
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
