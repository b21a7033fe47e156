/**
 * Focus handling shared by the modal surfaces (dialogs, the quick switcher, the lightbox): give the focus back to
 * whatever had it before the surface opened, and keep Tab inside. React removes a closed dialog from the page rather than closing it, so the browser's
 * own focus restoring never runs. A native modal <dialog> lets Tab out to the page's end (the browser's chrome in
 * a browser, nothing in the app window), so it is kept in here too.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { cycleTab } from './modal-companions.ts';

/** On unmount, focuses the element that had the focus at mount, unless something else took it meanwhile. */
export function useFocusReturn(): void {
  // Read while rendering: by the time effects run, an autoFocus input inside has already taken the focus.
  const [before] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    return () => {
      // By now the surface is gone: focus inside it fell to <body>. Focus moved elsewhere on purpose stays there.
      const now = document.activeElement;
      if (before?.isConnected && (now === null || now === document.body)) before.focus();
    };
  }, [before]);
}

/**
 * A keydown handler for a modal container: Tab and Shift+Tab cycle through its focusable elements and those of the
 * popups that take part in it (modal-companions.ts) only.
 */
export function trapTab(ev: KeyboardEvent<HTMLElement>): void {
  if (ev.key !== 'Tab' || ev.defaultPrevented) return;
  // A dialog opened inside this one (a confirmation in the settings) keeps its own Tab.
  if (ev.target instanceof Element && ev.target.closest('dialog, [role="dialog"]') !== ev.currentTarget) return;
  cycleTab(ev, ev.currentTarget);
}
