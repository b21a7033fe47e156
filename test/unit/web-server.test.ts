import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, mkdir, writeFile, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { Envelope, MediaRequest } from '../../src/shared/rpc/index.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../../src/main/backend/rpc/connection.ts';
import { startWebServer, type WebServer, CLOSE_IDLE, CLOSE_TOO_SLOW } from '../../src/main/host/web/web-server.ts';
import {
  loadOrCreateWebAuth, createWebAuth, hashPassword, verifyPassword, WEB_HOST_CONFIG_FILE, COOKIE_TTL_SECONDS,
} from '../../src/main/host/web/web-auth.ts';

const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-STATIC';

interface FakeConn { received: unknown[]; closed: boolean; send: EnvelopeSink }

/** An in-memory backend: sends run_id on connect, echoes requests, and floods on demand. */
class FakeBackend implements BackendHost {
  readonly conns: FakeConn[] = [];
  connect(send: EnvelopeSink): BackendConnection {
    const c: FakeConn = { received: [], closed: false, send };
    this.conns.push(c);
    send({ command: 'run_id', request_id: -1, data: { run_id: 'fake-run', etag: 'e' } });
    return {
      receive: (raw) => {
        c.received.push(raw);
        const env = raw as Envelope;
        if (typeof env.request_id !== 'number' || env.request_id <= 0) return;
        if (env.command === 'flood') send({ command: 'response', request_id: env.request_id, data: 'x'.repeat(100_000) });
        else send({ command: 'response', request_id: env.request_id, data: { echo: env.command } });
      },
      close: () => { c.closed = true; },
    };
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

function rawRequest(port: number, reqPath: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: reqPath, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A websocket client with a message queue; `status` is the HTTP status when the upgrade was refused. */
class Client {
  readonly messages: Envelope[] = [];
  closeCode: number | undefined;
  closeReason = '';
  readonly ws: WebSocket;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (d) => this.messages.push(JSON.parse((d as Buffer).toString('utf8')) as Envelope));
    ws.on('close', (code, reason) => { this.closeCode = code; this.closeReason = reason.toString(); });
  }
  static open(url: string, headers: Record<string, string> = {}): Promise<{ client?: Client; status?: number; body?: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new Client(ws);
      ws.once('open', () => resolve({ client }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => { resolve({ status: res.statusCode, body }); ws.terminate(); });
      });
      ws.once('error', (e) => { if (ws.readyState !== WebSocket.CLOSED) reject(e); });
    });
  }
  send(v: unknown): void { this.ws.send(typeof v === 'string' ? v : JSON.stringify(v)); }
  async next(pred: (e: Envelope) => boolean = () => true, ms = 3000): Promise<Envelope> {
    let found: Envelope | undefined;
    await until(() => {
      const i = this.messages.findIndex(pred);
      if (i >= 0) [found] = this.messages.splice(i, 1);
      return found !== undefined;
    }, ms);
    return found as Envelope;
  }
  get closed(): boolean { return this.closeCode !== undefined; }
  close(): void { this.ws.close(); }
}

