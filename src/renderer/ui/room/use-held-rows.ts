/**
 * Timeline rows kept rendered while a popover opened from them is open (a message's ⋯ menu, its reaction picker).
 * The popovers are portalled to <body> but belong to their row's toolbar: when enough messages arrived under an open
 * menu to take its row out of the virtualizer's rendered range, the row left the DOM and the menu vanished under the
 * user's pointer. A held row stays rendered wherever it is until its popover closes (or the row's event leaves the
 * timeline, which closes the popover with it), as use-kept-focus.ts keeps the focused row.
 */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { TimelineRow } from './timeline-model.ts';

/** Holds the row with this key rendered; the function returned lets it go. */
type HoldRow = (key: string) => () => void;

/** Outside a virtualized timeline every row is rendered anyway: nothing to hold. */
const HoldRowContext = createContext<HoldRow>(() => () => undefined);
export const HoldRowProvider = HoldRowContext.Provider;

/** The timeline's side: the keys held now, and the function its rows reach through HoldRowProvider. */
export function useHeldRows(): { held: ReadonlySet<string>; hold: HoldRow } {
  const [held, setHeld] = useState<ReadonlySet<string>>(() => new Set());
  const hold = useCallback<HoldRow>((key) => {
    setHeld((keys) => new Set(keys).add(key));
    return () => setHeld((keys) => {
      const next = new Set(keys);
      next.delete(key);
      return next;
    });
  }, []);
  return { held, hold };
}

/** A row's side: keeps the row with `key` rendered while `on`. */
export function useHoldRow(key: string, on: boolean): void {
  const hold = useContext(HoldRowContext);
  useEffect(() => (on ? hold(key) : undefined), [hold, key, on]);
}

/** The virtualizer's `indexes` with the held rows' added, in the timeline's order (↑/↓ walk the rows in DOM order). */
export function withHeldRows(indexes: number[], rows: readonly TimelineRow[], held: ReadonlySet<string>): number[] {
  if (held.size === 0) return indexes;
  const extra: number[] = [];
  rows.forEach((r, i) => { if (held.has(r.key) && !indexes.includes(i)) extra.push(i); });
  return extra.length ? [...indexes, ...extra].sort((a, b) => a - b) : indexes;
}
