/**
 * A compact emoji picker over emojibase-data: a search box (names, tags and `:shortcodes:`), group tabs and a grid.
 * Used for reactions (the message toolbar's "+") and in the composer. Enter picks the first match, Esc closes (EmojiButton
 * gives the focus back to itself). The group tabs and the grid are one Tab stop each: ←/→ move
 * through the groups, the arrows through the grid (↓ from the search box enters it, ↑ from its top row leaves it).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { GROUPS, loadEmoji, searchEmoji, type Emoji } from '../../api/emoji-data.ts';
import { moveFocus } from '../common/list-keys.ts';
import './emoji.css';

/** The grid's columns (emoji.css). */
const COLUMNS = 8;

export function EmojiPicker({ onPick, onClose, label, className }: {
  onPick: (unicode: string) => void;
  onClose: () => void;
  label: string;
  className?: string;
}) {
  const [all, setAll] = useState<readonly Emoji[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [group, setGroup] = useState<number>(GROUPS[0].id);
  const root = useRef<HTMLDivElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const [cell, setCell] = useState(0);

  useEffect(() => {
    let live = true;
    loadEmoji().then((e) => { if (live) setAll(e); }, (err: unknown) => { if (live) setError(`Could not load the emoji: ${errorMessage(err)}`); });
    return () => { live = false; };
  }, []);

  // A click anywhere else closes the picker, as a menu would.
  useEffect(() => {
    const onDown = (e: MouseEvent) => { if (root.current && !root.current.contains(e.target as Node)) onClose(); };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const shown = useMemo(() => {
    if (!all) return [];
    return query.trim() ? searchEmoji(all, query.trim(), 120) : all.filter((e) => e.group === group);
  }, [all, query, group]);
  const activeCell = Math.max(0, Math.min(cell, shown.length - 1));
  const cells = (): HTMLElement[] => [...(grid.current?.querySelectorAll<HTMLElement>('.emoji-cell') ?? [])];

  return (
    <div ref={root} className={`emoji-picker${className ? ` ${className}` : ''}`} role="dialog" aria-label={label} data-testid="emoji-picker"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); } }}>
      <input className="emoji-search" type="search" placeholder="Search emoji" aria-label="Search emoji" value={query} autoFocus
        ref={search} data-testid="emoji-search" onChange={(e) => { setQuery(e.target.value); setCell(0); }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && shown[0]) { e.preventDefault(); onPick(shown[0].unicode); }
          if (e.key === 'ArrowDown') { e.preventDefault(); cells()[activeCell]?.focus(); }
        }} />
      {!query.trim() && (
        <div className="emoji-groups" role="tablist" aria-label="Emoji groups" onKeyDown={(e) => {
          if (e.key === 'ArrowUp' || e.key === 'ArrowDown') return;
          const at = GROUPS.findIndex((g) => g.id === group);
          const next = moveFocus(e, [...e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')], at, GROUPS.length, true);
          if (next !== null) { setGroup(GROUPS[next].id); setCell(0); }
        }}>
          {GROUPS.map((g) => (
            <button key={g.id} type="button" role="tab" aria-selected={g.id === group} title={g.name} aria-label={g.name}
              tabIndex={g.id === group ? 0 : -1} className={g.id === group ? 'is-active' : undefined}
              onClick={() => { setGroup(g.id); setCell(0); }}>{g.icon}</button>
          ))}
        </div>
      )}
      <div className="emoji-grid" data-testid="emoji-grid" role="listbox" aria-label="Emoji" ref={grid} onKeyDown={(e) => {
        if (e.key === 'ArrowUp' && activeCell < COLUMNS) { e.preventDefault(); search.current?.focus(); return; }
        const next = moveFocus(e, cells(), activeCell, COLUMNS);
        if (next !== null) setCell(next);
      }}>
        {error ? <p className="emoji-note">{error}</p>
          : !all ? <p className="emoji-note">Loading…</p>
            : shown.length === 0 ? <p className="emoji-note">No emoji match “{query}”</p>
              : shown.map((e, i) => (
                <button key={e.unicode} type="button" className="emoji-cell" data-testid="emoji-option" role="option"
                  aria-selected={i === activeCell} tabIndex={i === activeCell ? 0 : -1} onFocus={() => setCell(i)}
                  title={e.shortcodes.length ? `${e.label} :${e.shortcodes[0]}:` : e.label} aria-label={e.label}
                  onClick={() => onPick(e.unicode)}>{e.unicode}</button>
              ))}
      </div>
    </div>
  );
}
