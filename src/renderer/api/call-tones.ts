/**
 * The sounds of a call that is not yet answered, made with the Web Audio API (no sound files to bundle): a ringtone
 * while an incoming call's prompt shows, and the ringback tone a caller hears until the other side answers, as
 * Element plays them (its ring.ogg and ringback.ogg). Which one a call wants is pure (toneFor); the one that plays is
 * also said by `data-call-tone` on <html>, so tests and styles can see it.
 */
import type { CallPhase } from './call-signals.ts';

export type CallTone = 'ringtone' | 'ringback';

/** The tone a call in this state plays: the prompt rings; our invite, once sent, rings back; nothing else sounds. */
export function toneFor(call: { phase: CallPhase; direction: 'incoming' | 'outgoing'; inviteSent: boolean } | null): CallTone | null {
  if (call?.phase === 'ringing' && call.direction === 'incoming') return 'ringtone';
  if (call?.phase === 'calling' && call.direction === 'outgoing' && call.inviteSent) return 'ringback';
  return null;
}

/** A tone's cycle: notes (their frequencies sounding together) at offsets in seconds, repeated every `period`. */
interface Pattern { period: number; level: number; notes: { at: number; length: number; freqs: number[] }[] }

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
};

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
    const schedule = () => {
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
