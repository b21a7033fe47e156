/**
 * How the web host is set up and what its settings do, against an in-memory backend: the web server's idle timeout,
 * send-buffer limit and static directory, and its shutdown; web-host.json (a corrupt one is reported, a password
 * opens HTTP Basic login); the web host's arguments and environment. Routing, static files, headers, media and
 * websocket basics: web-server-requests.test.ts.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startWebServer, CLOSE_IDLE, CLOSE_TOO_SLOW } from '../../src/main/host/web/web-server.ts';
import {
  loadOrCreateWebAuth, hashPassword, verifyPassword, WEB_HOST_CONFIG_FILE, type WebAuth,
} from '../../src/main/host/web/web-auth.ts';
import { Client, FakeBackend, makeStatic, rawRequest, until } from '../harness/web-host-kit.ts';

describe('web server timeouts, backpressure and shutdown', () => {
  let tmp: string;
  let staticDir: string;
  let auth: WebAuth;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  let token: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lattice-web-'));
    staticDir = await makeStatic(tmp);
    auth = await loadOrCreateWebAuth(path.join(tmp, 'config'));
    token = auth.sessions.create().token;
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  test('an idle connection is closed; one that pings stays open', async () => {
    const backend = new FakeBackend();
    const server = await startWebServer({ backend, staticDir, auth, idleTimeoutMs: 400, resumeWindowMs: 50 });
    try {
      const url = `ws://127.0.0.1:${server.port}/_gomuks/websocket`;
      const idle = (await Client.open(url, bearer(token))).client;
      const busy = (await Client.open(url, bearer(token))).client;
      assert.ok(idle && busy);
      let id = 1;
      const pinger = setInterval(() => busy.send({ command: 'ping', request_id: id++ }), 100);
      try {
        await until(() => idle.closed, 2000);
        assert.equal(idle.closeCode, CLOSE_IDLE);
        assert.match(idle.closeReason, /no data received/);
        // Kept for resumption a while, then ended.
        await until(() => backend.conns[0].closed, 2000);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(busy.closed, false);
      } finally {
        clearInterval(pinger);
      }
      busy.close();
    } finally {
      await server.close();
    }
  });

  test('a socket that cannot keep up is closed instead of buffering forever', async () => {
    const backend = new FakeBackend();
    const server = await startWebServer({ backend, staticDir, auth, maxBufferedBytes: 10_000 });
    try {
      const { client } = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, bearer(token));
      assert.ok(client);
      client.send({ command: 'flood', request_id: 1 });
      await until(() => client.closed);
      assert.equal(client.closeCode, CLOSE_TOO_SLOW);
      assert.match(client.closeReason, /too slow/);
      assert.equal(backend.conns[0].closed, true);
    } finally {
      await server.close();
    }
  });

  test('close() ends open sockets and their backend connections', async () => {
    const backend = new FakeBackend();
    const server = await startWebServer({ backend, staticDir, auth });
    const { client } = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, bearer(token));
    assert.ok(client);
    await server.close();
    await until(() => client.closed);
    assert.equal(client.closeCode, 1001);
    assert.equal(backend.conns[0].closed, true);
  });

  test('a missing static directory is a clear error', async () => {
    await assert.rejects(startWebServer({ backend: new FakeBackend(), staticDir: path.join(tmp, 'nope'), auth }), /does not exist/);
  });
});

describe('web auth', () => {
  test('a corrupt web-host.json is reported, not replaced', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lattice-webauth-'));
    try {
      await writeFile(path.join(dir, WEB_HOST_CONFIG_FILE), '{"secret": "short"}');
      await assert.rejects(loadOrCreateWebAuth(dir), /web-host\.json is invalid/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('password hashing and HTTP Basic login', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$/);
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('wrong', hash), false);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'lattice-webauth-'));
    await writeFile(path.join(dir, WEB_HOST_CONFIG_FILE),
      JSON.stringify({ secret: Buffer.alloc(32, 1).toString('base64url'), password_hash: hash }), { mode: 0o644 });
    const auth = await loadOrCreateWebAuth(dir);
    if (process.platform !== 'win32') assert.equal((await stat(path.join(dir, WEB_HOST_CONFIG_FILE))).mode & 0o777, 0o600);
    const staticDir = await makeStatic(dir);
    const server = await startWebServer({ backend: new FakeBackend(), staticDir, auth });
    try {
      const basic = (pw: string) => `Basic ${Buffer.from(`user:${pw}`).toString('base64')}`;
      const good = await rawRequest(server.port, '/_gomuks/auth?output=json', { method: 'POST', headers: { Authorization: basic('correct horse') } });
      assert.equal(good.status, 201);
      const { token } = JSON.parse(good.body) as { token: string };
      assert.ok(auth.sessions.sessionOfToken(token));
      const bad = await rawRequest(server.port, '/_gomuks/auth', { method: 'POST', headers: { Authorization: basic('nope') } });
      assert.equal(bad.status, 401);
      assert.match(String(bad.headers['www-authenticate']), /^Basic realm="Lattice"/);
      assert.equal(bad.headers['set-cookie'], undefined);
      const quiet = await rawRequest(server.port, '/_gomuks/auth?no_prompt=true', { method: 'POST', headers: { Authorization: basic('nope') } });
      assert.equal(quiet.status, 401);
      assert.equal(quiet.headers['www-authenticate'], undefined);
      const foreign = await rawRequest(server.port, '/_gomuks/auth', {
        method: 'POST', headers: { Authorization: basic('correct horse'), Origin: 'http://evil.example' },
      });
      assert.equal(foreign.status, 403);
      // Basic also opens the websocket and media for a client that is not a browser.
      const ws = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, { Authorization: basic('correct horse') });
      assert.ok(ws.client);
      assert.equal((await ws.client.next()).command, 'run_id');
      ws.client.close(1001);
      const wrong = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, { Authorization: basic('nope') });
      assert.equal(wrong.status, 401);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('web host arguments', () => {
  test('defaults, env and flags', async () => {
    const { parseWebHostArgs, findAppRoot, DEFAULT_WEB_PORT } = await import('../../src/main/host/web-main.ts');
    const root = findAppRoot();
    assert.ok(root);
    const d = parseWebHostArgs([], {});
    assert.deepEqual(d, { port: DEFAULT_WEB_PORT, host: '127.0.0.1', insecureSecretsFile: false, staticDir: path.join(root, 'dist', 'renderer'), debug: false, command: 'serve' });
    const e = parseWebHostArgs([], { LATTICE_PORT: '4000', LATTICE_STATIC_DIR: '/srv/r' });
    assert.equal(e.port, 4000);
    assert.equal(e.staticDir, path.resolve('/srv/r'));
    const f = parseWebHostArgs(['--port', '5000', '--host', '::1', '--static', '/x', '--insecure-secrets-file'], { LATTICE_PORT: '4000' });
    assert.deepEqual(f, { port: 5000, host: '::1', insecureSecretsFile: true, staticDir: path.resolve('/x'), debug: false, command: 'serve' });
    assert.equal(parseWebHostArgs(['--login-link'], {}).command, 'login-link');
    assert.equal(parseWebHostArgs(['--sign-out-browsers'], {}).command, 'sign-out-browsers');
    assert.throws(() => parseWebHostArgs(['--login-link', '--set-password'], {}), /cannot be combined/);
    assert.equal(parseWebHostArgs(['--debug', '--static', '/x'], {}).debug, true);
    assert.equal(parseWebHostArgs(['--static', '/x'], { LATTICE_DEBUG: '1' }).debug, true);
    assert.throws(() => parseWebHostArgs(['--port', 'abc'], {}), /--port must be a port number/);
    assert.throws(() => parseWebHostArgs([], { LATTICE_PORT: '70000' }), /LATTICE_PORT must be a port number/);
    assert.throws(() => parseWebHostArgs(['--nope'], {}), /usage: web-main/);
  });

  test('refuses to start without a built renderer', async () => {
    const { runWebHost } = await import('../../src/main/host/web-main.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lattice-webmain-'));
    try {
      await assert.rejects(runWebHost(['--static', dir], { LATTICE_ROOT: dir }), /no built renderer: .*index\.html does not exist\. Run the renderer build/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
