/**
 * The web server's routing, static files, headers, media and websocket basics against an in-memory backend, with one
 * browser signed in; its sessions outlive a host restart. Sessions and login links: web-sessions.test.ts; resumption,
 * compression and image tokens: websocket-relay.test.ts; timeouts, shutdown, password login and the web host's
 * arguments: web-host-config.test.ts.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MediaRequest } from '../../src/shared/rpc/index.ts';
import { startWebServer, type WebServer } from '../../src/main/host/web/web-server.ts';
import { loadOrCreateWebAuth, WEB_HOST_CONFIG_FILE, type WebAuth } from '../../src/main/host/web/web-auth.ts';
import { WEB_SESSIONS_FILE } from '../../src/main/host/web/web-sessions.ts';
import {
  Client, FakeBackend, makeStatic, openAsBrowser, rawRequest, signIn, until, SECRET_TEXT, type BrowserSession, type FakeConn,
} from '../harness/web-host-kit.ts';


describe('web server', () => {
  let tmp: string;
  let staticDir: string;
  let backend: FakeBackend;
  let server: WebServer;
  let auth: WebAuth;
  let loginUrl: string;
  let browser: BrowserSession;
  let bearer: Record<string, string>;
  let wsUrl: string;
  const mediaRequests: MediaRequest[] = [];

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lattice-web-'));
    staticDir = await makeStatic(tmp);
    backend = new FakeBackend();
    auth = await loadOrCreateWebAuth(path.join(tmp, 'config'));
    server = await startWebServer({ backend, staticDir, auth, port: 0, media: async (req) => {
      mediaRequests.push(req);
      if (req.mediaId === 'missing') return { status: 404, contentType: 'text/plain', body: Buffer.from('not found'), error: 'not found' };
      return { status: 200, contentType: req.mediaId === 'blob' ? 'application/octet-stream' : 'image/png', body: Buffer.from('PNGDATA') };
    } });
    loginUrl = auth.loginUrl(server.url);
    wsUrl = `ws://127.0.0.1:${server.port}/_gomuks/websocket`;
    browser = await signIn(server, auth);
    bearer = { Authorization: `Bearer ${browser.token}` };
  });
  after(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  test('serves media through the backend only with an image token or Authorization, with safe headers', async () => {
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/abc')).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/abc', { headers: { Cookie: browser.cookie } })).status, 401,
      'the cookie alone does not open media');
    const image = auth.imageToken({ kind: 'session', id: browser.token.split('.')[0] });
    const ok = await rawRequest(server.port, `/_gomuks/media/hs.example:8448/abc_DEF-1?w=96&h=96&image_auth=${image}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'PNGDATA');
    assert.equal(ok.headers['content-type'], 'image/png');
    assert.equal(ok.headers['x-content-type-options'], 'nosniff');
    assert.match(String(ok.headers['content-security-policy']), /sandbox/);
    assert.deepEqual(mediaRequests.at(-1), { server: 'hs.example:8448', mediaId: 'abc_DEF-1', thumbnail: { width: 96, height: 96 } });
    assert.equal((await rawRequest(server.port, `/_gomuks/media/hs.example/abc?image_auth=${image.replace(/.{3}$/, 'AAA')}`)).status, 401);
    // A media element seeking asks for a part.
    assert.equal(ok.headers['accept-ranges'], 'bytes');
    const part = await rawRequest(server.port, `/_gomuks/media/hs.example/abc?image_auth=${image}`, { headers: { Range: 'bytes=2-4' } });
    assert.equal(part.status, 206);
    assert.equal(part.body, 'GDA');
    assert.equal(part.headers['content-range'], 'bytes 2-4/7');
    const past = await rawRequest(server.port, `/_gomuks/media/hs.example/abc?image_auth=${image}`, { headers: { Range: 'bytes=7-' } });
    assert.equal(past.status, 416);
    assert.equal(past.headers['content-range'], 'bytes */7');
    const dl = await rawRequest(server.port, '/_gomuks/media/hs.example/blob', { headers: bearer });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers['content-disposition'], 'attachment');
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/missing', { headers: bearer })).status, 404);
    const before = mediaRequests.length;
    for (const bad of ['/_gomuks/media/hs.example/..%2f..%2fetc', '/_gomuks/media/hs.example/a/b', '/_gomuks/media/hs%20x/abc',
      '/_gomuks/media/hs.example/abc?w=0&h=10', '/_gomuks/media/hs.example/abc?w=99999&h=10']) {
      assert.equal((await rawRequest(server.port, bad, { headers: bearer })).status, 400, bad);
    }
    assert.equal(mediaRequests.length, before, 'invalid paths never reach the backend');
    assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/abc', { method: 'POST', headers: bearer })).status, 405);
  });

  test("gomuks' media parameters: thumbnail=avatar, encrypted, fallback", async () => {
    const avatar = await rawRequest(server.port, '/_gomuks/media/hs.example/abc?thumbnail=avatar', { headers: bearer });
    assert.equal(avatar.status, 200);
    assert.deepEqual(mediaRequests.at(-1)?.thumbnail, { width: 256, height: 256 });
    // Encrypted attachments reach the backend marked as such (it decrypts them).
    const enc = await rawRequest(server.port, '/_gomuks/media/hs.example/abc?encrypted=true', { headers: bearer });
    assert.equal(enc.status, 200);
    assert.equal(mediaRequests.at(-1)?.encrypted, true);
    const fb = await rawRequest(server.port, '/_gomuks/media/hs.example/missing?fallback=%23ff0000:%3CA', { headers: bearer });
    assert.equal(fb.status, 200);
    assert.equal(fb.headers['content-type'], 'image/svg+xml');
    assert.match(fb.body, /fill="#ff0000"/);
    assert.match(fb.body, /&#60;A<\/text>/, 'the letter is escaped');
    const badColor = await rawRequest(server.port, '/_gomuks/media/hs.example/missing?fallback=red%22onload=x:A', { headers: bearer });
    assert.equal(badColor.status, 404, 'an unsafe fallback color is not used');
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
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "media-src 'self' blob:",
      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(d), `CSP lacks ${d}: ${csp}`);
    assert.match(csp, new RegExp(`connect-src 'self'[^;]* ws://127\\.0\\.0\\.1:${server.port}`));
    // Chromium rejects IPv6 literals in CSP host sources (and logs it on every load); 'self' covers [::1].
    assert.ok(!csp.includes('['), `CSP names an IPv6 literal: ${csp}`);
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

  test('websocket requires cookie and token of one session from a browser: 401 without, open with', async () => {
    const origin = { Origin: `http://127.0.0.1:${server.port}` };
    const none = await Client.open(wsUrl, origin);
    assert.equal(none.status, 401);
    assert.match(none.body ?? '', /Not authenticated: open a login link from the web host/);
    const forged = await Client.open(wsUrl, { ...origin, Cookie: browser.cookie.replace(/.{4}$/, 'AAAA') }, ['lattice', `lattice.token.${browser.token}`]);
    assert.equal(forged.status, 401);
    const other = await signIn(server, auth);
    const mixed = await Client.open(wsUrl, { ...origin, Cookie: browser.cookie }, ['lattice', `lattice.token.${other.token}`]);
    assert.equal(mixed.status, 401, "one session's cookie with another's token");
    const before = backend.conns.length;
    const ok = await openAsBrowser(server, { cookie: `other=1; ${browser.cookie}`, token: browser.token });
    assert.ok(ok.client);
    assert.equal(ok.client.ws.protocol, 'lattice', 'the host selects the plain protocol, never echoes the token');
    const first = await ok.client.next();
    assert.equal(first.command, 'run_id');
    assert.equal(backend.conns.length, before + 1);
    ok.client.close(1001);
  });

  test('other /_gomuks/ endpoints require auth', async () => {
    assert.equal((await rawRequest(server.port, '/_gomuks/websocket')).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/whatever')).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/websocket', { headers: { Cookie: browser.cookie } })).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/websocket', { headers: bearer })).status, 426);
    // The page's probe: its token counts only with the cookie of the same session, as on the websocket.
    const probe = (h: Record<string, string>) => rawRequest(server.port, '/_gomuks/websocket', { headers: h });
    assert.equal((await probe({ 'X-Lattice-Token': browser.token, Cookie: browser.cookie })).status, 426);
    assert.equal((await probe({ 'X-Lattice-Token': browser.token })).status, 401);
    // An auth call with a valid cookie extends it, and never hands out the token.
    const refresh = await rawRequest(server.port, '/_gomuks/auth?output=json', { method: 'POST', headers: { Cookie: browser.cookie } });
    assert.equal(refresh.status, 200);
    assert.deepEqual(JSON.parse(refresh.body), {});
    assert.equal(String(refresh.headers['set-cookie']).split(';')[0], browser.cookie);
    // No password is configured, so there is nothing to prompt for.
    const unauth = await rawRequest(server.port, '/_gomuks/auth', { method: 'POST' });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers['www-authenticate'], undefined);
  });

  test('foreign Origin is refused with 403; own origins open; a browser-less handshake needs Authorization', async () => {
    const protocols = ['lattice', `lattice.token.${browser.token}`];
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      const r = await Client.open(wsUrl, { Cookie: browser.cookie, Origin: origin }, protocols);
      assert.equal(r.status, 403, origin);
    }
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const r = await Client.open(wsUrl, { Cookie: browser.cookie, Origin: origin }, protocols);
      assert.ok(r.client, String(origin));
      assert.equal((await r.client.next()).command, 'run_id');
      r.client.close(1001);
    }
    const noOrigin = await Client.open(wsUrl, { Cookie: browser.cookie }, protocols);
    assert.equal(noOrigin.status, 401, 'no Origin: cookie and token do not count, Authorization does');
    const script = await Client.open(wsUrl, bearer);
    assert.ok(script.client);
    assert.equal((await script.client.next()).command, 'run_id');
    script.client.close(1001);
  });

  test('ping is answered with pong by the host and not forwarded; requests are relayed', async () => {
    const { client } = await openAsBrowser(server, browser);
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    const conn = backend.conns.at(-1) as FakeConn;
    client.send({ command: 'ping', request_id: 7, data: { last_received_id: -1 } });
    const pong = await client.next((e) => e.request_id === 7);
    assert.deepEqual(pong, { command: 'pong', request_id: 7 });
    client.send({ command: 'get_state', request_id: 8 });
    const resp = await client.next((e) => e.request_id === 8);
    assert.deepEqual(resp, { command: 'response', request_id: 8, data: { echo: 'get_state' } });
    assert.deepEqual(conn.received, [{ command: 'get_state', request_id: 8 }]);
    client.close(1001);
  });

  test('malformed JSON and bad request ids get an error envelope and the socket stays open', async () => {
    const { client } = await openAsBrowser(server, browser);
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    const conn = backend.conns.at(-1) as FakeConn;
    client.send('{not json');
    const err = await client.next((e) => e.command === 'error');
    assert.equal(err.request_id, 0);
    assert.match(String(err.data), /^malformed JSON: /);
    client.ws.send(Buffer.from('{}'), { binary: true });
    const bin = await client.next((e) => e.command === 'error');
    assert.equal(bin.request_id, 0);
    for (const id of [-3, 0, 1.5, '4']) {
      client.send({ command: 'ping', request_id: id });
      const bad = await client.next((e) => e.command === 'error');
      assert.equal(bad.request_id, 0, String(id));
      assert.match(String(bad.data), /positive integer/);
    }
    client.send({ command: 'get_state', request_id: 9 });
    assert.equal((await client.next((e) => e.request_id === 9)).command, 'response');
    assert.equal(client.closed, false);
    assert.equal(conn.received.length, 1);
    client.close(1001);
  });

  test('a page that goes away (1001) ends its backend connection at once', async () => {
    const { client } = await openAsBrowser(server, browser);
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    const conn = backend.conns.at(-1) as FakeConn;
    assert.equal(conn.closed, false);
    client.close(1001);
    await until(() => conn.closed);
  });

  test('sessions survive a host restart; the config and session files are 0600', async () => {
    const configDir = path.join(tmp, 'config');
    const again = await loadOrCreateWebAuth(configDir);
    assert.equal(again.browserSession(browser.cookie, browser.token), browser.token.split('.')[0]);
    if (process.platform !== 'win32') {
      assert.equal((await stat(path.join(configDir, WEB_HOST_CONFIG_FILE))).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(configDir, WEB_SESSIONS_FILE))).mode & 0o777, 0o600);
    }
  });
});
