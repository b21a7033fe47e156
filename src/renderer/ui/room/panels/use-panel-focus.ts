/**
 * Keyboard and focus for the room's side panel (members, user info, settings, search, pinned, thread). In a narrow
 * window (OVERLAY_QUERY, as in member-list.css) the panel lies over the timeline instead of squeezing it, so it
 * behaves like a drawer: opening it moves the focus into it (unless the panel already took it, as the thread's
 * composer does), and Esc closes it wherever the focus is in the room. At any width Esc inside the panel closes it,
 * and closing it gives the focus back to where it was before (the header button that opened it, say), or to the
 * composer, so the keyboard is never left on the page's body.
 */
import { useEffect, useRef, useSyncExternalStore, type RefObject } from 'react';

/** Where the side panel stops sharing the width and overlays the timeline (keep in step with the stylesheets). */
export const OVERLAY_QUERY = '(max-width: 1000px)';

/** Whether the window matches a media query, followed live. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

const CLOSE_BUTTONS = '.member-panel-close, .thread-panel-close';

/**
 * `slot` holds the open panel (a `display: contents` wrapper, so the panel keeps its place); `openKey` names it,
 * null when none is open; `close` closes it; `fallback` finds where the focus goes when nothing else is left.
 */
export function usePanelFocus(
  slot: RefObject<HTMLElement | null>, openKey: string | null, close: () => void, fallback: () => HTMLElement | null,
): void {
  const overlay = useMediaQuery(OVERLAY_QUERY);
  const before = useRef<HTMLElement | null>(null);
  const wasOpen = useRef<string | null>(null);

  // Remember the last focus outside the panel, to give it back when the panel closes.
  useEffect(() => {
    const onFocus = (e: FocusEvent): void => {
      if (e.target instanceof HTMLElement && !slot.current?.contains(e.target)) before.current = e.target;
    };
    document.addEventListener('focusin', onFocus);
    return () => document.removeEventListener('focusin', onFocus);
  }, [slot]);

  useEffect(() => {
    const previous = wasOpen.current;
    wasOpen.current = openKey;
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    if (openKey) {
      // A drawer takes the focus; beside the timeline the panel leaves it where the person is typing. One panel
      // replacing another (a member row opening the user info) took the focused row with it: the new one takes it.
      if (openKey !== previous && ((overlay && !(active && slot.current?.contains(active))) || (previous && lost))) {
        // Not a panel kept hidden under another (the threads list under a thread opened from it).
        [...slot.current?.querySelectorAll<HTMLElement>(CLOSE_BUTTONS) ?? []].find((b) => !b.closest('[hidden]'))?.focus();
      }
      return;
    }
    if (previous && lost) {
      const back = before.current?.isConnected ? before.current : fallback();
      back?.focus();
    }
  }, [openKey, overlay, slot, fallback]);

  useEffect(() => {
    if (!openKey) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('dialog')) return; // a dialog's Esc closes the dialog only
      if (overlay || (target && slot.current?.contains(target))) close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openKey, overlay, slot, close]);
}
