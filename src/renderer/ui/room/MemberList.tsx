/**
 * The right panel's member list: joined members by power level, then the invited and the banned apart. Names are
 * isolated for bidirectional text, with the user ID beside a name that could be mistaken for another member's. A row
 * opens the member's user info.
 */
import { useStoreSelector } from '../../api/hooks.ts';
import { roleOf, selectMembers, type Member } from '../../api/members.ts';
import { setOpenUser } from '../../api/user-info.ts';
import './member-list.css';

export function MemberList({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const groups = useStoreSelector((s) => selectMembers(s.rooms.get(roomId)));
  return (
    <aside className="member-panel" aria-label="Members" data-testid="member-list">
      <header className="member-panel-header">
        <h3>Members</h3>
        <button type="button" className="member-panel-close" aria-label="Close members" onClick={onClose}>×</button>
      </header>
      <Group roomId={roomId} title="Joined" members={groups.joined} />
      <Group roomId={roomId} title="Invited" members={groups.invited} />
      <Group roomId={roomId} title="Banned" members={groups.banned} />
    </aside>
  );
}

function Group({ roomId, title, members }: { roomId: string; title: string; members: readonly Member[] }) {
  if (members.length === 0) return null;
  return (
    <section className="member-group">
      <h4>{title} · {members.length}</h4>
      <ul>
        {members.map((m) => (
          <li key={m.userId} data-testid="member" data-user-id={m.userId} title={m.userId}>
            <button type="button" className="member-row" onClick={() => setOpenUser(roomId, m.userId)}>
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
