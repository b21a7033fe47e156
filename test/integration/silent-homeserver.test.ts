/**
 * A homeserver whose connection goes silent (requests held, unanswered, at a loopback proxy in front of Synapse),
 * with the sync loop's "no answer" bound shortened for the test. A /sync try started by "Retry now" that hangs too
 * ends as a failure that says the server is not answering (so the banner offers Retry now again) instead of waiting
 * out its long poll and margin, and Retry now drops the next one as well. A first sign-in whose filter request hangs
 * says so the same way, and Retry now can drop that request too. The time bound itself is never asserted: the tests
 * look for the words and for what Retry now could drop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBackend, type BackendSession } from '../harness/backend-session.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

/** Short enough for a test, long enough for Synapse on a busy machine to answer a /sync with timeout 0. */
const ANSWER_WITHIN_MS = 5000;
const NOT_ANSWERING = /did not answer within 5 s/;

describe('a homeserver that stops answering', () => {
  let hs: SynapseServer;
  let proxy: TestProxy;
  let session: BackendSession | undefined;

  before(async () => {
    hs = await startSynapse();
  });
  after(async () => {
    await hs?.stop();
  });

  async function start(): Promise<BackendSession> {
    proxy = await startProxy(hs.baseUrl);
    session = await startBackend({ sync: { answerWithinMs: ANSWER_WITHIN_MS } });
    await session.client.waitForEvent('init_complete');
    return session;
  }
  async function cleanUp(): Promise<void> {
    await session?.stop();
    session = undefined;
    await proxy?.close();
  }

  it('says that a try started by Retry now is not answered either, and Retry now drops the next one', { timeout: 300_000 }, async () => {
    const fay = new MatrixPeer(hs.baseUrl, await hs.registerUser('fay', 'fay-password', { displayname: 'Fay' }));
    const room = await fay.createRoom({ name: 'Silent again' });
    try {
      const { client: c } = await start();
      await c.request('login', { homeserver_url: proxy.url, username: 'fay', password: 'fay-password' });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room], 60_000);
      await c.waitForEvent('sync_status', (s) => s.type === 'ok');

      // Sync fails once (the server is unreachable for a moment); from then on every /sync meets a silent connection.
      proxy.setDown(true);
      await c.waitForEvent('sync_status', (s) => s.type === 'erroring', 60_000);
      proxy.hold(/\/v3\/sync\b/);
      proxy.setDown(false);
      await proxy.held(1);
      const mark = c.mark();
      assert.equal(await c.request('retry_sync', {}), true, 'Retry now has a hanging try to drop');
      await proxy.held(2);
      // The fresh try hangs as well: the user must hear that it is still not getting through.
      const stalled = await c.waitForEvent('sync_status', (s) => s.type === 'erroring', 120_000, mark);
      assert.match(stalled.error ?? '', NOT_ANSWERING, 'the status says the homeserver does not answer');

      // The connection comes back; Retry now (offered again) drops whatever try hangs and asks afresh.
      proxy.stopHolding();
      const body = 'sent while sync hung twice';
      const sent = await fay.sendText(room, body);
      const retried = c.mark();
      assert.equal(await c.request('retry_sync', {}), true, 'Retry now is available again');
      await c.waitForEvent('sync_status', (s) => s.type === 'ok', 120_000, retried);
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === sent), 60_000, mark);
      proxy.release();
      const later = await fay.sendText(room, 'sent after the retry');
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === later), 60_000, mark);
      const deliveries = c.events('sync_complete').flatMap((d) => d.rooms?.[room]?.events ?? []).filter((e) => e.event_id === sent);
      assert.equal(deliveries.length, 1, 'the message arrived once');
    } finally {
      await cleanUp();
    }
  });

  it('says so when a first sign-in meets a filter request that hangs, and Retry now drops that request', { timeout: 300_000 }, async () => {
    const gil = new MatrixPeer(hs.baseUrl, await hs.registerUser('gil', 'gil-password', { displayname: 'Gil' }));
    const room = await gil.createRoom({ name: 'First sign-in' });
    try {
      const { client: c } = await start();
      // Sign-in itself is answered; the sync's filter, its first request, never is.
      proxy.hold(/\/filter\b/);
      const mark = c.mark();
      await c.request('login', { homeserver_url: proxy.url, username: 'gil', password: 'gil-password' });
      await proxy.held(1);
      assert.equal(await c.request('retry_sync', {}), true, 'Retry now can drop the hanging filter request');
      await proxy.held(2);
      const stalled = await c.waitForEvent('sync_status', (s) => s.type === 'erroring', 120_000, mark);
      assert.match(stalled.error ?? '', NOT_ANSWERING, 'the status says the homeserver does not answer');
      assert.equal(c.events('init_complete').length, 1, 'still no first sync (only the signed-out greeting)');

      proxy.stopHolding();
      const retried = c.mark();
      assert.equal(await c.request('retry_sync', {}), true, 'Retry now is available again');
      await c.waitForEvent('sync_status', (s) => s.type === 'ok', 120_000, retried);
      await c.waitForEvent('init_complete', () => true, 60_000, mark);
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room], 60_000, mark);
      proxy.release();
    } finally {
      await cleanUp();
    }
  });
});
