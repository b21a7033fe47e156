/**
 * Recovery after an outage, against Synapse behind a loopback proxy that drops every connection while "down": sync
 * resumes soon after the server is back instead of after the rest of a backoff step (the time is printed, not
 * asserted), a message sent meanwhile arrives, and a frontend that connects during and after the outage learns the
 * current sync status at once, right after client_state. "Retry now" during a failing sync also drops a /sync request
 * that hangs (a connection gone silent) and asks again at once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

/**
 * The outage lasts until sync has failed this many times (not a fixed stretch: a 30 s one ended a second before its
 * backoff step did, 1 + 2 + 4 + 8 + 16 s): the loop then waits out an 8 s step, four times the 2 s probe, so the
 * printed time still tells a recovery by the probe from one at the end of the step.
 */
const FAILED_SYNCS = 4;

/** The commands a newly connected frontend got first, up to its sync_complete. */
function greeting(c: RpcTestClient): string[] {
  const names = c.received.map((e) => e.command);
  return names.slice(0, names.indexOf('sync_complete') + 1);
}

describe('recovery after a homeserver outage', () => {
  let hs: SynapseServer;
  let proxy: TestProxy;
  let root: string;

  before(async () => {
    hs = await startSynapse();
    proxy = await startProxy(hs.baseUrl);
    root = mkdtempSync(path.join(tmpdir(), 'lattice-outage-'));
  });
  after(async () => {
    await proxy?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('resumes sync soon after the server is back, and tells new frontends the sync status at once', { timeout: 300_000 }, async () => {
    const dave = new MatrixPeer(hs.baseUrl, await hs.registerUser('dave', 'dave-password', { displayname: 'Dave' }));
    const room = await dave.createRoom({ name: 'Outage' });
    const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: root }) });
    const first = RpcTestClient.inProcess(worker);
    const clients = [first];
    try {
      await first.request('login', { homeserver_url: proxy.url, username: 'dave', password: 'dave-password' });
      await first.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      await first.waitForEvent('sync_status', (s) => s.type === 'ok');

      proxy.setDown(true);
      await first.waitForEvent('sync_status', (s) => s.type === 'erroring', 60_000);
      const during = RpcTestClient.inProcess(worker);
      clients.push(during);
      await during.waitForEvent('sync_complete');
      assert.deepEqual(greeting(during).slice(0, 3), ['run_id', 'client_state', 'sync_status']);
      assert.equal(during.events('sync_status')[0].type, 'erroring');

      await first.waitForEvent('sync_status', (s) => (s.error_count ?? 0) >= FAILED_SYNCS, 120_000);
      await dave.sendText(room, 'sent during the outage');
      const mark = first.mark();
      proxy.setDown(false);
      const back = performance.now();
      await first.waitForEvent('sync_status', (s) => s.type === 'ok', 120_000, mark);
      const recovered = performance.now() - back;
      await first.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.content.body === 'sent during the outage'), 60_000, mark);
      const errors = Math.max(...first.events('sync_status').map((s) => s.error_count ?? 0));
      console.log(`sync resumed ${(recovered / 1000).toFixed(1)} s after an outage ended (${errors} failed syncs meanwhile)`);

      const later = RpcTestClient.inProcess(worker);
      clients.push(later);
      await later.waitForEvent('sync_complete');
      assert.deepEqual(greeting(later).slice(0, 3), ['run_id', 'client_state', 'sync_status']);
      assert.equal(later.events('sync_status')[0].type, 'ok');
    } finally {
      for (const c of clients) c.close();
      await worker.stop();
    }
  });

  it('Retry now drops a /sync that hangs while sync is failing and asks again at once, storing each event once', { timeout: 300_000 }, async () => {
    const erin = new MatrixPeer(hs.baseUrl, await hs.registerUser('erin', 'erin-password', { displayname: 'Erin' }));
    const room = await erin.createRoom({ name: 'Silent network' });
    const silent = await startProxy(hs.baseUrl);
    const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: path.join(root, 'retry-now') }) });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: silent.url, username: 'erin', password: 'erin-password' });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      await c.waitForEvent('sync_status', (s) => s.type === 'ok');

      // Sync fails (the server is unreachable for a moment); its next try then meets a connection that never
      // answers, as when the network drops without a word. The client would wait out its own timeout (a minute).
      silent.setDown(true);
      await c.waitForEvent('sync_status', (s) => s.type === 'erroring', 60_000);
      silent.hold(/\/v3\/sync\b/);
      silent.setDown(false);
      await silent.held();
      silent.stopHolding();
      const body = 'sent while the sync request hung';
      const sent = await erin.sendText(room, body);

      const mark = c.mark();
      assert.equal(await c.request('retry_sync', {}), true, 'Retry now has a hanging request to drop');
      await c.waitForEvent('sync_status', (s) => s.type === 'ok', 120_000, mark);
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === sent), 60_000, mark);
      // The dropped request's answer, had it come, would not be stored: its connection is gone.
      silent.release();
      const later = await erin.sendText(room, 'sent after the retry');
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === later), 60_000, mark);
      const deliveries = c.events('sync_complete').flatMap((d) => d.rooms?.[room]?.events ?? []).filter((e) => e.event_id === sent);
      assert.equal(deliveries.length, 1, 'the message arrived once');
    } finally {
      c.close();
      await worker.stop();
      await silent.close();
    }
  });
});
