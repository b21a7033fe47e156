/**
 * A call's media (the microphone and camera it starts with, the picture it sends, theirs) and what the call view's
 * camera and screen-sharing buttons may do. Our microphone and camera go in one stream. A shared screen goes as a
 * stream of its own beside it, to a peer that sends stream metadata (call-metadata.ts: so it can tell the two apart,
 * as Element does), added and taken away by renegotiation; to one that sends none (a version 0 client), it replaces
 * the camera's picture in that one stream, a track replaced on the video sender with no negotiation, which any
 * client shows. Sending video where none went (a voice call) or stopping it changes the media and is negotiated
 * (call-negotiation.ts), which a version 0 client cannot do. Theirs: their streams told apart by their metadata
 * (their camera, their screen) and their mute flags. The buttons' decisions are pure (videoControls).
 */
import { errorMessage } from '../../shared/error-message.ts';
import { CallDevices } from './call-devices.ts';
import { mediaErrorText, screenErrorText } from './call-media.ts';
import {
  localMetadata, mergeMetadata, remoteFeeds, remoteMute, shareMode, type SdpStreamMetadata,
} from './call-metadata.ts';
import type { CallView } from './call-view.ts';
import { openMedia } from './media-devices.ts';

/** What CallVideo works on: the current call's view (read and patched) and its connection. */
export interface CallVideoHost {
  view(): CallView | null;
  set(patch: Partial<CallView>): void;
  pc(): RTCPeerConnection | null;
  /** Ends the call as failed, saying why. */
  fail(text: string): void;
  /** Our microphone or camera was muted or unmuted (the other side is told, if it reads stream metadata). */
  metadataChanged(): void;
}

/**
 * The call's video transceiver: the first one for video, ours or theirs (a video call starts with exactly one), but
 * never the one our screen goes on as a stream of its own (`screen`).
 */
