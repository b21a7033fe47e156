/**
 * What the UI shows of the current call (calls.ts keeps it, ui/calls draws it): who, which way, voice or video, its
 * phase, the media, and how it ended.
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
  cameraOff: boolean;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
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
    callId, roomId, peerId, direction, video, phase, inviteSent: false, connectedAt: undefined, muted: false, cameraOff: false,
    localStream: null, remoteStream: null, endedText: undefined, failed: false, busy: false, deviceNote: undefined,
  };
}
