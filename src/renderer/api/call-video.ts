/**
 * A call's media (the microphone and camera it starts with, the picture it sends, theirs) and what the call view's
 * camera and screen-sharing buttons may do. One video track goes
 * out at most, in the same stream as the microphone (as Element does towards a client that sends no stream
 * metadata, which Lattice does not): the shared screen while sharing, else the camera if it is on, else none.
 * Swapping one picture for another is a track replaced on the video sender, with no negotiation (so it works with
 * any client); sending video where none went (a voice call) or stopping it changes the media and is negotiated
 * (call-negotiation.ts), which a version 0 client cannot do. The buttons' decisions are pure (videoControls).
 */
import { errorMessage } from '../../shared/error-message.ts';
import { mediaErrorText, screenErrorText } from './call-media.ts';
import type { CallView } from './call-view.ts';
import { openMedia } from './media-devices.ts';

/** What CallVideo works on: the current call's view (read and patched) and its connection. */
export interface CallVideoHost {
  view(): CallView | null;
  set(patch: Partial<CallView>): void;
  pc(): RTCPeerConnection | null;
  /** Ends the call as failed, saying why. */
  fail(text: string): void;
  /** Watches the devices of a stream opened for the call (call-devices.ts: an unplugged one is replaced). */
  watch(stream: MediaStream): void;
}

