/** The room dialogs: create a room, start a DM (finding the person), join by alias or ID, and leave with confirmation. */
import { useEffect, useState } from 'react';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import { typedUserId, usePeopleSearch, type Person } from '../../api/people-search.ts';
import { createRoom, joinRoom, leaveRoom, roomAddress } from '../../api/room-requests.ts';
import type { Session } from '../../api/session.ts';
import { aliasFromName, loadRestrictedRoomVersion, serverOf, type RestrictedRooms } from '../../api/space-manage.ts';
import { openDirectChat } from '../../api/user-info.ts';
import { findDm } from '../../links/link-route.ts';
import { hashForRoom, roomIdFromHash } from '../route.ts';
import { AddressField, addressProblem, useNewAddressCheck } from './AddressField.tsx';
import { Dialog } from './Dialog.tsx';
import { PeoplePicker, type RowNote } from './PeoplePicker.tsx';

function openRoom(roomId: string): void {
  window.location.hash = hashForRoom(roomId);
}

/**
 * Joins a room by its address or ID and opens it: the Join dialog, and an address typed into Explore. Rejects with
 * the server's refusal.
 */
export async function joinAndOpen(session: Session, address: string, via: readonly string[] = []): Promise<void> {
  openRoom(await joinRoom(session, address, via));
}

/**
 * After leaving, the room pane closes if it showed that room (leaving from the room list may be about another).
 * Also used by the room report's "leave as well".
 */
export function closeIfShown(roomId: string): void {
  if (roomIdFromHash(window.location.hash) === roomId) window.location.hash = '';
}

/**
 * `spaceId`: made inside that space (from its home), as Element's dialog does there: who may join is a choice of
 * invite only, the space's members (the restricted join rule, offered when the homeserver has a room version for it,
 * and then chosen first) or anyone; the room names the space as its parent and is listed in it. A public room (in a
 * space or not) gets an address, made from its name until the person types their own, as in Element.
 */
export function CreateRoomDialog({ onClose, spaceId, spaceName }: { onClose: () => void; spaceId?: string; spaceName?: string }) {
  const session = useSession();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [access, setAccess] = useState<Access>('invite');
  const [encrypted, setEncrypted] = useState(true);
  const restricted = useRestrictedVersion(spaceId !== undefined);
  // The space's members by default once the server is known to allow it, until the person picks something else.
  const [picked, setPicked] = useState(false);
  const shown: Access = !picked && restricted ? 'space' : access;
  const isPublic = shown === 'public';
  const pick = (a: Access) => { setPicked(true); setAccess(a); };
  // A public room's address follows the name until the person edits it, as in Element.
  const server = serverOf(useOwnUserId() ?? '') ?? '';
  const [typedAlias, setTypedAlias] = useState<string | null>(null);
  const alias = typedAlias ?? aliasFromName(name);
  const aliasProblem = isPublic ? addressProblem(alias, 'room') : null;
  const aliasCheck = useNewAddressCheck(isPublic, alias, server, aliasProblem);
  const create = () => createRoom(session, {
    name, topic, isPublic, encrypted: encrypted && !isPublic, ...(isPublic ? { alias } : {}),
    ...(spaceId ? { space: { id: spaceId, restricted: shown === 'space' ? restricted : null } } : {}),
  });
  return (
    <Dialog title={spaceId ? `Create a room in ${spaceName ?? 'this space'}` : 'Create a room'} submitLabel="Create" testId="create-room-dialog"
      onClose={onClose} canSubmit={name.trim() !== '' && aliasProblem === null && aliasCheck.state !== 'taken'} onSubmit={async () => openRoom(await create())}>
      <label className="dialog-field">Name<input data-testid="create-room-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus /></label>
      <label className="dialog-field">Topic (optional)<input data-testid="create-room-topic" value={topic} onChange={(e) => setTopic(e.target.value)} /></label>
      {spaceId ? (
        <fieldset className="dialog-choices" data-testid="create-room-access">
          <legend>Who can join</legend>
          <label className="dialog-check">
            <input type="radio" name="create-room-access" data-testid="create-room-invite" checked={shown === 'invite'} onChange={() => pick('invite')} />
            Private: only people invited
          </label>
          {restricted && (
            <label className="dialog-check">
              <input type="radio" name="create-room-access" data-testid="create-room-space-members" checked={shown === 'space'} onChange={() => pick('space')} />
              Visible to space members: anyone in {spaceName ?? 'the space'} can find and join it
            </label>
          )}
          <label className="dialog-check">
            <input type="radio" name="create-room-access" data-testid="create-room-public" checked={shown === 'public'} onChange={() => pick('public')} />
            Public: anyone can find and join it
          </label>
        </fieldset>
      ) : (
        <label className="dialog-check">
          <input type="checkbox" data-testid="create-room-public" checked={isPublic} onChange={(e) => pick(e.target.checked ? 'public' : 'invite')} />
          Public: anyone can find and join it
        </label>
      )}
      {isPublic && <AddressField testId="create-room-alias" value={alias} server={server} problem={aliasProblem} check={aliasCheck} onChange={setTypedAlias} />}
      <label className={`dialog-check${isPublic ? ' is-disabled' : ''}`}>
        <input type="checkbox" data-testid="create-room-encrypted" disabled={isPublic} checked={encrypted && !isPublic}
          onChange={(e) => setEncrypted(e.target.checked)} />
        {isPublic ? 'Encrypted (off for public rooms: anyone can join and read them)' : 'Encrypted: only members\' devices can read messages (cannot be turned off later)'}
      </label>
    </Dialog>
  );
}

