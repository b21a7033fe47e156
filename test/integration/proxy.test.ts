/**
 * The backend (its worker, as the apps run it) behind a proxy named in HTTP_PROXY, against Synapse: login, sync and
 * sending all go through the proxy (test/harness/forward-proxy.ts, which resolves `synapse.test` to the loopback
 * Synapse) with the absolute URL, and a proxy that wants a password stops login with the proxy's refusal in words.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { startForwardProxy, type ForwardProxy } from '../harness/forward-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

describe('the backend behind a proxy', () => {
  let hs: SynapseServer;
  let open: ForwardProxy;
  let auth: ForwardProxy;
  let root: string;
  const saved = Object.fromEntries(PROXY_VARS.map((n) => [n, process.env[n]]));

  before(async () => {
    hs = await startSynapse();
    open = await startForwardProxy('open');
    auth = await startForwardProxy('auth');
    root = mkdtempSync(path.join(tmpdir(), 'lattice-proxy-'));
    for (const name of PROXY_VARS) Reflect.deleteProperty(process.env, name);
  });
  after(async () => {
    for (const name of PROXY_VARS) Reflect.deleteProperty(process.env, name);
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    await open?.close();
    await auth?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('logs in, syncs and sends through the proxy; a refusing proxy is an error in words', { timeout: 180_000 }, async () => {
    const erin = new MatrixPeer(hs.baseUrl, await hs.registerUser('erin', 'erin-password', { displayname: 'Erin' }));
    const room = await erin.createRoom({ name: 'Behind the proxy' });
    // The name only the proxy can resolve: a direct connection would fail.
    const viaName = hs.baseUrl.replace('127.0.0.1', 'synapse.test').replace('localhost', 'synapse.test');
    assert.notEqual(viaName, hs.baseUrl);

    // The worker's environment is the process's when it starts.
    process.env.HTTP_PROXY = auth.url;
    const refused = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: path.join(root, 'refused') }) });
    const r = RpcTestClient.inProcess(refused);
    try {
      await assert.rejects(r.request('login', { homeserver_url: viaName, username: 'erin', password: 'erin-password' }),
        (e: unknown) => e instanceof Error && /refused the connection: 407 Proxy Authentication Required/.test(e.message));
      assert.ok(auth.seen.length > 0, 'the proxy was asked');
    } finally {
      r.close();
      await refused.stop();
    }

    process.env.HTTP_PROXY = open.url;
    const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: path.join(root, 'ok') }) });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: viaName, username: 'erin', password: 'erin-password' });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      await c.request('send_message', { room_id: room, text: 'sent through the proxy' });
      const got = await erin.waitForMessage(room, (ev) => ev.content?.body === 'sent through the proxy');
      assert.equal(got.sender, erin.userId);
      await erin.sendText(room, 'and back');
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.content.body === 'and back'), 60_000);
    } finally {
      c.close();
      await worker.stop();
    }
    const origin = new URL(viaName).origin;
    const paths = open.seen.map((s) => `${s.method} ${s.url}`);
    assert.ok(paths.every((p) => p.split(' ')[1]?.startsWith(`${origin}/`)), `absolute URLs only: ${paths.join(', ')}`);
    for (const wanted of [/^POST .*\/_matrix\/client\/v3\/login$/, /^GET .*\/_matrix\/client\/v3\/sync\?/, /^PUT .*\/send\/m\.room\.message\//]) {
      assert.ok(paths.some((p) => wanted.test(p)), `${String(wanted)} in ${paths.join(', ')}`);
    }
  });
});
