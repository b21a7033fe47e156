/**
 * The sounds of a call, made with the Web Audio API (no sound files to bundle), as Element plays them (its ring.ogg,
 * ringback.ogg, busy.ogg and callend.ogg): a ringtone while an incoming call's prompt shows, the ringback tone a
 * caller hears until the other side answers, the busy tone when the person called is in another call, and a short
 * falling tone when a call that was up ends. They play on the speaker chosen in Settings where the browser can, and
 * not at all when call sounds are off there (use-call.ts). Which one a call wants is pure (toneFor); the one that
 * plays is also said by `data-call-tone` on <html>, so tests and styles can see it.
 */
import type { CallPhase } from './call-signals.ts';
import { getMediaPrefs } from './media-prefs.ts';

export type CallTone = 'ringtone' | 'ringback' | 'busy' | 'hangup';

/** What toneFor reads of a call (its view). */
export interface ToneCall {
  phase: CallPhase;
  direction: 'incoming' | 'outgoing';
  inviteSent: boolean;
  busy?: boolean;
  failed?: boolean;
  connectedAt?: number;
}

/**
 * The tone a call in this state plays: the prompt rings; our invite, once sent, rings back; a call refused as busy
 * sounds busy; a call that was up and ended (not failed) gives the hang-up tone; nothing else sounds.
 */
export function toneFor(call: ToneCall | null): CallTone | null {
  if (call?.phase === 'ringing' && call.direction === 'incoming') return 'ringtone';
  if (call?.phase === 'calling' && call.direction === 'outgoing' && call.inviteSent) return 'ringback';
  if (call?.phase === 'ended' && call.busy) return 'busy';
  if (call?.phase === 'ended' && !call.failed && call.connectedAt !== undefined) return 'hangup';
  return null;
}

/**
 * A tone's cycle: notes (their frequencies sounding together) at offsets in seconds, repeated every `period`, for
 * `cycles` cycles (for as long as it is wanted when not said).
 */
interface Pattern { period: number; level: number; cycles?: number; notes: { at: number; length: number; freqs: number[] }[] }

const PATTERNS: Record<CallTone, Pattern> = {
  // The ringback of North American telephones (440 + 480 Hz, 2 s on, 4 s off): what a caller knows as "it rings".
  ringback: { period: 6, level: 0.08, notes: [{ at: 0, length: 2, freqs: [440, 480] }] },
  // A chime of two falling notes, twice, every 3 s: heard across a room, not harsh close by.
  ringtone: {
    period: 3, level: 0.12, notes: [
      { at: 0, length: 0.35, freqs: [784] }, { at: 0.4, length: 0.45, freqs: [659] },
      { at: 1, length: 0.35, freqs: [784] }, { at: 1.4, length: 0.45, freqs: [659] },
    ],
  },
  // The busy signal of North American telephones (480 + 620 Hz, half a second on and off), for the 4 s the call's
  // end shows.
  busy: { period: 1, level: 0.08, cycles: 4, notes: [{ at: 0, length: 0.5, freqs: [480, 620] }] },
  // Two short falling notes, once: the call is over.
  hangup: { period: 1, level: 0.1, cycles: 1, notes: [{ at: 0, length: 0.16, freqs: [660] }, { at: 0.2, length: 0.3, freqs: [440] }] },
};

/** An AudioContext that can play on another output device (AudioContext.setSinkId, Chromium 110 and later). */
type SinkContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

/** Seconds a note takes to rise and fall (no click at its edges). */
const EDGE = 0.02;

class TonePlayer {
  private ctx: AudioContext | null = null;
  private current: { tone: CallTone; stop: () => void } | null = null;

  play(tone: CallTone | null): void {
    if (this.current?.tone === tone) return;
    this.current?.stop();
    this.current = null;
    if (!tone || typeof AudioContext === 'undefined') return;
    try {
      this.ctx ??= new AudioContext();
      // Suspended until the page has had a click (autoplay policy): a signed-in page has had one.
      if (this.ctx.state === 'suspended') this.ctx.resume().catch(() => undefined);
      // On the chosen speaker (the default one when it is gone or none is chosen).
      const sink = this.ctx as SinkContext;
      sink.setSinkId?.(getMediaPrefs().audiooutput?.id ?? '').catch(() => sink.setSinkId?.('').catch(() => undefined));
      this.current = { tone, stop: this.start(this.ctx, PATTERNS[tone]) };
      document.documentElement.dataset.callTone = tone;
    } catch (e) {
      // A page that cannot make sound still shows the call.
      console.warn('lattice: the call tone could not play', e);
    }
  }

  /** Starts the pattern's oscillators behind one gate, scheduling a cycle ahead; returns what stops it. */
  private start(ctx: AudioContext, pattern: Pattern): () => void {
    const gate = ctx.createGain();
    gate.gain.value = 0;
    gate.connect(ctx.destination);
    const voices = Math.max(...pattern.notes.map((n) => n.freqs.length));
    const oscillators = Array.from({ length: voices }, () => {
      const osc = ctx.createOscillator();
      osc.type = 'sine';
      osc.connect(gate);
      osc.start();
      return osc;
    });
    let next = ctx.currentTime + 0.05;
    let cycles = 0;
    const schedule = () => {
      if (pattern.cycles !== undefined && cycles >= pattern.cycles) return;
      cycles++;
      // Caught up if the page was throttled in the background: never schedule into the past.
      next = Math.max(next, ctx.currentTime + 0.05);
      for (const note of pattern.notes) {
        const t = next + note.at;
        oscillators.forEach((osc, i) => osc.frequency.setValueAtTime(note.freqs[i] ?? note.freqs[0], t));
        gate.gain.setValueAtTime(0, t);
        gate.gain.linearRampToValueAtTime(pattern.level / voices, t + EDGE);
        gate.gain.setValueAtTime(pattern.level / voices, t + note.length - EDGE);
        gate.gain.linearRampToValueAtTime(0, t + note.length);
      }
      next += pattern.period;
    };
    schedule();
    const timer = setInterval(schedule, pattern.period * 1000);
    return () => {
      clearInterval(timer);
      gate.gain.cancelScheduledValues(0);
      gate.gain.value = 0;
      for (const osc of oscillators) {
        osc.stop();
        osc.disconnect();
      }
      gate.disconnect();
      delete document.documentElement.dataset.callTone;
    };
  }
}

let player: TonePlayer | undefined;

/** Plays `tone` (stopping any other), or stops the tone for null. One player per page. */
export function playCallTone(tone: CallTone | null): void {
  player ??= new TonePlayer();
  player.play(tone);
}
