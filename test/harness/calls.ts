/**
 * What the call browser tests read from a page: every RTCPeerConnection it makes (state and stats), and the tones
 * it plays (oscillators started and not yet stopped, and the `data-call-tone` the page sets on <html>). The recorders
 * are init scripts, installed before the renderer runs. And how long the page shows an ended call before closing it.
 */
import type { Page } from 'playwright-core';
import { ENDED_SHOWN_KEY } from '../../src/renderer/api/call-view.ts';
import { serverSays } from './web-ui.ts';

/** Keeps every RTCPeerConnection the page makes in `window.__pcs`, for the test to read its state and stats. */
export function recordPeerConnections(): void {
  const Original = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = made;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  };
}

/** Counts the oscillators the page starts and stops in `window.__oscillators` (how many sound now). */
export function recordOscillators(): void {
  const count = { live: 0, started: 0 };
  (window as unknown as { __oscillators: typeof count }).__oscillators = count;
  // start and stop belong to AudioScheduledSourceNode; OscillatorNode's own copies shadow them for oscillators only.
  type Method = (this: AudioScheduledSourceNode, when?: number) => void;
  const method = (name: string) => Object.getOwnPropertyDescriptor(AudioScheduledSourceNode.prototype, name)?.value as Method;
  const start = method('start');
  const stop = method('stop');
  const proto = OscillatorNode.prototype;
  const stopped = new WeakSet<OscillatorNode>();
  proto.start = function (this: OscillatorNode, when?: number) {
    count.live++;
    count.started++;
    this.addEventListener('ended', () => {
      if (!stopped.has(this)) { stopped.add(this); count.live--; }
    });
    start.call(this, when);
  };
  proto.stop = function (this: OscillatorNode, when?: number) {
    // Counted at the call (stopping now); 'ended' would come later, and not at all once the context is closed.
    if (!stopped.has(this)) { stopped.add(this); count.live--; }
    stop.call(this, when);
  };
}

/** The tone the page says it plays (`ringtone`, `ringback`, or '' for none) and how many oscillators sound. */
export function tone(page: Page): Promise<{ tone: string; oscillators: number }> {
  return page.evaluate(() => ({
    tone: document.documentElement.dataset.callTone ?? '',
    oscillators: (window as unknown as { __oscillators?: { live: number } }).__oscillators?.live ?? 0,
  }));
}

/** Waits until the page plays `want` (with oscillators sounding), or nothing at all (no oscillator left) for ''. */
export async function waitForTone(page: Page, want: string): Promise<void> {
  await serverSays(`tone "${want}"`, () => tone(page), (t) => t.tone === want && (want === '' ? t.oscillators === 0 : t.oscillators > 0));
}

/**
 * Waits until the page's newest peer connection is connected and has received bytes of each of `kinds` (polled from
 * here: page.evaluate awaits the stats, where waitForFunction would take the pending promise for a yes).
 */
export async function receives(page: Page, kinds: string[]): Promise<void> {
  await serverSays(`media received (${kinds.join(', ')})`, () => page.evaluate(async (): Promise<{ state: string; bytes: Record<string, number> }> => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1);
    if (!pc) return { state: 'none', bytes: {} };
    const bytes: Record<string, number> = {};
    (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind) bytes[r.kind] = (bytes[r.kind] ?? 0) + (r.bytesReceived ?? 0);
    });
    return { state: pc.connectionState, bytes };
  }), (got) => got.state === 'connected' && kinds.every((k) => (got.bytes[k] ?? 0) > 0));
}

/** The signalling state of the page's newest peer connection ('closed' once the call ended). */
export function pcState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1);
    return pc ? pc.signalingState : 'none';
  });
}

/** An ended call shown briefly: for a test that waits for it to close itself, instead of the app's 4 s. */
export const ENDED_BRIEFLY_MS = 200;
/** An ended call shown until closed (ten minutes): for a test that reads or photographs it first, however slowly. */
export const ENDED_UNTIL_CLOSED_MS = 600_000;

/** How long the page's next ended calls stay before they close themselves: `ms`, or the app's own 4 s (null). */
export async function showEnded(page: Page, ms: number | null): Promise<void> {
  await page.evaluate(([key, value]) => {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, String(value));
  }, [ENDED_SHOWN_KEY, ms] as const);
}
