/**
 * Invitations, above the rooms: who invited us to what (the name opens the room's preview), with Accept (join, then
 * open the room once the sync has brought it) and Decline (leave). A failure stays on the invite's row in words; the row goes away when the sync
 * says the invite is answered.
 */
import { useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { inviteDisplayName, inviterName, isSpaceInvite } from '../../../shared/invite-names.ts';
import type { InvitedRoom } from '../../../shared/rpc/types.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { acceptInvite, declineInvite, waitForJoinedRoom } from '../../api/room-list-actions.ts';
import { Avatar } from '../common/Avatar.tsx';
import { hashForRoom } from '../route.ts';
import { useOpenJoined } from './open-joined.ts';

/** `onOpen` opens a joined room (a joined space is shown in the spaces bar instead, see open-joined.ts). */
export function InviteList({ onOpen }: { onOpen: (roomId: string) => void }) {
  const invites = useStoreSelector((s) => s.invitedRooms);
  if (!invites.length) return null;
  return (
    <section className="invites" aria-label="Invitations" data-testid="invites">
      <h3 className="invites-title">Invitations <span className="badge badge-highlight">{invites.length}</span></h3>
      <ul className="invites-list" role="list">
        {invites.map((inv) => <Invite key={inv.room_id} invite={inv} onOpen={onOpen} />)}
      </ul>
    </section>
  );
}

function Invite({ invite, onOpen }: { invite: InvitedRoom; onOpen: (roomId: string) => void }) {
  const session = useSession();
  const openJoined = useOpenJoined();
  const [busy, setBusy] = useState<'accept' | 'decline' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = inviteDisplayName(invite);
  const inviter = inviterName(invite);

  async function accept(): Promise<void> {
    setBusy('accept');
    setError(null);
    try {
      const roomId = await acceptInvite(session, invite.room_id);
      await waitForJoinedRoom(session, roomId);
      openJoined(roomId, onOpen);
    } catch (err) {
      setError(`Could not join: ${errorMessage(err)}`);
      setBusy(null);
    }
  }

  async function decline(): Promise<void> {
    setBusy('decline');
    setError(null);
    try {
      await declineInvite(session, invite.room_id);
    } catch (err) {
      setError(`Could not decline: ${errorMessage(err)}`);
      setBusy(null);
    }
  }

  return (
    <li className="invite" data-testid="invite" data-room-id={invite.room_id} aria-label={`Invitation to ${name}`}>
      {/* The name opens the room's preview: what the server tells about the room before joining it. */}
      <a className="invite-main" href={hashForRoom(invite.room_id)} data-testid="invite-open" title={`Preview ${name}`}>
        <Avatar id={invite.room_id} name={name} mxc={invite.avatar} size={32} />
        <span className="invite-text">
          <span className="invite-name" title={name}>{name}</span>
          <span className="invite-by" title={invite.invited_by}>
            {/* A space is a group of rooms, not a conversation: said before joining it shows no chat. */}
            {invite.is_direct ? 'Direct message' : isSpaceInvite(invite) ? 'Space · invited' : 'Invited'}
            {inviter && inviter !== name ? ` by ${inviter}` : ''}
          </span>
        </span>
      </a>
      <div className="invite-buttons">
        <button type="button" className="invite-button is-primary" data-testid="invite-accept" disabled={busy !== null}
          onClick={() => void accept()} aria-label={`Accept the invitation to ${name}`}>
          {busy === 'accept' ? 'Joining…' : 'Accept'}
        </button>
        <button type="button" className="invite-button" data-testid="invite-decline" disabled={busy !== null}
          onClick={() => void decline()} aria-label={`Decline the invitation to ${name}`}>
          {busy === 'decline' ? 'Declining…' : 'Decline'}
        </button>
      </div>
      {error && <p className="invite-error" role="alert" data-testid="invite-error">{error}</p>}
    </li>
  );
}