type Access = 'invite' | 'space' | 'public';

/**
 * The room version that lets a room be restricted to a space's members, asked of the homeserver while the dialog is
 * open inside a space; null (the choice is not offered) until it answers, when it has none, or when it cannot say.
 */
function useRestrictedVersion(inSpace: boolean): RestrictedRooms | null {
  const session = useSession();
  const [version, setVersion] = useState<RestrictedRooms | null>(null);
  useEffect(() => {
    if (!inSpace) return;
    let live = true;
    loadRestrictedRoomVersion(session).then((v) => { if (live) setVersion(v); })
      .catch((err: unknown) => console.warn('lattice: reading the homeserver capabilities failed', err));
    return () => { live = false; };
  }, [session, inSpace]);
  return version;
}

/**
 * Start a direct message, as Element's "Start chat": the person found by name or user ID as one types
 * (PeoplePicker), or a whole user ID typed. Someone we already have a DM with (m.direct) gets that room opened
 * instead of a new one, as Element does; the button and a line say so before it is pressed.
 */
export function StartDmDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const rooms = useStoreSelector((s) => s.roomList);
  const ownUserId = useOwnUserId();
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<Person | null>(null);
  const [encrypted, setEncrypted] = useState(true);
  const search = usePeopleSearch(session, rooms, ownUserId, query);
  const target = picked?.userId ?? typedUserId(query);
  const existing = useStoreSelector((s) => (target ? findDm(s, target) : null));
  const noteFor = (p: Person): RowNote | null => (findDm(session.store.getSnapshot(), p.userId) ? { text: 'Open your chat', disabled: false } : null);
  return (
    <Dialog title="Start a direct message" submitLabel={existing ? 'Open chat' : 'Start chat'} testId="start-dm-dialog" onClose={onClose}
      canSubmit={target !== null && target !== ownUserId} onSubmit={async () => { if (target) openRoom(await openDirectChat(session, target, encrypted)); }}>
      <PeoplePicker query={query} onQuery={setQuery} search={search} picked={picked ? [picked] : []} inputTestId="start-dm-user"
        onPick={setPicked} onUnpick={() => setPicked(null)} noteFor={noteFor} />
      {existing ? (
        <p className="dialog-note" data-testid="start-dm-existing">You already have a direct chat with {picked?.name ?? target}: it opens.</p>
      ) : (
        <label className="dialog-check">
          <input type="checkbox" data-testid="start-dm-encrypted" checked={encrypted} onChange={(e) => setEncrypted(e.target.checked)} />
          Encrypted: only your and their devices can read messages
        </label>
      )}
    </Dialog>
  );
}

/** `onExplore`: leaves this dialog for the public room directory, for someone who has no address to type. */
export function JoinRoomDialog({ onClose, onExplore }: { onClose: () => void; onExplore?: () => void }) {
  const session = useSession();
  const [target, setTarget] = useState('');
  return (
    <Dialog title="Join a room" submitLabel="Join" testId="join-room-dialog" onClose={onClose}
      canSubmit={roomAddress(target) !== null} onSubmit={() => joinAndOpen(session, target)}>
      <label className="dialog-field">Room alias or ID
        <input data-testid="join-room-target" value={target} placeholder="#room:example.org" onChange={(e) => setTarget(e.target.value)} autoFocus />
      </label>
      {onExplore && (
        <p className="dialog-aside">No address? <button type="button" className="link-button" data-testid="join-room-explore"
          onClick={onExplore}>Explore public rooms</button> to find one.</p>
      )}
    </Dialog>
  );
}

export function LeaveRoomDialog({ roomId, roomName, onClose }: { roomId: string; roomName: string; onClose: () => void }) {
  const session = useSession();
  return (
    <Dialog title={`Leave ${roomName}?`} submitLabel="Leave" danger testId="leave-room-dialog" onClose={onClose}
      onSubmit={async () => { await leaveRoom(session, roomId); closeIfShown(roomId); }}>
      <p>You will stop receiving its messages. A private room needs a new invite to come back.</p>
    </Dialog>
  );
}
