/**
 * Ctrl+K: jump to any room by typing part of its name (fuzzy). ↑/↓ choose, Enter opens, Esc closes. A modal
 * dialog with a combobox and a listbox, so screen readers follow the highlighted room.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useStoreSelector } from '../../api/hooks.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { selectSpacesModel } from '../../api/spaces.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatCount } from '../common/format.ts';
import { useFocusReturn } from '../common/focus-return.ts';
import { DEFAULT_TEXT_SIZE, usePrefs } from '../prefs.ts';
import { fuzzyFilter } from './fuzzy.ts';
import './switcher.css';

export function QuickSwitcher({ onSelect, onClose }: { onSelect: (roomId: string) => void; onClose: () => void }) {
  const rooms = useStoreSelector((s) => selectSpacesModel(s).rooms);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  // The avatars grow with the names beside them (switcher.css scales the text), asked for at the size they are drawn.
  const avatarSize = Math.round(24 * usePrefs().textSize / DEFAULT_TEXT_SIZE);
  useFocusReturn();
  // The highlighted room stays in sight as the arrows move it past the list's edge (the list scrolls; the focus
  // stays in the input, so the browser would not scroll by itself).
  useEffect(() => {
    list.current?.querySelector(`#switcher-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const results = useMemo(
    () => fuzzyFilter(rooms, query, (r) => `${roomDisplayName(r)} ${r.meta?.canonical_alias ?? ''}`, 12),
    [rooms, query],
  );

  function choose(i: number): void {
    const r = results[i];
    if (!r) return;
    onSelect(r.id);
    onClose();
  }

  function onKeyDown(ev: KeyboardEvent<HTMLInputElement>): void {
    // Tab moves through the results too: the input is the switcher's only stop, and Tab must not leave the modal.
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp' || ev.key === 'Tab') {
      ev.preventDefault();
      const n = results.length || 1;
      const down = ev.key === 'ArrowDown' || (ev.key === 'Tab' && !ev.shiftKey);
      setActive((a) => (a + (down ? 1 : n - 1)) % n);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      choose(active);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      onClose();
    }
  }

  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="switcher" role="dialog" aria-modal="true" aria-label="Go to room" data-testid="quick-switcher">
        <input
          className="switcher-input"
          autoFocus
          role="combobox"
          aria-expanded="true"
          aria-controls="switcher-results"
          aria-activedescendant={results[active] ? `switcher-${active}` : undefined}
          placeholder="Go to room…"
          aria-label="Room name"
          data-testid="switcher-input"
          value={query}
          onChange={(e) => { setQuery(e.target.value); setActive(0); }}
          onKeyDown={onKeyDown}
        />
        <ul className="switcher-results" id="switcher-results" role="listbox" aria-label="Rooms" ref={list}>
          {results.map((r, i) => {
            const name = roomDisplayName(r);
            const count = Math.max(r.meta?.unread_notifications ?? 0, r.meta?.unread_highlights ?? 0);
            const highlight = (r.meta?.unread_highlights ?? 0) > 0;
            return (
              <li key={r.id} id={`switcher-${i}`} role="option" aria-selected={i === active} data-testid="switcher-result"
                className={`switcher-result${i === active ? ' is-active' : ''}`}
                onMouseEnter={() => setActive(i)} onMouseDown={(e) => { e.preventDefault(); choose(i); }}>
                <Avatar id={r.id} name={name} mxc={r.meta?.avatar} size={avatarSize} />
                <span className="switcher-name">{name}</span>
                {r.meta?.canonical_alias && <span className="switcher-alias">{r.meta.canonical_alias}</span>}
                {/* Unread counts as in the room list, so the switcher also answers "where was I mentioned?". */}
                {count > 0 && (
                  <span className={`badge${highlight ? ' badge-highlight' : ''} switcher-badge`} data-testid="switcher-unread"
                    aria-label={`${count} ${highlight ? 'mentions' : 'notifications'}`}>{formatCount(count)}</span>
                )}
              </li>
            );
          })}
          {results.length === 0 && <li className="switcher-empty">No room matches “{query}”.</li>}
        </ul>
      </div>
    </div>
  );
}
