/**
 * The microphone, camera and speaker chosen in Settings → Voice & video, and whether calls make sounds: kept in this
 * device's localStorage (as the theme is, prefs.ts), since a device ID means nothing on another computer. Each
 * device is kept with its name, so that when it is gone (a headset unplugged) the app can say which one it misses.
 */
import { useSyncExternalStore } from 'react';
import { listeners } from './listeners.ts';

export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

/** A device chosen by the person: its ID (per origin, stable across reloads) and its name when chosen. */
export interface ChosenDevice {
  readonly id: string;
  readonly label: string;
}

export interface MediaPrefs {
  readonly audioinput: ChosenDevice | null;
  readonly videoinput: ChosenDevice | null;
  readonly audiooutput: ChosenDevice | null;
  /** Ringing, ringback, busy and hang-up tones. */
  readonly callSounds: boolean;
}

const KEY = 'lattice.media';
const DEFAULTS: MediaPrefs = { audioinput: null, videoinput: null, audiooutput: null, callSounds: true };

function device(raw: unknown): ChosenDevice | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { id, label } = raw as Record<string, unknown>;
  return typeof id === 'string' && id !== '' ? { id, label: typeof label === 'string' ? label : '' } : null;
}

/** The preferences stored as `raw` (JSON text or null), anything unreadable taken as the default. */
export function parseMediaPrefs(raw: string | null): MediaPrefs {
  try {
    const r: unknown = JSON.parse(raw ?? '{}');
    if (typeof r !== 'object' || r === null) return DEFAULTS;
    const o = r as Record<string, unknown>;
    return {
      audioinput: device(o.audioinput), videoinput: device(o.videoinput), audiooutput: device(o.audiooutput),
      callSounds: o.callSounds !== false,
    };
  } catch {
    return DEFAULTS;
  }
}

let current: MediaPrefs | null = null;
const changed = listeners();

export function getMediaPrefs(): MediaPrefs {
  if (!current) {
    let raw: string | null = null;
    try {
      raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
    } catch {
      // Blocked storage: the defaults.
    }
    current = parseMediaPrefs(raw);
  }
  return current;
}

export function setMediaPrefs(change: Partial<MediaPrefs>): void {
  current = { ...getMediaPrefs(), ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Storage full or blocked: the choice still applies for this session.
  }
  changed.notify();
}

export function useMediaPrefs(): MediaPrefs {
  return useSyncExternalStore(changed.subscribe, getMediaPrefs);
}
