/**
 * How much the room header gives up so the room's name shows whole, in three steps as the room gets narrower: first
 * its buttons drop their labels (`compact`; the accessible names stay), then Leave, the least used, folds into the
 * "More options" menu (`trimmed`, HeaderMenu.tsx), then the call and panel buttons follow it (`folded`). Each step is undone once the name would still show whole with
 * what it hid back (the menu's button shows either way, so only the hidden parts' width counts). The name wins, as
 * in Element. Measured rather than a fixed breakpoint, so a short name keeps the labels in a small window and a long
 * one gives them up in a wider one (or beside an open side panel).
 */
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

export type HeaderFold = 'full' | 'compact' | 'trimmed' | 'folded';

/** The buttons whose labels go in the compact header (the member count's too). */
const LABELLED = '.room-header-panel-button, .room-header-wide';
/** What folds into the menu: first alone, then with the rest. */
const FOLDING_FIRST = '.room-header-leave';
const FOLDING = '.room-header-wide';

export function useHeaderFold(header: RefObject<HTMLElement | null>, name: string): HeaderFold {
  const [fold, setFold] = useState<HeaderFold>('full');
  /** The same, for the observer's callback (only that callback changes it). */
  const foldRef = useRef<HeaderFold>('full');
  /** The effect's measure, run again once a step has taken effect (below). */
  const measureRef = useRef<(() => void) | null>(null);

  useLayoutEffect(() => {
    const el = header.current;
    const title = el?.querySelector<HTMLElement>('.room-header-name');
    if (!el || !title || typeof ResizeObserver === 'undefined') return;
    /** What the buttons took beside the name, their gaps included: with labels (when last shown so), and without. */
    let labelled = 0;
    /** What `trimmed` hid (Leave), and what `folded` hid beyond it, their gaps included. */
    let leave = 0;
    let compact = 0;
    /** The header's width when the labels last gave way: a wider header tries them again. */
    let compactAt = 0;
    const change = (next: HeaderFold): void => {
      foldRef.current = next;
      setFold(next);
    };
    const measure = (): void => {
      const gap = parseFloat(getComputedStyle(el).columnGap) || 0;
      // Each with the gap before it, less the negative margin that narrows it in a compact header (panels.css).
      const widthOf = (selector: string) => [...el.querySelectorAll<HTMLElement>(selector)]
        .reduce((sum, b) => sum + b.getBoundingClientRect().width + gap + (parseFloat(getComputedStyle(b).marginLeft) || 0), 0);
      // The name's own width, also when its box is wider (scrollWidth is then the box's).
      const range = document.createRange();
      range.selectNodeContents(title);
      const natural = range.getBoundingClientRect().width;
      // Both in the layout's fractional pixels, compared exactly as the ellipsis is: clientWidth rounds the box, so a
      // name a few hundredths of a pixel too wide (cut with an ellipsis) passed for one that fits, and one that fits
      // could measure wider than the rounded box.
      const room = title.getBoundingClientRect().width;
      const fits = natural <= room;
      switch (foldRef.current) {
        case 'full': {
          if (fits) return;
          labelled = widthOf(LABELLED);
          compactAt = el.clientWidth;
          // Labels the narrow-header style already hid: dropping them changes nothing (and no resize would come to
          // measure again), so Leave folds at once.
          const labelsShown = [...el.querySelectorAll('.room-header-panel-label')].some((l) => l.getClientRects().length > 0);
          if (labelsShown) {
            change('compact');
          } else {
            leave = widthOf(FOLDING_FIRST);
            change('trimmed');
          }
          return;
        }
        case 'compact': {
          if (!fits) {
            leave = widthOf(FOLDING_FIRST);
            change('trimmed');
            return;
          }
          // The labels back, when they would fit beside the name; when the narrow-header style hid them anyway as
          // they were measured, their width is not known: tried again once the header is wider than it was then.
          const now = widthOf(LABELLED);
          if (labelled > now ? natural + labelled - now <= room : el.clientWidth > compactAt + 1) change('full');
          return;
        }
        case 'trimmed':
          if (!fits) {
            // Leave is hidden now: only what is still shown counts.
            compact = widthOf(`${FOLDING}:not(${FOLDING_FIRST})`);
            change('folded');
          } else if (natural + leave <= room) {
            change('compact');
          }
          return;
        case 'folded':
          if (natural + compact <= room) change('trimmed');
          return;
        default: {
          const never: never = foldRef.current;
          throw new Error(`unknown header fold ${String(never)}`);
        }
      }
    };
    // Observing reports each element's size once at the start too (after layout, before paint): the first measure.
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    observer.observe(title);
    measureRef.current = measure;
    return () => {
      observer.disconnect();
      measureRef.current = null;
    };
  }, [header, name]);

  // Each step measured again as soon as it is laid out: when the buttons overflowed the header the name's box was
  // already squeezed to nothing, hiding Leave left it at nothing, and no size changed to report, so in a 480 px
  // window the header stopped at `trimmed` with its buttons running past the window's edge and no name at all.
  useLayoutEffect(() => { measureRef.current?.(); }, [fold]);

  return fold;
}