async function makeStatic(root: string): Promise<string> {
  const dir = path.join(root, 'static');
  await mkdir(path.join(dir, 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Lattice</title><div id="root"></div>');
  await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log("app")');
  await writeFile(path.join(dir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(root, 'secret.txt'), SECRET_TEXT);
  await symlink(path.join(root, 'secret.txt'), path.join(dir, 'link.txt'));
  return dir;
}

function cookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  assert.ok(first, 'expected a Set-Cookie header');
  return first.split(';')[0];
}

describe('web server', () => {
  let tmp: string;
  let staticDir: string;
  let backend: FakeBackend;
  let server: WebServer;
  let loginUrl: string;
  let cookie: string;
  let wsUrl: string;
  const mediaRequests: MediaRequest[] = [];

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lattice-web-'));
    staticDir = await makeStatic(tmp);
    backend = new FakeBackend();
    const auth = await loadOrCreateWebAuth(path.join(tmp, 'config'));
    server = await startWebServer({ backend, staticDir, auth, port: 0, media: async (req) => {
      mediaRequests.push(req);
      if (req.mediaId === 'missing') return { status: 404, contentType: 'text/plain', body: Buffer.from('not found'), error: 'not found' };
      return { status: 200, contentType: req.mediaId === 'blob' ? 'application/octet-stream' : 'image/png', body: Buffer.from('PNGDATA') };
    } });
    loginUrl = auth.loginUrl(server.url);
    wsUrl = `ws://127.0.0.1:${server.port}/_gomuks/websocket`;
    const res = await fetch(loginUrl, { redirect: 'manual' });
    cookie = cookieFrom(res.headers.get('set-cookie') ?? undefined);
  });
  after(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  test('serves media through the backend only to an authenticated browser, with safe headers', async () => {
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/abc')).status, 401);
    const ok = await rawRequest(server.port, '/_gomuks/media/hs.example:8448/abc_DEF-1?w=96&h=96', { headers: { Cookie: cookie } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'PNGDATA');
    assert.equal(ok.headers['content-type'], 'image/png');
    assert.equal(ok.headers['x-content-type-options'], 'nosniff');
    assert.match(String(ok.headers['content-security-policy']), /sandbox/);
    assert.deepEqual(mediaRequests.at(-1), { server: 'hs.example:8448', mediaId: 'abc_DEF-1', thumbnail: { width: 96, height: 96 } });
    const dl = await rawRequest(server.port, '/_gomuks/media/hs.example/blob', { headers: { Cookie: cookie } });
    assert.equal(dl.headers['content-disposition'], 'attachment');
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/missing', { headers: { Cookie: cookie } })).status, 404);
    const before = mediaRequests.length;
    for (const bad of ['/_gomuks/media/hs.example/..%2f..%2fetc', '/_gomuks/media/hs.example/a/b', '/_gomuks/media/hs%20x/abc',
      '/_gomuks/media/hs.example/abc?w=0&h=10', '/_gomuks/media/hs.example/abc?w=99999&h=10']) {
      assert.equal((await rawRequest(server.port, bad, { headers: { Cookie: cookie } })).status, 400, bad);
    }
    assert.equal(mediaRequests.length, before, 'invalid paths never reach the backend');
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/abc', { method: 'POST', headers: { Cookie: cookie } })).status, 405);
  });

  test('binds loopback and reports its URL', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    assert.match(loginUrl, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/_gomuks/auth\\?token=[A-Za-z0-9_-]{43}$`));
  });

  test('serves the app shell without auth, with security headers', async () => {
    const res = await rawRequest(server.port, '/');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<title>Lattice<\/title>/);
    const csp = String(res.headers['content-security-policy']);
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(d), `CSP lacks ${d}: ${csp}`);
    assert.match(csp, new RegExp(`connect-src 'self'[^;]* ws://127\\.0\\.0\\.1:${server.port}`));
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cache-control'], 'no-cache');
  });

  test('serves assets with their content types; 404 for missing files and directories', async () => {
    const js = await rawRequest(server.port, '/assets/app-abc123.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    assert.match(String(js.headers['cache-control']), /immutable/);
    assert.ok(js.headers['content-security-policy']);
    const css = await rawRequest(server.port, '/assets/app.css');
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.equal((await rawRequest(server.port, '/nope.js')).status, 404);
    assert.equal((await rawRequest(server.port, '/assets/')).status, 404);
    assert.equal((await rawRequest(server.port, '/assets')).status, 404);
    assert.equal((await rawRequest(server.port, '/', { method: 'POST' })).status, 405);
    const head = await rawRequest(server.port, '/index.html', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('refuses directory traversal however it is spelled', async () => {
    const secretAbs = path.join(tmp, 'secret.txt');
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%5csecret.txt',
      `/${secretAbs}`,
      `//${secretAbs}`,
      `/${encodeURIComponent(secretAbs)}`,
      '/%00index.html',
      '/%E0%A4%A',
      '/link.txt',
    ];
    for (const p of attempts) {
      const res = await rawRequest(server.port, p);
      assert.notEqual(res.status, 200, `${p} answered 200`);
      assert.ok(!res.body.includes(SECRET_TEXT), `${p} leaked the secret`);
    }
    // An absolute-form request target is not a path at all.
    const abs = await rawRequest(server.port, `http://127.0.0.1:${server.port}/../secret.txt`);
    assert.notEqual(abs.status, 200);
    assert.ok(!abs.body.includes(SECRET_TEXT));
  });

  test('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawRequest(server.port, '/', { headers: { Host: `evil.example:${server.port}` } });
    assert.equal(res.status, 421);
    const ok = await rawRequest(server.port, '/', { headers: { Host: `localhost:${server.port}` } });
    assert.equal(ok.status, 200);
  });

  test('the login URL sets an HttpOnly, SameSite=Strict cookie and redirects to /', async () => {
    const res = await fetch(loginUrl, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const sc = res.headers.get('set-cookie') ?? '';
    assert.match(sc, /^lattice_auth=v1\.[^;]+; /);
    assert.match(sc, /; HttpOnly/);
    assert.match(sc, /; SameSite=Strict/);
    assert.match(sc, /; Path=\//);
  });

  test('a bad login token sets no cookie', async () => {
    for (const bad of ['nope', loginUrl.slice(-43).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), '']) {
      const res = await fetch(`${server.url}/_gomuks/auth?token=${bad}`, { redirect: 'manual' });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('set-cookie'), null);
    }
  });

  test('websocket requires the cookie: 401 without, open with', async () => {
    const none = await Client.open(wsUrl);
    assert.equal(none.status, 401);
    assert.match(none.body ?? '', /Not authenticated: open the login link printed by the web host/);
    const forged = await Client.open(wsUrl, { Cookie: cookie.replace(/.{4}$/, 'AAAA') });
    assert.equal(forged.status, 401);
    const before = backend.conns.length;
    const ok = await Client.open(wsUrl, { Cookie: `other=1; ${cookie}` });
    assert.ok(ok.client);
    const first = await ok.client.next();
    assert.equal(first.command, 'run_id');
    assert.equal(backend.conns.length, before + 1);
    ok.client.close();
  });

  test('other /_gomuks/ endpoints require auth', async () => {
    assert.equal((await rawRequest(server.port, '/_gomuks/websocket')).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/whatever')).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/websocket', { headers: { Cookie: cookie } })).status, 426);
    // An authenticated auth call extends the cookie.
    const refresh = await rawRequest(server.port, '/_gomuks/auth', { method: 'POST', headers: { Cookie: cookie } });
    assert.equal(refresh.status, 204);
    assert.ok(refresh.headers['set-cookie']);
    // No password is configured, so there is nothing to prompt for.
    const unauth = await rawRequest(server.port, '/_gomuks/auth', { method: 'POST' });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers['www-authenticate'], undefined);
  });

  test('foreign Origin is refused with 403; own origins and a missing Origin are accepted', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      const r = await Client.open(wsUrl, { Cookie: cookie, Origin: origin });
      assert.equal(r.status, 403, origin);
    }
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`, undefined]) {
      const r = await Client.open(wsUrl, origin ? { Cookie: cookie, Origin: origin } : { Cookie: cookie });
      assert.ok(r.client, String(origin));
      assert.equal((await r.client.next()).command, 'run_id');
      r.client.close();
    }
  });

  test('ping is answered with pong by the host and not forwarded; requests are relayed', async () => {
    const { client } = await Client.open(wsUrl, { Cookie: cookie });
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    const conn = backend.conns.at(-1) as FakeConn;
    client.send({ command: 'ping', request_id: 7, data: { last_received_id: -1 } });
    const pong = await client.next();
    assert.deepEqual(pong, { command: 'pong', request_id: 7 });
    client.send({ command: 'get_state', request_id: 8 });
    const resp = await client.next();
    assert.deepEqual(resp, { command: 'response', request_id: 8, data: { echo: 'get_state' } });
    assert.deepEqual(conn.received, [{ command: 'get_state', request_id: 8 }]);
    client.close();
  });

  test('malformed JSON gets an error envelope and the socket stays open', async () => {
    const { client } = await Client.open(wsUrl, { Cookie: cookie });
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    const conn = backend.conns.at(-1) as FakeConn;
    client.send('{not json');
    const err = await client.next();
    assert.equal(err.command, 'error');
    assert.equal(err.request_id, 0);
    assert.match(String(err.data), /^malformed JSON: /);
    client.ws.send(Buffer.from('{}'), { binary: true });
    const bin = await client.next();
    assert.equal(bin.command, 'error');
    assert.equal(bin.request_id, 0);
    client.send({ command: 'get_state', request_id: 9 });
    assert.equal((await client.next()).request_id, 9);
    assert.equal(client.closed, false);
    assert.equal(conn.received.length, 1);
    client.close();
  });

  test('closing the socket closes the backend connection', async () => {
    const { client } = await Client.open(wsUrl, { Cookie: cookie });
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    const conn = backend.conns.at(-1) as FakeConn;
    assert.equal(conn.closed, false);
    client.close();
    await until(() => conn.closed);
  });

  test('the cookie survives a host restart (stateless validation) and the secret file is 0600', async () => {
    const configDir = path.join(tmp, 'config');
    const again = await loadOrCreateWebAuth(configDir);
    assert.equal(again.loginUrl(server.url), loginUrl);
    assert.equal(again.checkCookie(cookie), true);
    if (process.platform !== 'win32') {
      assert.equal((await stat(path.join(configDir, WEB_HOST_CONFIG_FILE))).mode & 0o777, 0o600);
    }
  });
});

describe('web server timeouts, backpressure and shutdown', () => {
  let tmp: string;
  let staticDir: string;
  let auth: Awaited<ReturnType<typeof loadOrCreateWebAuth>>;
  let cookie: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lattice-web-'));
    staticDir = await makeStatic(tmp);
    auth = await loadOrCreateWebAuth(path.join(tmp, 'config'));
    cookie = auth.issueCookie().split(';')[0];
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  test('an idle connection is closed; one that pings stays open', async () => {
    const backend = new FakeBackend();
    const server = await startWebServer({ backend, staticDir, auth, idleTimeoutMs: 400 });
    try {
      const url = `ws://127.0.0.1:${server.port}/_gomuks/websocket`;
      const idle = (await Client.open(url, { Cookie: cookie })).client;
      const busy = (await Client.open(url, { Cookie: cookie })).client;
      assert.ok(idle && busy);
      let id = 1;
      const pinger = setInterval(() => busy.send({ command: 'ping', request_id: id++ }), 100);
      try {
        await until(() => idle.closed, 2000);
        assert.equal(idle.closeCode, CLOSE_IDLE);
        assert.match(idle.closeReason, /no data received/);
        assert.equal(backend.conns[0].closed, true);
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
      const { client } = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, { Cookie: cookie });
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
    const { client } = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, { Cookie: cookie });
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
  test('cookies expire and tampered cookies fail', () => {
    let t = Date.UTC(2030, 0, 1);
    const auth = createWebAuth({ secret: Buffer.alloc(32, 7).toString('base64url') }, () => t);
    const c = auth.issueCookie().split(';')[0];
    assert.equal(auth.checkCookie(c), true);
    const [name, value] = c.split('=');
    const parts = value.split('.');
    const longer = `${name}=${[parts[0], parts[1], String(Number(parts[2]) + 1000), parts[3]].join('.')}`;
    assert.equal(auth.checkCookie(longer), false);
    t += (COOKIE_TTL_SECONDS + 1) * 1000;
    assert.equal(auth.checkCookie(c), false);
    const other = createWebAuth({ secret: Buffer.alloc(32, 8).toString('base64url') }, () => t);
    assert.equal(other.checkCookie(other.issueCookie().split(';')[0]), true);
    assert.equal(auth.checkCookie(other.issueCookie().split(';')[0]), false);
    assert.equal(auth.checkLoginToken(other.loginToken), false);
    assert.equal(auth.checkLoginToken(auth.loginToken), true);
  });

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
      const good = await rawRequest(server.port, '/_gomuks/auth', { method: 'POST', headers: { Authorization: basic('correct horse') } });
      assert.equal(good.status, 204);
      const c = cookieFrom(good.headers['set-cookie']);
      assert.equal(auth.checkCookie(c), true);
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
    assert.deepEqual(d, { port: DEFAULT_WEB_PORT, host: '127.0.0.1', insecureSecretsFile: false, staticDir: path.join(root, 'dist', 'renderer'), debug: false });
    const e = parseWebHostArgs([], { LATTICE_PORT: '4000', LATTICE_STATIC_DIR: '/srv/r' });
    assert.equal(e.port, 4000);
    assert.equal(e.staticDir, path.resolve('/srv/r'));
    const f = parseWebHostArgs(['--port', '5000', '--host', '::1', '--static', '/x', '--insecure-secrets-file'], { LATTICE_PORT: '4000' });
    assert.deepEqual(f, { port: 5000, host: '::1', insecureSecretsFile: true, staticDir: path.resolve('/x'), debug: false });
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
