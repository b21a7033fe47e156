/**
 * The outbox against a real Synapse: messages written while the homeserver is unreachable (a proxy that drops
 * every connection), through dozens of attempts to send, are delivered exactly once and in order when it comes
 * back, also after the backend was killed with SIGKILL in between; a message the server refuses for good is failed
 * with its reason, holds back the room's later messages, and goes out when resent. Every check reads the room from
 * the server (/messages as another user), not only Lattice's own state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NOT_SENT, type Event, type SendComplete, type SyncComplete } from '../../src/shared/rpc/index.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { ChildBackend } from '../harness/child-backend.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { TempRoots } from '../harness/worker-backend.ts';

/**
 * The outbox's retry timing here: the same doubling as the app's, from 50 ms up to 250 ms instead of from 1 s up to
 * 30 s, so the outage below spans many attempts in a few seconds. Waiting through the app's own schedule, for as
 * long as the 2-minute outage, is test/unit/backend-sender.test.ts's (on mocked timers, for hours).
 */
const SENDER_TIMING = { retryBaseMs: 25, maxRetryMs: 250 };
/**
 * The outage lasts until the server has turned away this many attempts to send the room's first message: far past
 * the old sender's give-up point (5 attempts), so a sender that still gives up after some count of attempts fails
 * the message before the server is back. Two of them come between one message written and the next, so each is
 * written at another point of the retries, as over a long outage.
 */
const REFUSED_ATTEMPTS = 30;
const SENDS = /\/send\/m\.room\.message\//;

/** `p`, or a failure naming `what` once `ms` have passed without it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const roots = new TempRoots('outbox');

/** The bodies of the room's messages on the server, oldest first, as another member reads them. */
async function serverBodies(peer: MatrixPeer, roomId: string, prefix: string): Promise<string[]> {
  const resp = await peer.messages(roomId, { limit: 100 });
  return resp.chunk.filter((e) => e.type === 'm.room.message' && String(e.content.body).startsWith(prefix))
    .map((e) => String(e.content.body)).reverse();
}

async function waitForBodies(peer: MatrixPeer, roomId: string, prefix: string, count: number, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const bodies = await serverBodies(peer, roomId, prefix);
    if (bodies.length >= count || Date.now() > until) return bodies;
    await new Promise((r) => setTimeout(r, 500));
  }
}


