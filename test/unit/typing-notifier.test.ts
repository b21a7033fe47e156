/** Typing notices while composing (spec timeout, renewal, idle stop) and presence from the idle state. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TYPING_IDLE_MS, TYPING_RENEW_MS, TYPING_TIMEOUT_MS, TypingNotifier, type TypingClock,
} from '../../src/renderer/api/typing-notifier.ts';
import { IDLE_AFTER_MS, IdlePresence } from '../../src/renderer/api/idle-presence.ts';

/** A clock whose time moves only when the test says, firing timers that fall due. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: TypingClock = {
    now: () => now,
    setTimeout: (fn, ms) => { const id = next++; timers.set(id, { at: now + ms, fn }); return id; },
    clearTimeout: (h) => { timers.delete(h as number); },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now && timers.delete(id)) t.fn();
    }
  };
  return { clock, advance };
}

describe('TypingNotifier', () => {
  it('sends typing with a 30 s timeout once, renews it every 20 s while typing, and stops after 5 s idle', () => {
    const sent: [string, number][] = [];
    const { clock, advance } = fakeClock();
    const t = new TypingNotifier((r, ms) => sent.push([r, ms]), clock);
    t.input('!a', 'h');
    advance(1000); t.input('!a', 'he');
    advance(1000); t.input('!a', 'hel');
    assert.deepEqual(sent, [['!a', TYPING_TIMEOUT_MS]]);
    for (let i = 0; i < 10; i++) { advance(TYPING_RENEW_MS / 10); t.input('!a', 'hello'); }
    assert.deepEqual(sent, [['!a', TYPING_TIMEOUT_MS], ['!a', TYPING_TIMEOUT_MS]]);
    advance(TYPING_IDLE_MS - 1);
    assert.equal(sent.length, 2);
    advance(1);
    assert.deepEqual(sent.at(-1), ['!a', 0]);
    advance(60_000);
    assert.equal(sent.length, 3, 'nothing more once stopped');
  });

  it('stops on send, on clearing the text and on leaving the room, once per room', () => {
    const sent: [string, number][] = [];
    const { clock } = fakeClock();
    const t = new TypingNotifier((r, ms) => sent.push([r, ms]), clock);
    t.input('!a', 'x');
    t.input('!b', 'y');
    t.input('!a', '   ');
    t.stop('!b');
    t.stop('!b');
    t.stop('!c');
    assert.deepEqual(sent, [['!a', TYPING_TIMEOUT_MS], ['!b', TYPING_TIMEOUT_MS], ['!a', 0], ['!b', 0]]);
  });
});

describe('IdlePresence', () => {
  it('goes unavailable after five minutes without input and online again at the next input', () => {
    const sent: string[] = [];
    const { clock, advance } = fakeClock();
    const idle = new IdlePresence((p) => sent.push(p), clock);
    advance(IDLE_AFTER_MS - 1000);
    idle.activity();
    advance(IDLE_AFTER_MS - 1000);
    assert.deepEqual(sent, [], 'activity pushed idleness back');
    advance(1000);
    assert.deepEqual(sent, ['unavailable']);
    idle.activity();
    idle.activity();
    assert.deepEqual(sent, ['unavailable', 'online']);
    advance(IDLE_AFTER_MS);
    assert.deepEqual(sent, ['unavailable', 'online', 'unavailable']);
  });
});
