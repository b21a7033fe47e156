/**
 * A menu portalled to <body> and placed from its button's rectangle (a message's "More options", a day separator's
 * date): timeline rows are transformed (virtualized) and would clip a menu drawn inside them. `placeBy` says where
 * the menu goes for the button's rectangle; the menu follows the button when the window changes size, and closes
 * when the timeline scrolls (as Element's context menus do): left open, it would point at whatever came under it.
 * Keyboard and pointer behaviour: use-menu.ts.
 */
import { useEffect, useState } from 'react';
import { refocusAfterScroll, useAnchorScroll } from './use-anchor-scroll.ts';
import { useMenu } from './use-menu.ts';

export function useAnchoredMenu<Place>(placeBy: (button: HTMLElement | null) => Place | null, onOpenChange?: (open: boolean) => void) {
  const menu = useMenu(onOpenChange);
  const { shown, setShown, button, list } = menu;
  const [at, setAt] = useState<Place | null>(null);

  function toggle(): void {
    if (!shown) setAt(placeBy(button.current));
    setShown(!shown);
  }

  useEffect(() => {
    if (!shown) return;
    const onResize = () => setAt(placeBy(button.current));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [shown, button, placeBy]);

  useAnchorScroll(shown, button, () => {
    refocusAfterScroll(button.current, list.current);
    setShown(false);
  });

  return { ...menu, at, toggle };
}
