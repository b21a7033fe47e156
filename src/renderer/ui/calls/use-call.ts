/**
 * The current call (calls.ts) for components: re-renders on each change of it, the tone it plays while it rings, and
 * a clock that ticks each second while a call is connected (the in-call view's elapsed time).
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { playCallTone, toneFor } from '../../api/call-tones.ts';
import type { CallView } from '../../api/call-view.ts';
import { useSession } from '../../api/hooks.ts';
import { useMediaPrefs } from '../../api/media-prefs.ts';

export function useCall(): CallView | null {
  const { calls } = useSession();
  return useSyncExternalStore(calls.subscribe, calls.current);
}

/**
 * Plays the tone `call` asks for (ringtone, ringback, busy, hang-up, none) while the caller is mounted, unless call
 * sounds are off in Settings → Voice & video; silent after.
 */
export function useCallTone(call: CallView | null): void {
  const { callSounds } = useMediaPrefs();
  const tone = callSounds ? toneFor(call) : null;
  useEffect(() => { playCallTone(tone); }, [tone]);
  useEffect(() => () => playCallTone(null), []);
}

/** Now, in ms, updated every second while `running`. */
export function useSecondTicks(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // Until the first tick the clock may be a little behind: the elapsed time shows 0:00 (never below).
    if (!running) return undefined;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [running]);
  return now;
}
