/**
 * The call on screen, over every view: an incoming call's prompt (who, voice or video, Accept / Decline) while it
 * rings, then the call itself (the other person's video, or their avatar while they send none or their camera is off;
 * their shared screen large with their camera and ours beside it; our own video or shared screen small; a crossed-out
 * microphone by their name while they are muted; the elapsed time; microphone, camera, screen-sharing and hang-up
 * buttons), and how it ended, in words
 * ("Bob is busy."). The camera and screen-sharing buttons say why when they cannot be used (call-video.ts). It also plays the ringtone
 * while a call rings here and the ringback tone while ours rings there (call-tones.ts).
 */
import { useEffect, useRef } from 'react';
import { formatCallDuration } from '../../api/call-signals.ts';
import type { CallView } from '../../api/call-view.ts';
import { videoControls, type VideoControl } from '../../api/call-video.ts';
import { useRoom, useSession } from '../../api/hooks.ts';
import { playOnChosenSpeaker } from '../../api/media-devices.ts';
import { useMediaPrefs } from '../../api/media-prefs.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { Avatar } from '../common/Avatar.tsx';
import { CAMERA_ICON, PHONE_ICON } from '../common/icons.tsx';
import { useCall, useCallTone, useSecondTicks } from './use-call.ts';
import './calls.css';

export function CallLayer() {
  const call = useCall();
  useCallTone(call);
  if (!call) return null;
  return call.phase === 'ringing' ? <IncomingCall call={call} /> : <ActiveCall call={call} />;
}

/** The other person's name and avatar (a DM's name and avatar are theirs). */
function usePeer(call: CallView): { name: string; avatar: string | undefined } {
  const room = useRoom(call.roomId);
  return { name: room?.meta ? roomDisplayName(room) : call.peerId, avatar: room?.meta?.avatar };
}

const icon = (d: React.ReactNode) => (
  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2"
    strokeLinecap="round" strokeLinejoin="round">{d}</svg>
);
const HANG_UP_ICON = <path transform="rotate(135 12 12)" d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />;
const MIC_ICON = <><rect x="9" y="3" width="6" height="11" rx="3" /><path d="M5 11a7 7 0 0 0 14 0M12 18v3" /></>;
const SLASH = <path d="M3 3l18 18" />;
const SCREEN_ICON = <><rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" /></>;

function IncomingCall({ call }: { call: CallView }) {
  const { calls } = useSession();
  const peer = usePeer(call);
  const kind = call.video ? 'video' : 'voice';
  return (
    <div className="call-incoming" role="alertdialog" aria-label={`Incoming ${kind} call from ${peer.name}`}
      data-testid="call-incoming" data-kind={kind}>
      <div className="call-incoming-who">
        <span className="call-ring"><Avatar id={call.peerId} name={peer.name} mxc={peer.avatar} size={44} /></span>
        <div className="call-incoming-text">
          <strong className="call-incoming-name">{peer.name}</strong>
          <span className="call-incoming-kind">Incoming {kind} call</span>
        </div>
      </div>
      <div className="call-incoming-actions">
        <button type="button" className="call-button is-decline" data-testid="call-decline" onClick={() => calls.decline()}>
          {icon(HANG_UP_ICON)}Decline
        </button>
        <button type="button" className="call-button is-accept" data-testid="call-accept" onClick={() => { void calls.accept(); }}>
          {icon(call.video ? CAMERA_ICON : PHONE_ICON)}Accept
        </button>
      </div>
    </div>
  );
}

/**
 * A media stream in a video (or audio) element: srcObject is not an attribute React sets. What is heard plays on the
 * speaker chosen in Settings (the default one when it is gone).
 */
function Media({ stream, kind, muted, className, testId, label }: {
  stream: MediaStream; kind: 'video' | 'audio'; muted: boolean; className?: string; testId: string; label?: string;
}) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  const { audiooutput } = useMediaPrefs();
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  useEffect(() => {
    if (ref.current && !muted) void playOnChosenSpeaker(ref.current);
  }, [muted, audiooutput]);
  return kind === 'video'
    ? <video ref={ref} className={className} autoPlay playsInline muted={muted} data-testid={testId} aria-label={label} />
    : <audio ref={ref} autoPlay muted={muted} data-testid={testId} />;
}

function statusText(call: CallView, now: number, peerName: string): string {
  switch (call.phase) {
    case 'calling': return 'Calling…';
    case 'connecting': return 'Connecting…';
    case 'connected': return formatCallDuration(now - (call.connectedAt ?? now));
    default: return call.busy ? `${peerName} is busy.` : call.endedText ?? 'Call ended';
  }
}

/** A round in-call button, pressed or not; one that cannot act says why in its tooltip (and stays focusable to read it). */
function RoundButton({ label, pressed, control, testId, onClick, children }: {
  label: string; pressed: boolean; control: VideoControl; testId: string; onClick: () => void; children: React.ReactNode;
}) {
  const title = control.why ?? label;
  return (
    <button type="button" className="call-round" aria-pressed={pressed} aria-disabled={!control.enabled} data-testid={testId}
      title={title} aria-label={title} onClick={() => { if (control.enabled) onClick(); }}>
      {children}
    </button>
  );
}

