/**
 * Invitations, above the rooms: who invited us to what. Accepting and declining need the backend's `join_room`
 * and `leave_room`, which are being added; until then the rows say how to answer.
 */
import { useStoreSelector } from '../../api/hooks.ts';
import { localpart } from '../../api/selectors.ts';
import { Avatar } from '../common/Avatar.tsx';

export function InviteList() {
  const invites = useStoreSelector((s) => s.invitedRooms);
  if (!invites.length) return null;
  return (
    <section className="invites" aria-label="Invitations" data-testid="invites">
      <h3 className="invites-title">Invitations <span className="badge badge-highlight">{invites.length}</span></h3>
      <ul className="invites-list" role="list">
        {invites.map((inv) => {
          const name = inv.name ?? inv.room_id;
          return (
            <li key={inv.room_id} className="invite" data-testid="invite" data-room-id={inv.room_id}>
              <Avatar id={inv.room_id} name={name} mxc={inv.avatar} size={32} />
              <span className="invite-text">
                <span className="invite-name">{name}</span>
                <span className="invite-by">
                  {inv.is_direct ? 'Direct message' : 'Invited'}{inv.invited_by ? ` by ${localpart(inv.invited_by)}` : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
