/**
 * Threads (m.thread relations): which thread panel each room has open (UI state in a tiny external store, like the
 * composer modes), the replies we hold for a thread root, its summary (reply count and latest reply), and the
 * relation a thread reply sends.
 */
import { useSyncExternalStore } from 'react';
import type { Event, EventRowID, JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { listeners } from './listeners.ts';
import type { RoomData } from './snapshot.ts';

// --- which thread is open -----------------------------------------------------------------------------------

const openThreads = new Map<string, string>();
const openChanged = listeners();

/** Opens (or with null closes) the thread panel of a room. */
export function setOpenThread(roomId: string, rootEventId: string | null): void {
  if (rootEventId) openThreads.set(roomId, rootEventId);
  else openThreads.delete(roomId);
  openChanged.notify();
}

export function useOpenThread(roomId: string): string | null {
  return useSyncExternalStore(openChanged.subscribe, () => openThreads.get(roomId) ?? null);
}

// --- replies ------------------------------------------------------------------------------------------------

/** The root of the thread an event replies in, if it is a thread reply. */
export function threadRootOf(e: Event): string | undefined {
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

/**
 * A count of a thread's replies that the server made, and what it covered: replies we hold that are newer than its
 * latest were not counted yet, and deleted replies it may still have counted are the ones not in `deleted`.
 */
export interface ThreadCountBase {
  count: number;
  /** When the newest reply it counted was sent; Infinity when the server did not say which that was. */
  latestTs: number;
  /** Deleted replies we held when it was asked for, which a count made after their deletion leaves out. */
  deleted: ReadonlySet<string>;
}

const NOTHING_DELETED: ReadonlySet<string> = new Set();

/**
 * The server's bundled thread summary on the root (unsigned m.relations m.thread), if it sent one. Taken when the
 * root arrived and not updated afterwards; Synapse leaves deleted replies out of it, but only of counts it makes
 * after the deletion, so a deleted reply we hold counts as not yet deleted then (`deleted` is empty).
 */
export function bundledThreadBase(root: Event | undefined, deleted: ReadonlySet<string> = NOTHING_DELETED): ThreadCountBase | undefined {
  const rel = root?.unsigned?.['m.relations'];
  const thread = typeof rel === 'object' && rel !== null && !Array.isArray(rel) ? rel['m.thread'] : undefined;
  if (typeof thread !== 'object' || thread === null || Array.isArray(thread)) {
    // No summary at all in an answer asked for after a deletion: no reply is left.
    return deleted.size > 0 ? { count: 0, latestTs: Number.POSITIVE_INFINITY, deleted } : undefined;
  }
  const count = typeof thread.count === 'number' ? thread.count : 0;
  const latest = thread.latest_event;
  const ts = typeof latest === 'object' && latest !== null && !Array.isArray(latest) ? latest.origin_server_ts : undefined;
  return { count, latestTs: typeof ts === 'number' ? ts : Number.POSITIVE_INFINITY, deleted };
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
 * The count is the larger of the replies we hold and the server's count (`fresh`, asked for after a deletion, else
 * the one bundled with the root), which also counts replies we have not loaded: less the deleted replies it may
 * still count, plus the replies we hold that came after it.
 */
export function threadSummary(root: Event, replies: readonly Event[], fresh?: ThreadCountBase): ThreadSummaryData {
  const base = fresh ?? bundledThreadBase(root);
  let live = 0;
  let latest: Event | undefined;
  let stillCounted = 0;
  let newer = 0;
  for (const e of replies) {
    if (e.redacted_by) {
      if (base && e.timestamp <= base.latestTs && !base.deleted.has(e.event_id)) stillCounted++;
      continue;
    }
    live++;
    latest = e;
    if (base && e.timestamp > base.latestTs) newer++;
  }
  return { count: base ? Math.max(live, base.count - stillCounted + newer) : live, latest };
}

// --- the server's count after a deletion ----------------------------------------------------------------------

/**
 * A bundled count made after a deletion already leaves the deleted reply out, and we cannot tell from the count when
 * it was made; so when a reply we hold is deleted, the root is asked of the server again (as Element does) and its
 * fresh count is used from then on, knowing which deletions it saw. Per root: the deletions last asked about and
 * the newest answer.
 */
const freshCounts = new Map<string, { asked: string; base: ThreadCountBase | undefined }>();
const freshChanged = listeners();

/** The server's count for a thread asked for after its latest deletion we saw, if it came. */
export function useFreshThreadCount(rootId: string): ThreadCountBase | undefined {
  return useSyncExternalStore(freshChanged.subscribe, () => freshCounts.get(rootId)?.base);
}

/**
 * Asks for the root again (`fetchRoot`: get_event with `fresh`) when the deleted replies we hold are not the ones
 * last asked about; nothing when none is deleted. An answer to an older question still counts until a newer one
 * comes (it knows fewer deletions, which threadSummary takes off it); a failed one leaves the count as it was.
 */
export function refreshThreadCount(rootId: string, replies: readonly Event[], fetchRoot: () => Promise<Event>): void {
  const deleted = new Set(replies.filter((e) => e.redacted_by).map((e) => e.event_id));
  if (deleted.size === 0) return;
  const asked = [...deleted].sort().join(' ');
  const entry = freshCounts.get(rootId);
  if (entry?.asked === asked) return;
  freshCounts.set(rootId, { asked, base: entry?.base });
  void fetchRoot().then((root) => {
    const now = freshCounts.get(rootId);
    const base = bundledThreadBase(root, deleted);
    // Deletions only add up: an answer that knows fewer of them than the one we have is older news.
    if (!now || !base || (now.base && now.base.deleted.size > deleted.size)) return;
    freshCounts.set(rootId, { asked: now.asked, base });
    freshChanged.notify();
  }, () => undefined);
}

/**
 * `m.relates_to` of a reply in a thread, as the spec asks: the thread relation, and for clients without threads a
 * falling-back reply to the thread's latest event (`is_falling_back`, so threaded clients ignore it).
 */
export function threadRelation(rootId: string, latestEventId: string): JSONObject {
  return { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: latestEventId } };
}
