/**
 * The buttons for a new conversation: create a room, start a DM, join by address or ID, explore the public room
 * directory. Short in the sidebar; in words on the first screen of an account with no rooms, where they are what to
 * do next. The join dialog also leads to the directory, for someone who has no address to type.
 */
import { useState } from 'react';
import { ExploreRoomsDialog } from './ExploreRoomsDialog.tsx';
import { CreateRoomDialog, JoinRoomDialog, StartDmDialog } from './RoomDialogs.tsx';

type Action = 'create' | 'dm' | 'join' | 'explore';

const ACTIONS: readonly { id: Action; testId: string; short: string; long: string }[] = [
  { id: 'create', testId: 'create-room', short: '+ Room', long: 'Create a room' },
  { id: 'dm', testId: 'start-dm', short: '+ DM', long: 'Start a chat' },
  { id: 'join', testId: 'join-room', short: 'Join…', long: 'Join a room' },
  { id: 'explore', testId: 'explore-rooms', short: 'Explore', long: 'Explore public rooms' },
];

export function NewRoomButtons({ place = 'sidebar' }: { place?: 'sidebar' | 'welcome' }) {
  const [open, setOpen] = useState<Action | null>(null);
  const close = () => setOpen(null);
  const welcome = place === 'welcome';
  return (
    <div className={welcome ? 'welcome-buttons' : 'new-room-buttons'}>
      {ACTIONS.map((a) => (
        <button key={a.id} type="button" className={welcome && a.id === 'create' ? 'button-primary' : undefined}
          data-testid={`${welcome ? 'welcome' : 'open'}-${a.testId}`} onClick={() => setOpen(a.id)}>
          {welcome ? a.long : a.short}
        </button>
      ))}
      {open === 'create' && <CreateRoomDialog onClose={close} />}
      {open === 'dm' && <StartDmDialog onClose={close} />}
      {open === 'join' && <JoinRoomDialog onClose={close} onExplore={() => setOpen('explore')} />}
      {open === 'explore' && <ExploreRoomsDialog onClose={close} />}
    </div>
  );
}
