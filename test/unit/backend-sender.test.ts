/**
 * The sender's delivery rules against a fake homeserver: which failures are retried (all but permanent Matrix
 * errors, for as long as it takes), that every retry, also after a restart, reuses the transaction ID (so the
 * server deduplicates), that a room's messages leave in the order they were written and wait behind a failed
 * one, and that the outbox in SQLite is what a new run picks up.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { NOT_SENT, type SendComplete } from '../../src/shared/rpc/index.ts';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import { CLOSING, Sender } from '../../src/main/backend/send/sender.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { connectionRefused, FakeFetch, json, matrixError, never, type FakeRequest } from '../harness/fake-fetch.ts';

const ME = '@me:hs';
const ROOM = '!room:hs';
const OTHER_ROOM = '!other:hs';

/** The transaction ID of a PUT /rooms/{room}/send/{type}/{txnId}. */
const txnOf = (r: FakeRequest) => decodeURIComponent(r.url.pathname.split('/').at(-1)!);
const roomOf = (r: FakeRequest) => decodeURIComponent(r.url.pathname.split('/')[5]);

describe('Sender', () => {
  let store: Store;
  let fake: FakeFetch;
  let sender: Sender;
  let completed: SendComplete[];

  beforeEach(() => {
    store = Store.open(':memory:');
    completed = [];
    fake = new FakeFetch(() => json(200, { event_id: '$unused' }));
    const client = new MatrixClient('http://hs.invalid', 'token', fake.fetch);
    sender = new Sender(client, store, ME, (c) => completed.push(c), { retryBaseMs: 1, maxRetryMs: 2 });
  });
  afterEach(() => {
    sender.stop();
    store.close();
  });

  it('stores a local echo at once, then the server event ID', async () => {
    fake.route = () => json(200, { event_id: '$real' });
    const { echo, done } = sender.send(ROOM, 'm.room.message', { msgtype: 'm.text', body: 'hi' });
    assert.equal(echo.send_error, NOT_SENT);
    assert.match(echo.event_id, /^~/);
    assert.equal(echo.event_id, `~${echo.transaction_id}`);
    const result = await done;
    assert.equal(result.error, null);
    assert.equal(result.event.event_id, '$real');
    assert.equal(result.event.send_error, undefined);
    assert.equal(store.events.get(echo.rowid)?.event_id, '$real');
    assert.deepEqual(completed, [result]);
    const [put] = fake.requests;
    assert.equal(put.method, 'PUT');
    assert.equal(txnOf(put), echo.transaction_id);
    assert.deepEqual(put.body, { msgtype: 'm.text', body: 'hi' });
  });

  it('retries server errors, rate limits and lost connections with the same transaction ID', async () => {
    const answers: (() => Response)[] = [
      () => matrixError(502, 'M_UNKNOWN', 'bad gateway'),
      () => matrixError(429, 'M_LIMIT_EXCEEDED', 'slow down', { retry_after_ms: 1 }),
      connectionRefused,
      () => matrixError(408, 'M_UNKNOWN', 'timeout'),
      () => json(200, { event_id: '$finally' }),
    ];
    fake.route = () => answers.shift()!();
    const { echo, done } = sender.send(ROOM, 'm.room.message', { body: 'persistent' });
    const result = await done;
    assert.equal(result.error, null);
    assert.equal(result.event.event_id, '$finally');
    assert.equal(fake.requests.length, 5);
    assert.deepEqual(new Set(fake.requests.map(txnOf)), new Set([echo.transaction_id]));
    assert.equal(completed.length, 1, 'one send_complete, not one per attempt');
  });

  for (const [what, answer, reason] of [
    ['M_FORBIDDEN', () => matrixError(403, 'M_FORBIDDEN', 'You are not in this room'), 'You are not a member of this room (any more).'],
    ['a 400 error', () => matrixError(400, 'M_BAD_JSON', 'Content is not JSON'), 'The homeserver could not accept it as written: Content is not JSON.'],
    ['M_FORBIDDEN even as a 5xx', () => matrixError(500, 'M_FORBIDDEN', 'forbidden'), 'The homeserver does not allow it here: forbidden.'],
  ] as const) {
    it(`does not retry ${what}: the echo and the outbox keep the server's reason`, async () => {
      fake.route = answer;
      const { echo, done } = sender.send(ROOM, 'm.room.message', { body: 'doomed' });
      const result = await done;
      assert.equal(fake.requests.length, 1);
      assert.ok(result.error && result.error !== NOT_SENT, `a failure in words, got ${result.error}`);
      assert.equal(result.error, reason);
      const stored = store.events.get(echo.rowid)!;
      assert.equal(stored.send_error, result.error);
      assert.equal(stored.event_id, echo.event_id, 'keeps its temporary ID');
      assert.equal(store.outbox.get(echo.transaction_id!)?.failed_error, result.error);
    });
  }

  it('writes the echo and its outbox row together, and empties the outbox once the server has the event', async () => {
    fake.route = never;
    const { echo } = sender.send(ROOM, 'm.room.message', { body: 'queued' });
    const entry = store.outbox.get(echo.transaction_id!);
    assert.equal(entry?.event_rowid, echo.rowid);
    assert.equal(entry?.failed_error, null);
    sender.stop();
    assert.equal(store.events.get(echo.rowid)?.send_error, NOT_SENT, 'stopping is not failing');
    assert.ok(store.outbox.get(echo.transaction_id!), 'still queued for the next start');
  });

  it('asks for a /timestamp time with the ts parameter, also when a new run sends what the last one queued', async () => {
    fake.route = never;
    const { echo } = sender.send(ROOM, 'm.room.message', { body: 'back then' }, false, 1_700_000_000_000);
    assert.equal(echo.timestamp, 1_700_000_000_000, 'the local echo shows the asked-for time');
    assert.equal(store.outbox.get(echo.transaction_id!)?.ts, 1_700_000_000_000);
    sender.stop();
    const sent: FakeRequest[] = [];
    fake.route = (r) => { sent.push(r); return json(200, { event_id: '$then' }); };
    const next = new Sender(new MatrixClient('http://hs.invalid', 'token', fake.fetch), store, ME, (c) => completed.push(c), { retryBaseMs: 1, maxRetryMs: 2 });
    next.start();
    while (!completed.length) await new Promise((r) => setTimeout(r, 1));
    next.stop();
    assert.equal(sent.length, 1);
    assert.equal(txnOf(sent[0]), echo.transaction_id);
    assert.equal(sent[0].url.searchParams.get('ts'), '1700000000000');
    const plain = sender.send(ROOM, 'm.room.message', { body: 'now' });
    assert.equal(store.outbox.get(plain.echo.transaction_id!)?.ts, null, 'no ts unless asked for');
  });

  it('waits for as long as the homeserver is unreachable, never failing the message', async () => {
    let down = 40;
    fake.route = () => (down-- > 0 ? (down % 2 ? connectionRefused() : matrixError(503, 'M_UNKNOWN', 'unavailable')) : json(200, { event_id: '$late' }));
    const { done } = sender.send(ROOM, 'm.room.message', { body: 'patient' });
    const result = await done;
    assert.equal(result.error, null);
    assert.equal(fake.requests.length, 41);
    assert.equal(completed.length, 1);
  });

  it('keeps waiting, at the app\'s own retry timing, through hours of an unreachable homeserver', async () => {
    // The outage was 2 minutes (the old sender gave up after 5 attempts, about 15 s); the integration test
    // (outbox.test.ts) shortens the timing to meet many attempts quickly, so the app's schedule is waited out
    // here, on mocked timers and clock, where a give-up after some time would show as well as one after a count.
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const app = new Sender(new MatrixClient('http://hs.invalid', 'token', fake.fetch), store, ME, (c) => completed.push(c));
    try {
      let down = true;
      fake.route = () => (down ? connectionRefused() : json(200, { event_id: '$after-hours' }));
      const { done } = app.send(ROOM, 'm.room.message', { body: 'patient for hours' });
      const settle = () => new Promise<void>((r) => { setImmediate(r); });
      const hours = 2 * 60 * 60_000;
      for (let elapsed = 0; elapsed < hours; elapsed += 1000) { await settle(); mock.timers.tick(1000); }
      await settle();
      assert.deepEqual(completed, [], 'nothing completed, nothing failed');
      // 1, 2, 4, 8, 16 s, then every 30 s: about 240 attempts in two hours.
      assert.ok(fake.requests.length > 200, `kept trying (${fake.requests.length} attempts)`);
      down = false;
      mock.timers.tick(30_000);
      const result = await done;
      assert.equal(result.error, null);
      assert.equal(result.event.event_id, '$after-hours');
      assert.equal(new Set(fake.requests.map(txnOf)).size, 1, 'one transaction ID throughout');
    } finally {
      app.stop();
      mock.timers.reset();
    }
  });

  it('retries at once when woken (the sync loop reconnected) instead of after its backoff', async () => {
    const slow = new Sender(new MatrixClient('http://hs.invalid', 'token', fake.fetch), store, ME, () => {}, { retryBaseMs: 3_600_000 });
    let first = true;
    fake.route = () => { if (first) { first = false; connectionRefused(); } return json(200, { event_id: '$woken' }); };
    const { done } = slow.send(ROOM, 'm.room.message', { body: 'wake me' });
    let settled = false;
    void done.then(() => { settled = true; });
    // Woken repeatedly until it sends: the hour-long backoff would otherwise outlast the test.
    while (!settled) { slow.wake(); await new Promise((r) => setTimeout(r, 1)); }
    assert.equal((await done).event.event_id, '$woken');
    assert.equal(fake.requests.length, 2);
    slow.stop();
  });

  it('sends what an earlier run left in the outbox, with the same transaction ID, in order', async () => {
    fake.route = never;
    const a = sender.send(ROOM, 'm.room.message', { body: 'a' });
    const b = sender.send(ROOM, 'm.room.message', { body: 'b' });
    sender.stop();
    assert.equal((await a.done).error, CLOSING);
    fake.route = (req) => json(200, { event_id: `$${(req.body as { body: string }).body}` });
    const next = new Sender(new MatrixClient('http://hs.invalid', 'token', fake.fetch), store, ME, (c) => completed.push(c), { retryBaseMs: 1 });
    next.start();
    while (completed.length < 2) await new Promise((r) => setTimeout(r, 1));
    next.stop();
    const puts = fake.requests.slice(-2);
    assert.deepEqual(puts.map(txnOf), [a.echo.transaction_id, b.echo.transaction_id]);
    assert.deepEqual(completed.map((c) => c.event.event_id), ['$a', '$b']);
    assert.deepEqual(store.outbox.all(), []);
  });

  it('does not send again what sync already brought back before a restart', async () => {
    fake.route = never;
    const a = sender.send(ROOM, 'm.room.message', { body: 'a' });
    sender.stop();
    store.events.setSendResult(a.echo.rowid, '$fromSync', null);
    const before = fake.requests.length;
    const next = new Sender(new MatrixClient('http://hs.invalid', 'token', fake.fetch), store, ME, (c) => completed.push(c));
    next.start();
    while (completed.length < 1) await new Promise((r) => setTimeout(r, 1));
    next.stop();
    assert.equal(fake.requests.length, before);
    assert.deepEqual(store.outbox.all(), []);
  });

  it('holds the messages after a failed one until it is resent, then sends all in order', async () => {
    let refuse = true;
    fake.route = (req) => {
      const body = (req.body as { body: string }).body;
      if (body === 'one' && refuse) return matrixError(403, 'M_FORBIDDEN', 'Not yet');
      return json(200, { event_id: `$${body}` });
    };
    const one = sender.send(ROOM, 'm.room.message', { body: 'one' });
    const two = sender.send(ROOM, 'm.room.message', { body: 'two' });
    assert.equal((await one.done).error, 'The homeserver does not allow it here: Not yet.');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.requests.length, 1, 'two did not overtake one');
    assert.equal(store.events.get(two.echo.rowid)?.send_error, NOT_SENT);
    assert.throws(() => sender.resend(two.echo.transaction_id!), /has not failed/);
    assert.throws(() => sender.resend('nope'), /Unknown transaction ID/);
    refuse = false;
    const again = sender.resend(one.echo.transaction_id!);
    assert.equal(again.send_error, NOT_SENT);
    assert.equal((await two.done).error, null);
    assert.deepEqual(fake.requests.map((r) => (r.body as { body: string }).body), ['one', 'one', 'two']);
    assert.deepEqual(new Set(fake.requests.slice(0, 2).map(txnOf)), new Set([one.echo.transaction_id]));
    assert.throws(() => sender.resend(one.echo.transaction_id!), /already sent/);
  });

  it('discards a failed message and its echo; the ones behind it go on', async () => {
    fake.route = (req) => ((req.body as { body: string }).body === 'bad'
      ? matrixError(400, 'M_BAD_JSON', 'no') : json(200, { event_id: '$good' }));
    const bad = sender.send(ROOM, 'm.room.message', { body: 'bad' });
    const good = sender.send(ROOM, 'm.room.message', { body: 'good' });
    assert.equal((await bad.done).error, 'The homeserver could not accept it as written: no.');
    const dropped = sender.discard(bad.echo.transaction_id!);
    assert.equal(dropped.rowid, bad.echo.rowid);
    assert.equal(store.events.get(bad.echo.rowid), undefined);
    assert.equal((await good.done).error, null);
  });

  it("sends a room's messages in order, each only after the one before has landed, even across retries", async () => {
    let firstFailures = 2;
    fake.route = (req) => {
      const body = (req.body as { body: string }).body;
      if (body === 'one' && firstFailures-- > 0) return matrixError(502, 'M_UNKNOWN', 'bad gateway');
      return json(200, { event_id: `$${body}` });
    };
    const a = sender.send(ROOM, 'm.room.message', { body: 'one' });
    const b = sender.send(ROOM, 'm.room.message', { body: 'two' });
    const c = sender.send(ROOM, 'm.room.message', { body: 'three' });
    await Promise.all([a.done, b.done, c.done]);
    assert.deepEqual(fake.requests.map((r) => (r.body as { body: string }).body), ['one', 'one', 'one', 'two', 'three']);
    assert.deepEqual(completed.map((x) => x.event.event_id), ['$one', '$two', '$three']);
    assert.notEqual(a.echo.transaction_id, b.echo.transaction_id);
  });

  it("does not make one room wait for another room's stuck message", async () => {
    fake.route = (req) => (roomOf(req) === ROOM ? never(req) : json(200, { event_id: '$other' }));
    const stuck = sender.send(ROOM, 'm.room.message', { body: 'stuck' });
    const other = await sender.send(OTHER_ROOM, 'm.room.message', { body: 'free' }).done;
    assert.equal(other.error, null);
    sender.stop();
    const result = await stuck.done;
    assert.equal(result.error, CLOSING);
  });
});
