/**
 * Popovers portalled to <body> (a message's options menu, the emoji picker) are placed from their button's rectangle
 * once, so a scroll of what holds the button (the timeline, as the user scrolls or as new messages keep it at its
 * end) leaves them pointing at another message. useFollowAnchor keeps such a popover on its button while the timeline
 * moves by itself and closes it when the user scrolls what holds the button (as Element's context menus do): at the
 * wheel or a finger at once, any other way (PgUp/PgDn from the popover) once the button's message is out of view;
 * useAnchorScroll is the scroll signal under it, and refocusAfterScroll gives the focus a sensible home when the
 * popover goes.
 */
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * While `active`, calls `onScroll` with the scrolled element each time an element holding `anchor` scrolls. The
 * popover's own scrolling (the picker's grid) is not its anchor moving and does not count.
 */
function useAnchorScroll(active: boolean, anchor: RefObject<HTMLElement | null>, onScroll: (scroller: Element) => void): void {
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
function scrolledOutOf(anchor: HTMLElement, scroller: Element): boolean {
  const a = anchor.getBoundingClientRect();
  const s = scroller === document.documentElement ? { top: 0, bottom: window.innerHeight } : scroller.getBoundingClientRect();
  return a.bottom <= s.top || a.top >= s.bottom;
}

/**
 * Within this of its end a scroller counts as at its end (use-timeline-place.ts keeps the timeline there, following
 * new messages, from as far).
 */
const END_SLACK_PX = 48;

/**
 * Where a scroller was, to tell a scroll that follows its end (new messages) from the user moving it. `end`: at its
 * end, or left there by a change of layout the scroller has not yet followed.
 */
export interface Extent { top: number; height: number; client: number; end: boolean }

/**
 * `el`'s extent now, against `was` at the scroll before. A scroller that was at its end and has changed size or
 * content height since (the window made smaller, rows wrapping anew at another width) still counts as at its end:
 * the browser or the virtualizer moves it while the timeline is laid out afresh, a frame before use-timeline-place.ts
 * takes it back to its end, and that scroll is no more the user's than the one after it.
 */
export function extentOf(el: Pick<Element, 'scrollTop' | 'scrollHeight' | 'clientHeight'>, was?: Extent): Extent {
  const x = { top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight };
  const relaid = was !== undefined && (x.height !== was.height || x.client !== was.client);
  return { ...x, end: x.height - x.top - x.client <= END_SLACK_PX || (relaid && was.end) };
}

/**
 * What a popover's button stands for in the view: its timeline row (the message, a day separator), whose toolbar
 * may sit just outside it; else the button itself.
 */
function rowOf(anchor: HTMLElement): HTMLElement {
  return anchor.closest<HTMLElement>('.message, [data-row-key]') ?? anchor;
}

/** Whether `el` scrolls what it holds (the timeline, a panel's list; the page itself only when it overflows). */
function scrolls(el: Element): boolean {
  return el === document.scrollingElement ? el.scrollHeight > el.clientHeight : /auto|scroll|overlay/.test(getComputedStyle(el).overflowY);
}

/** Whether `anchor` is scrolled out of sight in any element that scrolls it (a held row far up the timeline). */
function outOfSight(anchor: HTMLElement): boolean {
  for (let el = anchor.parentElement; el; el = el.parentElement) if (scrolls(el) && scrolledOutOf(anchor, el)) return true;
  return false;
}

/**
 * Whether a wheel or a finger on `target` scrolls something that holds `anchor` (the timeline under a message's
 * menu), which takes the anchor away from its popover. Not the composer under its emoji picker while the user scrolls
 * the timeline above it: that picker stays open, as Element's does.
 */
function movesAnchor(anchor: HTMLElement | null, target: EventTarget | null): boolean {
  if (!anchor || !(target instanceof Node)) return false;
  for (let el = anchor.parentElement; el; el = el.parentElement) {
    // Only from where the target's branch meets the anchor's up: a scroller there moves both.
    if (el.contains(target) && scrolls(el)) return true;
  }
  return false;
}

/**
 * A popover closing because its anchor scrolled: if the focus was in it (or fell to the page), it goes to the
 * anchor's message row, else to the timeline holding it, else (a composer's emoji button) to the anchor itself,
 * without scrolling any into view (the user is scrolling). With `gone` (the message scrolled out of view) to the
 * timeline first: a message out of view is no place for the keyboard to go on from (↑/↓ from the timeline reach the
 * messages in view, PgUp/PgDn go on scrolling).
 */
function refocusAfterScroll(anchor: HTMLElement | null, popover: HTMLElement | null, gone = false): void {
  const active = document.activeElement;
  if (!anchor || !(active === document.body || active === null || (popover?.contains(active) ?? false))) return;
  const message = anchor.closest<HTMLElement>('.message');
  const log = anchor.closest<HTMLElement>('[role="log"]');
  const home = (gone ? log ?? message : message ?? log) ?? anchor;
  home.focus({ preventScroll: true });
}

/**
 * While `shown`, keeps a popover on its button: `place` is called again when the window changes size, and when the
 * timeline holding the button scrolls by itself (it keeps to its end as a message arrives or a row grows or shrinks:
 * a reaction, a sent message losing its "Sending…"); while the button is out of sight (its row kept rendered as
 * messages push it up, use-held-rows.ts) the popover stays where it was.
 * The user scrolling what holds the button with the wheel or a finger (outside the popover) has moved on, as with a
 * press outside: `close` is called, the focus going to the button's message. A scroll any other way (PgUp/PgDn, which
 * the room takes from wherever the focus is, use-room-keys.ts) that is not the timeline following its end closes it
 * once the button's whole row is out of view, the focus going to the timeline: left open, the popover floated over
 * other messages with its own out of sight. A row still partly in view keeps it open. Closing on every scroll closed a menu
 * under the user within a second of opening it; closing at any wheel closed the composer's emoji picker as the user
 * scrolled the timeline to find what to answer. If the popover goes with its button (its message deleted, its row
 * gone) while the focus is in it, the focus goes to the message rather than falling to the page.
 */
export function useFollowAnchor(
  shown: boolean, button: RefObject<HTMLElement | null>, popover: RefObject<HTMLElement | null>, place: () => void, close: () => void,
): void {
  // The newest callbacks, read when an event comes (not dependencies: the listeners stay while the popover is open).
  const latest = useRef({ place, close });
  useLayoutEffect(() => { latest.current = { place, close }; });
  useEffect(() => {
    if (!shown) return;
    // Placed from a button out of sight (its row kept rendered far up the timeline), the popover left the window.
    const onResize = () => { if (button.current && !outOfSight(button.current)) latest.current.place(); };
    const onUserScroll = (e: Event) => {
      if (popover.current?.contains(e.target as Node) || !movesAnchor(button.current, e.target)) return;
      refocusAfterScroll(button.current, popover.current);
      latest.current.close();
    };
    window.addEventListener('resize', onResize);
    document.addEventListener('wheel', onUserScroll, { capture: true, passive: true });
    document.addEventListener('touchmove', onUserScroll, { capture: true, passive: true });
    return () => {
      window.removeEventListener('resize', onResize);
      document.removeEventListener('wheel', onUserScroll, { capture: true });
      document.removeEventListener('touchmove', onUserScroll, { capture: true });
    };
  }, [shown, button, popover]);
  useLayoutEffect(() => () => {
    // On unmount, before React takes the popover out of the page (layout cleanups run first).
    const active = document.activeElement;
    if (active && popover.current?.contains(active)) button.current?.closest<HTMLElement>('.message')?.focus({ preventScroll: true });
  }, [button, popover]);
  // Where each scroller holding the button was at the last scroll (or at opening): one at its end that stays there
  // is following new messages, not the user moving it.
  const extents = useRef(new WeakMap<Element, Extent>());
  useEffect(() => {
    if (!shown) return;
    for (let el = button.current?.parentElement; el; el = el.parentElement) if (scrolls(el)) extents.current.set(el, extentOf(el));
  }, [shown, button]);
  useAnchorScroll(shown, button, (scroller) => {
    const anchor = button.current;
    if (!anchor) return;
    const was = extents.current.get(scroller);
    const now = extentOf(scroller, was);
    extents.current.set(scroller, now);
    // The row, not the button: a toolbar overlaps the row before its own, so it still shows when its row has left.
    const following = was !== undefined && was.end && now.end;
    if (!following && scrolledOutOf(rowOf(anchor), scroller)) {
      refocusAfterScroll(anchor, popover.current, true);
      latest.current.close();
    } else if (!scrolledOutOf(anchor, scroller)) {
      latest.current.place();
    }
  });
}
