/**
 * Inviting people to a room from the member panel's Invite button (the /invite command does the same from the
 * composer), as Element's invite dialog does: people found by name or user ID as one types (PeoplePicker), several
 * at once, or a whole user ID typed. Someone already in the room, invited or banned is shown as such and cannot be
 * picked. Each is invited in turn; who could not be is said in the dialog, and only they stay picked.
 */
import { useState } from 'react';
import { useOwnUserId, useRoom, useSession, useStoreSelector } from '../../api/hooks.ts';
import { inviteUser } from '../../api/moderation.ts';
import { typedUserId, usePeopleSearch, type Person } from '../../api/people-search.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { Dialog } from './Dialog.tsx';
import { PeoplePicker, type RowNote } from './PeoplePicker.tsx';

const MEMBERSHIP_NOTES: Readonly<Record<string, string>> = {
  join: 'Already in the room',
  invite: 'Already invited',
  ban: 'Banned (unban them first)',
};

function membershipOf(room: RoomData | undefined, userId: string): string | undefined {
  const rowid = room?.state['m.room.member']?.[userId];
  const membership = rowid === undefined ? undefined : room?.events.get(rowid)?.content.membership;
  return typeof membership === 'string' ? membership : undefined;
}

export function InviteDialog({ roomId, roomName, onClose }: { roomId: string; roomName: string; onClose: () => void }) {
  const session = useSession();
  const room = useRoom(roomId);
  const rooms = useStoreSelector((s) => s.roomList);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<readonly Person[]>([]);
  const search = usePeopleSearch(session, rooms, useOwnUserId(), query);
  const noteFor = (p: Person): RowNote | null => {
    const text = MEMBERSHIP_NOTES[membershipOf(room, p.userId) ?? ''];
    return text ? { text, disabled: true } : null;
  };
  // A whole user ID typed and not picked counts too, as the dialog took it before it could search.
  const typed = typedUserId(query);
  const extra = typed && !picked.some((p) => p.userId === typed) && !MEMBERSHIP_NOTES[membershipOf(room, typed) ?? ''] ? [typed] : [];
  const targets = [...picked.map((p) => p.userId), ...extra];

  const invite = async () => {
    const failed: string[] = [];
    const done = new Set<string>();
    for (const userId of targets) {
      try {
        await inviteUser(session, roomId, userId);
        done.add(userId);
      } catch (e) {
        failed.push(errorMessage(e));
      }
    }
    if (failed.length === 0) return;
    // Those invited leave the field; those who could not be stay, with the reasons.
    setPicked((now) => now.filter((p) => !done.has(p.userId)));
    if (typed && done.has(typed)) setQuery('');
    throw new Error(done.size > 0 ? `${done.size} invited. ${failed.join(' ')}` : failed.join(' '));
  };

  return (
    <Dialog title={`Invite to ${roomName}`} submitLabel={targets.length > 1 ? `Invite ${targets.length}` : 'Invite'} testId="invite-dialog"
      onClose={onClose} canSubmit={targets.length > 0} onSubmit={invite}>
      <PeoplePicker query={query} onQuery={setQuery} search={search} picked={picked} inputTestId="invite-user" multiple
        onPick={(p) => setPicked((now) => (now.some((q) => q.userId === p.userId) ? now : [...now, p]))}
        onUnpick={(userId) => setPicked((now) => now.filter((p) => p.userId !== userId))} noteFor={noteFor} />
    </Dialog>
  );
}
