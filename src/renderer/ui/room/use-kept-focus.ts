/**
 * Keeps the keyboard focus on the same timeline message while the virtualized rows are laid out again. Older history
 * prepended above a focused message first renders with the view at the top of the new rows (the anchor is put back
 * a moment later), so the focused row fell out of the rendered range, left the DOM and took the focus with it: a
 * keyboard user paging up lost their place at every page. The focused row (by its row key, which is the event's
 * rowid) therefore stays rendered wherever it is, and if it still re-mounts (React moved or re-created it), the
 * focus is put back on it.
 */
import { defaultRangeExtractor, type Range } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, type FocusEvent, type RefObject } from 'react';
import type { TimelineRow } from './timeline-model.ts';

const ROW = '[data-row-key]';

export function useKeptFocus(scroller: RefObject<HTMLDivElement | null>, rows: readonly TimelineRow[]): {
  rangeExtractor: (range: Range) => number[];
  onFocus: (ev: FocusEvent<HTMLElement>) => void;
  onBlur: (ev: FocusEvent<HTMLElement>) => void;
} {
  /** The row key of the message that has the focus (or something in it), while the timeline has it. */
  const focused = useRef<string | null>(null);

  const rangeExtractor = useCallback((range: Range): number[] => {
    const indexes = defaultRangeExtractor(range);
    const key = focused.current;
    if (key === null) return indexes;
    const at = rows.findIndex((r) => r.key === key);
    if (at < 0 || indexes.includes(at)) return indexes;
    // Sorted, so the DOM keeps the timeline's order (↑/↓ walk the rows in DOM order).
    return [...indexes, at].sort((a, b) => a - b);
  }, [rows]);

  const onFocus = useCallback((ev: FocusEvent<HTMLElement>): void => {
    const message = ev.target.closest('.message');
    focused.current = message?.closest<HTMLElement>(ROW)?.dataset.rowKey ?? null;
  }, []);

  const onBlur = useCallback((ev: FocusEvent<HTMLElement>): void => {
    const to = ev.relatedTarget;
    if (to instanceof Node && scroller.current?.contains(to)) return; // onFocus records where it went
    if (to !== null) {
      focused.current = null;
      return;
    }
    // To nowhere: a click on something that takes no focus, or the window losing it, leaves the row in place and
    // the focus is let go; a row that left the DOM is being laid out again, and keeps its claim.
    const left = ev.target;
    requestAnimationFrame(() => {
      if (left.isConnected && document.activeElement !== left) focused.current = null;
    });
  }, [scroller]);

  // After every layout: the focused row re-mounted (the focus fell to the page) gets it back, without scrolling.
  useLayoutEffect(() => {
    const key = focused.current;
    const active = document.activeElement;
    if (key === null || (active !== null && active !== document.body)) return;
    scroller.current?.querySelector<HTMLElement>(`${ROW}[data-row-key="${CSS.escape(key)}"] .message`)?.focus({ preventScroll: true });
  });

  return { rangeExtractor, onFocus, onBlur };
}
