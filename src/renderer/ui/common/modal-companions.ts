/**
 * Popups that take part in an open modal's keyboard loop: a verification request that arrives while Settings (or
 * another modal screen) is open sits beside it, newer and answerable with the pointer, so Tab must reach it too.
 * Such a popup carries `data-modal-companion`. The modal's Tab trap (focus-return.ts) goes on from its last stop
 * into the companions and from theirs back into the modal; a companion's own keydown does the same at its ends,
 * and its Esc goes back to where the focus was in the modal (Esc does not answer the request, nor close the modal
 * from outside it). A native modal <dialog> makes everything else inert, companions too: they drop out then.
 */
import type { FocusEvent, KeyboardEvent } from 'react';

export const MODAL_COMPANION = 'data-modal-companion';

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), video[controls], [tabindex]:not([tabindex="-1"])';

function focusablesIn(scope: HTMLElement): HTMLElement[] {
  return [...scope.querySelectorAll<HTMLElement>(FOCUSABLE)];
}

function companions(): HTMLElement[] {
  if (document.querySelector('dialog:modal')) return [];
  return [...document.querySelectorAll<HTMLElement>(`[${MODAL_COMPANION}]`)];
}

/** The open modal screen that is not a native <dialog> (those trap by themselves), the newest if several. */
function openModal(): HTMLElement | null {
  const all = [...document.querySelectorAll<HTMLElement>('[role="dialog"][aria-modal="true"]:not(dialog)')];
  return all.at(-1) ?? null;
}

/**
 * Tab and Shift+Tab around the scopes (the modal, then its companions) as one loop: inside a scope the browser
 * moves the focus (it knows radio groups and the like); at a scope's end it goes on to the next scope's first stop,
 * from outside them all to the first (or last).
 */
export function cycleTab(ev: KeyboardEvent<HTMLElement>, modal: HTMLElement): void {
  const scopes = [modal, ...companions().filter((c) => !modal.contains(c))]
    .map((scope) => ({ scope, items: focusablesIn(scope) }))
    .filter((s) => s.items.length > 0);
  if (!scopes.length) {
    ev.preventDefault();
    return;
  }
  const at = document.activeElement;
  const back = ev.shiftKey;
  const i = scopes.findIndex((s) => s.scope.contains(at));
  let next: HTMLElement | undefined;
  if (i < 0) next = back ? scopes.at(-1)?.items.at(-1) : scopes[0].items[0];
  else if (!back && at === scopes[i].items.at(-1)) next = scopes[(i + 1) % scopes.length].items[0];
  else if (back && at === scopes[i].items[0]) next = scopes[(i - 1 + scopes.length) % scopes.length].items.at(-1);
  if (!next) return;
  ev.preventDefault();
  next.focus();
}

/** Where the focus was in the modal when it went to a companion: Esc in the companion goes back there. */
let cameFrom: HTMLElement | null = null;

/** A companion's focus handler: remembers the modal stop the focus came from. */
export function onCompanionFocus(ev: FocusEvent<HTMLElement>): void {
  const from = ev.relatedTarget;
  if (from instanceof HTMLElement && openModal()?.contains(from)) cameFrom = from;
}

/** A companion's keydown: Tab at its ends goes on into the open modal; Esc goes back to it. */
export function onCompanionKeyDown(ev: KeyboardEvent<HTMLElement>): void {
  const modal = openModal();
  if (!modal || ev.defaultPrevented || document.querySelector('dialog:modal')) return;
  if (ev.key === 'Tab') {
    cycleTab(ev, modal);
  } else if (ev.key === 'Escape') {
    // Not on to the page's own Esc (the timeline's "jump to the newest"): the modal is what the user is in.
    ev.preventDefault();
    ev.stopPropagation();
    const back = cameFrom?.isConnected && modal.contains(cameFrom) ? cameFrom : focusablesIn(modal)[0] ?? modal;
    back.focus();
  }
}
