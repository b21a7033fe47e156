/**
 * The dispatcher on its own, with stub handlers: every bad input gets an error in words, unknown commands are
 * refused, `cancel` aborts the right request, `ping` is answered, and a request_id already in flight is refused.
 */
import { createLogger } from '../../src/main/backend/log/logger.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandSchemas, type Envelope } from '../../src/shared/rpc/index.ts';
import { Dispatcher, type Handlers } from '../../src/main/backend/rpc/dispatcher.ts';

/** Handlers that all refuse, with the ones a test needs replaced. */
function stubHandlers(overrides: Partial<Handlers>): Handlers {
  const all = Object.fromEntries(Object.keys(commandSchemas).filter((c) => c !== 'cancel').map((c) => [c, () => {
    throw new Error(`${c} is not part of this test`);
  }]));
  return { ...all, ...overrides } as Handlers;
}

/** A dispatcher whose replies and log lines are recorded; `next` waits for the reply to a request id. */
function setup(overrides: Partial<Handlers> = {}) {
  const replies: Envelope[] = [];
  const logs: string[] = [];
  const waiting = new Map<number, (env: Envelope) => void>();
  const d = new Dispatcher(stubHandlers(overrides), (env) => {
    replies.push(env);
    const w = env.request_id === undefined ? undefined : waiting.get(env.request_id);
    if (w) { waiting.delete(env.request_id!); w(env); }
  }, createLogger({ level: 'debug', sinks: [{ write: (r) => { logs.push(r.msg); } }] }));
  const replyTo = (id: number): Promise<Envelope> => {
    const past = replies.find((r) => r.request_id === id);
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => waiting.set(id, resolve));
  };
  return { d, replies, logs, replyTo };
}

/** Lets pending handler promises settle. */
const settle = () => new Promise((r) => setImmediate(r));

/** A handler that waits until its request is aborted, and reports what signal it was given. */
function hanging(seen: AbortSignal[]) {
  return (_data: unknown, signal: AbortSignal) => new Promise<never>((_resolve, reject) => {
    seen.push(signal);
    signal.addEventListener('abort', () => reject(new Error('the handler noticed')), { once: true });
  });
}

