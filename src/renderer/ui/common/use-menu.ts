/**
 * A menu button's behaviour as WAI-ARIA describes it, shared by the room header's and a message's "More options":
 * opening puts the focus on the first item, ↑/↓ (and Home/End) move along the items, Esc closes it and gives the
 * focus back to the button, Tab closes it and moves on, a press outside the button and the list closes it.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

const ITEM = '[role^="menuitem"]';

export function useMenu(onOpenChange?: (open: boolean) => void) {
  const [shown, setShown] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);

  // Told after each change however it happened (an item, a key, a press outside).
  useEffect(() => { onOpenChange?.(shown); }, [shown, onOpenChange]);

  useEffect(() => {
    if (!shown) return;
    list.current?.querySelector<HTMLElement>(ITEM)?.focus();
    const away = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!button.current?.contains(t) && !list.current?.contains(t)) setShown(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [shown]);

  /** Closes the menu with the focus back on its button (Esc, or an item chosen). */
  function close(): void {
    button.current?.focus({ preventScroll: true });
    setShown(false);
  }

  /**
   * The list's keydown. Keys it handles stop here: the menu may sit inside a toolbar (or be portalled out of one),
   * whose own ←/→ and Esc must not act on them too.
   */
  function onKeyDown(e: KeyboardEvent<HTMLElement>): void {
    const items = [...(list.current?.querySelectorAll<HTMLElement>(ITEM) ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    let next: number;
    switch (e.key) {
      case 'Escape': e.preventDefault(); e.stopPropagation(); close(); return;
      case 'Tab': setShown(false); return;
      case 'ArrowDown': next = (at + 1) % items.length; break;
      case 'ArrowUp': next = (at - 1 + items.length) % items.length; break;
      case 'Home': next = 0; break;
      case 'End': next = items.length - 1; break;
      case 'ArrowLeft': case 'ArrowRight': e.stopPropagation(); return;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation();
    items.at(next)?.focus();
  }

  return { shown, setShown, close, onKeyDown, button, list };
}
