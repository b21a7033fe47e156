/**
 * Arrow keys for a list or grid of buttons with one Tab stop (roving tabindex): which index a key moves to. The
 * component keeps the index in state, gives that item tabIndex 0 and the rest -1, and focuses the new one.
 */
import type { KeyboardEvent } from 'react';

/**
 * The index `key` moves to from `at` among `count` items laid out `columns` wide (1 for a list), or null when the
 * key is not a move. `wrap` makes ←/→ (or ↑/↓ in a list) go round the ends, as tabs do.
 */
export function indexAfterKey(key: string, at: number, count: number, columns = 1, wrap = false): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const step = (d: number): number => (wrap ? (at + d + count) % count : Math.max(0, Math.min(last, at + d)));
  switch (key) {
    case 'Home': return 0;
    case 'End': return last;
    case 'ArrowDown': return columns === 1 ? step(1) : Math.min(last, at + columns);
    case 'ArrowUp': return columns === 1 ? step(-1) : Math.max(0, at - columns);
    case 'ArrowRight': return columns === 1 ? null : step(1);
    case 'ArrowLeft': return columns === 1 ? null : step(-1);
    default: return null;
  }
}

/** A keydown handler's part: moves the focus to the item `indexAfterKey` names among `items`, and reports it. */
export function moveFocus(ev: KeyboardEvent, items: readonly HTMLElement[], at: number, columns = 1, wrap = false): number | null {
  if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return null;
  const next = indexAfterKey(ev.key, at, items.length, columns, wrap);
  if (next === null) return null;
  ev.preventDefault();
  items[next]?.focus();
  return next;
}