function videoTransceiver(pc: RTCPeerConnection, screen: RTCRtpSender | null): RTCRtpTransceiver | undefined {
  return pc.getTransceivers().find((t) => t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped' && t.sender !== screen);
}

/**
 * Sends `track` as the call's video (null: none), in `stream` (the microphone's, so the other side sees one stream
 * and shows it). Replacing one picture by another needs no negotiation; starting or stopping video does (the
 * connection raises negotiationneeded, and the stopped picture is taken out of the other side's stream).
 */
export async function sendVideo(pc: RTCPeerConnection, track: MediaStreamTrack | null, stream: MediaStream,
  screen: RTCRtpSender | null = null): Promise<void> {
  const t = videoTransceiver(pc, screen);
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
 * The current call's media: the microphone and camera it starts with, the camera turned on in a voice call, a screen
 * shared and stopped, and theirs, told apart by their stream metadata.
 */
export class CallVideo {
  private readonly host: CallVideoHost;
  /** What their invite, answer and negotiations said of their streams, merged; undefined while they sent none. */
  private peerMeta: SdpStreamMetadata | undefined;
  /** Their streams, by ID, as their tracks came. */
  private readonly remotes = new Map<string, MediaStream>();
  /** The sender of our screen while it goes as a stream of its own. */
  private screenSender: RTCRtpSender | null = null;
  /** The devices of the streams opened for the call: one unplugged mid-call, the call goes on with the default one. */
  private readonly devices = new CallDevices(() => {
    const v = this.host.view();
    return v?.localStream && v.phase !== 'ended' ? { ...v, localStream: v.localStream, pc: this.host.pc() } : null;
  }, (callId, stream, notice) => {
    const v = this.host.view();
    if (v?.callId !== callId || v.phase === 'ended') return false;
    this.host.set({ localStream: stream, deviceNote: notice });
    return true;
  });

  constructor(host: CallVideoHost) {
    this.host = host;
  }

  /** Listens for devices plugged and unplugged; returns the unsubscriber. */
  startDevices(): () => void {
    return this.devices.start();
  }

  /** A new call: nothing known of theirs. */
  reset(): void {
    this.peerMeta = undefined;
    this.remotes.clear();
    this.screenSender = null;
  }

  /** Their metadata, from an invite, answer, negotiation or change of mute (none: nothing changes). */
  peerMetadata(meta: SdpStreamMetadata | undefined): void {
    if (!meta) return;
    this.peerMeta = mergeMetadata(this.peerMeta, meta);
    this.show();
  }

  /** They sent stream metadata: they can take a screen beside the camera, and read our mute flags. */
  get peerSendsMetadata(): boolean {
    return this.peerMeta !== undefined;
  }

  /** Our streams as the events we send describe them. */
  localMetadata(): SdpStreamMetadata {
    const v = this.host.view();
    if (!v?.localStream) return {};
    return localMetadata({ userMediaId: v.localStream.id, muted: v.muted, videoOff: !v.camera || v.cameraOff,
      screenId: this.screenSender ? v.screenStream?.id : undefined });
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
      this.devices.watch(stream);
      this.host.set({ localStream: stream, camera: video, deviceNote: notice ?? undefined });
      return stream;
    } catch (e) {
      if (this.host.view()?.callId === callId) this.host.fail(mediaErrorText(e, video));
      return null;
    }
  }

  toggleMute(): void {
    const v = this.host.view();
    if (!v?.localStream) return;
    for (const t of v.localStream.getAudioTracks()) t.enabled = v.muted;
    this.host.set({ muted: !v.muted });
    this.host.metadataChanged();
  }

  /** Switches the camera off and on; in a voice call, the first press adds it to the call (renegotiated). */
  toggleCamera(): void {
    const v = this.host.view();
    if (!v?.localStream) return;
    if (!v.camera) {
      // Video where none went needs renegotiation, which a version 0 client cannot do (the button says so).
      if (v.renegotiable) void this.addCamera();
      return;
    }
    for (const t of v.localStream.getVideoTracks()) t.enabled = v.cameraOff;
    this.host.set({ cameraOff: !v.cameraOff });
    this.host.metadataChanged();
  }

  /** Starts or stops sharing a screen (the browser, or the desktop shell, asks which). */
  toggleScreenShare(): void {
    const v = this.host.view();
    if (v?.sharing) this.stopSharing();
    // Without a camera's picture to replace, the screen is added: renegotiated, as the camera is above.
    else if (v?.camera || v?.renegotiable) void this.shareScreen();
  }

  /** The camera, added to a voice call: into our stream (the other side sees it in the one it shows) and sent. */
  private async addCamera(): Promise<void> {
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
      this.devices.watch(got);
      this.host.set({ camera: true, cameraOff: false, ...(notice ? { deviceNote: notice } : {}) });
      await this.update();
    } catch (e) {
      if (this.host.view()?.callId === callId) this.host.set({ notice: mediaErrorText(e, true) });
    }
  }

  /** Shares a screen (the browser, or the desktop shell, asks which): beside the camera, or in place of its picture. */
  private async shareScreen(): Promise<void> {
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
      const pc = this.host.pc();
      // A stream of its own: the connection asks for the renegotiation, whose offer names it in our metadata.
      if (pc && shareMode(now.renegotiable, this.peerSendsMetadata) === 'separate') this.screenSender = pc.addTrack(track, screen);
      else await this.update();
    } catch (e) {
      const text = screenErrorText(e);
      if (this.host.view()?.callId === callId && text) this.host.set({ notice: text });
    }
  }

  /** Stops sharing: its stream taken out (renegotiated), or the camera's picture again in its place, or none. */
  private stopSharing(): void {
    const v = this.host.view();
    if (!v?.sharing) return;
    for (const t of v.screenStream?.getTracks() ?? []) t.stop();
    const sender = this.screenSender;
    this.screenSender = null;
    this.host.set({ sharing: false, screenStream: null });
    const pc = this.host.pc();
    if (!sender) void this.update();
    else if (pc && pc.signalingState !== 'closed') pc.removeTrack(sender);
  }

  /** Sends the picture our stream should show now: the shared screen in place of the camera, else the camera, else none. */
  private async update(): Promise<void> {
    const v = this.host.view();
    const pc = this.host.pc();
    if (!v?.localStream || !pc) return;
    const inPlace = this.screenSender ? null : v.screenStream?.getVideoTracks()[0];
    const track = inPlace ?? v.localStream.getVideoTracks()[0] ?? null;
    try {
      await sendVideo(pc, track, v.localStream, this.screenSender);
    } catch (e) {
      if (this.host.view()?.callId === v.callId) this.host.set({ notice: `The picture could not be sent: ${errorMessage(e)}` });
    }
  }

  /**
   * A track of theirs: into the stream they send it in (a track without one joins their microphone's), and the view
   * told again what their streams are, also when a track leaves one (they stopped sharing their screen, or video).
   */
  remoteTrack(ev: RTCTrackEvent): void {
    const remote = ev.streams[0] ?? this.host.view()?.remoteStream ?? new MediaStream();
    if (!remote.getTracks().includes(ev.track)) remote.addTrack(ev.track);
    if (!this.remotes.has(remote.id)) {
      this.remotes.set(remote.id, remote);
      const changed = () => { if (this.remotes.get(remote.id) === remote) this.show(); };
      remote.addEventListener('addtrack', changed);
      remote.addEventListener('removetrack', changed);
    }
    this.show();
  }

  /** Their microphone and camera (`remoteStream`), their screen beside it, and their mute flags, into the view. */
  private show(): void {
    const streams = [...this.remotes.values()];
    const feeds = remoteFeeds(streams.map((s) => ({ id: s.id, video: s.getVideoTracks().length > 0 })), this.peerMeta);
    const userMedia = feeds.userMedia === undefined ? null : this.remotes.get(feeds.userMedia) ?? null;
    const mute = remoteMute(this.peerMeta, feeds.userMedia);
    this.host.set({
      remoteStream: userMedia, remoteVideo: (userMedia?.getVideoTracks().length ?? 0) > 0,
      remoteScreen: feeds.screen === undefined ? null : this.remotes.get(feeds.screen) ?? null,
      peerMuted: mute.muted, peerVideoMuted: mute.videoMuted,
    });
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
