/**
 * The room list of the selected space, virtualized: rows have a fixed height (per density), so only the ~20 in
 * view are in the DOM and 2,000 rooms cost what 20 do. Invites sit above it. The filter matches names and
 * aliases; ↑/↓/Home/End move between rows (a listbox with a roving tab stop), Alt+↑/↓ moves the open room
 * from anywhere, Alt+Shift+↑/↓ to the next unread room.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useInitComplete, useOwnUserId, useStoreSelector } from '../../api/hooks.ts';
import { hasTag, isMutedBy } from '../../api/room-list-actions.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { PSEUDO_SPACES, selectRoomsInSpace, type PseudoSpace } from '../../api/spaces.ts';
import { LeaveRoomDialog } from '../dialogs/RoomDialogs.tsx';
import { usePrefs } from '../prefs.ts';
import { InviteList } from './InviteList.tsx';
import { RoomContextMenu, type MenuAnchor } from './RoomContextMenu.tsx';
import { RoomListItem } from './RoomListItem.tsx';
import { SpaceListHeader } from './SpaceListHeader.tsx';
import { filterRooms, roomRowHeight, stepRoom } from './room-nav.ts';
import './roomlist.css';
import './room-menu.css';

interface OpenMenu {
  roomId: string;
  anchor: MenuAnchor;
  /** Where focus goes back to when the menu closes. */
  returnFocus: HTMLElement | null;
}

interface RoomListProps {
  selectedRoomId: string | null;
  spaceId: string;
  onSelect: (roomId: string) => void;
  /** Opens a space's home (its rooms, joined or not). */
  onExploreSpace: (spaceId: string) => void;
}

/** The "Low priority" heading above the first low-priority room: they are listed last, and this says why. */
const SECTION_HEIGHT = 28;

