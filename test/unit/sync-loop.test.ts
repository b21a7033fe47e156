/**
 * The sync loop checkpoints the WAL once syncing goes idle, not inside each commit: with responses arriving back to
 * back it checkpoints once, after the last. It asks for the next response while storing the previous one, yet
 * stores them strictly in order. The wait after a failed sync ends when asked to retry now, and so does a request
 * that hangs after a failed sync (or the filter request); a response that has arrived is stored all the same. A try
 * after a failure asks the server to answer at once, and one left unanswered fails, saying so. The homeserver is a
 * stub fetch (the loop's HTTP is tested against Synapse in the integration tests), and the idle wait runs on mocked
 * timers; the one real timer is the shortened "no answer" bound, and no test asserts a time.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import type { SyncResponse } from '../../src/main/backend/matrix/types.ts';
import type { SyncStatus } from '../../src/shared/rpc/index.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { AccountDataFence } from '../../src/main/backend/sync/account-data-fence.ts';
import { SyncLoop } from '../../src/main/backend/sync/sync-loop.ts';

const ME = '@me:hs.test';

function stubHomeserver(responses: SyncResponse[], onSync: (since: string | null) => void = () => {}): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.pathname.endsWith('/sync')) onSync(url.searchParams.get('since'));
    const reply = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (url.pathname.endsWith('/filter')) return reply({ filter_id: 'f1' });
    const since = url.searchParams.get('since');
    const i = since === null ? 0 : responses.findIndex((r) => r.next_batch === since) + 1;
    if (i < responses.length) return reply(responses[i]);
    // Caught up: a long poll that only ends when the loop stops.
    await new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    throw new Error('unreachable');
  };
}

describe('sync loop', () => {
  it('checkpoints once after a burst of syncs, when no further sync arrives', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    let checkpoints = 0;
    let storedAtCheckpoint: string | null | undefined;
    const original = store.checkpoint.bind(store);
    store.checkpoint = () => { checkpoints++; storedAtCheckpoint = store.account.get()?.next_batch; original(); };
    const msg = (n: number) => ({ event_id: `$m${n}`, type: 'm.room.message', sender: ME, origin_server_ts: n, content: { body: `m${n}` } });
    const responses: SyncResponse[] = [1, 2, 3].map((n) => ({ next_batch: `s${n}`, rooms: { join: { '!r:hs.test': { timeline: { events: [msg(n)] } } } } }));
    const loop = new SyncLoop({
      client: new MatrixClient('https://hs.test', 'token', stubHomeserver(responses)), store, userId: ME,
      onSyncComplete() {}, onTyping() {}, onStatus() {}, onInitialSync() {}, onSessionEnded() {},
    });
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      loop.start();
      // Let the loop store every response (the stub answers at once; only real I/O turns are awaited here).
      for (let turns = 0; store.account.get()?.next_batch !== 's3' && turns < 10_000; turns++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(store.account.get()?.next_batch, 's3');
      assert.equal(checkpoints, 0, 'no checkpoint while syncs keep coming');
      mock.timers.tick(999);
      assert.equal(checkpoints, 0, 'none before a second without a sync');
      mock.timers.tick(1);
      assert.equal(checkpoints, 1, 'one checkpoint for the whole burst, once idle');
      assert.equal(storedAtCheckpoint, 's3', 'taken after the last response was stored');
    } finally {
      mock.timers.reset();
      await loop.stop();
      store.close();
    }
  });

  it('requests the next response before storing the previous one, and stores each in order', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const storedWhenRequested: Record<string, string | null | undefined> = {};
    const msg = (n: number) => ({ event_id: `$m${n}`, type: 'm.room.message', sender: ME, origin_server_ts: n, content: { body: `m${n}` } });
    const responses: SyncResponse[] = [1, 2, 3].map((n) => ({ next_batch: `s${n}`, rooms: { join: { '!r:hs.test': { timeline: { events: [msg(n)] } } } } }));
    const diffs: (string | undefined)[] = [];
    const loop = new SyncLoop({
      client: new MatrixClient('https://hs.test', 'token', stubHomeserver(responses, (since) => {
        storedWhenRequested[since ?? ''] = store.account.get()?.next_batch;
      })),
      store, userId: ME,
      onSyncComplete(d) { diffs.push(d.since); }, onTyping() {}, onStatus() {}, onInitialSync() {}, onSessionEnded() {},
    });
    loop.start();
    for (let turns = 0; diffs.length < 3 && turns < 100_000; turns++) await new Promise((resolve) => setImmediate(resolve));
    await loop.stop();
    assert.deepEqual(diffs, [undefined, 's1', 's2'], 'every response stored once, in order');
    assert.equal(store.account.get()?.next_batch, 's3');
    // The request for what follows s1 went out before s1 was stored (nothing was stored yet), and so on.
    assert.deepEqual(storedWhenRequested, { '': null, s1: null, s2: 's1', s3: 's2' });
    store.close();
  });

  it('does not let an answer to a request sent before a local push rule write undo it, and fetches the rules again', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const fence = new AccountDataFence();
    const rules = (tag: string) => ({ type: 'm.push_rules', content: { global: { override: [], tag } } });
    const responses: SyncResponse[] = [
      // Both prepared by the server before the local edit below was read back: they still have the old rules.
      // (The request for s2 goes out before s1 is stored, and the edit lands then.)
      { next_batch: 's1', account_data: { events: [rules('initial')] } },
      { next_batch: 's2', account_data: { events: [rules('before the edit')] } },
      // Asked for after the edit: whatever it carries is at least as new.
      { next_batch: 's3', account_data: { events: [rules('edited elsewhere later')] } },
    ];
    const stale: string[] = [];
    const stored: string[] = [];
    const loop = new SyncLoop({
      client: new MatrixClient('https://hs.test', 'token', stubHomeserver(responses, (since) => {
        if (since !== 's1') return;
        // A command writes the rules while the request for what follows s1 is on its way, and stores them.
        store.account.setAccountData('', 'm.push_rules', rules('edited here').content);
        fence.wrote('m.push_rules');
      })),
      store, userId: ME, fence,
      onStaleAccountData(type) { stale.push(type); },
      onSyncComplete(d) {
        const content = d.account_data?.['m.push_rules']?.content as { global: { tag: string } } | undefined;
        if (content) stored.push(content.global.tag);
      },
      onTyping() {}, onStatus() {}, onInitialSync() {}, onSessionEnded() {},
    });
    loop.start();
    for (let turns = 0; store.account.get()?.next_batch !== 's3' && turns < 100_000; turns++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await loop.stop();
    assert.deepEqual(stored, ['edited elsewhere later'], 'the older answers are not stored or sent to frontends');
    assert.deepEqual(stale, ['m.push_rules', 'm.push_rules'], 'the skipped type is fetched again after each');
    assert.equal((store.account.getAccountData('', 'm.push_rules')?.global as { tag: string }).tag, 'edited elsewhere later');
    store.close();
  });

  it('ends the wait after a failed sync when asked to retry now, and says when there was no wait to end', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const statuses: SyncStatus[] = [];
    const answers = stubHomeserver([{ next_batch: 's1' }]);
    let limited = false;
    const loop = new SyncLoop({
      // The first /sync is refused with a rate limit of an hour; only retryNow can make the loop ask again.
      client: new MatrixClient('https://hs.test', 'token', async (input, init) => {
        if (!limited && String(input instanceof Request ? input.url : input).includes('/sync')) {
          limited = true;
          return new Response(JSON.stringify({ errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 3_600_000 }),
            { status: 429, headers: { 'content-type': 'application/json' } });
        }
        return answers(input, init);
      }),
      store, userId: ME,
      onSyncComplete() {}, onTyping() {}, onStatus(s) { statuses.push(s); }, onInitialSync() {}, onSessionEnded() {},
    });
    assert.equal(loop.retryNow(), false, 'not started: nothing to end');
    loop.start();
    await turns(() => statuses.length > 0);
    assert.equal(statuses[0]?.type, 'waiting');
    assert.ok(!store.account.get()?.next_batch, 'nothing stored yet');
    assert.equal(loop.retryNow(), true, 'waiting out the rate limit');
    await turns(() => store.account.get()?.next_batch === 's1');
    assert.equal(store.account.get()?.next_batch, 's1', 'the next try ran at once');
    assert.equal(statuses.at(-1)?.type, 'ok');
    assert.equal(loop.retryNow(), false, 'syncing (a long poll), not waiting');
    await loop.stop();
    store.close();
  });

  it('drops a /sync that hangs after a failed one when asked to retry now, and asks again at once', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const statuses: SyncStatus[] = [];
    const answers = stubHomeserver([{ next_batch: 's1' }]);
    let syncs = 0;
    let hung: AbortSignal | undefined;
    const loop = new SyncLoop({
      // The first /sync meets a gateway error, the second a connection that never answers, the third an answer.
      client: new MatrixClient('https://hs.test', 'token', async (input, init) => {
        if (String(input instanceof Request ? input.url : input).includes('/sync')) {
          syncs++;
          if (syncs === 1) return new Response('bad gateway', { status: 502 });
          if (syncs === 2) {
            hung = init?.signal ?? undefined;
            return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
          }
        }
        return answers(input, init);
      }),
      store, userId: ME, backoffBaseMs: 1,
      onSyncComplete() {}, onTyping() {}, onStatus(s) { statuses.push(s); }, onInitialSync() {}, onSessionEnded() {},
    });
    loop.start();
    await turns(() => hung !== undefined);
    assert.deepEqual(statuses.map((s) => s.type), ['erroring']);
    assert.equal(loop.retryNow(), true, 'a hanging request of a failing sync can be dropped');
    await turns(() => store.account.get()?.next_batch === 's1');
    assert.equal(hung?.aborted, true, 'the hanging request was abandoned');
    assert.ok(syncs >= 3, 'and asked again');
    assert.deepEqual(statuses.map((s) => s.type), ['erroring', 'ok'], 'dropping it is not one more failure');
    await loop.stop();
    store.close();
  });

  it('fails a try after a failed sync that is not answered in time, saying so, and asks it to answer at once', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const statuses: SyncStatus[] = [];
    store.account.setNextBatch(ME, 's0'); // not a first sync: a working one is a long poll
    const timeouts: (string | null)[] = [];
    let syncs = 0;
    const loop = new SyncLoop({
      // The first /sync meets a gateway error; every later one a connection that never answers.
      client: new MatrixClient('https://hs.test', 'token', async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (url.pathname.endsWith('/filter')) return new Response(JSON.stringify({ filter_id: 'f1' }), { status: 200 });
        syncs++;
        timeouts.push(url.searchParams.get('timeout'));
        if (syncs === 1) return new Response('bad gateway', { status: 502 });
        return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      }),
      store, userId: ME, backoffBaseMs: 1, answerWithinMs: 20,
      onSyncComplete() {}, onTyping() {}, onStatus(s) { statuses.push(s); }, onInitialSync() {}, onSessionEnded() {},
    });
    loop.start();
    await settles(() => statuses.length >= 2);
    await loop.stop();
    assert.deepEqual(statuses.slice(0, 2).map((s) => [s.type, s.error_count]), [['erroring', 1], ['erroring', 2]]);
    assert.match(statuses[1]?.error ?? '', /did not answer within 20 ms/, 'the second failure says the server is silent');
    assert.deepEqual(timeouts.slice(0, 2), ['30000', '0'], 'a long poll, then a try after the failure that answers at once');
    store.close();
  });

  it('drops a filter request that hangs when asked to retry now', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const answers = stubHomeserver([{ next_batch: 's1' }]);
    let filters = 0;
    let hung: AbortSignal | undefined;
    const loop = new SyncLoop({
      client: new MatrixClient('https://hs.test', 'token', async (input, init) => {
        if (String(input instanceof Request ? input.url : input).endsWith('/filter') && ++filters === 1) {
          hung = init?.signal ?? undefined;
          return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
        }
        return answers(input, init);
      }),
      store, userId: ME,
      onSyncComplete() {}, onTyping() {}, onStatus() {}, onInitialSync() {}, onSessionEnded() {},
    });
    loop.start();
    await turns(() => hung !== undefined);
    assert.equal(loop.retryNow(), true, 'the hanging filter request can be dropped');
    await turns(() => store.account.get()?.next_batch === 's1');
    assert.equal(hung?.aborted, true, 'the hanging request was abandoned');
    assert.equal(filters, 2, 'and the filter asked for again');
    assert.equal(store.account.get()?.filter_id, 'f1');
    await loop.stop();
    store.close();
  });

  it('stores a response that has arrived even when asked to retry while it is being prepared', async () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    const answers = stubHomeserver([{ next_batch: 's1' }]);
    let failed = false;
    let preparing: (() => void) | undefined;
    const loop = new SyncLoop({
      client: new MatrixClient('https://hs.test', 'token', async (input, init) => {
        if (!failed && String(input instanceof Request ? input.url : input).includes('/sync')) {
          failed = true;
          return new Response('bad gateway', { status: 502 });
        }
        return answers(input, init);
      }),
      store, userId: ME, backoffBaseMs: 1,
      prepare: () => new Promise((resolve) => { preparing = () => resolve(new Map()); }),
      onSyncComplete() {}, onTyping() {}, onStatus() {}, onInitialSync() {}, onSessionEnded() {},
    });
    loop.start();
    await turns(() => preparing !== undefined);
    assert.equal(loop.retryNow(), false, 'the answer is in: nothing to drop');
    preparing?.();
    await turns(() => store.account.get()?.next_batch === 's1');
    assert.equal(store.account.get()?.next_batch, 's1');
    await loop.stop();
    store.close();
  });
});

/** Lets the loop run (the stubs answer at once; only real I/O turns are awaited) until `until` holds. */
async function turns(until: () => boolean): Promise<void> {
  for (let i = 0; !until() && i < 100_000; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Until `until` holds, for a test whose bound is a (short) real timer; gives up after a few seconds. */
async function settles(until: () => boolean): Promise<void> {
  for (let i = 0; !until() && i < 1000; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}
