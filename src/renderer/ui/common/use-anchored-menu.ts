/**
 * A menu portalled to <body> and placed from its button's rectangle (a message's "More options", a day separator's
 * date): timeline rows are transformed (virtualized) and would clip a menu drawn inside them. `placeBy` says where
 * the menu goes for the button's rectangle. The menu follows its button when the window changes size or the timeline
 * scrolls by itself, and closes when the user scrolls what holds its button with the wheel or a finger, or any other
 * way until its row is out of view (use-anchor-scroll.ts's useFollowAnchor, shared with the emoji picker). A
 * message's menu keeps its row rendered while open (use-held-rows.ts). Keyboard and pointer behaviour: use-menu.ts.
 */
import { useState } from 'react';
import { useFollowAnchor } from './use-anchor-scroll.ts';
import { useMenu } from './use-menu.ts';

export function useAnchoredMenu<Place>(placeBy: (button: HTMLElement | null) => Place | null, onOpenChange?: (open: boolean) => void) {
  const menu = useMenu(onOpenChange);
  const { shown, setShown, button, list } = menu;
  const [at, setAt] = useState<Place | null>(null);

  function toggle(): void {
    if (!shown) setAt(placeBy(button.current));
    setShown(!shown);
  }

  useFollowAnchor(shown, button, list, () => setAt(placeBy(button.current)), () => setShown(false));

  return { ...menu, at, toggle };
}
