/**
 * The microphone and camera opened with the devices chosen in Settings (media-prefs.ts), as Element opens them: the
 * chosen device is asked for exactly (`deviceId: { exact }`), and when it is gone (a headset unplugged) the default
 * one is used instead, with a short note saying so, rather than failing the call or the recording. Calls play on
 * the chosen speaker through `setSinkId` where the browser has it. What is pure (the constraints, which chosen
 * devices are missing, the notes, the names the pickers show) is unit-tested.
 */
import { getMediaPrefs, type ChosenDevice, type DeviceKind, type MediaPrefs } from './media-prefs.ts';

/** What a device is called in words, for the notes and the pickers' unnamed devices. */
const NOUN: Record<DeviceKind, string> = { audioinput: 'microphone', videoinput: 'camera', audiooutput: 'speaker' };

/** A track's constraints with the chosen device asked for exactly (or the browser's default when none is chosen). */
export function withDevice(base: MediaTrackConstraints | boolean, chosen: ChosenDevice | null): MediaTrackConstraints | boolean {
  if (!chosen || base === false) return base;
  return { ...(base === true ? {} : base), deviceId: { exact: chosen.id } };
}

/** What a caller opens: the microphone (with its own constraints, or not at all) and the camera or not. */
export interface MediaWant {
  audio: MediaTrackConstraints | boolean;
  video: boolean;
}

/** The getUserMedia constraints for `want`, with the devices chosen in `prefs` except those listed in `skip`. */
export function mediaConstraints(want: MediaWant, prefs: MediaPrefs,
  skip: readonly DeviceKind[] = []): MediaStreamConstraints {
  const chosen = (kind: DeviceKind) => (skip.includes(kind) ? null : prefs[kind]);
  return { audio: withDevice(want.audio, chosen('audioinput')), video: want.video ? withDevice(true, chosen('videoinput')) : false };
}

/**
 * Of the devices chosen for `kinds`, those the browser does not list now (its IDs are empty before permission is
 * given: then every chosen one counts as missing, since none can be told present).
 */
export function missingDevices(kinds: readonly DeviceKind[], prefs: MediaPrefs, listed: readonly { kind: string; deviceId: string }[]): DeviceKind[] {
  return kinds.filter((kind) => {
    const chosen = prefs[kind];
    return chosen !== null && !listed.some((d) => d.kind === kind && d.deviceId === chosen.id);
  });
}

/** The note said when chosen devices are gone: "“Headset” is not connected: the default microphone is used." */
export function fallbackNote(missing: readonly DeviceKind[], prefs: MediaPrefs): string | null {
  const parts = missing.map((kind) => {
    const label = prefs[kind]?.label;
    return `${label ? `“${label}”` : `The chosen ${NOUN[kind]}`} is not connected: the default ${NOUN[kind]} is used.`;
  });
  return parts.length ? parts.join(' ') : null;
}

/** A picker's option: the device's ID and what it is called (its name, or "Microphone 2" before permission). */
export interface DeviceOption { id: string; label: string }

/**
 * The devices of one kind for a picker, in the browser's order: without the browser's own "default" and
 * "communications" entries (the picker's first choice, the system default, stands for them), named by their label
 * or by their kind and number when the browser hides labels (before permission).
 */
export function deviceOptions(listed: readonly { kind: string; deviceId: string; label: string }[], kind: DeviceKind): DeviceOption[] {
  const noun = NOUN[kind];
  return listed
    // An entry without an ID (before permission) cannot be chosen: the default stands for it.
    .filter((d) => d.kind === kind && d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications')
    .map((d, i) => ({ id: d.deviceId, label: d.label || `${noun[0].toUpperCase()}${noun.slice(1)} ${i + 1}` }));
}

/** The browser's devices, or none where it has no media devices (an insecure page). */
export async function listDevices(): Promise<MediaDeviceInfo[]> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return [];
  return navigator.mediaDevices.enumerateDevices();
}

/** An opened microphone (and camera), and the note to show when a chosen device was missing and the default used. */
export interface OpenedMedia {
  stream: MediaStream;
  notice: string | null;
}

/**
 * Opens the microphone (unless `audio` is false) and the camera (when `video`) with the chosen devices. A chosen device the browser cannot
 * find (OverconstrainedError, or NotFoundError) is dropped for the default one, once, with a note; any other
 * refusal (or a default that cannot open either) is thrown as getUserMedia threw it, for the caller to say in words.
 */
export async function openMedia(want: MediaWant, prefs = getMediaPrefs()): Promise<OpenedMedia> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw Object.assign(new Error('no media devices'), { name: 'NotSupportedError' });
  }
  const kinds = (['audioinput', 'videoinput'] as const).filter((k) => (k === 'audioinput' ? want.audio !== false : want.video));
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(mediaConstraints(want, prefs)), notice: null };
  } catch (e) {
    const name = e instanceof Error || e instanceof DOMException ? e.name : '';
    const chosen = kinds.filter((k) => prefs[k] !== null);
    if ((name !== 'OverconstrainedError' && name !== 'NotFoundError') || chosen.length === 0) throw e;
    const listed = await listDevices().catch(() => []);
    const missing = missingDevices(kinds, prefs, listed);
    // Listed but still not opened exactly: the default is the way left, for every chosen device.
    const skip = missing.length ? missing : chosen;
    const stream = await navigator.mediaDevices.getUserMedia(mediaConstraints(want, prefs, skip));
    return { stream, notice: fallbackNote(skip, prefs) };
  }
}

/** A media element that can play on another output device (HTMLMediaElement.setSinkId, Chromium and Electron). */
type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

/** True where the browser lets the page choose the speaker. */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * Plays `el` on the chosen speaker (or the default when none is chosen, or the chosen one cannot be used: unplugged,
 * or refused), where the browser can choose at all.
 */
export async function playOnChosenSpeaker(el: HTMLMediaElement, prefs = getMediaPrefs()): Promise<void> {
  const sink = el as SinkElement;
  if (typeof sink.setSinkId !== 'function') return;
  const id = prefs.audiooutput?.id ?? '';
  if (sink.sinkId === id) return;
  try {
    await sink.setSinkId(id);
  } catch {
    if (sink.sinkId !== '') await sink.setSinkId('').catch(() => undefined);
  }
}
