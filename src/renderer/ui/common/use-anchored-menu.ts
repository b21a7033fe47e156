/**
 * A menu portalled to <body> and placed from its button's rectangle (a message's "More options", a day separator's
 * date): timeline rows are transformed (virtualized) and would clip a menu drawn inside them. `placeBy` says where
 * the menu goes for the button's rectangle. The menu follows its button when the window changes size or the timeline
 * scrolls by itself, and closes when the user scrolls with the wheel or a finger outside it (as Element's context
 * menus do): the user has moved on, as with a press outside. Keyboard and pointer behaviour: use-menu.ts.
 */
import { useEffect, useState } from 'react';
import { refocusAfterScroll, scrolledOutOf, useAnchorScroll } from './use-anchor-scroll.ts';
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
    // The user scrolling (not the timeline keeping to its end): the menu goes, the focus to its message.
    const onUserScroll = (e: Event) => {
      if (list.current?.contains(e.target as Node)) return;
      refocusAfterScroll(button.current, list.current);
      setShown(false);
    };
    window.addEventListener('resize', onResize);
    document.addEventListener('wheel', onUserScroll, { capture: true, passive: true });
    document.addEventListener('touchmove', onUserScroll, { capture: true, passive: true });
    return () => {
      window.removeEventListener('resize', onResize);
      document.removeEventListener('wheel', onUserScroll, { capture: true });
      document.removeEventListener('touchmove', onUserScroll, { capture: true });
    };
  }, [shown, setShown, button, list, placeBy]);

  // The timeline also scrolls by itself: it keeps to its end as a message arrives or a row grows or shrinks (a
  // reaction, a sent message losing its "Sending…"). Closing on every scroll closed the menu under the user within
  // a second of opening it; it follows its button instead, and stays where it was while the button is out of sight.
  useAnchorScroll(shown, button, (scroller) => {
    if (button.current && !scrolledOutOf(button.current, scroller)) setAt(placeBy(button.current));
  });

  return { ...menu, at, toggle };
}
