/**
 * A call's microphone or camera going away mid-call (a headset unplugged): the call goes on with the default device,
 * its new track put in place of the lost one on the peer connection (RTCRtpSender.replaceTrack, no renegotiation),
 * muted or off as the lost one was, and a note says so. Which tracks are lost is pure (lostKinds), so it is
 * unit-tested; calls.ts asks on `devicechange` and on a track's `ended`.
 */
import { listDevices } from './media-devices.ts';

type TrackKind = 'audio' | 'video';

/** What lostKinds needs of a track. */
export interface TrackInfo {
  kind: string;
  readyState: string;
  deviceId: string | undefined;
}

/**
 * The kinds of the tracks whose device is gone: ended by the browser, or (when the browser lists devices with IDs,
 * as it does once permission is given) taken from a device no longer listed.
 */
export function lostKinds(tracks: readonly TrackInfo[], listed: readonly { kind: string; deviceId: string }[]): TrackKind[] {
  const known = listed.some((d) => d.deviceId !== '');
  const lost = tracks.filter((t) => {
    if (t.kind !== 'audio' && t.kind !== 'video') return false;
    if (t.readyState === 'ended') return true;
    if (!known || !t.deviceId) return false;
    return !listed.some((d) => d.kind === `${t.kind}input` && d.deviceId === t.deviceId);
  });
  return [...new Set(lost.map((t) => t.kind as TrackKind))];
}

/** The note a call shows once it moved to the default device. */
export function lostDeviceNote(kinds: readonly TrackKind[]): string {
  const what = kinds.map((k) => (k === 'audio' ? 'microphone' : 'camera'));
  return `Your ${what.join(' and ')} ${what.length > 1 ? 'were' : 'was'} disconnected: the call goes on with the default ${what.join(' and ')}.`;
}

/**
 * Replaces the lost tracks of `stream` (sent on `pc`, when it exists) with the default devices' tracks, in the same
 * stream (the one the other side shows); answers it and the note, or null when nothing was lost. A default that cannot open either leaves the call as it
 * is (its lost track sends silence or black; the call goes on).
 */
export async function replaceLostTracks(stream: MediaStream, pc: RTCPeerConnection | null,
  state: { muted: boolean; cameraOff: boolean }): Promise<{ stream: MediaStream; notice: string } | null> {
  const listed = await listDevices().catch(() => []);
  const tracks = stream.getTracks();
  const kinds = lostKinds(tracks.map((t) => ({ kind: t.kind, readyState: t.readyState, deviceId: t.getSettings().deviceId })), listed);
  if (kinds.length === 0) return null;
  let fresh: MediaStream;
  try {
    fresh = await navigator.mediaDevices.getUserMedia({ audio: kinds.includes('audio'), video: kinds.includes('video') });
  } catch {
    return null;
  }
  for (const track of fresh.getTracks()) {
    track.enabled = track.kind === 'audio' ? !state.muted : !state.cameraOff;
    const old = tracks.find((t) => t.kind === track.kind);
    const sender = old ? pc?.getSenders().find((s) => s.track === old) : undefined;
    if (sender) await sender.replaceTrack(track);
    if (old) {
      old.stop();
      stream.removeTrack(old);
    }
    stream.addTrack(track);
  }
  return { stream, notice: lostDeviceNote(kinds) };
}

/** The current call as CallDevices sees it (null when there is none, or it has no media or has ended). */
interface CallMediaState {
  callId: string;
  localStream: MediaStream;
  pc: RTCPeerConnection | null;
  muted: boolean;
  cameraOff: boolean;
}

/**
 * Watches the current call's devices: on `devicechange`, and when one of its tracks ends, the lost ones are replaced
 * (one check at a time) and `replaced` told; it answers false when the call is no longer the one checked, and the
 * new tracks are stopped.
 */
export class CallDevices {
  private checks: Promise<void> = Promise.resolve();
  private readonly current: () => CallMediaState | null;
  private readonly replaced: (callId: string, stream: MediaStream, notice: string) => boolean;

  constructor(current: () => CallMediaState | null, replaced: (callId: string, stream: MediaStream, notice: string) => boolean) {
    this.current = current;
    this.replaced = replaced;
  }

  /** Listens to the browser's device changes; returns the unsubscriber. */
  start(): () => void {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    const onChange = () => this.check();
    media?.addEventListener('devicechange', onChange);
    return () => media?.removeEventListener('devicechange', onChange);
  }

  /** A track the browser ends (its device gone) is checked as a device change is. */
  watch(stream: MediaStream): void {
    for (const t of stream.getTracks()) t.addEventListener('ended', () => this.check());
  }

  private check(): void {
    this.checks = this.checks.then(async () => {
      const call = this.current();
      if (!call) return;
      const done = await replaceLostTracks(call.localStream, call.pc, call);
      if (!done) return;
      if (!this.replaced(call.callId, done.stream, done.notice)) {
        for (const t of done.stream.getTracks()) t.stop();
        return;
      }
      // The new tracks are watched as the first were (a second unplug moves on again).
      this.watch(done.stream);
    }).catch((e: unknown) => { console.warn('lattice: the call could not move to another device', e); });
  }
}
