/**
 * Home and End from a focused timeline message: the focus to the oldest message loaded and to the newest. The
 * virtualizer renders only the rows near the view, so "the first message in the DOM" was about six rows up and each
 * Home moved only that far. The row is scrolled to through the virtualizer and made the place the timeline keeps
 * (use-timeline-place.ts: the next layout that measures rows would otherwise put the old place back before the
 * scroll event records the new one), held rendered until it exists (use-held-rows.ts), and then focused without the
 * browser scrolling again on its own.
 */
import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, type RefObject } from 'react';
import type { TimelineRow } from './timeline-model.ts';
import type { TimelinePlace } from './use-timeline-place.ts';

export type TimelineEnd = 'oldest' | 'newest';

/** The rows drawn as a message (the ones ↑/↓ and Home/End move between; state lines are not focusable). */
function isMessage(row: TimelineRow): boolean {
  return row.kind === 'event' && row.view.kind !== 'state';
}

export function useFocusEnds({ scrollerRef, rows, virtualizer, place, hold }: {
  scrollerRef: RefObject<HTMLDivElement | null>;
  rows: readonly TimelineRow[];
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  place: TimelinePlace;
  /** use-held-rows.ts: keeps a row rendered until the function it returns is called. */
  hold: (key: string) => () => void;
}): (end: TimelineEnd) => void {
  // For the keydown, which reads the rows of the last commit.
  const rowsRef = useRef(rows);
  useLayoutEffect(() => { rowsRef.current = rows; });
  /** The row to focus once it is rendered, and the hold that renders it. */
  const pending = useRef<{ key: string; release: () => void } | null>(null);
  const { atBottomRef, anchorRef, contextOpenRef, toLatest } = place;

  const focusEnd = useCallback((end: TimelineEnd): void => {
    const el = scrollerRef.current;
    const all = rowsRef.current;
    const index = end === 'oldest' ? all.findIndex(isMessage) : all.findLastIndex(isMessage);
    const item = virtualizer.measurementsCache[index];
    if (!el || index < 0 || !item) return;
    pending.current?.release();
    pending.current = { key: item.key.toString(), release: hold(item.key.toString()) };
    // The newest message of the live timeline: the view follows the end again, as after Esc.
    if (end === 'newest' && !contextOpenRef.current) {
      toLatest();
      return;
    }
    // Else the message's edge at the view's: the oldest at the top (the very top, with the "Loading older messages"
    // or "beginning of the room" line, when it is that near: its rows above are state lines and a day separator),
    // the newest of an older event's context at the bottom.
    const nearTop = end === 'oldest' && item.start < el.clientHeight / 2;
    const to = nearTop ? 0 : virtualizer.getOffsetForIndex(index, end === 'oldest' ? 'start' : 'end')?.[0];
    if (to === undefined) return;
    atBottomRef.current = false;
    anchorRef.current = { key: item.key.toString(), offset: item.start - to };
    virtualizer.scrollToOffset(to);
  }, [scrollerRef, virtualizer, hold, atBottomRef, anchorRef, contextOpenRef, toLatest]);

  // After each layout: the row asked for, once rendered, takes the focus (unless the user has gone elsewhere since).
  useLayoutEffect(() => {
    const p = pending.current;
    const el = scrollerRef.current;
    if (!p || !el) return;
    const message = el.querySelector<HTMLElement>(`[data-row-key="${CSS.escape(p.key)}"] .message`);
    if (!message) return;
    pending.current = null;
    const active = document.activeElement;
    if (active === null || active === document.body || el.contains(active)) message.focus({ preventScroll: true });
    // The focused row stays rendered through use-kept-focus.ts from now on.
    p.release();
  });

  return focusEnd;
}