export function RoomList({ selectedRoomId, spaceId, onSelect, onExploreSpace }: RoomListProps) {
  const rooms = useStoreSelector((s) => selectRoomsInSpace(s, spaceId, selectedRoomId));
  const initComplete = useInitComplete();
  const ownUserId = useOwnUserId();
  const { compact, textSize } = usePrefs();
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const scroller = useRef<HTMLDivElement>(null);
  const visible = useMemo(() => filterRooms(rooms, deferredFilter), [rooms, deferredFilter]);
  const rowHeight = roomRowHeight(compact, textSize);
  const pushRules = useStoreSelector((s) => s.accountData['m.push_rules']);
  const [menu, setMenu] = useState<OpenMenu | null>(null);
  const [leaving, setLeaving] = useState<string | null>(null);
  const leavingName = useStoreSelector((s) => (leaving ? roomDisplayName(s.rooms.get(leaving)) : ''));
  const closeMenu = useCallback(() => {
    setMenu((m) => {
      // After the menu is gone, so focus does not land on a button about to disappear.
      if (m?.returnFocus) requestAnimationFrame(() => m.returnFocus?.focus());
      return null;
    });
  }, []);
  const onLeave = useCallback((roomId: string) => {
    setMenu(null);
    setLeaving(roomId);
  }, []);

  const getItemKey = useCallback((i: number) => visible[i]?.id ?? i, [visible]);
  // Low-priority rooms come last (spaces.ts); the first of them carries the section's heading above it.
  const lowStart = useMemo(() => visible.findIndex((r) => hasTag(r, 'm.lowpriority')), [visible]);
  // The app does not use the React Compiler; the virtualizer re-renders this component itself as it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => rowHeight + (i === lowStart ? SECTION_HEIGHT : 0),
    getItemKey,
    overscan: 8,
  });
  useEffect(() => { virtualizer.measure(); }, [rowHeight, lowStart, virtualizer]);

  const focusIndex = useCallback((i: number) => {
    virtualizer.scrollToIndex(i, { align: 'auto' });
    // The row may only exist after the virtualizer re-renders.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLButtonElement>(`[data-index="${i}"]`)?.focus());
  }, [virtualizer]);

  // Alt+↑/↓ (and with Shift, unread rooms only) switch rooms from anywhere in the window.
  useEffect(() => {
    const onKey = (ev: globalThis.KeyboardEvent): void => {
      if (!ev.altKey || ev.ctrlKey || ev.metaKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
      const next = stepRoom(visible, selectedRoomId, ev.key === 'ArrowDown' ? 1 : -1, ev.shiftKey);
      if (!next) return;
      ev.preventDefault();
      onSelect(next.id);
      const i = visible.indexOf(next);
      if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, selectedRoomId, onSelect, virtualizer]);

  /** The row's menu: at the pointer for a right click, under the row's "…" button otherwise. */
  function openMenu(roomId: string, anchorEl: HTMLElement, at?: MenuAnchor): void {
    const rect = anchorEl.getBoundingClientRect();
    const row = anchorEl.closest<HTMLElement>('.roomlist-row');
    const item = row?.querySelector<HTMLElement>('[data-testid="room-item"]') ?? null;
    setMenu({ roomId, anchor: at ?? { x: rect.right - 200, y: rect.bottom + 2 }, returnFocus: item });
  }

  function onListContextMenu(ev: MouseEvent<HTMLDivElement>): void {
    const row = (ev.target as HTMLElement).closest<HTMLElement>('.roomlist-row');
    const roomId = row?.querySelector<HTMLElement>('[data-room-id]')?.dataset.roomId;
    if (!row || !roomId) return;
    ev.preventDefault();
    openMenu(roomId, row, { x: ev.clientX, y: ev.clientY });
  }

  function onListKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    // Shift+F10 and the context-menu key: the keyboard's right click.
    if ((ev.key === 'F10' && ev.shiftKey) || ev.key === 'ContextMenu') {
      const row = (ev.target as HTMLElement).closest<HTMLElement>('.roomlist-row');
      const roomId = row?.querySelector<HTMLElement>('[data-room-id]')?.dataset.roomId;
      if (!row || !roomId) return;
      ev.preventDefault();
      const rect = row.getBoundingClientRect();
      openMenu(roomId, row, { x: rect.left + 48, y: rect.bottom });
      return;
    }
    if (ev.altKey || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(ev.key)) return;
    const current = Number((document.activeElement as HTMLElement | null)?.dataset.index ?? -1);
    let next = current;
    if (ev.key === 'ArrowDown') next = Math.min(visible.length - 1, current + 1);
    else if (ev.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (ev.key === 'Home') next = 0;
    else next = visible.length - 1;
    ev.preventDefault();
    focusIndex(next);
  }

  const selectedIndex = visible.findIndex((r) => r.id === selectedRoomId);
  const items = virtualizer.getVirtualItems();
  return (
    <nav className="roomlist" aria-label="Rooms">
      {!PSEUDO_SPACES.includes(spaceId as PseudoSpace) && <SpaceListHeader spaceId={spaceId} onExplore={onExploreSpace} />}
      <div className="roomlist-filter">
        <input
          type="search"
          className="roomlist-filter-input"
          placeholder="Filter rooms"
          aria-label="Filter rooms"
          data-testid="room-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') { setFilter(''); e.stopPropagation(); }
            if (e.key === 'ArrowDown' && !e.altKey) {
              e.preventDefault();
              focusIndex(0);
            }
            if (e.key === 'Enter' && visible[0]) onSelect(visible[0].id);
          }}
        />
      </div>
      <InviteList onOpen={onSelect} />
      {rooms.length === 0 ? (
        <p className="roomlist-empty" data-testid="roomlist-empty">
          {!initComplete ? 'Loading rooms…' : spaceId === 'home' ? 'No rooms yet: create one or join one with the buttons above.'
            : PSEUDO_SPACES.includes(spaceId as PseudoSpace) ? 'No rooms here.' : 'You are in none of this space\'s rooms yet: explore them above.'}
        </p>
      ) : visible.length === 0 ? (
        <p className="roomlist-empty">No rooms match “{filter}”.</p>
      ) : null}
      <div className="roomlist-items" ref={scroller} onKeyDown={onListKeyDown} onContextMenu={onListContextMenu}>
        <div role="listbox" aria-label="Rooms" data-testid="room-list" className={`roomlist-inner${compact ? ' is-compact' : ''}`}
          style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const room = visible[v.index];
            const tabbable = selectedIndex >= 0 ? v.index === selectedIndex : v.index === 0;
            const name = roomDisplayName(room);
            const heading = v.index === lowStart ? SECTION_HEIGHT : 0;
            return (
              <div key={v.key} className="roomlist-row" style={{ height: rowHeight, transform: `translateY(${v.start + heading}px)` }}>
                {heading > 0 && <div className="roomlist-section" style={{ height: heading }} aria-hidden="true" data-testid="roomlist-low-priority">Low priority</div>}
                <RoomListItem room={room} selected={room.id === selectedRoomId} ownUserId={ownUserId} compact={compact}
                  muted={isMutedBy(pushRules, room.id)} index={v.index} tabbable={tabbable} onSelect={onSelect} />
                <button type="button" className="roomlist-row-menu" data-testid="room-menu-button" tabIndex={tabbable ? 0 : -1}
                  aria-label={`Options for ${name}`} title="Room options" aria-haspopup="menu" aria-expanded={menu?.roomId === room.id}
                  onClick={(e) => openMenu(room.id, e.currentTarget)}>
                  <span aria-hidden="true">⋯</span>
                </button>
              </div>
            );
          })}
        </div>
      </div>
      {menu && <RoomContextMenu key={menu.roomId} roomId={menu.roomId} anchor={menu.anchor} onClose={closeMenu} onLeave={onLeave} />}
      {leaving && <LeaveRoomDialog roomId={leaving} roomName={leavingName} onClose={() => setLeaving(null)} />}
    </nav>
  );
}
