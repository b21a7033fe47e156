/**
 * The right panel's member list: joined members by power level, then the invited and the banned apart, each row
 * with the member's avatar (with their presence at its corner, when the server shares it), name and role. Names are
 * isolated for bidirectional text, with the user ID beside a name that could be mistaken for another member's. A
 * filter at the top matches names and user IDs (Esc clears it). The rows are virtualized, as the room list's are:
 * rows have fixed heights, so a room of 10,000 members puts only the ~20 in view in the DOM. A row opens the
 * member's user info. The rows are one Tab stop; ↑/↓, Home and End move through them. Whoever may invite gets an
 * Invite button in the header. Each room's list keeps its filter and scroll position, so coming back from a
 * member's user info finds it as it was left.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useOwnUserId, useStoreSelector } from '../../api/hooks.ts';
import { filterMembers, roleOf, selectMembers, type Member, type MemberGroups } from '../../api/members.ts';
import { mayInvite } from '../../api/moderation.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { setOpenUser, usePresenceState } from '../../api/user-info.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatNumber, presenceWord } from '../common/format.ts';
import { DEFAULT_TEXT_SIZE, usePrefs } from '../prefs.ts';
import { InviteDialog } from '../dialogs/InviteDialog.tsx';
import './member-list.css';

type Row = { kind: 'heading'; title: string; count: number } | { kind: 'member'; member: Member };

/** Heights at the default text size; they grow with a larger one (the names and headings scale with it, member-list.css). */
const ROW_HEIGHT = 40;
const HEADING_HEIGHT = 34;
const AVATAR_SIZE = 28;

/** The list as the virtualizer lays it out: each non-empty group's heading, then its members. */
function rowsOf(groups: MemberGroups): Row[] {
  const rows: Row[] = [];
  for (const [title, members] of [['Joined', groups.joined], ['Invited', groups.invited], ['Banned', groups.banned]] as const) {
    if (members.length === 0) continue;
    rows.push({ kind: 'heading', title, count: members.length });
    for (const member of members) rows.push({ kind: 'member', member });
  }
  return rows;
}

/**
 * Each room's filter and scroll position, so coming back from a member's user info (which takes the list's place,
 * unmounting it) finds the list as it was left, as in Element.
 */
const views = new Map<string, { filter: string; scrollTop: number }>();

