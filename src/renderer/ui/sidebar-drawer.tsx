/**
 * The room list as a drawer in a small window, as chat apps do on a narrow screen: with a room (or a space's home)
 * open in a window of 600 px or less, the room takes the whole width (beside the list it kept 58% of a 480 px
 * window, its composer a strip), and a Rooms button at the start of its header slides the whole sidebar in over it.
 * Picking a room, Esc, a click beside the drawer or the button again closes it. Opening moves the focus into the
 * list (to the open room's row); closing gives it back to the Rooms button, or the room's composer takes it as a
 * newly opened room's does. Wider windows, and a small one with nothing open, show the sidebar beside as before.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { Icon } from './common/icons.tsx';
import { useMediaQuery } from './room/panels/use-panel-focus.ts';

/** Where the sidebar becomes a drawer (keep in step with app.css). */
const DRAWER_QUERY = '(max-width: 600px)';

interface Drawer {
  /** The sidebar is a drawer now (a small window with something open beside it). */
  active: boolean;
  open: boolean;
  setOpen: (open: boolean) => void;
  button: RefObject<HTMLButtonElement | null>;
}

const DrawerContext = createContext<Drawer | null>(null);
export const SidebarDrawerProvider = DrawerContext.Provider;

/**
 * The drawer's state for the layout: `somethingOpen` says whether a room or a space's home is beside the sidebar.
 * Gives the layout's and the sidebar's props, the scrim to show, and `close`, for what picking in it does.
 */
export function useSidebarDrawer(somethingOpen: boolean) {
  const narrow = useMediaQuery(DRAWER_QUERY);
  const active = narrow && somethingOpen;
  const [wanted, setOpen] = useState(false);
  // A window widened past the drawer's width and narrowed again starts with the room, not the list (set while
  // rendering: React's "adjust state when a prop changes").
  if (!active && wanted) setOpen(false);
  const open = active && wanted;
  const button = useRef<HTMLButtonElement>(null);
  const sidebar = useRef<HTMLElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    let frame = 0;
    if (open && !wasOpen.current) {
      // Into the list, at the room the user is in, so ↑/↓ go on from there. The list places its rows once it has a
      // size (it had none while the drawer was closed): a few frames at most; then its filter if it shows none.
      let tries = 0;
      const into = (): void => {
        const el = sidebar.current;
        const row = el?.querySelector<HTMLElement>('.roomlist-item.is-selected') ?? el?.querySelector<HTMLElement>('.roomlist-item');
        if (row) row.focus();
        else if (tries++ < 10) frame = requestAnimationFrame(into);
        else el?.querySelector<HTMLElement>('.roomlist-filter input, input')?.focus();
      };
      into();
    } else if (!open && wasOpen.current) {
      // Left in the hidden drawer (Esc, the same room picked again): back to the button that opened it. A newly
      // opened room's composer has already taken it.
      const focus = document.activeElement;
      if (!focus || focus === document.body || sidebar.current?.contains(focus)) button.current?.focus();
    }
    wasOpen.current = open;
    return () => cancelAnimationFrame(frame);
  }, [open]);

  const context = useMemo<Drawer>(() => ({ active, open, setOpen, button }), [active, open]);
  const close = useCallback(() => setOpen(false), []);
  return {
    context,
    close,
    layoutClass: `layout${active ? ' is-drawer' : ''}${open ? ' is-drawer-open' : ''}`,
    sidebarProps: {
      ref: sidebar,
      id: 'sidebar',
      onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
        // Not an Esc something in the list used (the filter's clear, a menu's close).
        if (!open || e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        setOpen(false);
      },
    },
    scrim: open ? <div className="sidebar-scrim" data-testid="sidebar-scrim" aria-hidden="true" onClick={() => setOpen(false)} /> : null,
  };
}

const ROOMS_ICON = <path d="M4 6h16M4 12h16M4 18h16" />;

/** The Rooms button at the start of a room's (or a space home's) header; nothing while the sidebar is beside. */
export function ShowRoomsButton() {
  const { active, open, setOpen, button } = useContext(DrawerContext) ?? { active: false, open: false, setOpen: () => undefined, button: null };
  if (!active) return null;
  return (
    <button ref={button} type="button" className="show-rooms" data-testid="show-rooms" title="Rooms" aria-label="Rooms"
      aria-controls="sidebar" aria-expanded={open} onClick={() => setOpen(!open)}>
      <Icon shape={ROOMS_ICON} size={18} />
    </button>
  );
}
