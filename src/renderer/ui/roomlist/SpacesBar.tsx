/**
 * The spaces bar: home, DMs, unread, favourites, rooms outside spaces, then the joined top-level spaces, each with
 * the unread and highlight counts of its rooms summed, and at its end "+" to create a space (as Element's bar ends).
 * A vertical toolbar: ↑/↓ move between entries.
 */
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { useStoreSelector } from '../../api/hooks.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { selectSpacesModel, type SpaceEntry } from '../../api/spaces.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatCount } from '../common/format.ts';
import { CreateSpaceDialog } from '../spaces/CreateSpaceDialog.tsx';

/** The pseudo-spaces' names and icons, drawn as the app's other icons are (24-unit strokes in the text colour). */
const PSEUDO: Record<string, { label: string; icon: ReactNode }> = {
  home: { label: 'All rooms', icon: <><path d="M3 10.5 12 3l9 7.5" /><path d="M5 9v11h14V9" /><path d="M10 20v-6h4v6" /></> },
  dms: { label: 'Direct messages', icon: <><circle cx="12" cy="8" r="4" /><path d="M4 21a8 8 0 0 1 16 0" /></> },
  unread: { label: 'Unread', icon: <><path d="M4 5h16v11H9l-5 4z" /><circle cx="12" cy="10.5" r="1.6" fill="currentColor" /></> },
  favourites: { label: 'Favourites', icon: <path d="m12 3 2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z" /> },
  orphans: { label: 'Rooms outside spaces', icon: <path d="M5 9h15M4 15h15M10 3 8 21M16 3l-2 18" /> },
};

export function SpacesBar({ spaceId, onSelect }: { spaceId: string; onSelect: (id: string) => void }) {
  const entries = useStoreSelector((s) => selectSpacesModel(s).entries);
  const [creating, setCreating] = useState(false);

  function onKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    const buttons = [...ev.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, i + (ev.key === 'ArrowDown' ? 1 : -1)))];
    ev.preventDefault();
    next?.focus();
  }

  return (
    <>
      <div className="spaces-bar" role="toolbar" aria-orientation="vertical" aria-label="Spaces" data-testid="spaces-bar" onKeyDown={onKeyDown}>
        {entries.map((e) => <SpaceButton key={e.id} entry={e} selected={e.id === spaceId} onSelect={onSelect} />)}
        <button type="button" className="space-button space-create" data-testid="create-space" aria-label="Create a space"
          title="Create a space" tabIndex={-1} onClick={() => setCreating(true)}>
          <svg className="space-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor"
            strokeWidth="2" strokeLinecap="round"><path d="M12 5v14M5 12h14" /></svg>
        </button>
      </div>
      {/* Outside the toolbar: its arrow keys would move between the dialog's fields' buttons otherwise. */}
      {creating && <CreateSpaceDialog onClose={() => setCreating(false)} />}
    </>
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
      {pseudo ? (
        <svg className="space-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor"
          strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">{pseudo.icon}</svg>
      ) : <Avatar id={entry.id} name={name} mxc={entry.room?.meta?.avatar} size={36} />}
      {count > 0 ? (
        <span className={`space-badge badge${highlights ? ' badge-highlight' : ''}`} data-testid="space-unread">{formatCount(count)}</span>
      ) : messages > 0 ? <span className="space-badge badge-dot" data-testid="space-unread" /> : null}
    </button>
  );
}
