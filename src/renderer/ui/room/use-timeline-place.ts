/**
 * Where the timeline's view is, kept through everything that moves its rows: at the bottom (following new messages
 * and whatever grows, the content or what is around the timeline), or at an anchorRef row and its distance from the
 * top, put back whenever rows or sizes change, so history prepended above keeps what the user reads in place and a
 * jump's target stays where the jump put it. Leaving the room keeps the place for the next visit (reading-places.ts).
 */
import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { keepReadingPlace, takeReadingPlace, type ReadingPlace } from './reading-places.ts';
import type { TimelineRow } from './timeline-model.ts';

/** Within this of the bottom counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;

export interface TimelinePlace {
  /** The view follows the newest row. A jump clears it. */
  atBottomRef: RefObject<boolean>;
  /** The row kept in place while not at the bottom; a jump makes its target the place. */
  anchorRef: RefObject<ReadingPlace | null>;
  /** An older event's context is shown (cleared at once by toLatest, before the render that closes it). */
  contextOpenRef: RefObject<boolean>;
  /** More than a screenful above the bottom: the "Jump to latest" button shows. */
  scrolledUp: boolean;
  /** The scrollerRef's scroll event: where the user went becomes the place. */
  onScroll: () => void;
  /** To the newest message, out of any context view. */
  toLatest: () => void;
}

