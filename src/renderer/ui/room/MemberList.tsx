/**
 * The right panel's member list: joined members by power level, then the invited and the banned apart. Names are
 * isolated for bidirectional text, with the user ID beside a name that could be mistaken for another member's. A row
 * opens the member's user info. The rows are one Tab stop; ↑/↓, Home and End move through them.
 */
import { useState, type KeyboardEvent } from 'react';
import { useStoreSelector } from '../../api/hooks.ts';
import { roleOf, selectMembers, type Member } from '../../api/members.ts';
import { setOpenUser } from '../../api/user-info.ts';
import { moveFocus } from '../common/list-keys.ts';
import './member-list.css';

export function MemberList({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const groups = useStoreSelector((s) => selectMembers(s.rooms.get(roomId)));
  // The row Tab stops at: the last one focused, else the first.
  const [active, setActive] = useState<string | null>(null);
  const all = [...groups.joined, ...groups.invited, ...groups.banned];
  const tabStop = all.some((m) => m.userId === active) ? active : all[0]?.userId ?? null;
  function onKeyDown(ev: KeyboardEvent<HTMLElement>): void {
    const rows = [...ev.currentTarget.querySelectorAll<HTMLElement>('.member-row')];
    const at = rows.indexOf(document.activeElement as HTMLElement);
    if (at >= 0) moveFocus(ev, rows, at);
  }
  const group = (title: string, members: readonly Member[]) => (
    <Group roomId={roomId} title={title} members={members} tabStop={tabStop} onFocusRow={setActive} />
  );
  return (
    <aside className="member-panel" aria-label="Members" data-testid="member-list" onKeyDown={onKeyDown}>
      <header className="member-panel-header">
        <h3>Members</h3>
        <button type="button" className="member-panel-close" aria-label="Close members" onClick={onClose}>×</button>
      </header>
      {group('Joined', groups.joined)}
      {group('Invited', groups.invited)}
      {group('Banned', groups.banned)}
    </aside>
  );
}

function Group({ roomId, title, members, tabStop, onFocusRow }: {
  roomId: string;
  title: string;
  members: readonly Member[];
  tabStop: string | null;
  onFocusRow: (userId: string) => void;
}) {
  if (members.length === 0) return null;
  return (
    <section className="member-group">
      <h4>{title} · {members.length}</h4>
      <ul>
        {members.map((m) => (
          <li key={m.userId} data-testid="member" data-user-id={m.userId} title={m.userId}>
            <button type="button" className="member-row" tabIndex={m.userId === tabStop ? 0 : -1}
              onFocus={() => onFocusRow(m.userId)} onClick={() => setOpenUser(roomId, m.userId)}>
              <span className="member-name">
                <bdi data-testid="member-name">{m.name}</bdi>
                {m.ambiguous && <span className="member-id" data-testid="member-id">{m.userId}</span>}
              </span>
              {roleOf(m.power) && <span className="member-role">{roleOf(m.power)}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
