/**
 * The buttons for a new conversation: create a room, start a DM, join by address or ID, explore the public room
 * directory. In the sidebar an icon and a short word each, only the icon when the sidebar is narrow (dialogs.css),
 * named in full for screen readers and in a tooltip; in words on the first screen of an account with no rooms, where
 * they are what to do next. The join dialog also leads to the directory, for someone who has no address to type.
 */
import { useState, type ReactNode } from 'react';
import { EXPLORE_ICON, Icon, JOIN_ICON, NEW_DM_ICON, NEW_ROOM_ICON } from '../common/icons.tsx';
import { ExploreRoomsDialog } from './ExploreRoomsDialog.tsx';
import { CreateRoomDialog, JoinRoomDialog, StartDmDialog } from './RoomDialogs.tsx';

type Action = 'create' | 'dm' | 'join' | 'explore';

/** `short` is the sidebar's word, `name` the sidebar button's name (which says the word, so voice control finds it by
 * what it shows), `long` the first screen's label. */
const ACTIONS: readonly { id: Action; testId: string; icon: ReactNode; short: string; name: string; long: string }[] = [
  { id: 'create', testId: 'create-room', icon: NEW_ROOM_ICON, short: 'Room', name: 'Create a room', long: 'Create a room' },
  { id: 'dm', testId: 'start-dm', icon: NEW_DM_ICON, short: 'DM', name: 'Start a DM', long: 'Start a chat' },
  { id: 'join', testId: 'join-room', icon: JOIN_ICON, short: 'Join', name: 'Join a room', long: 'Join a room' },
  { id: 'explore', testId: 'explore-rooms', icon: EXPLORE_ICON, short: 'Explore', name: 'Explore public rooms', long: 'Explore public rooms' },
];

export function NewRoomButtons({ place = 'sidebar' }: { place?: 'sidebar' | 'welcome' }) {
  const [open, setOpen] = useState<Action | null>(null);
  const close = () => setOpen(null);
  const welcome = place === 'welcome';
  return (
    <div className={welcome ? 'welcome-buttons' : 'new-room-buttons'}>
      {ACTIONS.map((a) => (
        <button key={a.id} type="button" className={welcome && a.id === 'create' ? 'button-primary' : undefined}
          data-testid={`${welcome ? 'welcome' : 'open'}-${a.testId}`} onClick={() => setOpen(a.id)}
          aria-label={welcome ? undefined : a.name} title={welcome ? undefined : a.name}>
          {welcome ? a.long : <><Icon shape={a.icon} size={14} /><span className="new-room-label">{a.short}</span></>}
        </button>
      ))}
      {open === 'create' && <CreateRoomDialog onClose={close} />}
      {open === 'dm' && <StartDmDialog onClose={close} />}
      {open === 'join' && <JoinRoomDialog onClose={close} onExplore={() => setOpen('explore')} />}
      {open === 'explore' && <ExploreRoomsDialog onClose={close} />}
    </div>
  );
}