export function useTimelinePlace({ roomId, opensAtEvent, scrollerRef, rows, totalSize, virtualizer, contextShown, closeContext }: {
  roomId: string;
  /** Asked to open at an event: that event is the place, not the one the room was left at. */
  opensAtEvent: boolean;
  scrollerRef: RefObject<HTMLDivElement | null>;
  rows: readonly TimelineRow[];
  totalSize: number;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  contextShown: boolean;
  closeContext: () => void;
}): TimelinePlace {
  // Back in a room read partway up earlier in this session: at the same messages (reading-places.ts), unless asked
  // to open at an event.
  const [startPlace] = useState(() => (opensAtEvent ? undefined : takeReadingPlace(roomId)));
  const atBottomRef = useRef(startPlace === undefined);
  const [scrolledUp, setScrolledUp] = useState(false);
  // For the scroll handler, which reads the rows of the last commit.
  const rowsRef = useRef(rows);
  useLayoutEffect(() => { rowsRef.current = rows; });
  // Set at commit, and at once by toLatest (before the render that closes the context).
  const contextOpenRef = useRef(contextShown);
  useLayoutEffect(() => { contextOpenRef.current = contextShown; });

  // At the bottom (opening, sending, reading the newest): stay there whatever grows, the content or what is around
  // the timeline (a banner above, a taller composer below shrink the viewport). The flag alone can be stale (the
  // scroll event of the user's last scroll may not have arrived), so the position against the sizes we last left
  // must agree: the larger of the old and new viewport, since a shrink leaves scrollTop where it was and a growth
  // may clamp it.
  const lastSize = useRef<{ height: number; client: number; top: number } | null>(null);
  const stickToBottom = useCallback((): void => {
    const el = scrollerRef.current;
    if (!el) return;
    const prev = lastSize.current;
    const wasAtEnd = prev === null || prev.height - el.scrollTop - Math.max(prev.client, el.clientHeight) <= BOTTOM_SLACK_PX;
    if (atBottomRef.current && wasAtEnd) el.scrollTop = el.scrollHeight;
    else atBottomRef.current = false;
    lastSize.current = { height: el.scrollHeight, client: el.clientHeight, top: el.scrollTop };
  }, [scrollerRef]);
  useLayoutEffect(stickToBottom, [rows, totalSize, stickToBottom]);

  // History prepended above must not move what the user reads: remember the first event row in view and its
  // distance from the top, and put it back there when the rows change. (Day separators are not anchors: their
  // key moves up when older events of the same day arrive.) Rows above measured later are compensated by the
  // virtualizer itself.
  const anchorRef = useRef<ReadingPlace | null>(startPlace ?? null);
  // Where the view was when the anchor was last taken or put back, and where its row then started: a layout that
  // finds the view moved while the row has not was scrolled by someone whose scroll event has not come yet.
  const placeSeen = useRef<{ anchor: ReadingPlace; top: number; start: number } | null>(null);
  const captureAnchor = useCallback((): void => {
    const el = scrollerRef.current;
    if (!el) return;
    const top = el.scrollTop;
    // From all the rows' measurements, not the rendered ones: between a scroll and its event the virtualizer still
    // renders the rows around where the view was.
    const first = virtualizer.measurementsCache.find((v) => v.end > top && rowsRef.current[v.index]?.kind === 'event');
    anchorRef.current = first ? { key: String(first.key), offset: first.start - top } : null;
    placeSeen.current = first && anchorRef.current ? { anchor: anchorRef.current, top, start: first.start } : null;
  }, [scrollerRef, virtualizer]);
  // Also when sizes change: rows measured after the prepend must not push the anchorRef down either. `restoredTop`
  // is where the last restore put the view, until the scroll event that reports it.
  const restoredTop = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    const a = anchorRef.current;
    if (!el || !a || atBottomRef.current) return;
    const index = rows.findIndex((r) => r.key === a.key);
    const item = index >= 0 ? virtualizer.measurementsCache[index] : undefined;
    if (!item) return;
    // The view moved and the anchor's row did not: a scroll the browser has not reported yet (a message focused by
    // keyboard scrolled into view, the view set to the top), which a new message, a receipt or a row measured in
    // that frame would otherwise undo, putting the view back at the place it left (to the bottom, loading nothing).
    // Where the view went is the place. (A place set elsewhere, by a jump, is a new anchor and is put back as ever.)
    const seen = placeSeen.current;
    if (seen?.anchor === a && Math.abs(el.scrollTop - seen.top) > 0.5 && Math.abs(item.start - seen.start) <= 0.5) {
      captureAnchor();
      return;
    }
    if (Math.abs(item.start - a.offset - el.scrollTop) > 0.5) {
      const before = el.scrollTop;
      el.scrollTop = item.start - a.offset;
      // Only a scroll that moved fires a scroll event to skip: a position the browser clamped back to where it was
      // fires none, and a mark left set would make the user's next scroll go unrecorded.
      if (Math.abs(el.scrollTop - before) > 0.5) restoredTop.current = el.scrollTop;
    }
    placeSeen.current = { anchor: a, top: el.scrollTop, start: item.start };
  }, [rows, totalSize, virtualizer, scrollerRef, captureAnchor]);
  // The place's row is gone (a gap in the timeline since): the newest messages, as for a room never read.
  useLayoutEffect(() => {
    if (startPlace && !rowsRef.current.some((r) => r.key === startPlace.key)) {
      atBottomRef.current = true;
      anchorRef.current = null;
      if (scrollerRef.current) scrollerRef.current.scrollTop = scrollerRef.current.scrollHeight;
    }
  }, [startPlace, scrollerRef]);
  // Leaving the room: remember the place when it was not at the newest (nor in an older event's context).
  useEffect(() => () => {
    keepReadingPlace(roomId, atBottomRef.current || contextOpenRef.current ? null : anchorRef.current);
  }, [roomId]);

  useEffect(() => {
    const el = scrollerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(stickToBottom);
    ro.observe(el);
    return () => ro.disconnect();
  }, [stickToBottom, scrollerRef]);

  const toLatest = useCallback((): void => {
    const el = scrollerRef.current;
    atBottomRef.current = true;
    // At once, not at the next render: the scroll below must not read the context view as still open.
    contextOpenRef.current = false;
    closeContext();
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    // Sizes measured now may be the context view's, about to be replaced by the live timeline (shorter or taller):
    // forget them, so the next layout sticks to the end instead of reading the swap as the user scrolling up.
    lastSize.current = null;
  }, [scrollerRef, closeContext]);

  const onScroll = useCallback((): void => {
    const el = scrollerRef.current;
    if (!el) return;
    // Only the user moving up leaves the bottom. A scroll event that reports a gap without the position having
    // moved up comes from the viewport shrinking (a banner above, a taller composer) or content growing below, in
    // whatever order the browser delivers it against the resize: the view stays pinned and goes back to the end.
    const gap = el.scrollHeight - el.scrollTop - el.clientHeight;
    const movedUp = lastSize.current !== null && el.scrollTop < lastSize.current.top - 1;
    // The end of an older event's context is not the newest message: sticking to it would drag the view past each
    // newer page as it loads (and off the event jumped to, when the scroll that clamps the shorter context view
    // arrives before the jump's own scroll).
    if (gap <= BOTTOM_SLACK_PX) atBottomRef.current = !contextOpenRef.current;
    else if (movedUp || !atBottomRef.current) atBottomRef.current = false;
    else el.scrollTop = el.scrollHeight;
    lastSize.current = { height: el.scrollHeight, client: el.clientHeight, top: el.scrollTop };
    // Our own restoring scroll is not the user moving: keep the anchorRef it restored. Only if the view is still
    // where the restore put it, though: the browser reports scrolls once a frame, so the user's own scroll (a wheel,
    // a message focused by keyboard) in the same frame as a restore comes in the same event, and dropping it left
    // the old anchor in charge: the next page or measurement pulled the view back from where the user went (Home
    // focused the oldest message and the view jumped back down to the previous page's, loading nothing more).
    const restored = restoredTop.current;
    restoredTop.current = null;
    if (restored === null || Math.abs(el.scrollTop - restored) > 0.5) captureAnchor();
    // Only past a screenful, so the button does not flicker while reading the last few messages.
    setScrolledUp(el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight);
  }, [scrollerRef, captureAnchor]);

  return { atBottomRef, anchorRef, contextOpenRef, scrolledUp, onScroll, toLatest };
}
