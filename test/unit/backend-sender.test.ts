/**
 * The sender's delivery rules against a fake homeserver: which failures are retried, that every retry reuses the
 * transaction ID (so the server deduplicates), and that a room's messages leave in the order they were written.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NOT_SENT, type SendComplete } from '../../src/shared/rpc/index.ts';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import { Sender } from '../../src/main/backend/send/sender.ts';
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
    sender = new Sender(client, store, ME, (c) => completed.push(c), { retryBaseMs: 1 });
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

  for (const [what, answer] of [
    ['M_FORBIDDEN', () => matrixError(403, 'M_FORBIDDEN', 'You are not in this room')],
    ['a 400 error', () => matrixError(400, 'M_BAD_JSON', 'Content is not JSON')],
    ['M_UNKNOWN_TOKEN', () => matrixError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token')],
    ['M_FORBIDDEN even as a 5xx', () => matrixError(500, 'M_FORBIDDEN', 'forbidden')],
  ] as const) {
    it(`does not retry ${what}, and stores the error on the echo`, async () => {
      fake.route = answer;
      const { echo, done } = sender.send(ROOM, 'm.room.message', { body: 'doomed' });
      const result = await done;
      assert.equal(fake.requests.length, 1);
      assert.ok(result.error && result.error !== NOT_SENT, `a failure in words, got ${result.error}`);
      const stored = store.events.get(echo.rowid)!;
      assert.equal(stored.send_error, result.error);
      assert.equal(stored.event_id, echo.event_id, 'keeps its temporary ID');
    });
  }

  it('gives up after five attempts with the last error', async () => {
    let n = 0;
    fake.route = () => matrixError(503, 'M_UNKNOWN', `unavailable ${++n}`);
    const { done } = sender.send(ROOM, 'm.room.message', { body: 'never lands' });
    const result = await done;
    assert.equal(fake.requests.length, 5);
    assert.equal(result.error, 'unavailable 5');
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

  it('a message that failed for good does not hold back the next one', async () => {
    fake.route = (req) => ((req.body as { body: string }).body === 'bad'
      ? matrixError(400, 'M_BAD_JSON', 'no') : json(200, { event_id: '$good' }));
    const bad = sender.send(ROOM, 'm.room.message', { body: 'bad' });
    const good = sender.send(ROOM, 'm.room.message', { body: 'good' });
    assert.equal((await bad.done).error, 'no');
    assert.equal((await good.done).error, null);
  });

  it("does not make one room wait for another room's stuck message", async () => {
    fake.route = (req) => (roomOf(req) === ROOM ? never(req) : json(200, { event_id: '$other' }));
    const stuck = sender.send(ROOM, 'm.room.message', { body: 'stuck' });
    const other = await sender.send(OTHER_ROOM, 'm.room.message', { body: 'free' }).done;
    assert.equal(other.error, null);
    sender.stop();
    const result = await stuck.done;
    assert.equal(result.error, `${NOT_SENT}: Lattice was closing`);
  });
});
