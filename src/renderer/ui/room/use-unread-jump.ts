/**
 * "Jump to first unread message", as Element's bar over the timeline: a room opens at its newest message (or where
 * it was left), and when the "New messages" line is above the view, or further back than what is loaded, nothing
 * else says how much was missed or leads back there. The bar offers the jump (Shift+PageUp too) and, with its ×, to
 * mark the room read instead. It goes for good once the line has stayed in view for a moment, or after a jump or a ×: the line stays
 * until the room is left (use-read-markers.ts), and a bar coming back each time the user scrolled down past it would
 * only be in the way.
 */
import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { selectEventById } from '../../api/relations.ts';
import type { RoomData } from '../../api/snapshot.ts';
import type { TimelineRow } from './timeline-model.ts';
import type { ReadMarkers } from './use-read-markers.ts';

export interface UnreadJump {
  /** The bar shows. */
  shown: boolean;
  /**
   * To the first unread message (or the read position, when that is not loaded yet), and the bar goes; false when
   * the room had nothing unread when opened (so a key can keep its usual meaning).
   */
  jump: () => boolean;
  /** The bar goes (its × marks the room read as well: the caller does that). */
  dismiss: () => void;
  /** The scroller's scroll event: the line came into view, or went out of it above. */
  onScroll: () => void;
}

/** How long the line must stay in view to count as seen. */
const SEEN_AFTER_MS = 1000;

/** The row holding the event: its own, or the folded group that carries its line. */
function rowOf(rows: readonly TimelineRow[], eventId: string): number {
  return rows.findIndex((r) => (r.kind === 'event' && r.item.event.event_id === eventId)
    || (r.kind === 'group' && !r.expanded && r.rows.some((e) => e.item.event.event_id === eventId)));
}

export function useUnreadJump({ room, rows, totalSize, markers, scrollerRef, virtualizer, contextShown, jumpToEvent }: {
  room: RoomData;
  rows: readonly TimelineRow[];
  /** The virtualizer's height of all rows: a change moves the line without a scroll. */
  totalSize: number;
  markers: ReadMarkers;
  scrollerRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  /** An older event's surroundings are shown instead of the live timeline: the bar waits. */
  contextShown: boolean;
  jumpToEvent: (eventId: string) => boolean;
}): UnreadJump {
  // Unread when opened, by the counts (the room is marked read at once when it opens at its newest message).
  const [unreadAtOpen] = useState(() => {
    const m = room.meta;
    return !!m && (m.unread_messages > 0 || m.unread_notifications > 0 || m.unread_highlights > 0);
  });
  const [done, setDone] = useState(false);
  /** Where the line is against the view: above it, or not (in view, below it, or not drawn yet). */
  const [lineAbove, setLineAbove] = useState(false);
  const { unreadFrom, readUpTo } = markers;
  // The read position loaded (in the live timeline): then the line is drawn if anything after it is unread.
  const readEvent = readUpTo ? selectEventById(room, readUpTo) : undefined;
  const readLoaded = readEvent !== undefined && readEvent.timeline_rowid !== 0;
  const seenTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(seenTimer.current), []);

  /** Where the line is now: from the page where its row is drawn, else from the row's estimated place. */
  const where = useCallback((): 'above' | 'in' | 'below' | undefined => {
    const el = scrollerRef.current;
    if (!el || !unreadFrom) return undefined;
    const line = el.querySelector('.unread-marker');
    if (line) {
      const view = el.getBoundingClientRect();
      const r = line.getBoundingClientRect();
      return r.top < view.top ? 'above' : r.top < view.bottom ? 'in' : 'below';
    }
    const index = rowOf(rows, unreadFrom);
    const item = index < 0 ? undefined : virtualizer.measurementsCache[index];
    if (!item) return undefined;
    return item.start < el.scrollTop ? 'above' : 'below';
  }, [scrollerRef, unreadFrom, rows, virtualizer]);

  // The timer reads the line's place as it is then, with the rows of that render.
  const whereRef = useRef(where);
  useLayoutEffect(() => { whereRef.current = where; });

  /**
   * Called on every scroll and layout. The line counts as seen once it has stayed in view for a moment: the view
   * passes it on its way to its place as a room opens and its rows are measured, which is not reading it.
   */
  const measure = useCallback((): void => {
    if (done) return;
    const now = where();
    setLineAbove(now === 'above');
    if (now === 'in' && seenTimer.current === undefined) {
      seenTimer.current = setTimeout(() => {
        seenTimer.current = undefined;
        if (whereRef.current() === 'in') setDone(true);
      }, SEEN_AFTER_MS);
    }
  }, [done, where]);
  // As rows come and go and sizes settle (pages loaded above, images measured), not only on scroll: in the next
  // frame, once the view is where this layout puts it.
  useEffect(() => {
    const frame = requestAnimationFrame(measure);
    return () => cancelAnimationFrame(frame);
  }, [measure, totalSize]);

  const jump = useCallback((): boolean => {
    const target = unreadFrom ?? (readLoaded ? undefined : readUpTo);
    if (!target || !unreadAtOpen) return false;
    setDone(true);
    jumpToEvent(target);
    return true;
  }, [unreadFrom, readUpTo, readLoaded, unreadAtOpen, jumpToEvent]);
  const dismiss = useCallback((): void => setDone(true), []);

  const shown = !done && !contextShown && unreadAtOpen && !!readUpTo
    && (unreadFrom ? lineAbove : !readLoaded);
  return { shown, jump, dismiss, onScroll: measure };
}
