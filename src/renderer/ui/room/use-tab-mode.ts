/**
 * Whether the timeline is being moved through with Tab or with the pointer, for the one-toolbar-at-a-time rule
 * (composer.css). A message's toolbar shows on hover, which makes it a Tab stop: a keyboard user tabbing on from a
 * message (or a reaction in it) would land in whichever row the pointer happened to rest on. From a Tab until the
 * pointer really moves again, `data-keys` on the scroller hides the hover toolbars, so Tab follows the focus.
 */
import { useEffect, type RefObject } from 'react';

export function useTabMode(scroller: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    let last: { x: number; y: number } | null = null;
    // Capture, and on keydown: set before the browser moves the focus (Tab's default action), so the hidden toolbar
    // is no longer a stop when it does.
    const onKey = (ev: KeyboardEvent): void => {
      if (ev.key === 'Tab') el.dataset.keys = '';
    };
    // Only a move of the pointer itself: the browser also reports a pointer that content scrolled under.
    const onMove = (ev: PointerEvent): void => {
      const moved = last === null || last.x !== ev.screenX || last.y !== ev.screenY;
      last = { x: ev.screenX, y: ev.screenY };
      if (moved) delete el.dataset.keys;
    };
    window.addEventListener('keydown', onKey, true);
    el.addEventListener('pointermove', onMove);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      el.removeEventListener('pointermove', onMove);
    };
  }, [scroller]);
}
