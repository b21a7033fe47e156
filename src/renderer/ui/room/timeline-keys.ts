/**
 * Moving through the timeline from the keyboard. The scroller is one Tab stop; ↑/↓ there focus the last or first
 * message in view, and from a focused message the previous or next one; Home/End from a focused message focus the
 * oldest or newest one loaded, rendered or not (use-focus-ends.ts; on the scroller itself they scroll, as the browser
 * does). A focused message shows its toolbar
 * (react, reply, thread, edit, delete, pin, copy link), which Tab enters and ←/→ move along, so every action a
 * pointer finds on hover is one Tab away without a Tab stop per message.
 */
import type { KeyboardEvent } from 'react';
import type { TimelineEnd } from './use-focus-ends.ts';

const MESSAGE = '.message';

function messagesIn(scroller: HTMLElement): HTMLElement[] {
  return [...scroller.querySelectorAll<HTMLElement>(MESSAGE)];
}

/** The messages at least partly in view, top to bottom. */
function inView(scroller: HTMLElement, all: HTMLElement[]): HTMLElement[] {
  const box = scroller.getBoundingClientRect();
  return all.filter((m) => {
    const r = m.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom;
  });
}

/** The scroller's keydown: ↑/↓ from the scroller itself or from a focused message row, Home/End from a row. */
export function onTimelineKeyDown(ev: KeyboardEvent<HTMLElement>, focusEnd: (end: TimelineEnd) => void): void {
  if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(ev.key) || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
  const scroller = ev.currentTarget;
  const target = ev.target as HTMLElement;
  const fromRow = target.matches(MESSAGE);
  if (target !== scroller && !fromRow) return;
  const ends = ev.key === 'Home' || ev.key === 'End';
  // Without this the browser scrolls the timeline to its end and leaves the focus on a message out of view.
  if (ends && !fromRow) return;
  if (ends) {
    // Not the first or last message in the DOM: the virtualizer renders only the rows near the view.
    ev.preventDefault();
    focusEnd(ev.key === 'Home' ? 'oldest' : 'newest');
    return;
  }
  const all = messagesIn(scroller);
  if (!all.length) return;
  const down = ev.key === 'ArrowDown';
  let next: HTMLElement | undefined;
  if (fromRow) {
    next = all[all.indexOf(target) + (down ? 1 : -1)];
    // The virtualized list has no row there yet: scroll a little, the next press finds it.
    if (!next) scroller.scrollBy({ top: down ? 120 : -120 });
  } else {
    const visible = inView(scroller, all);
    next = down ? visible[0] : visible.at(-1);
  }
  ev.preventDefault();
  next?.focus();
}

/** The message toolbar's keydown: ←/→ (and Home/End) move along its buttons, as a toolbar's arrows do. */
export function onToolbarKeyDown(ev: KeyboardEvent<HTMLElement>): void {
  if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(ev.key) || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const buttons = [...ev.currentTarget.querySelectorAll<HTMLButtonElement>(':scope button:not(:disabled)')]
    // Not the buttons a narrow timeline hides (composer.css: the quick reactions past the third).
    .filter((b) => b.closest('[role="toolbar"]') === ev.currentTarget && b.checkVisibility());
  const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (i < 0) return;
  const last = buttons.length - 1;
  const next = ev.key === 'Home' ? 0 : ev.key === 'End' ? last
    : ev.key === 'ArrowRight' ? Math.min(last, i + 1) : Math.max(0, i - 1);
  ev.preventDefault();
  ev.stopPropagation();
  buttons[next]?.focus();
}
