/**
 * The two ends of a room upgrade: in the old room (it has a tombstone), a bar in place of the composer that says
 * the room was replaced and opens the new one (joining it with join_successor_room first when we are not in it);
 * in the new room, a line at the top that opens the old one (its preview, when we are not in it any more).
 */
import { useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { JSONValue } from '../../../shared/rpc/types.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { serverOf, waitForJoinedRoom } from '../../api/room-list-actions.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { hashForRoom } from '../route.ts';
import './room-preview.css';

function str(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function SuccessorBar({ room }: { room: RoomData }) {
  const session = useSession();
  const successor = str(room.meta?.tombstone?.replacement_room);
  const joined = useStoreSelector((s) => (successor ? s.rooms.get(successor)?.meta !== undefined : false));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!successor) return null;
  const reason = str(room.meta?.tombstone?.body);

  async function go(): Promise<void> {
    if (joined) {
      window.location.hash = hashForRoom(successor!);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { room_id: roomId } = await session.client.request('join_successor_room', { room_id: room.id });
      await waitForJoinedRoom(session, roomId);
      window.location.hash = hashForRoom(roomId);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div className="room-upgrade" role="status" data-testid="room-successor">
      <span className="room-upgrade-text">
        This room has been replaced and is no longer active{reason ? `: ${reason}` : '.'}
        {error && <span className="room-upgrade-error" role="alert"> {error}</span>}
      </span>
      <button type="button" className="button-primary" disabled={busy} onClick={() => void go()} data-testid="room-successor-open">
        {busy ? 'Joining…' : joined ? 'Go to the new room' : 'Join the new room'}
      </button>
    </div>
  );
}

export function PredecessorLine({ room }: { room: RoomData }) {
  const predecessor = room.meta?.creation_content?.predecessor;
  const id = predecessor && typeof predecessor === 'object' && !Array.isArray(predecessor) ? str(predecessor.room_id) : undefined;
  const joined = useStoreSelector((s) => (id ? s.rooms.get(id)?.meta !== undefined : false));
  if (!id) return null;
  // Not in the old room any more: its preview, reached through the server of whoever created this room.
  const creator = room.meta?.creation_content?.creator;
  const via = joined ? [] : [serverOf(typeof creator === 'string' ? creator : undefined) ?? serverOf(id)].filter((v): v is string => !!v);
  return (
    <div className="room-upgrade is-predecessor" data-testid="room-predecessor">
      <span className="room-upgrade-text">This room continues an older one.</span>
      <a className="link-button" href={hashForRoom(id, via)} data-testid="room-predecessor-open">See older messages</a>
    </div>
  );
}