export function MemberList({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const groups = useStoreSelector((s) => selectMembers(s.rooms.get(roomId)));
  const ownUserId = useOwnUserId();
  const canInvite = useStoreSelector((s) => mayInvite(s.rooms.get(roomId), ownUserId));
  const roomName = useStoreSelector((s) => roomDisplayName(s.rooms.get(roomId)));
  const [inviting, setInviting] = useState(false);
  const [filter, setFilterState] = useState(() => views.get(roomId)?.filter ?? '');
  const setFilter = (text: string): void => {
    setFilterState(text);
    // Other matches: from the top.
    scroller.current?.scrollTo({ top: 0 });
    views.set(roomId, { filter: text, scrollTop: 0 });
  };
  const deferredFilter = useDeferredValue(filter);
  const rows = useMemo(() => rowsOf(filterMembers(groups, deferredFilter)), [groups, deferredFilter]);
  const scroller = useRef<HTMLDivElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);
  // The row Tab stops at: the last one focused, else the first in view.
  const [active, setActive] = useState<string | null>(null);
  // Fixed heights, so the virtualizer places rows without measuring them, grown with the text (never shrunk: the
  // avatar keeps its size), so a name at 18 px keeps its row's padding.
  const { textSize } = usePrefs();
  const grow = Math.max(1, textSize / DEFAULT_TEXT_SIZE);
  const rowHeight = Math.round(ROW_HEIGHT * grow);
  const headingHeight = Math.round(HEADING_HEIGHT * grow);

  const getItemKey = useCallback((i: number) => {
    const row = rows[i];
    return row?.kind === 'member' ? row.member.userId : `heading:${row?.title ?? i}`;
  }, [rows]);
  // The app does not use the React Compiler; the virtualizer re-renders this component itself as it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'heading' ? headingHeight : rowHeight),
    getItemKey,
    overscan: 8,
    // Where the list was left: the virtualizer scrolls there once the scroller is in the page.
    initialOffset: () => views.get(roomId)?.scrollTop ?? 0,
  });
  useEffect(() => { virtualizer.measure(); }, [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();

  const focusIndex = useCallback((i: number) => {
    const row = () => scroller.current?.querySelector<HTMLButtonElement>(`.member-row[data-index="${i}"]`);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    // A row in the page (the next one, usually) takes the focus with the key press itself; one far away only exists
    // once the virtualizer has re-rendered.
    const now = row();
    if (now) now.focus();
    else requestAnimationFrame(() => row()?.focus());
  }, [virtualizer]);

  /** The member row `dir` steps from `at` (headings are passed over), or the first/last for Home/End. */
  function memberIndex(from: number, dir: 1 | -1): number | null {
    for (let i = from; i >= 0 && i < rows.length; i += dir) if (rows[i].kind === 'member') return i;
    return null;
  }

  function onListKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const at = Number((document.activeElement as HTMLElement | null)?.dataset.index ?? -1);
    let next: number | null;
    switch (ev.key) {
      case 'ArrowDown': next = memberIndex(at + 1, 1); break;
      case 'ArrowUp': next = at <= 0 ? null : memberIndex(at - 1, -1); break;
      case 'Home': next = memberIndex(0, 1); break;
      case 'End': next = memberIndex(rows.length - 1, -1); break;
      default: return;
    }
    ev.preventDefault();
    if (next === null && ev.key === 'ArrowUp') filterInput.current?.focus();
    else if (next !== null) focusIndex(next);
  }

  // The Tab stop: the row last focused while it is in the DOM, else the first member row in view, so Tab always
  // finds the list however far it has scrolled.
  const rendered = items.filter((v) => rows[v.index]?.kind === 'member');
  const tabStop = rendered.find((v) => getItemKey(v.index) === active)?.index ?? rendered[0]?.index;
  const total = groups.joined.length + groups.invited.length + groups.banned.length;
  return (
    <aside className="member-panel member-list" aria-label="Members" data-testid="member-list">
      <header className="member-panel-header">
        <h3>Members</h3>
        {canInvite && (
          <button type="button" className="member-panel-invite" data-testid="member-invite" onClick={() => setInviting(true)}>Invite</button>
        )}
        <button type="button" className="member-panel-close" aria-label="Close members" onClick={onClose}>×</button>
      </header>
      {total > 0 && (
        <div className="member-filter">
          <input ref={filterInput} type="search" className="member-filter-input" placeholder="Filter members" aria-label="Filter members"
            data-testid="member-filter" value={filter} spellCheck={false} autoComplete="off"
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              // Esc clears what was typed first; with nothing typed it closes the panel as elsewhere in it.
              if (e.key === 'Escape' && filter) { e.preventDefault(); e.stopPropagation(); setFilter(''); }
              if (e.key === 'ArrowDown' && !e.altKey) {
                const first = memberIndex(0, 1);
                if (first !== null) { e.preventDefault(); focusIndex(first); }
              }
            }} />
          {filter && (
            <button type="button" className="member-filter-clear" aria-label="Clear filter" title="Clear filter" data-testid="member-filter-clear"
              onClick={() => { setFilter(''); filterInput.current?.focus(); }}>×</button>
          )}
        </div>
      )}
      {filter && rows.length === 0 && <p className="member-empty" data-testid="member-empty">No members match “{filter}”.</p>}
      <div className="member-scroll" ref={scroller} onKeyDown={onListKeyDown}
        onScroll={(e) => views.set(roomId, { filter: views.get(roomId)?.filter ?? '', scrollTop: e.currentTarget.scrollTop })}>
        <div className="member-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const row = rows[v.index];
            const style = { height: v.size, transform: `translateY(${v.start}px)` };
            if (row.kind === 'heading') {
              return <h4 key={v.key} className="member-heading" style={style} data-testid="member-heading">{row.title} · {formatNumber(row.count)}</h4>;
            }
            const m = row.member;
            const role = roleOf(m.power);
            return (
              <div key={v.key} className="member-item" style={style} data-testid="member" data-user-id={m.userId} title={m.userId}>
                <button type="button" className="member-row" data-index={v.index} tabIndex={v.index === tabStop ? 0 : -1}
                  onFocus={() => setActive(m.userId)} onClick={() => setOpenUser(roomId, m.userId)}>
                  <span className="member-avatar">
                    <Avatar id={m.userId} name={m.name} mxc={m.avatar} size={AVATAR_SIZE} />
                    <PresenceDot userId={m.userId} />
                  </span>
                  <span className="member-name">
                    <bdi data-testid="member-name">{m.name}</bdi>
                    {m.ambiguous && <span className="member-id" data-testid="member-id">{m.userId}</span>}
                  </span>
                  {role && <span className="member-role">{role}</span>}
                </button>
              </div>
            );
          })}
        </div>
      </div>
      {inviting && <InviteDialog roomId={roomId} roomName={roomName} onClose={() => setInviting(false)} />}
    </aside>
  );
}

/**
 * A member's presence as a dot at their avatar's corner, as Element shows it: filled green online, amber away,
 * a grey ring offline; nothing while none is known (also whenever the homeserver has presence off). It reads its
 * member's presence alone, so a presence push re-renders the dots of the members it changed and nothing else.
 */
function PresenceDot({ userId }: { userId: string }) {
  const state = usePresenceState(userId);
  if (!state) return null;
  const word = presenceWord(state);
  return <span className={`member-presence is-${state}`} role="img" aria-label={word} title={word} data-testid="member-presence" data-presence={state} />;
}
