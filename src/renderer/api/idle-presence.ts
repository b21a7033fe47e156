/**
 * Our presence from the app's idle state: online while the user does something in the window, unavailable after
 * five minutes without input, online again at the next input. The backend sends it with every /sync and sets
 * offline itself on quit. Input events are many (mouse moves), so `activity()` only notes the time; one timer
 * checks for idleness when it could first be reached.
 */
import type { PresenceState } from '../../shared/rpc/types.ts';
import type { TypingClock } from './typing-notifier.ts';

export const IDLE_AFTER_MS = 5 * 60_000;

const realClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class IdlePresence {
  private readonly send: (presence: PresenceState) => void;
  private readonly clock: TypingClock;
  private state: PresenceState = 'online';
  private lastActive: number;
  private timer: unknown;

  constructor(send: (presence: PresenceState) => void, clock: TypingClock = realClock) {
    this.send = send;
    this.clock = clock;
    this.lastActive = clock.now();
    this.schedule(IDLE_AFTER_MS);
  }

  /** The user did something (key, pointer, focus). */
  activity(): void {
    this.lastActive = this.clock.now();
    if (this.state === 'unavailable') {
      this.state = 'online';
      this.send('online');
      this.schedule(IDLE_AFTER_MS);
    }
  }

  private schedule(ms: number): void {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    const idleFor = this.clock.now() - this.lastActive;
    if (idleFor < IDLE_AFTER_MS) {
      this.schedule(IDLE_AFTER_MS - idleFor);
      return;
    }
    this.state = 'unavailable';
    this.send('unavailable');
  }
}
