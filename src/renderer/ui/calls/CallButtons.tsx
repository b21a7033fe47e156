/**
 * The voice and video call buttons of a room header, in a room of two (call-peer.ts): they call the other person
 * (calls.ts). Both are disabled while another call is on. In a header too narrow for the room's name they fold into
 * its menu with the panel buttons (HeaderMenu.tsx).
 */
import { useSession } from '../../api/hooks.ts';
import { CAMERA_ICON, Icon, PHONE_ICON } from '../common/icons.tsx';
import { useCall } from './use-call.ts';

export function CallButtons({ roomId, peerId }: { roomId: string; peerId: string }) {
  const { calls } = useSession();
  const busy = useCall() !== null;
  const button = (video: boolean) => {
    const title = video ? 'Video call' : 'Voice call';
    return (
      <button type="button" className="room-header-members room-header-panel-button room-header-call room-header-wide" title={title} aria-label={title}
        data-testid={video ? 'start-video-call' : 'start-voice-call'} disabled={busy}
        onClick={() => { void calls.place(roomId, peerId, video); }}>
        <Icon shape={video ? CAMERA_ICON : PHONE_ICON} />
      </button>
    );
  };
  return <>{button(false)}{button(true)}</>;
}
