/** The sidebar's buttons for a new conversation: create a room, start a DM, join by alias or ID. */
import { useState } from 'react';
import { CreateRoomDialog, JoinRoomDialog, StartDmDialog } from './RoomDialogs.tsx';

type Open = 'create' | 'dm' | 'join' | null;

export function NewRoomButtons() {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  return (
    <div className="new-room-buttons">
      <button type="button" data-testid="open-create-room" onClick={() => setOpen('create')}>+ Room</button>
      <button type="button" data-testid="open-start-dm" onClick={() => setOpen('dm')}>+ DM</button>
      <button type="button" data-testid="open-join-room" onClick={() => setOpen('join')}>Join…</button>
      {open === 'create' && <CreateRoomDialog onClose={close} />}
      {open === 'dm' && <StartDmDialog onClose={close} />}
      {open === 'join' && <JoinRoomDialog onClose={close} />}
    </div>
  );
}
