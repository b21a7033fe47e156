/**
 * What the UI shows of the current call (calls.ts keeps it, ui/calls draws it): who, which way, voice or video, its
 * phase, the media (camera, shared screen, the other side's picture), and how it ended; and how long an ended call
 * stays shown.
 */
import type { CallPhase } from './call-signals.ts';

export interface CallView {
  callId: string;
  roomId: string;
  /** The other person. */
  peerId: string;
  direction: 'incoming' | 'outgoing';
  video: boolean;
  phase: CallPhase;
  /** Our invite has gone out (outgoing; before, the call is still being prepared: microphone, connection, offer). */
  inviteSent: boolean;
  /** When the media connected (the in-call clock counts from it). */
  connectedAt: number | undefined;
  muted: boolean;
  /** Our camera is in the call (a video call's, or turned on since in a voice call); cameraOff: switched off. */
  camera: boolean;
  cameraOff: boolean;
  /**
   * Our screen is shared (`screenStream`): beside the camera, as a stream of its own, to a peer that reads stream
   * metadata; else in place of the camera's picture (call-metadata.ts, shareMode).
   */
  sharing: boolean;
  /** The other side can renegotiate (VoIP version 1): media may be added to or taken from the call once it is on. */
  renegotiable: boolean;
  localStream: MediaStream | null;
  screenStream: MediaStream | null;
  remoteStream: MediaStream | null;
  /**
   * The other side sends video in `remoteStream` now (a video call, or video they added since: their camera, or their
   * screen when they send no stream metadata).
   */
  remoteVideo: boolean;
  /** Their shared screen, when it comes as a stream of its own (stream metadata): shown beside their camera. */
  remoteScreen: MediaStream | null;
  /** Their microphone and camera muted, as their stream metadata says (never known without it). */
  peerMuted: boolean;
  peerVideoMuted: boolean;
  /** Something our own action could not do, in words ("Your screen could not be shared: …"), until the next one. */
  notice: string | undefined;
  /** Why the call ended, in words (set with phase `ended`). */
  endedText: string | undefined;
  /** True when the end was a problem (the microphone refused, the connection failed) rather than a hang-up. */
  failed: boolean;
  /** Ended because the other person was in another call (the UI says "Bob is busy." with their name). */
  busy: boolean;
  /** The chosen microphone or camera was missing or went away, and the default one is used: said in words. */
  deviceNote: string | undefined;
}

/** A new call's view: nothing muted, no media yet. */
export function blankView(callId: string, roomId: string, peerId: string, direction: CallView['direction'], video: boolean, phase: CallPhase): CallView {
  return {
    callId, roomId, peerId, direction, video, phase, inviteSent: false, connectedAt: undefined, muted: false, camera: false,
    cameraOff: false, sharing: false, renegotiable: false, localStream: null, screenStream: null, remoteStream: null,
    remoteVideo: false, remoteScreen: null, peerMuted: false, peerVideoMuted: false, notice: undefined, endedText: undefined,
    failed: false, busy: false, deviceNote: undefined,
  };
}

/** How long an ended call stays on screen before it closes itself (a failure stays until closed). */
const ENDED_SHOWN_MS = 4000;
/**
 * This device's override of ENDED_SHOWN_MS, in milliseconds, read at each call's end; no setting offers it. It exists
 * for the browser tests: one that waits for an ended call to close itself sets it short instead of waiting the 4 s
 * out, and one that photographs an ended call sets it long so that the call cannot close before the picture.
 */
export const ENDED_SHOWN_KEY = 'lattice.calls.endedShownMs';

export function endedShownMs(): number {
  let raw: string | null = null;
  try {
    raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(ENDED_SHOWN_KEY);
  } catch {
    // Blocked storage: the default.
  }
  const ms = raw === null || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(ms) && ms >= 0 ? ms : ENDED_SHOWN_MS;
}
