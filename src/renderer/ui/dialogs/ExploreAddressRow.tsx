/**
 * A room address (`#room:server`) or room ID typed into Explore's search box, offered above the directory's answer,
 * which may not list that room at all (Element's directory offers the same): View when we are in the room, else
 * "Join this address", joined and opened as the Join dialog does it, with a refusal said on the row in words.
 * An address that is not the main one of a room we are in (another of its aliases) is asked of the homeserver once
 * the typing pauses, so View is offered for it too.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { directoryFailure, normalizeServer } from '../../api/public-rooms.ts';
import { serverOf } from '../../api/room-list-actions.ts';
import { resolveRoomAlias } from '../../api/room-requests.ts';
import { REQUEST_FAILED } from '../../api/room-summary.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { isSpaceRoom } from '../../api/spaces.ts';
import { Avatar } from '../common/Avatar.tsx';
import { hashForRoom, hashForSpace } from '../route.ts';
import { joinAndOpen } from './RoomDialogs.tsx';

/** How long the typed address must stay unchanged before the homeserver is asked what it names (ms). */
const RESOLVE_AFTER_MS = 400;

/**
 * The room we are in at this address: by its ID, by its main address (the one its state names), or by the ID the
 * homeserver resolved the address to (`resolved`, when it has).
 */
function joinedRoomAt(rooms: ReadonlyMap<string, RoomData>, address: string, resolved: string | null): RoomData | undefined {
  const byId = (id: string) => (rooms.get(id)?.meta ? rooms.get(id) : undefined);
  if (address.startsWith('!')) return byId(address);
  for (const room of rooms.values()) if (room.meta?.canonical_alias === address) return room;
  return resolved ? byId(resolved) : undefined;
}

/**
 * `address`: what roomAddress() made of the search box (the row is keyed by it, so a new address starts afresh);
 * `server`: the Server box, through which a room ID is joined too; `onDone`: the dialog closes (the room opened).
 */
export function ExploreAddressRow({ address, server, onDone }: { address: string; server: string; onDone: () => void }) {
  const session = useSession();
  const [resolved, setResolved] = useState<string | null>(null);
  const joined = useStoreSelector((s) => joinedRoomAt(s.rooms, address, resolved));
  const mainAddressKnown = useStoreSelector((s) => joinedRoomAt(s.rooms, address, null) !== undefined);

  // The row is keyed by the address, so each keystroke starts a new wait; an unknown alias is no error here (Join
  // says why it cannot be joined).
  useEffect(() => {
    if (!address.startsWith('#') || mainAddressKnown) return;
    let live = true;
    const timer = setTimeout(() => {
      resolveRoomAlias(session, address).then((id) => { if (live) setResolved(id); }, () => { /* Join will say */ });
    }, RESOLVE_AFTER_MS);
    return () => { live = false; clearTimeout(timer); };
  }, [session, address, mainAddressKnown]);
  const [joining, setJoining] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = joined ? roomDisplayName(joined) : address;

  const view = (room: RoomData) => {
    window.location.hash = isSpaceRoom(room) ? hashForSpace(room.id) : hashForRoom(room.id);
    onDone();
  };
  const join = async () => {
    setJoining(true);
    setError(null);
    // An address names a server that resolves it; an ID does not say who can let us in: its server and the one browsed.
    const via = address.startsWith('!') ? [normalizeServer(server), serverOf(address)].filter((s): s is string => !!s) : [];
    try {
      await joinAndOpen(session, address, [...new Set(via)]);
      onDone();
    } catch (err) {
      setError(directoryFailure(errorMessage(err)));
      setJoining(false);
    }
  };

  return (
    <ul className="explore-list explore-address-list" aria-label="The room address you typed">
      <li className="explore-row" data-testid="explore-address">
        <Avatar id={joined?.id ?? address} name={name} mxc={joined?.meta?.avatar} size={40} />
        <div className="explore-row-text">
          <span className="explore-row-name" title={name}>{name}</span>
          {joined && name !== address && <span className="explore-row-alias" title={address}>{address}</span>}
          <p className="explore-row-facts">{joined ? 'Joined' : address.startsWith('#') ? 'Room address' : 'Room ID'}</p>
          {error && <p className="explore-row-error" role="alert" data-testid="explore-address-error">{REQUEST_FAILED.join}: {error}</p>}
        </div>
        <div className="explore-row-actions">
          {joined
            ? <button type="button" className="dialog-button" data-testid="explore-address-view" aria-label={`View: ${name}`}
              onClick={() => view(joined)}>View</button>
            : <button type="button" className="dialog-button explore-join" data-testid="explore-address-join" disabled={joining}
              aria-label={`Join ${address}`} onClick={() => void join()}>{joining ? 'Joining…' : 'Join this address'}</button>}
        </div>
      </li>
    </ul>
  );
}
