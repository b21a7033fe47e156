/**
 * The backend's worker, started as the desktop app starts it, with the host answering "which proxy for this
 * origin?" (BackendWorker's resolveProxy, which the app points at Chromium's session.resolveProxy), against Synapse:
 * an answer naming the forward proxy (test/harness/forward-proxy.ts, which resolves `synapse.test` to the loopback
 * Synapse) carries login, sync and sending through it; an answer of DIRECT goes straight to the homeserver. The
 * loopback addresses, 0.0.0.0 among them, are direct without asking.
 * No proxy variable is set: the system's answer alone decides.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { startForwardProxy, type ForwardProxy } from '../harness/forward-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

describe('the backend behind the system proxy', () => {
  let hs: SynapseServer;
  let proxy: ForwardProxy;
  let root: string;
  let erin: MatrixPeer;
  let room: string;
  const saved = Object.fromEntries(PROXY_VARS.map((n) => [n, process.env[n]]));

  before(async () => {
    hs = await startSynapse();
    proxy = await startForwardProxy('open');
    root = mkdtempSync(path.join(tmpdir(), 'lattice-sysproxy-'));
    for (const name of PROXY_VARS) Reflect.deleteProperty(process.env, name);
    erin = new MatrixPeer(hs.baseUrl, await hs.registerUser('erin', 'erin-password', { displayname: 'Erin' }));
    room = await erin.createRoom({ name: 'Behind the system proxy' });
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    await proxy?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('logs in, syncs and sends through the proxy the system names', { timeout: 180_000 }, async () => {
    // The name only the proxy can resolve: a direct connection would fail.
    const viaName = hs.baseUrl.replace('127.0.0.1', 'synapse.test');
    assert.notEqual(viaName, hs.baseUrl);
    const asked: string[] = [];
    const worker = await BackendWorker.start({
      paths: resolveDataPaths({ LATTICE_ROOT: path.join(root, 'proxied') }),
      resolveProxy: async (url) => { asked.push(url); return `SOCKS5 127.0.0.1:9; PROXY 127.0.0.1:${proxy.port}; DIRECT`; },
    });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: viaName, username: 'erin', password: 'erin-password' });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      await c.request('send_message', { room_id: room, text: 'sent through the system proxy' });
      const got = await erin.waitForMessage(room, (ev) => ev.content?.body === 'sent through the system proxy');
      assert.equal(got.sender, erin.userId);
    } finally {
      c.close();
      await worker.stop();
    }
    const origin = new URL(viaName).origin;
    // Asked about the origin only, and not once per request: the answer is kept for a while.
    assert.deepEqual(asked, [`${origin}/`]);
    const paths = proxy.seen.map((s) => `${s.method} ${s.url}`);
    for (const wanted of [/^POST .*\/_matrix\/client\/v3\/login$/, /^GET .*\/_matrix\/client\/v3\/sync\?/, /^PUT .*\/send\/m\.room\.message\//]) {
      assert.ok(paths.some((p) => wanted.test(p)), `${String(wanted)} in ${paths.join(', ')}`);
    }
  });

  it('goes directly to the homeserver when the system says DIRECT', { timeout: 180_000 }, async (t) => {
    // An address of this machine that is not loopback (loopback is direct without asking): one of its network
    // interfaces, with a relay there to the Synapse listening on 127.0.0.1.
    const address = externalAddress();
    if (address === undefined) return t.skip('this machine has no network interface besides loopback');
    const relay = await startRelay(address, new URL(hs.baseUrl));
    t.after(() => relay.close());
    const direct = `http://${address}:${relay.port}`;
    const before = proxy.seen.length;
    const asked: string[] = [];
    const worker = await BackendWorker.start({
      paths: resolveDataPaths({ LATTICE_ROOT: path.join(root, 'direct') }),
      resolveProxy: async (url) => { asked.push(url); return 'DIRECT'; },
    });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: direct, username: 'erin', password: 'erin-password' });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
    } finally {
      c.close();
      await worker.stop();
    }
    assert.deepEqual(asked, [`${new URL(direct).origin}/`]);
    assert.equal(proxy.seen.length, before, 'the proxy saw nothing');
    assert.ok(relay.connections > 0, 'the worker connected to the address itself');
  });

  it('never asks the system about 0.0.0.0: it is this machine, as 127.0.0.1 is', { timeout: 180_000 }, async () => {
    // On Linux and macOS, connecting to 0.0.0.0 reaches the servers listening on 127.0.0.1; a proxy elsewhere
    // would reach its own machine instead.
    const unspecified = hs.baseUrl.replace('127.0.0.1', '0.0.0.0');
    assert.notEqual(unspecified, hs.baseUrl);
    const before = proxy.seen.length;
    const asked: string[] = [];
    const worker = await BackendWorker.start({
      paths: resolveDataPaths({ LATTICE_ROOT: path.join(root, 'unspecified') }),
      resolveProxy: async (url) => { asked.push(url); return `PROXY 127.0.0.1:${proxy.port}`; },
    });
    const c = RpcTestClient.inProcess(worker);
    try {
      await c.request('login', { homeserver_url: unspecified, username: 'erin', password: 'erin-password' });
      await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
    } finally {
      c.close();
      await worker.stop();
    }
    assert.deepEqual(asked, [], 'the system was not asked');
    assert.equal(proxy.seen.length, before, 'the proxy saw nothing');
  });
});

/** An IPv4 address of one of this machine's network interfaces other than loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
}

interface Relay { port: number; connections: number; close(): Promise<void> }

/** A TCP relay listening on `address` that passes every connection on to `target`, counting them. */
async function startRelay(address: string, target: URL): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay: Relay = { port: 0, connections: 0, close: async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  } };
  const server = createServer((inbound) => {
    relay.connections += 1;
    const outbound = connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => { inbound.destroy(); outbound.destroy(); });
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  relay.port = (server.address() as AddressInfo).port;
  return relay;
}
