/**
 * Threads (m.thread relations): which thread panel each room has open (UI state in a tiny external store, like the
 * composer modes), the replies we hold for a thread root, its summary (reply count and latest reply), and the
 * relation a thread reply sends.
 */
import { useSyncExternalStore } from 'react';
import type { Event, EventRowID, JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import type { RoomData } from './snapshot.ts';

// --- which thread is open -----------------------------------------------------------------------------------

const openThreads = new Map<string, string>();
const listeners = new Set<() => void>();

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => { listeners.delete(l); };
}

/** Opens (or with null closes) the thread panel of a room. */
export function setOpenThread(roomId: string, rootEventId: string | null): void {
  if (rootEventId) openThreads.set(roomId, rootEventId);
  else openThreads.delete(roomId);
  for (const l of [...listeners]) l();
}

export function useOpenThread(roomId: string): string | null {
  return useSyncExternalStore(subscribe, () => openThreads.get(roomId) ?? null);
}

// --- replies ------------------------------------------------------------------------------------------------

function threadRootOf(e: Event): string | undefined {
  if (e.relation_type === 'm.thread' && e.relates_to) return e.relates_to;
  const rel = e.content['m.relates_to'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel)) return undefined;
  const r = rel as Record<string, JSONValue>;
  return r.rel_type === 'm.thread' && typeof r.event_id === 'string' ? r.event_id : undefined;
}

/** Whether the main timeline leaves this event to its thread's panel. */
export function isThreadReply(e: Event): boolean {
  return threadRootOf(e) !== undefined;
}

const repliesMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, Map<string, Event[]>>();
const NO_REPLIES: readonly Event[] = [];

/** The thread replies we hold for `rootId`, oldest first. */
export function selectThreadReplies(room: RoomData | undefined, rootId: string): readonly Event[] {
  if (!room) return NO_REPLIES;
  let index = repliesMemo.get(room.events);
  if (!index) {
    index = new Map();
    for (const e of room.events.values()) {
      const root = threadRootOf(e);
      if (!root) continue;
      const list = index.get(root) ?? [];
      list.push(e);
      index.set(root, list);
    }
    for (const list of index.values()) list.sort((a, b) => a.timestamp - b.timestamp || a.rowid - b.rowid);
    repliesMemo.set(room.events, index);
  }
  return index.get(rootId) ?? NO_REPLIES;
}

/** The server's bundled thread summary count on the root (unsigned m.relations), if it sent one. */
export function bundledThreadCount(root: Event | undefined): number {
  const rel = root?.unsigned?.['m.relations'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel)) return 0;
  const thread = rel['m.thread'];
  if (typeof thread !== 'object' || thread === null || Array.isArray(thread)) return 0;
  const count = thread.count;
  return typeof count === 'number' ? count : 0;
}

export interface ThreadSummaryData {
  /** Replies that are not deleted; 0 means the root shows no summary. */
  count: number;
  /** The newest reply that is not deleted, if we hold one. */
  latest: Event | undefined;
}

/**
 * The summary under a thread root, as Element shows it: deleted replies are neither counted nor previewed (a deleted
 * reply keeps its thread relation in the store, as in gomuks, so the panel can still show it where it was).
 * The count is the larger of the replies we hold and the server's bundled count, which also counts replies we have
 * not loaded. That count was taken when the root arrived and is not updated afterwards (Synapse leaves deleted
 * replies out of it, but only of counts it makes after the deletion), so the deleted replies we hold are taken off
 * it: a count from before the deletion is then right, and one from after it can only fall back to what we hold.
 */
export function threadSummary(root: Event, replies: readonly Event[]): ThreadSummaryData {
  let live = 0;
  let latest: Event | undefined;
  for (const e of replies) {
    if (e.redacted_by) continue;
    live++;
    latest = e;
  }
  return { count: Math.max(live, bundledThreadCount(root) - (replies.length - live)), latest };
}

/**
 * `m.relates_to` of a reply in a thread, as the spec asks: the thread relation, and for clients without threads a
 * falling-back reply to the thread's latest event (`is_falling_back`, so threaded clients ignore it).
 */
export function threadRelation(rootId: string, latestEventId: string): JSONObject {
  return { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: latestEventId } };
}
