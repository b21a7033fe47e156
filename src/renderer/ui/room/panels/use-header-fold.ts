/**
 * Whether the room header folds its panel buttons and Leave into the "More options" menu (HeaderMenu.tsx): when the
 * room's name would not show whole beside them, and back once it would (the menu's button shows either way, so
 * only the folded buttons' width counts). The name wins, as in Element. Measured
 * rather than a fixed breakpoint, so a short name keeps the buttons in a small window and a long one folds them
 * in a wider one (or beside an open side panel).
 */
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

export function useHeaderFold(header: RefObject<HTMLElement | null>, name: string): boolean {
  const [folded, setFolded] = useState(false);
  /** The same, for the observer's callback (only that callback changes it). */
  const foldedRef = useRef(false);

  useLayoutEffect(() => {
    const el = header.current;
    const title = el?.querySelector<HTMLElement>('.room-header-name');
    if (!el || !title || typeof ResizeObserver === 'undefined') return;
    /** What the buttons took beside the name, their gaps included, when they last showed. */
    let buttons = 0;
    const measure = (): void => {
      const gap = parseFloat(getComputedStyle(el).columnGap) || 0;
      const widthOf = (selector: string) => [...el.querySelectorAll<HTMLElement>(selector)]
        .reduce((sum, b) => sum + b.getBoundingClientRect().width + gap, 0);
      // The name's own width, also when its box is wider (scrollWidth is then the box's).
      const range = document.createRange();
      range.selectNodeContents(title);
      const natural = range.getBoundingClientRect().width;
      if (!foldedRef.current) {
        // Sub-pixel widths: a name that fits can measure a pixel wider than its box.
        if (natural <= title.clientWidth + 1) return;
        buttons = widthOf('.room-header-wide');
        foldedRef.current = true;
        setFolded(true);
      } else if (natural + buttons <= title.clientWidth) {
        foldedRef.current = false;
        setFolded(false);
      }
    };
    // Observing reports each element's size once at the start too (after layout, before paint): the first measure.
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    observer.observe(title);
    return () => observer.disconnect();
  }, [header, name]);

  return folded;
}