function ActiveCall({ call }: { call: CallView }) {
  const { calls } = useSession();
  const peer = usePeer(call);
  const now = useSecondTicks(call.phase === 'connected');
  const ended = call.phase === 'ended';
  const screen = ended ? null : call.remoteScreen;
  const video = call.video || call.camera || call.sharing || call.remoteVideo || Boolean(screen);
  const controls = videoControls(call, peer.name);
  const ownPicture = call.sharing && call.screenStream
    ? <Media stream={call.screenStream} kind="video" muted className="call-own-video is-screen" testId="call-own-screen" />
    : call.camera && call.localStream && (call.cameraOff
      ? <div className="call-own-video is-off" data-testid="call-own-video-off">Camera off</div>
      : <Media stream={call.localStream} kind="video" muted className="call-own-video" testId="call-own-video" />);
  // Their camera's picture; their avatar while they send none, or say (stream metadata) their camera is off.
  const peerTile = call.remoteVideo && call.remoteStream && !ended && !call.peerVideoMuted
    ? <Media stream={call.remoteStream} kind="video" muted className="call-remote-video" testId="call-remote-video" label={`${peer.name}'s camera`} />
    : (
      <div className="call-peer" data-testid={call.remoteVideo && call.peerVideoMuted ? 'call-peer-camera-off' : undefined}>
        <Avatar id={call.peerId} name={peer.name} mxc={peer.avatar} size={screen ? 40 : 72} />
      </div>
    );
  return (
    <section className={`call-view${video ? ' is-video' : ''}${screen ? ' has-screen' : ''}${ended ? ' is-ended' : ''}`}
      aria-label={`Call with ${peer.name}`} data-testid="call-view" data-phase={call.phase} data-kind={call.video ? 'video' : 'voice'}
      data-call-id={call.callId} data-sharing={call.sharing} data-remote-video={call.remoteVideo} data-remote-screen={Boolean(screen)}>
      <div className="call-stage">
        {/* Their screen large, their camera and ours beside it (the screen's own stream, with stream metadata). */}
        {screen ? <>
          <Media stream={screen} kind="video" muted className="call-remote-screen" testId="call-remote-screen" label={`${peer.name}'s screen`} />
          <div className="call-side">{peerTile}{ownPicture}</div>
        </> : <>{peerTile}{!ended && ownPicture}</>}
        {call.remoteStream && !ended && <Media stream={call.remoteStream} kind="audio" muted={false} testId="call-remote-audio" />}
      </div>
      <div className="call-info">
        <div className="call-peer-line">
          <strong className="call-peer-name">{peer.name}</strong>
          {call.peerMuted && !ended && (
            <span className="call-peer-muted" role="img" aria-label={`${peer.name} is muted`} title={`${peer.name} is muted`}
              data-testid="call-peer-muted">
              {icon(<>{MIC_ICON}{SLASH}</>)}
            </span>
          )}
        </div>
        <span className={`call-status${call.failed ? ' is-problem' : ''}`} role={ended ? 'status' : undefined} data-testid="call-status">
          {statusText(call, now, peer.name)}
        </span>
        {call.notice && !ended && <span className="call-status is-problem" role="status" data-testid="call-notice">{call.notice}</span>}
        {call.deviceNote && !ended && <span className="call-note" role="status" data-testid="call-device-note">{call.deviceNote}</span>}
      </div>
      <div className="call-controls">
        {ended ? (
          <button type="button" className="call-button" data-testid="call-close" onClick={() => calls.dismiss()}>Close</button>
        ) : <>
          <button type="button" className="call-round" aria-pressed={call.muted} data-testid="call-mute" disabled={!call.localStream}
            title={call.muted ? 'Unmute microphone' : 'Mute microphone'} aria-label={call.muted ? 'Unmute microphone' : 'Mute microphone'}
            onClick={() => calls.toggleMute()}>
            {icon(<>{MIC_ICON}{call.muted && SLASH}</>)}
          </button>
          <RoundButton label={call.camera && !call.cameraOff ? 'Turn camera off' : 'Turn camera on'} pressed={call.camera && call.cameraOff}
            control={call.localStream ? controls.camera : { enabled: false, why: undefined }} testId="call-camera" onClick={() => calls.toggleCamera()}>
            {icon(<>{CAMERA_ICON}{(!call.camera || call.cameraOff) && SLASH}</>)}
          </RoundButton>
          <RoundButton label={call.sharing ? 'Stop sharing your screen' : 'Share your screen'} pressed={call.sharing}
            control={controls.share} testId="call-share" onClick={() => calls.toggleScreenShare()}>
            {icon(SCREEN_ICON)}
          </RoundButton>
          <button type="button" className="call-round is-hang-up" data-testid="call-hang-up" title="Hang up" aria-label="Hang up"
            onClick={() => calls.hangUp()}>
            {icon(HANG_UP_ICON)}
          </button>
        </>}
      </div>
    </section>
  );
}