describe('Dispatcher', () => {
  it('answers a valid request with the handler result, and an undefined result with null', async () => {
    const { d, replyTo } = setup({
      get_state: () => ({ is_initialized: true, is_logged_in: false, is_verified: false, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false } }),
      logout: () => undefined as unknown as boolean,
    });
    d.receive({ command: 'get_state', request_id: 1 });
    assert.deepEqual(await replyTo(1), { command: 'response', request_id: 1, data: { is_initialized: true, is_logged_in: false, is_verified: false, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false } } });
    d.receive({ command: 'logout', request_id: 2, data: {} });
    assert.deepEqual(await replyTo(2), { command: 'response', request_id: 2, data: null });
  });

  it('passes the validated data to the handler', async () => {
    let got: unknown;
    const { d, replyTo } = setup({ mark_read: (data) => { got = data; return true; } });
    const data = { room_id: '!r:hs', event_id: '$e', receipt_type: 'm.read' };
    d.receive({ command: 'mark_read', request_id: 3, data });
    assert.equal((await replyTo(3)).data, true);
    assert.deepEqual(got, data);
  });

  it('refuses bad data in words that name the field, without calling the handler', async () => {
    let called = false;
    const { d, replyTo } = setup({ paginate: () => { called = true; return { events: [], receipts: {}, related_events: [], has_more: false, from_server: false }; } });
    d.receive({ command: 'paginate', request_id: 1, data: {} });
    const missing = await replyTo(1);
    assert.equal(missing.command, 'error');
    assert.match(String(missing.data), /^invalid data for paginate: room_id: /);
    d.receive({ command: 'paginate', request_id: 2, data: { room_id: 'not-a-room' } });
    assert.match(String((await replyTo(2)).data), /room_id: must be a room ID/);
    d.receive({ command: 'paginate', request_id: 3, data: { room_id: '!r:hs', limit: 'ten' } });
    assert.match(String((await replyTo(3)).data), /limit/);
    d.receive({ command: 'paginate', request_id: 4, data: 'room' });
    assert.equal((await replyTo(4)).command, 'error');
    assert.equal(called, false);
  });

  it('refuses malformed envelopes that carry a request_id, and drops (with a log line) those that do not', async () => {
    const { d, replies, logs, replyTo } = setup();
    d.receive({ command: 42, request_id: 7 });
    const bad = await replyTo(7);
    assert.equal(bad.command, 'error');
    assert.match(String(bad.data), /^malformed envelope: command: /);
    for (const junk of ['garbage', null, 17, []]) d.receive(junk);
    d.receive({ command: 'get_state' }); // valid, but without request_id: never answered
    // A request_id that is not a positive integer cannot be echoed: answered under id 0 (issue 8).
    d.receive({ request_id: 'x' });
    const badId = await replyTo(0);
    assert.equal(badId.command, 'error');
    await settle();
    assert.equal(replies.length, 2);
    assert.ok(logs.some((l) => /dropped a malformed message/.test(l)));
  });

  it('refuses an unknown command, even one named like an Object property', async () => {
    const { d, replyTo } = setup();
    d.receive({ command: 'no_such_thing', request_id: 1 });
    assert.deepEqual(await replyTo(1), { command: 'error', request_id: 1, data: 'unknown command "no_such_thing"' });
    d.receive({ command: 'toString', request_id: 2 });
    assert.match(String((await replyTo(2)).data), /unknown command "toString"/);
    d.receive({ command: '__proto__', request_id: 3 });
    assert.match(String((await replyTo(3)).data), /unknown command/);
  });

  it('answers ping with pong, and a ping without request_id with nothing', async () => {
    const { d, replies, replyTo } = setup();
    d.receive({ command: 'ping', request_id: 5 });
    assert.deepEqual(await replyTo(5), { command: 'pong', request_id: 5 });
    d.receive({ command: 'ping' });
    await settle();
    assert.equal(replies.length, 1);
  });

  it('turns a handler failure into an error reply in its words, and logs it', async () => {
    const { d, logs, replyTo } = setup({ logout: () => Promise.reject(new Error('Could not log out on the homeserver: boom')) });
    d.receive({ command: 'logout', request_id: 1 });
    assert.deepEqual(await replyTo(1), { command: 'error', request_id: 1, data: 'Could not log out on the homeserver: boom' });
    assert.ok(logs.some((l) => l.includes('logout failed: Could not log out')));
  });

  it('cancels the request named by request_id, with its reason; cancelling nothing answers false', async () => {
    const signals: AbortSignal[] = [];
    const { d, logs, replyTo } = setup({ paginate: hanging(signals) });
    d.receive({ command: 'paginate', request_id: 10, data: { room_id: '!r:hs' } });
    await settle();
    assert.equal(signals.length, 1);
    d.receive({ command: 'cancel', request_id: 11, data: { request_id: 10, reason: 'user scrolled away' } });
    assert.deepEqual(await replyTo(11), { command: 'response', request_id: 11, data: true });
    assert.equal(signals[0].aborted, true);
    // The cancelled request's answer is the cancellation, not what the handler threw on noticing it.
    assert.deepEqual(await replyTo(10), { command: 'error', request_id: 10, data: 'cancelled: user scrolled away' });
    assert.ok(!logs.some((l) => l.includes('paginate failed')), 'a cancel is not logged as a failure');
    d.receive({ command: 'cancel', request_id: 12, data: { request_id: 10 } });
    assert.equal((await replyTo(12)).data, false, 'it is no longer in flight');
    d.receive({ command: 'cancel', request_id: 13, data: { request_id: 'ten' } });
    assert.match(String((await replyTo(13)).data), /^invalid data for cancel: request_id/);
  });

  it('refuses a second request with a request_id that is still in flight, and still answers the first', async () => {
    let release!: () => void;
    const { d, replies, replyTo } = setup({
      get_state: () => new Promise((resolve) => {
        release = () => resolve({ is_initialized: true, is_logged_in: false, is_verified: false, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false } });
      }),
      logout: () => true,
    });
    d.receive({ command: 'get_state', request_id: 1 });
    await settle();
    d.receive({ command: 'logout', request_id: 1 });
    const dup = await replyTo(1);
    assert.deepEqual(dup, { command: 'error', request_id: 1, data: 'request_id 1 is already in flight' });
    release();
    await settle();
    assert.equal(replies.length, 2);
    assert.equal(replies[1].command, 'response');
    assert.equal((replies[1].data as { is_initialized: boolean }).is_initialized, true);
    // Once answered, the id may be used again.
    d.receive({ command: 'logout', request_id: 1 });
    await settle();
    assert.deepEqual(replies[2], { command: 'response', request_id: 1, data: true });
  });

  it('aborts everything in flight when the connection closes', async () => {
    const signals: AbortSignal[] = [];
    const { d, replyTo } = setup({ paginate: hanging(signals), get_room_state: hanging(signals) });
    d.receive({ command: 'paginate', request_id: 1, data: { room_id: '!r:hs' } });
    d.receive({ command: 'get_room_state', request_id: 2, data: { room_id: '!r:hs' } });
    await settle();
    d.close();
    assert.deepEqual(signals.map((s) => s.aborted), [true, true]);
    assert.equal((await replyTo(1)).data, 'connection closed');
    assert.equal((await replyTo(2)).data, 'connection closed');
  });

  it('runs a request without request_id but never answers it', async () => {
    let ran = false;
    const { d, replies } = setup({ logout: () => { ran = true; return true; } });
    d.receive({ command: 'logout' });
    await settle();
    assert.equal(ran, true);
    assert.equal(replies.length, 0);
  });
});
