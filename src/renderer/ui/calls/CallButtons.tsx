/**
 * The voice and video call buttons of a room header, in a room of two (call-peer.ts): they call the other person
 * (calls.ts). Both are disabled while another call is on. In a header too narrow for the room's name they fold into
 * its menu with the panel buttons (HeaderMenu.tsx).
 */
import { useSession } from '../../api/hooks.ts';
import { useCall } from './use-call.ts';

export const PHONE_ICON = <path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />;
export const CAMERA_ICON = <><path d="M15 10l5-3v10l-5-3" /><rect x="3" y="6" width="12" height="12" rx="2" /></>;

export function CallButtons({ roomId, peerId }: { roomId: string; peerId: string }) {
  const { calls } = useSession();
  const busy = useCall() !== null;
  const button = (video: boolean) => {
    const title = video ? 'Video call' : 'Voice call';
    return (
      <button type="button" className="room-header-members room-header-panel-button room-header-call room-header-wide" title={title} aria-label={title}
        data-testid={video ? 'start-video-call' : 'start-voice-call'} disabled={busy}
        onClick={() => { void calls.place(roomId, peerId, video); }}>
        <svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2"
          strokeLinecap="round" strokeLinejoin="round">{video ? CAMERA_ICON : PHONE_ICON}</svg>
      </button>
    );
  };
  return <>{button(false)}{button(true)}</>;
}
