import { memo, useDeferredValue, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useOwnUserId, useRoomList, useInitComplete } from '../../api/hooks.ts';
import { isolateBidi } from '../../../shared/display-name.ts';
import { displayNameOf, roomDisplayName, selectMemberNames, selectPreviewEvent } from '../../api/selectors.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatCount, formatFullTime, formatListTime } from '../common/format.ts';
import { previewText } from '../room/event-view.ts';
import './roomlist.css';

interface RoomListProps {
  selectedRoomId: string | null;
  onSelect: (roomId: string) => void;
}

export function RoomList({ selectedRoomId, onSelect }: RoomListProps) {
  const rooms = useRoomList();
  const initComplete = useInitComplete();
  const ownUserId = useOwnUserId();
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const listRef = useRef<HTMLUListElement>(null);

  const visible = useMemo(() => {
    const q = deferredFilter.trim().toLocaleLowerCase();
    if (!q) return rooms;
    return rooms.filter((r) => roomDisplayName(r).toLocaleLowerCase().includes(q)
      || (r.meta?.canonical_alias ?? '').toLocaleLowerCase().includes(q));
  }, [rooms, deferredFilter]);

  // Arrow keys move between rooms, like a listbox, while each row stays a plain button for screen readers.
  function onKeyDown(ev: KeyboardEvent<HTMLUListElement>): void {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(ev.key)) return;
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button[data-testid="room-item"]') ?? [])];
    if (!buttons.length) return;
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    let next = current;
    if (ev.key === 'ArrowDown') next = Math.min(buttons.length - 1, current + 1);
    else if (ev.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (ev.key === 'Home') next = 0;
    else next = buttons.length - 1;
    ev.preventDefault();
    buttons[next]?.focus();
  }

  return (
    <nav className="roomlist" aria-label="Rooms">
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
            if (e.key === 'Escape') setFilter('');
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              listRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
            }
            if (e.key === 'Enter' && visible[0]) onSelect(visible[0].id);
          }}
        />
      </div>
      {rooms.length === 0 ? (
        <p className="roomlist-empty">{initComplete ? 'No rooms yet.' : 'Loading rooms…'}</p>
      ) : visible.length === 0 ? (
        <p className="roomlist-empty">No rooms match “{filter}”.</p>
      ) : null}
      <ul className="roomlist-items" role="list" data-testid="room-list" ref={listRef} onKeyDown={onKeyDown}>
        {visible.map((room) => (
          <li key={room.id}>
            <RoomListItem room={room} selected={room.id === selectedRoomId} ownUserId={ownUserId} onSelect={onSelect} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

interface ItemProps {
  room: RoomData;
  selected: boolean;
  ownUserId: string | undefined;
  onSelect: (roomId: string) => void;
}

const RoomListItem = memo(function RoomListItem({ room, selected, ownUserId, onSelect }: ItemProps) {
  const meta = room.meta!;
  const name = roomDisplayName(room);
  const preview = selectPreviewEvent(room);
  const names = selectMemberNames(room);
  const nameOf = (userId: string): string => {
    if (userId === ownUserId) return 'You';
    // Members are loaded only when a room is opened; a DM's name is already its partner's display name.
    if (userId === meta.dm_user_id && meta.name && !names.has(userId)) return isolateBidi(meta.name);
    // Isolated: the name is followed by the message in one line of text.
    return isolateBidi(displayNameOf(names, userId));
  };
  const edit = preview?.last_edit_rowid ? room.events.get(preview.last_edit_rowid) : undefined;
  const text = previewText(preview, nameOf, edit, meta.dm_user_id);
  const ts = preview?.timestamp || meta.sorting_timestamp;
  const highlight = meta.unread_highlights > 0;
  const count = Math.max(meta.unread_notifications, meta.unread_highlights);
  const unread = meta.unread_messages > 0 || count > 0 || meta.marked_unread === true;

  let badgeLabel = '';
  if (count > 0) badgeLabel = `${count} ${highlight ? 'mentions' : 'notifications'}`;
  else if (unread) badgeLabel = 'unread messages';

  return (
    <button
      type="button"
      className={`roomlist-item${selected ? ' is-selected' : ''}${unread ? ' is-unread' : ''}`}
      data-testid="room-item"
      data-room-id={room.id}
      aria-current={selected ? 'page' : undefined}
      aria-label={`${name}${badgeLabel ? `, ${badgeLabel}` : ''}`}
      onClick={() => onSelect(room.id)}
    >
      <Avatar id={room.id} name={name} mxc={meta.avatar} size={40} />
      <span className="roomlist-item-body">
        <span className="roomlist-item-top">
          <span className="roomlist-item-name">{name}</span>
          {ts > 0 && <time className="roomlist-item-time" dateTime={new Date(ts).toISOString()} title={formatFullTime(ts)}>{formatListTime(ts)}</time>}
        </span>
        <span className="roomlist-item-bottom">
          <span className="roomlist-item-preview">{text || '\u00a0'}</span>
          {count > 0 ? (
            <span className={`badge${highlight ? ' badge-highlight' : ''}`} data-testid="room-unread">{formatCount(count)}</span>
          ) : unread ? (
            <span className="badge-dot" data-testid="room-unread" />
          ) : null}
        </span>
      </span>
    </button>
  );
});
