/**
 * Typing notifications while composing, with the timing the spec describes: a typing notice carries a timeout
 * (30 s) after which the server drops it by itself, so it is renewed while the user keeps typing (every 20 s), and
 * ended (timeout 0) when the text is sent or cleared, the room is left, or nothing was typed for a while (5 s).
 * Pure: the sending and the timers are given, so the timing is unit-tested without waiting.
 */

export const TYPING_TIMEOUT_MS = 30_000;
export const TYPING_RENEW_MS = 20_000;
export const TYPING_IDLE_MS = 5_000;

export interface TypingClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface RoomTyping {
  sentAt: number;
  idleTimer: unknown;
}

export class TypingNotifier {
  private readonly send: (roomId: string, timeoutMs: number) => void;
  private readonly clock: TypingClock;
  private readonly rooms = new Map<string, RoomTyping>();

  /** `send(roomId, 0)` means "stopped typing". */
  constructor(send: (roomId: string, timeoutMs: number) => void, clock: TypingClock = realClock) {
    this.send = send;
    this.clock = clock;
  }

  /** The composer's text changed. */
  input(roomId: string, text: string): void {
    if (text.trim() === '') {
      this.stop(roomId);
      return;
    }
    const now = this.clock.now();
    let state = this.rooms.get(roomId);
    if (!state || now - state.sentAt >= TYPING_RENEW_MS) {
      this.send(roomId, TYPING_TIMEOUT_MS);
      if (state) state.sentAt = now;
      else this.rooms.set(roomId, state = { sentAt: now, idleTimer: undefined });
    }
    this.clock.clearTimeout(state.idleTimer);
    state.idleTimer = this.clock.setTimeout(() => this.stop(roomId), TYPING_IDLE_MS);
  }

  /** The message was sent, or the composer left the room: no longer typing there. */
  stop(roomId: string): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    this.clock.clearTimeout(state.idleTimer);
    this.rooms.delete(roomId);
    this.send(roomId, 0);
  }
}