describe('outbox against Synapse', { concurrency: true }, () => {
  let hs: SynapseServer;
  const proxies: TestProxy[] = [];
  let aliceUser: TestUser;
  let bob: MatrixPeer;

  before(async () => {
    hs = await startSynapse();
    aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
  });
  after(async () => {
    for (const p of proxies) await p.close();
    await hs?.stop();
    roots.removeAll();
  });

  /** A way to the homeserver that a test can cut without cutting the others'. */
  async function ownProxy(): Promise<TestProxy> {
    const p = await startProxy(hs.baseUrl);
    proxies.push(p);
    return p;
  }

  async function sharedRoom(name: string): Promise<string> {
    const room = await bob.createRoom({ name, invite: [aliceUser.userId] });
    await new MatrixPeer(hs.baseUrl, aliceUser).join(room);
    return room;
  }

  it('delivers messages written during a long outage exactly once and in order when the server is back', async () => {
    const proxy = await ownProxy();
    const room = await sharedRoom('Outage');
    const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: roots.make() }), sender: SENDER_TIMING });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: proxy.url, username: 'alice', password: 'alice-password' });
      await c.waitForEvent('init_complete', () => true, 30_000, false);
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room], 30_000);
      const mark = c.mark();
      proxy.setDown(true);
      const echoes: Event[] = [];
      const refused: string[] = [];
      // A sender that gave up stops trying (the room's later messages wait behind a failed one): say so, not only
      // that the attempts stopped coming.
      const attempts = (count: number, what: string) => within(proxy.dropped(SENDS, count), 30_000, what).catch((e: unknown) => {
        assert.ok(c.events('send_complete').every((s) => s.error === null), 'no message failed during the outage');
        throw e;
      });
      const between = 2;
      for (let i = 0; i < 10; i++) {
        echoes.push(await c.request('send_message', { room_id: room, text: `outage ${i}` }));
        refused.push(...await attempts(between, `attempts to send after message ${i}`));
      }
      refused.push(...await attempts(REFUSED_ATTEMPTS - 10 * between, 'more attempts to send'));
      // Every attempt was the room's first message, with its one transaction ID: the later ones wait behind it.
      const txnOf = (p: string) => decodeURIComponent(new URL(p, proxy.url).pathname.split('/').at(-1)!);
      assert.deepEqual(new Set(refused.map(txnOf)), new Set([echoes[0].transaction_id]), 'only the first message was tried');
      // Still pending, none failed: an unreachable server is not a reason to give up.
      assert.ok(c.events('send_complete').every((s) => s.error === null), 'no message failed during the outage');
      const late = RpcTestClient.inProcess(worker);
      const list = await late.waitForEvent('sync_complete', (d) => d.clear_state === true);
      const pending = (list.rooms?.[room]?.events ?? []).filter((e) => e.send_error === NOT_SENT).map((e) => e.content.body);
      assert.deepEqual(pending, echoes.map((e) => e.content.body), 'a frontend connecting now sees every waiting message, in order');
      late.close();
      proxy.setDown(false);
      const done: SendComplete[] = await Promise.all(echoes.map((e) =>
        c.waitForEvent('send_complete', (s) => s.event.rowid === e.rowid, 120_000, mark)));
      for (const d of done) assert.equal(d.error, null);
      assert.ok(c.events('send_complete').every((s) => s.error === null), 'no message failed');
      const bodies = await waitForBodies(bob, room, 'outage ', 10, 30_000);
      assert.deepEqual(bodies, Array.from({ length: 10 }, (_, i) => `outage ${i}`), 'on the server: all ten, once each, in order');
    } finally {
      c.close();
      await worker.stop();
    }
  });

  it('keeps messages queued while the server is down through a SIGKILL and sends them after the restart', async () => {
    const proxy = await ownProxy();
    const room = await sharedRoom('Crash');
    const root = roots.make();
    let child = new ChildBackend(root);
    try {
      await child.request('login', { homeserver_url: proxy.url, username: 'alice', password: 'alice-password' });
      await child.waitFor((e) => e.command === 'init_complete', 30_000, 'init_complete');
      await child.waitFor((e) => e.command === 'sync_complete' && !!(e.data as SyncComplete).rooms?.[room], 30_000, 'the room');
      proxy.setDown(true);
      const echoes: Event[] = [];
      for (let i = 0; i < 5; i++) echoes.push(await child.request('send_message', { room_id: room, text: `crash ${i}` }) as Event);
      await child.kill();

      child = new ChildBackend(root);
      const first = await child.waitFor((e) => e.command === 'sync_complete' && (e.data as SyncComplete).clear_state === true, 30_000, 'room list');
      const restored = ((first.data as SyncComplete).rooms?.[room]?.events ?? []).filter((e) => e.send_error === NOT_SENT);
      assert.deepEqual(restored.map((e) => e.transaction_id), echoes.map((e) => e.transaction_id),
        'after the restart the frontend sees the same five pending messages');
      assert.deepEqual(await serverBodies(bob, room, 'crash '), [], 'nothing reached the server while it was down');

      proxy.setDown(false);
      for (const e of echoes) {
        const done = await child.waitFor((x) => x.command === 'send_complete' && (x.data as SendComplete).event.transaction_id === e.transaction_id,
          120_000, `send_complete of ${e.transaction_id ?? ''}`);
        assert.equal((done.data as SendComplete).error, null);
      }
      const bodies = await waitForBodies(bob, room, 'crash ', 5, 30_000);
      assert.deepEqual(bodies, ['crash 0', 'crash 1', 'crash 2', 'crash 3', 'crash 4']);
      const onServer = (await bob.messages(room, { limit: 100 })).chunk.filter((e) => String(e.content.body).startsWith('crash '));
      assert.equal(new Set(onServer.map((e) => e.event_id)).size, 5, 'each once');
    } finally {
      proxy.setDown(false);
      await child.kill();
    }
  });

  it('fails a message the server refuses with its reason, holds the next one back, and sends both on resend', async () => {
    // Only Bob may speak until he raises Alice's power level.
    const proxy = await ownProxy();
    const room = await sharedRoom('Moderated');
    await bob.setState(room, 'm.room.power_levels', '', { events_default: 50, users: {} });
    const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: roots.make() }) });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: proxy.url, username: 'alice', password: 'alice-password' });
      await c.waitForEvent('init_complete', () => true, 30_000, false);
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room], 30_000);
      const first = await c.request('send_message', { room_id: room, text: 'moderated 1' });
      const failed = await c.waitForEvent('send_complete', (s) => s.event.rowid === first.rowid, 30_000);
      assert.equal(failed.error, 'You are not allowed to send this in this room: it takes power level 50, and yours is 0.');
      const second = await c.request('send_message', { room_id: room, text: 'moderated 2' });
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!c.events('send_complete').some((s) => s.event.rowid === second.rowid), 'the second waits behind the failed one');

      // A frontend connecting now sees the failure in place, with its reason.
      const late = RpcTestClient.inProcess(worker);
      const list = await late.waitForEvent('sync_complete', (d) => d.clear_state === true);
      const shown = list.rooms?.[room]?.events ?? [];
      assert.equal(shown.find((e) => e.rowid === first.rowid)?.send_error, failed.error);
      assert.equal(shown.find((e) => e.rowid === second.rowid)?.send_error, NOT_SENT);
      late.close();

      await bob.setState(room, 'm.room.power_levels', '', { events_default: 50, users: { [aliceUser.userId]: 50 } });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.state?.['m.room.power_levels'], 30_000);
      const again = await c.request('resend_event', { transaction_id: first.transaction_id! });
      assert.equal(again.send_error, NOT_SENT);
      const ok2 = await c.waitForEvent('send_complete', (s) => s.event.rowid === second.rowid && s.error === null, 30_000);
      assert.match(ok2.event.event_id, /^\$/);
      assert.deepEqual(await waitForBodies(bob, room, 'moderated ', 2, 30_000), ['moderated 1', 'moderated 2']);
      await assert.rejects(c.request('resend_event', { transaction_id: first.transaction_id! }), /already sent/);
    } finally {
      c.close();
      await worker.stop();
    }
  });
});
