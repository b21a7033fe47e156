/**
 * What Settings → Voice & video reads from the browser while it is open: the devices (listed again on every
 * `devicechange`, a headset plugged in or out), the permission that shows their names, and the live microphone
 * level and camera preview of the chosen devices. Every stream opened here is stopped when the section closes or
 * the choice changes, so the microphone and camera are not held a moment longer than the section shows them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { listDevices, openMedia } from '../../api/media-devices.ts';
import type { ChosenDevice } from '../../api/media-prefs.ts';
import { loudness, rms } from '../../api/voice-recording.ts';

/** How often the level meter is read (ten times a second reads as live). */
const LEVEL_MS = 100;

/** The browser's devices (null until first listed), listed again whenever they change. */
export function useDeviceList(): { devices: MediaDeviceInfo[] | null; refresh: () => void } {
  const [devices, setDevices] = useState<MediaDeviceInfo[] | null>(null);
  const refresh = useCallback(() => {
    listDevices().then(setDevices, () => setDevices([]));
  }, []);
  useEffect(() => {
    refresh();
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    media?.addEventListener('devicechange', refresh);
    return () => media?.removeEventListener('devicechange', refresh);
  }, [refresh]);
  return { devices, refresh };
}

/**
 * Asks for the microphone (and camera, when there is one) only to learn the devices' names, as Element's "Allow
 * access" does: the streams are stopped at once and the list read again. `error` says a refusal in words.
 */
export function usePermissionAsk(hasCamera: boolean, refresh: () => void): { ask: () => void; asking: boolean; error: string | null } {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ask = useCallback(() => {
    setAsking(true);
    setError(null);
    void (async () => {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: hasCamera });
        for (const t of stream.getTracks()) t.stop();
      } catch (e) {
        setError(deviceProblem(e, hasCamera ? 'microphone and camera' : 'microphone'));
      } finally {
        setAsking(false);
        refresh();
      }
    })();
  }, [hasCamera, refresh]);
  return { ask, asking, error };
}

/** Why `what` (the microphone, the camera or both) cannot be used here, in words. */
function deviceProblem(e: unknown, what: 'microphone' | 'camera' | 'microphone and camera'): string {
  switch (e instanceof Error || e instanceof DOMException ? e.name : '') {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Lattice may not use your ${what}. Allow ${what} access for Lattice (in your browser's or system's settings), then try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${what} could not be started; another program may be using ${what.includes(' and ') ? 'them' : 'it'}.`;
    default:
      return `Your ${what} could not be started.`;
  }
}

/**
 * A live preview's state: why it cannot show, in words. (A chosen device that is missing shows the default one's,
 * and its picker says it is not connected.)
 */
interface Preview { error: string | null }

/**
 * Opens the chosen microphone while `on` and keeps `meter` (an element with the meter role) showing its level: its
 * width as a share of the bar, `aria-valuenow` and `data-level` from 0 to 100. Stopped when off or unmounted.
 */
export function useMicrophoneLevel(on: boolean, chosen: ChosenDevice | null): { meter: React.RefObject<HTMLDivElement | null> } & Preview {
  const meter = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<Preview>({ error: null });
  const chosenId = chosen?.id;
  useEffect(() => {
    if (!on) return undefined;
    let stopped = false;
    let release = () => undefined as void;
    void openMedia({ audio: true, video: false }).then(({ stream }) => {
      if (stopped) { for (const t of stream.getTracks()) t.stop(); return; }
      setState({ error: null });
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      const buffer = new Float32Array(analyser.fftSize);
      ctx.createMediaStreamSource(stream).connect(analyser);
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(buffer);
        const level = Math.round(loudness(rms(buffer)) * 100);
        const bar = meter.current;
        if (!bar) return;
        bar.style.setProperty('--level', `${level}%`);
        bar.setAttribute('aria-valuenow', String(level));
        bar.dataset.level = String(level);
      }, LEVEL_MS);
      release = () => {
        clearInterval(timer);
        for (const t of stream.getTracks()) t.stop();
        void ctx.close().catch(() => undefined);
      };
    }, (e: unknown) => { if (!stopped) setState({ error: deviceProblem(e, 'microphone') }); });
    return () => {
      stopped = true;
      release();
    };
  }, [on, chosenId]);
  return { meter, ...state };
}

/** Opens the chosen camera while `on` into `video`; stopped when off or unmounted. */
export function useCameraPreview(on: boolean, chosen: ChosenDevice | null): { video: React.RefObject<HTMLVideoElement | null> } & Preview {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<Preview>({ error: null });
  const chosenId = chosen?.id;
  useEffect(() => {
    if (!on) return undefined;
    let stopped = false;
    let stream: MediaStream | null = null;
    let shownIn: HTMLVideoElement | null = null;
    void openMedia({ audio: false, video: true }).then((opened) => {
      if (stopped) { for (const t of opened.stream.getTracks()) t.stop(); return; }
      stream = opened.stream;
      setState({ error: null });
      shownIn = video.current;
      if (shownIn) shownIn.srcObject = stream;
    }, (e: unknown) => { if (!stopped) setState({ error: deviceProblem(e, 'camera') }); });
    return () => {
      stopped = true;
      for (const t of stream?.getTracks() ?? []) t.stop();
      if (shownIn) shownIn.srcObject = null;
    };
  }, [on, chosenId]);
  return { video, ...state };
}
