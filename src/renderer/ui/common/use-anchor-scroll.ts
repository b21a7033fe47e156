/**
 * Popovers portalled to <body> (a message's options menu, the emoji picker) are placed from their button's rectangle
 * once, so a scroll of what holds the button (the timeline, as the user scrolls or as new messages keep it at its
 * end) leaves them pointing at another message. This tells a popover when that happens, so it can close (a menu, as
 * Element's context menu does) or follow its button (a picker, still attached to its message), and gives the focus a
 * sensible home when the popover goes.
 */
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * While `active`, calls `onScroll` with the scrolled element each time an element holding `anchor` scrolls. The
 * popover's own scrolling (the picker's grid) is not its anchor moving and does not count.
 */
export function useAnchorScroll(active: boolean, anchor: RefObject<HTMLElement | null>, onScroll: (scroller: Element) => void): void {
  // The newest callback, read when a scroll comes (not a dependency: the listener stays while the popover is open).
  const latest = useRef(onScroll);
  useLayoutEffect(() => { latest.current = onScroll; });
  useEffect(() => {
    if (!active) return;
    // Scroll events do not bubble: listened for on the way down, from wherever they come.
    const listener = (e: Event) => {
      const target = e.target === document ? document.documentElement : e.target;
      if (target instanceof Element && anchor.current && target.contains(anchor.current)) latest.current(target);
    };
    document.addEventListener('scroll', listener, { capture: true, passive: true });
    return () => document.removeEventListener('scroll', listener, { capture: true });
  }, [active, anchor]);
}

/** Whether `anchor` is out of the part of `scroller` that shows (scrolled off the timeline). */
export function scrolledOutOf(anchor: HTMLElement, scroller: Element): boolean {
  const a = anchor.getBoundingClientRect();
  const s = scroller === document.documentElement ? { top: 0, bottom: window.innerHeight } : scroller.getBoundingClientRect();
  return a.bottom <= s.top || a.top >= s.bottom;
}

/**
 * A popover closing because its anchor scrolled: if the focus was in it (or fell to the page), it goes to the
 * anchor's message row, else to the timeline holding it, without scrolling either into view (the user is scrolling).
 */
export function refocusAfterScroll(anchor: HTMLElement | null, popover: HTMLElement | null): void {
  const active = document.activeElement;
  if (!anchor || !(active === document.body || active === null || (popover?.contains(active) ?? false))) return;
  const home = anchor.closest<HTMLElement>('.message') ?? anchor.closest<HTMLElement>('[role="log"]');
  home?.focus({ preventScroll: true });
}