/** The call's video transceiver: the first one for video, ours or theirs (a video call has exactly one). */
function videoTransceiver(pc: RTCPeerConnection): RTCRtpTransceiver | undefined {
  return pc.getTransceivers().find((t) => t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped');
}

/**
 * Sends `track` as the call's video (null: none), in `stream` (the microphone's, so the other side sees one stream
 * and shows it). Replacing one picture by another needs no negotiation; starting or stopping video does (the
 * connection raises negotiationneeded, and the stopped picture is taken out of the other side's stream).
 */
export async function sendVideo(pc: RTCPeerConnection, track: MediaStreamTrack | null, stream: MediaStream): Promise<void> {
  const t = videoTransceiver(pc);
  if (!t) {
    if (track) pc.addTrack(track, stream);
    return;
  }
  await t.sender.replaceTrack(track);
  if (track) {
    t.sender.setStreams(stream);
    if (t.direction === 'recvonly') t.direction = 'sendrecv';
    else if (t.direction === 'inactive') t.direction = 'sendonly';
  } else if (t.direction === 'sendrecv') {
    t.direction = 'recvonly';
  } else if (t.direction === 'sendonly') {
    t.direction = 'inactive';
  }
}

/**
 * The current call's media: the microphone and camera it starts with, the camera turned on in a voice call, a screen shared and stopped (in place of the
 * camera), and theirs, whichever stream they send it in.
 */
export class CallVideo {
  private readonly host: CallVideoHost;

  constructor(host: CallVideoHost) {
    this.host = host;
  }

  /**
   * The microphone (and camera) for call `callId`: the stream it already has when it fits (taken over from our call
   * given up in glare), else a new one; null when refused (the call then ends saying why), or when the call is no
   * longer the current one.
   */
  async userMedia(video: boolean, callId: string): Promise<MediaStream | null> {
    const have = this.host.view()?.localStream;
    if (have) {
      if (have.getVideoTracks().length > 0 === video) {
        this.host.set({ camera: video });
        return have;
      }
      for (const t of have.getTracks()) t.stop();
      this.host.set({ localStream: null });
    }
    try {
      // The microphone and camera chosen in Settings, or the defaults (with a note) when they are not connected.
      const { stream, notice } = await openMedia({ audio: true, video });
      const now = this.host.view();
      if (now?.callId !== callId || now.phase === 'ended') {
        for (const t of stream.getTracks()) t.stop();
        return null;
      }
      this.host.watch(stream);
      this.host.set({ localStream: stream, camera: video, deviceNote: notice ?? undefined });
      return stream;
    } catch (e) {
      if (this.host.view()?.callId === callId) this.host.fail(mediaErrorText(e, video));
      return null;
    }
  }

  /** The camera, added to a voice call: into our stream (the other side sees it in the one it shows) and sent. */
  async addCamera(): Promise<void> {
    const v = this.host.view();
    if (!v?.localStream || v.phase !== 'connected' || v.camera) return;
    const callId = v.callId;
    this.host.set({ notice: undefined });
    try {
      const { stream: got, notice } = await openMedia({ audio: false, video: true });
      const [track] = got.getVideoTracks();
      const now = this.host.view();
      if (now?.callId !== callId || now.phase === 'ended' || !now.localStream || now.camera || !track) {
        for (const t of got.getTracks()) t.stop();
        return;
      }
      now.localStream.addTrack(track);
      this.host.watch(got);
      this.host.set({ camera: true, cameraOff: false, ...(notice ? { deviceNote: notice } : {}) });
      await this.update();
    } catch (e) {
      if (this.host.view()?.callId === callId) this.host.set({ notice: mediaErrorText(e, true) });
    }
  }

  /** Shares a screen (the browser, or the desktop shell, asks which) in place of the camera's picture. */
  async shareScreen(): Promise<void> {
    const v = this.host.view();
    if (!v || v.phase !== 'connected' || v.sharing) return;
    const callId = v.callId;
    this.host.set({ notice: undefined });
    try {
      if (!navigator.mediaDevices?.getDisplayMedia) throw Object.assign(new Error('no screen capture'), { name: 'NotSupportedError' });
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const [track] = screen.getVideoTracks();
      const now = this.host.view();
      if (now?.callId !== callId || now.phase === 'ended' || now.sharing || !track) {
        for (const t of screen.getTracks()) t.stop();
        return;
      }
      // Stopped from outside the app (the browser's or the system's own "Stop sharing"): back to the camera.
      track.addEventListener('ended', () => { if (this.host.view()?.screenStream === screen) this.stopSharing(); });
      this.host.set({ sharing: true, screenStream: screen });
      await this.update();
    } catch (e) {
      const text = screenErrorText(e);
      if (this.host.view()?.callId === callId && text) this.host.set({ notice: text });
    }
  }

  /** Stops sharing: the camera's picture again, or none. */
  stopSharing(): void {
    const v = this.host.view();
    if (!v?.sharing) return;
    for (const t of v.screenStream?.getTracks() ?? []) t.stop();
    this.host.set({ sharing: false, screenStream: null });
    void this.update();
  }

  /** Sends the picture the call should show now: the shared screen, else the camera, else none. */
  private async update(): Promise<void> {
    const v = this.host.view();
    const pc = this.host.pc();
    if (!v?.localStream || !pc) return;
    const track = v.screenStream?.getVideoTracks()[0] ?? v.localStream.getVideoTracks()[0] ?? null;
    try {
      await sendVideo(pc, track, v.localStream);
    } catch (e) {
      if (this.host.view()?.callId === v.callId) this.host.set({ notice: `The picture could not be sent: ${errorMessage(e)}` });
    }
  }

  /**
   * A track of theirs: into the stream they send it in (the one we show; a track without one joins ours), and the
   * view told whether they send video now, also when a track leaves that stream (they stopped sharing their screen).
   */
  remoteTrack(ev: RTCTrackEvent): void {
    const have = this.host.view()?.remoteStream;
    const remote = ev.streams[0] ?? have ?? new MediaStream();
    if (!remote.getTracks().includes(ev.track)) remote.addTrack(ev.track);
    if (remote !== have) {
      const changed = () => {
        if (this.host.view()?.remoteStream === remote) this.host.set({ remoteVideo: remote.getVideoTracks().length > 0 });
      };
      remote.addEventListener('addtrack', changed);
      remote.addEventListener('removetrack', changed);
    }
    this.host.set({ remoteStream: remote, remoteVideo: remote.getVideoTracks().length > 0 });
  }
}

/** One call-view button: whether it can be pressed, and if not, why (its tooltip). */
export interface VideoControl { enabled: boolean; why: string | undefined }

/**
 * The camera and screen-sharing buttons. Both wait for the call to connect. Adding video to a call that sends none
 * needs renegotiation, which the other side's app may lack (VoIP version 0): then the camera cannot be turned on
 * in a voice call and the screen cannot be shared, and the tooltip says why; in a video call, sharing replaces the
 * camera's picture and works with any app.
 */
export function videoControls(v: Pick<CallView, 'phase' | 'camera' | 'sharing' | 'renegotiable'>, peerName: string): { camera: VideoControl; share: VideoControl } {
  const ok = { enabled: true, why: undefined };
  const wait = { enabled: false, why: 'Available once the call is connected' };
  const old = `${peerName}'s app cannot change the media of a call that is on`;
  // A camera already in the call is only switched on and off (the track enabled), at any time.
  const camera = v.camera ? ok : v.phase !== 'connected' ? wait
    : v.renegotiable ? ok : { enabled: false, why: `${old}, so video cannot be added to this voice call.` };
  const share = v.phase !== 'connected' ? wait
    : v.camera || v.sharing || v.renegotiable ? ok : { enabled: false, why: `${old}, so a screen can only be shared in a video call.` };
  return { camera, share };
}
