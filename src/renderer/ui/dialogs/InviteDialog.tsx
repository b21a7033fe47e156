/**
 * Inviting someone to a room by user ID, from the member panel's Invite button (the /invite command does the same
 * from the composer). A user ID field rather than a people search: the backend has no user directory command, and
 * Lattice otherwise asks the homeserver only for what it needs. The server's refusal is said in the dialog.
 */
import { useState } from 'react';
import { useSession } from '../../api/hooks.ts';
import { inviteUser } from '../../api/moderation.ts';
import { Dialog } from './Dialog.tsx';

export function InviteDialog({ roomId, roomName, onClose }: { roomId: string; roomName: string; onClose: () => void }) {
  const session = useSession();
  const [userId, setUserId] = useState('');
  const target = userId.trim();
  return (
    <Dialog title={`Invite to ${roomName}`} submitLabel="Invite" testId="invite-dialog" onClose={onClose}
      canSubmit={/^@[^:\s]+:\S+$/.test(target)} onSubmit={() => inviteUser(session, roomId, target)}>
      <label className="dialog-field">User ID
        <input data-testid="invite-user" value={userId} placeholder="@someone:example.org" onChange={(e) => setUserId(e.target.value)}
          autoFocus spellCheck={false} autoComplete="off" />
      </label>
    </Dialog>
  );
}
