/**
 * The people field of the invite and "Start a direct message" dialogs, as Element's: a name or user ID typed finds
 * people as it is typed (people-search.ts: those we know first, then the homeserver's user directory), each row with
 * their avatar, name and user ID and, where the dialog says so, why they cannot be picked (already in the room).
 * With nothing typed it offers the people we talked with most recently (people-search.ts recentPeople), as
 * Element's recent conversations; a dialog that takes one person stops offering them once one is picked.
 * A combobox: ↑/↓ move through the rows, Enter or a click picks one, Esc clears what was typed (and only then
 * closes the dialog), Backspace in the empty field takes back the last person picked. Enter with no row to pick
 * submits the dialog's form as before; among the recent people no row is chosen until ↑/↓ choose one, so Enter in
 * the empty field still submits what was picked.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Person, PeopleSearch } from '../../api/people-search.ts';
import { Avatar } from '../common/Avatar.tsx';
import './people-picker.css';

/** What a dialog says of a row: a note beside it, and whether it may be picked. */
export interface RowNote {
  readonly text: string;
  readonly disabled: boolean;
}

export function PeoplePicker({ query, onQuery, search, picked, onPick, onUnpick, noteFor, inputTestId, multiple = false }: {
  query: string;
  onQuery: (query: string) => void;
  search: PeopleSearch;
  picked: readonly Person[];
  onPick: (person: Person) => void;
  onUnpick: (userId: string) => void;
  noteFor: (person: Person) => RowNote | null;
  inputTestId: string;
  /** Several people can be picked (invite): the recent people stay offered after a pick. */
  multiple?: boolean;
}) {
  const listId = useId();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const optionId = (userId: string) => `${listId}-${userId}`;
  const term = query.trim();
  const recent = term === '';
  const rows = recent && picked.length > 0 && !multiple ? [] : search.people.filter((p) => !picked.some((q) => q.userId === p.userId));
  const enabled = rows.filter((p) => !noteFor(p)?.disabled);
  // The row ↑/↓ last chose, while it is still there and can be picked; else the first that can, except among the
  // recent people, where Enter picks only a row chosen on purpose.
  const [chosen, setChosen] = useState<string | null>(null);
  const active = enabled.find((p) => p.userId === chosen) ?? (recent ? null : enabled[0] ?? null);

  // The chosen row kept in view as ↑/↓ move through a list longer than its box.
  const activeId = active?.userId;
  useEffect(() => {
    if (activeId) document.getElementById(`${listId}-${activeId}`)?.scrollIntoView({ block: 'nearest' });
  }, [listId, activeId]);

  const pick = (p: Person) => {
    onPick(p);
    onQuery('');
    setChosen(null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && enabled.length > 0) {
      e.preventDefault();
      const at = active ? enabled.indexOf(active) : -1;
      const next = e.key === 'ArrowDown' ? (at + 1) % enabled.length : (at - 1 + enabled.length) % enabled.length;
      setChosen(enabled[next].userId);
    } else if (e.key === 'Enter' && active) {
      e.preventDefault();
      pick(active);
    } else if (e.key === 'Escape' && query !== '') {
      e.preventDefault();
      e.stopPropagation();
      onQuery('');
    } else if (e.key === 'Backspace' && query === '' && picked.length > 0) {
      e.preventDefault();
      onUnpick(picked[picked.length - 1].userId);
    }
  };

  return (
    <div className="people-picker">
      {/* Not a label around the field: the chips' buttons inside it would be what it labels. */}
      <div className="dialog-field">
        <label htmlFor={inputId}>Name or user ID</label>
        {/* A click beside the chips goes to the input, as in a plain field. */}
        <span className="people-field" onClick={(e) => { if (e.target === e.currentTarget) input.current?.focus(); }}>
          {picked.map((p) => (
            <span key={p.userId} className="people-chip" data-testid="people-chip" data-user-id={p.userId} title={p.userId}>
              <Avatar id={p.userId} name={p.name} mxc={p.avatar} size={20} />
              <span className="people-chip-name">{p.name}</span>
              <button type="button" className="people-chip-remove" aria-label={`Remove ${p.name}`} onClick={() => onUnpick(p.userId)}>×</button>
            </span>
          ))}
          <input ref={input} id={inputId} data-testid={inputTestId} value={query} placeholder={picked.length ? '' : 'Name or @someone:example.org'}
            role="combobox" aria-autocomplete="list" aria-expanded={rows.length > 0} aria-controls={listId}
            aria-activedescendant={active ? optionId(active.userId) : undefined}
            // Back to the recent people with none chosen: a row chosen among results is not a choice among them.
            onChange={(e) => { if (e.target.value.trim() === '') setChosen(null); onQuery(e.target.value); }} onKeyDown={onKeyDown} autoFocus spellCheck={false} autoComplete="off" />
        </span>
      </div>
      {(!recent || rows.length > 0) && (
        <div className="people-results" data-testid="people-results" aria-busy={search.searching}>
          {recent && <p className="people-heading" id={`${listId}-heading`} data-testid="people-recent">Recent</p>}
          <ul id={listId} role="listbox" aria-label={recent ? undefined : 'People found'} aria-labelledby={recent ? `${listId}-heading` : undefined}
            className={`people-list${search.searching ? ' is-searching' : ''}`}>
            {rows.map((p) => {
              const note = noteFor(p);
              return (
                <li key={p.userId} id={optionId(p.userId)} role="option" aria-selected={p === active} aria-disabled={note?.disabled || undefined}
                  className={`people-option${p === active ? ' is-active' : ''}${note?.disabled ? ' is-disabled' : ''}`}
                  data-testid="people-option" data-user-id={p.userId} data-source={p.source}
                  // The field keeps the focus: a click picks without taking it.
                  onMouseDown={(e) => e.preventDefault()} onMouseMove={() => { if (!note?.disabled) setChosen(p.userId); }}
                  onClick={() => { if (!note?.disabled) pick(p); }}>
                  <Avatar id={p.userId} name={p.name} mxc={p.avatar} size={32} />
                  <span className="people-option-text">
                    <span className="people-option-name">{p.source === 'typed' ? `Use ${p.userId}` : p.name}</span>
                    {p.source !== 'typed' && p.name !== p.userId && <span className="people-option-id">{p.userId}</span>}
                    {p.source === 'typed' && <span className="people-option-id">Not found, but you can still use this user ID</span>}
                  </span>
                  {note && <span className="people-option-note" data-testid="people-option-note">{note.text}</span>}
                </li>
              );
            })}
          </ul>
          {search.searching && (
            <p className="people-status" role="status" data-testid="people-searching"><span className="spinner" aria-hidden="true" /> Searching…</p>
          )}
          {search.error && <p className="people-status is-error" role="alert" data-testid="people-error">{search.error}</p>}
          {!recent && !search.searching && !search.error && search.people.length === 0 && (
            <p className="people-status" role="status" data-testid="people-empty">
              No one found for “{term}”. Type their whole user ID (such as @someone:example.org) to use it anyway.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
