/**
 * The backend against a real Synapse when the homeserver misbehaves, running in a worker thread as it does in the app,
 * with its token in a real Secret Service (the suite runs under scripts/with-keyring.sh): through a proxy that takes
 * the server away, refuses or delays requests, it reports sync errors in words and recovers, waits out rate limits,
 * cancels a slow request, keeps history through a soft logout and stops when the server ends the session; and an
 * account the server rate-limits still delivers every message once, in order. Signing in and a working session:
 * backend-session.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasMessage, startGeneralRoom } from '../harness/general-room.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { startWorkerBackend, TempRoots, type WorkerBackend } from '../harness/worker-backend.ts';

const roots = new TempRoots('it');


describe('backend against Synapse', () => {
  let hs: SynapseServer;
  let aliceUser: TestUser;
  let alice: MatrixPeer; // Alice's other device, acting through the homeserver API
  let bob: MatrixPeer;
  let general: string;

  before(async () => {
    ({ hs, aliceUser, alice, bob, general } = await startGeneralRoom());
  });
  after(async () => {
    await hs?.stop();
    roots.removeAll();
  });

  describe('through a proxy', () => {
    let proxy: TestProxy;
    let b: WorkerBackend;
    before(async () => {
      proxy = await startProxy(hs.baseUrl);
      b = await startWorkerBackend(roots.make());
      await b.client.request('login', { homeserver_url: proxy.url, username: 'alice', password: 'alice-password' });
      await b.client.waitForEvent('init_complete', () => true, 30_000, false);
    });
    after(async () => { await b?.stop(); await proxy?.close(); });

    it('reports sync errors in words while the homeserver is unreachable, and recovers', async () => {
      const mark = b.client.mark();
      proxy.setDown(true);
      const err = await b.client.waitForEvent('sync_status', (s) => s.type === 'erroring', 20_000, mark);
      assert.match(err.error ?? '', /Could not reach the homeserver/);
      assert.ok((err.error_count ?? 0) >= 1);
      // A message sent meanwhile is not lost: it goes out once the server is back.
      const room = general;
      const echo = await b.client.request('send_message', { room_id: room, text: 'sent while offline' });
      proxy.setDown(false);
      await b.client.waitForEvent('sync_status', (s) => s.type === 'ok', 30_000, mark);
      const done = await b.client.waitForEvent('send_complete', (c) => c.event.rowid === echo.rowid, 30_000);
      assert.equal(done.error, null);
      await bob.waitForMessage(room, (e) => e.content.body === 'sent while offline');
    });

    it('waits out a rate-limited sync for retry_after_ms', async () => {
      const mark = b.client.mark();
      proxy.inject(/\/sync/, 429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 1500 }, 1);
      // Wake the long poll so the next /sync request meets the injected 429.
      await bob.sendText(general, 'wake up');
      const waiting = await b.client.waitForEvent('sync_status', (s) => s.type === 'waiting', 40_000, mark);
      assert.match(waiting.error ?? '', /Rate limited by the homeserver; retrying in 2 s/);
      const waitingAt = Date.now();
      // The retried long poll returns (and reports ok) as soon as there is something new.
      await bob.sendText(general, 'and again');
      await b.client.waitForEvent('sync_status', (s) => s.type === 'ok', 20_000, mark);
      assert.ok(Date.now() - waitingAt >= 1000, 'it waited before retrying');
      assert.equal(proxy.log.filter((l) => l.status === 429 && l.path.includes('/sync')).length, 1);
    });

    it('cancels a slow paginate from the server', async () => {
      const room = await bob.createRoom({ name: 'Slow', invite: [aliceUser.userId] });
      await alice.join(room);
      for (let i = 0; i < 60; i++) await bob.sendText(room, `s${i}`);
      await b.client.waitForEvent('sync_complete', hasMessage(room, 's59'), 30_000);
      const local = await b.client.request('paginate', { room_id: room, limit: 1000 });
      assert.equal(local.from_server, false);
      const lowest = local.events.at(-1)!.timeline_rowid;
      proxy.delay(/\/messages/, 20_000);
      const started = Date.now();
      const slow = b.client.startRequest('paginate', { room_id: room, max_timeline_id: lowest, limit: 20 });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await b.client.request('cancel', { request_id: slow.requestId, reason: 'user scrolled away' }), true);
      await assert.rejects(slow.promise, /cancelled: user scrolled away/);
      assert.ok(Date.now() - started < 10_000, 'the cancelled request ended before the server answered');
      assert.equal(await b.client.request('cancel', { request_id: 99_999 }), false);
      proxy.clearDelays();
      const page = await b.client.request('paginate', { room_id: room, max_timeline_id: lowest, limit: 20 });
      assert.equal(page.from_server, true);
    });

    it('keeps local history through a soft logout and picks up again after signing in', async () => {
      const mark = b.client.mark();
      proxy.inject(/\/sync/, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Token expired', soft_logout: true }, 1);
      await bob.sendText(general, 'wake for soft logout');
      const failed = await b.client.waitForEvent('sync_status', (s) => s.type === 'permanently-failed', 40_000, mark);
      assert.match(failed.error ?? '', /sign in again; your messages stay/);
      await b.client.waitForEvent('client_state', (s) => !s.is_logged_in, 10_000, mark);
      // A new frontend sees the stored rooms although nobody is signed in.
      const other = RpcTestClient.inProcess(b.worker);
      const first = await other.waitForEvent('sync_complete');
      assert.equal(first.rooms?.[general]?.meta?.name, 'General');
      other.close();
      await b.client.request('login', { homeserver_url: proxy.url, username: 'alice', password: 'alice-password' });
      await bob.sendText(general, 'after soft logout');
      await b.client.waitForEvent('sync_complete', hasMessage(general, 'after soft logout'), 30_000, mark);
    });

    it('stops syncing and says so when the server ends the session', async () => {
      const st = await b.client.request('get_state', {});
      const mark = b.client.mark();
      // Alice removes this device from another session: its access token dies on the server.
      await alice.request('POST', '/_matrix/client/v3/delete_devices', {
        devices: [st.device_id],
        auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'alice-password' },
      });
      await bob.sendText(general, 'wake the long poll');
      const failed = await b.client.waitForEvent('sync_status', (s) => s.type === 'permanently-failed', 40_000, mark);
      assert.match(failed.error ?? '', /ended this session/);
      const cs = await b.client.waitForEvent('client_state', (s) => !s.is_logged_in, 10_000, mark);
      assert.equal(cs.is_logged_in, false);
    });
  });

  describe('a rate-limited account', () => {
    let proxy: TestProxy;
    before(async () => { proxy = await startProxy(hs.baseUrl); });
    after(async () => { await proxy?.close(); });

    it('retries after 429 with retry_after_ms and delivers every message once, in order', async () => {
      const carol = await hs.registerUser('carol', 'carol-password');
      // Carol alone is held to one message a second with a burst of 2 (Synapse's per-user override), everyone else
      // on this server stays unlimited.
      await hs.limitMessages(carol.userId, 1, 2);
      const dave = new MatrixPeer(hs.baseUrl, await hs.registerUser('dave', 'dave-password'));
      const room = await dave.createRoom({ name: 'Busy', invite: [carol.userId] });
      await new MatrixPeer(hs.baseUrl, carol).join(room);
      const b = await startWorkerBackend(roots.make());
      try {
        await b.client.request('login', { homeserver_url: proxy.url, username: 'carol', password: 'carol-password' });
        await b.client.waitForEvent('init_complete', () => true, 30_000, false);
        const echoes = [];
        for (let i = 0; i < 6; i++) echoes.push(await b.client.request('send_message', { room_id: room, text: `burst ${i}` }));
        const results = await Promise.all(echoes.map((e) => b.client.waitForEvent('send_complete', (c) => c.event.rowid === e.rowid, 60_000)));
        for (const r of results) assert.equal(r.error, null);
        assert.ok(proxy.log.some((l) => l.status === 429 && l.path.includes('/send/')), 'the server did rate-limit us');
        const seen = (await dave.messages(room, { limit: 50 })).chunk.filter((e) => String(e.content.body).startsWith('burst ')).map((e) => e.content.body);
        assert.deepEqual(seen.reverse(), Array.from({ length: 6 }, (_, i) => `burst ${i}`));
      } finally {
        await b.stop();
      }
    });
  });
});
