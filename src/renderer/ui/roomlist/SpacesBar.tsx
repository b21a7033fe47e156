/**
 * The spaces bar: home, DMs, unread, favourites, rooms outside spaces, then the joined top-level spaces, each with
 * the unread and highlight counts of its rooms summed. A vertical toolbar: ↑/↓ move between entries.
 */
import type { KeyboardEvent } from 'react';
import { useStoreSelector } from '../../api/hooks.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { selectSpacesModel, type SpaceEntry } from '../../api/spaces.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatCount } from '../common/format.ts';

const PSEUDO: Record<string, { label: string; icon: string }> = {
  home: { label: 'All rooms', icon: '⌂' },
  dms: { label: 'Direct messages', icon: '@' },
  unread: { label: 'Unread', icon: '●' },
  favourites: { label: 'Favourites', icon: '★' },
  orphans: { label: 'Rooms outside spaces', icon: '#' },
};

export function SpacesBar({ spaceId, onSelect }: { spaceId: string; onSelect: (id: string) => void }) {
  const entries = useStoreSelector((s) => selectSpacesModel(s).entries);

  function onKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    const buttons = [...ev.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, i + (ev.key === 'ArrowDown' ? 1 : -1)))];
    ev.preventDefault();
    next?.focus();
  }

  return (
    <div className="spaces-bar" role="toolbar" aria-orientation="vertical" aria-label="Spaces" data-testid="spaces-bar" onKeyDown={onKeyDown}>
      {entries.map((e) => <SpaceButton key={e.id} entry={e} selected={e.id === spaceId} onSelect={onSelect} />)}
    </div>
  );
}

function SpaceButton({ entry, selected, onSelect }: { entry: SpaceEntry; selected: boolean; onSelect: (id: string) => void }) {
  const pseudo = PSEUDO[entry.id];
  const name = pseudo ? pseudo.label : roomDisplayName(entry.room) || entry.id;
  const { notifications, highlights, messages } = entry.counts;
  const count = Math.max(notifications, highlights);
  const label = `${name}${count ? `, ${count} ${highlights ? 'mentions' : 'notifications'}` : messages ? ', unread' : ''}`;
  return (
    <button type="button" className={`space-button${selected ? ' is-selected' : ''}`} onClick={() => onSelect(entry.id)}
      aria-pressed={selected} aria-label={label} title={name} data-testid="space" data-space-id={entry.id} tabIndex={selected ? 0 : -1}>
      {pseudo ? <span className="space-icon" aria-hidden="true">{pseudo.icon}</span>
        : <Avatar id={entry.id} name={name} mxc={entry.room?.meta?.avatar} size={36} />}
      {count > 0 ? (
        <span className={`space-badge badge${highlights ? ' badge-highlight' : ''}`} data-testid="space-unread">{formatCount(count)}</span>
      ) : messages > 0 ? <span className="space-badge badge-dot" data-testid="space-unread" /> : null}
    </button>
  );
}
