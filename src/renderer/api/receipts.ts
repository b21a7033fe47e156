/**
 * Read receipts in the renderer: each user's newest public or private read receipt of the main timeline, kept per
 * room from `paginate` answers and `sync_complete` diffs (both map event ID → receipts, as gomuks sends them), and
 * where each one shows: under the last event the user has read that the timeline shows (a receipt on a hidden
 * event, such as a reaction, moves up to the shown event before it). Pure.
 */
import type { Event, EventRowID, Receipt } from '../../shared/rpc/types.ts';

/** user ID → their newest read receipt in the room. */
export type ReceiptMap = Readonly<Record<string, Receipt>>;

export const NO_RECEIPTS: ReceiptMap = {};

const READ_TYPES = new Set(['m.read', 'm.read.private']);

/** Adds receipts (event ID → receipts); the same map when none is newer than what it has. */
export function mergeReceipts(prev: ReceiptMap, byEvent: Readonly<Record<string, readonly Receipt[]>> | null | undefined): ReceiptMap {
  if (!byEvent) return prev;
  let next: Record<string, Receipt> | null = null;
  for (const list of Object.values(byEvent)) {
    for (const r of list) {
      if (!READ_TYPES.has(r.receipt_type)) continue;
      // Receipts inside a thread do not say how far the main timeline was read.
      if (r.thread_id !== undefined && r.thread_id !== '' && r.thread_id !== 'main') continue;
      const have = (next ?? prev)[r.user_id];
      if (have && have.timestamp >= r.timestamp) continue;
      next ??= { ...prev };
      next[r.user_id] = r;
    }
  }
  return next ?? prev;
}

/** A shown event: its ID and timeline position (0 for our unsent messages, which nobody has read). */
export interface ShownEvent {
  readonly eventId: string;
  readonly timelineRowid: number;
}

/**
 * event ID → the users whose read position is that event (in receipt time order, newest last), for the events
 * the timeline shows. `skip` are users not to show (ourselves). Receipts on events we have not loaded are left out:
 * they may be older than everything shown.
 */
export function receiptsByShownEvent(
  shown: readonly ShownEvent[],
  receipts: ReceiptMap,
  events: ReadonlyMap<EventRowID, Event>,
  skip: ReadonlySet<string>,
): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  const users = Object.values(receipts).filter((r) => !skip.has(r.user_id));
  if (!users.length || !shown.length) return out;
  const placed = shown.filter((s) => s.timelineRowid !== 0);
  const shownIds = new Set(placed.map((s) => s.eventId));
  // Timeline positions of loaded events, for receipts on events the timeline hides.
  let positions: Map<string, number> | null = null;
  for (const r of users.sort((a, b) => a.timestamp - b.timestamp)) {
    let at: string | undefined = shownIds.has(r.event_id) ? r.event_id : undefined;
    if (!at) {
      positions ??= new Map([...events.values()].filter((e) => e.timeline_rowid !== 0).map((e) => [e.event_id, e.timeline_rowid]));
      const pos = positions.get(r.event_id);
      if (pos === undefined) continue;
      at = lastShownAtOrBefore(placed, pos);
    }
    if (at) (out.get(at) ?? out.set(at, []).get(at)!).push(r.user_id);
  }
  return out;
}

/** The last shown event at or before a timeline position (binary search: `shown` ascends). */
function lastShownAtOrBefore(shown: readonly ShownEvent[], pos: number): string | undefined {
  let lo = 0;
  let hi = shown.length - 1;
  let found: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (shown[mid].timelineRowid <= pos) {
      found = shown[mid].eventId;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The event the "New messages" line goes before: the first shown event after `readUpTo` (the m.fully_read event
 * when the room was opened) and after our own last message, that someone else sent. Null when everything is read,
 * or when the read event is not loaded (the line would be a guess).
 */
export function firstUnreadEvent(
  shown: readonly (ShownEvent & { sender: string })[],
  readUpTo: string | undefined,
  events: ReadonlyMap<EventRowID, Event>,
  ownUserId: string | undefined,
): string | null {
  if (!readUpTo) return null;
  let pos: number | undefined;
  for (const e of events.values()) {
    if (e.event_id === readUpTo && e.timeline_rowid !== 0) { pos = e.timeline_rowid; break; }
  }
  if (pos === undefined) return null;
  // Sending a message means having read what came before it.
  for (let i = shown.length - 1; i >= 0; i--) {
    if (shown[i].sender === ownUserId && shown[i].timelineRowid !== 0) {
      pos = Math.max(pos, shown[i].timelineRowid);
      break;
    }
  }
  for (const s of shown) {
    if (s.timelineRowid > pos && s.sender !== ownUserId) return s.eventId;
  }
  return null;
}
