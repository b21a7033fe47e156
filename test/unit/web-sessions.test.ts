/**
 * Web host sessions (issue 8): a cookie collected on another loopback port opens nothing, login links work once
 * and for minutes, and signing out ends every browser's session with its open websockets.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startWebServer, CLOSE_SIGNED_OUT, type WebServer } from '../../src/main/host/web/web-server.ts';
import { loadOrCreateWebAuth, type WebAuth } from '../../src/main/host/web/web-auth.ts';
import { LOGIN_KEY_TTL_MS, WebSessions } from '../../src/main/host/web/web-sessions.ts';
import {
  Client, cookieFrom, FakeBackend, makeStatic, openAsBrowser, rawRequest, signIn, until,
} from '../harness/web-host-kit.ts';

describe('web host sessions', () => {
  let tmp: string;
  let configDir: string;
  let server: WebServer;
  let auth: WebAuth;
  let backend: FakeBackend;
  let clock = Date.UTC(2030, 0, 1);

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lattice-sessions-'));
    configDir = path.join(tmp, 'config');
    backend = new FakeBackend();
    auth = await loadOrCreateWebAuth(configDir, () => clock);
    server = await startWebServer({
      backend, staticDir: await makeStatic(tmp), auth,
      media: async () => ({ status: 200, contentType: 'image/png', body: Buffer.from('PNG') }),
    });
  });
  after(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  test('a cookie captured by a listener on another loopback port opens neither the websocket nor media', async () => {
    const s = await signIn(server, auth);
    // The browser sends its cookies for 127.0.0.1 to every port: a page the user is lured to collects it.
    let captured = '';
    const thief = http.createServer((req, res) => { captured = req.headers.cookie ?? ''; res.end('thanks'); });
    await new Promise<void>((r) => thief.listen(0, '127.0.0.1', () => r()));
    try {
      const thiefPort = (thief.address() as AddressInfo).port;
      await rawRequest(thiefPort, '/', { headers: { Cookie: s.cookie } });
      assert.equal(captured, s.cookie);
      const ws = `ws://127.0.0.1:${server.port}/_gomuks/websocket`;
      // As a program: no Origin.
      assert.equal((await Client.open(ws, { Cookie: captured })).status, 401);
      // Pretending to be the page: its own Origin, but without the page's token.
      assert.equal((await Client.open(ws, { Cookie: captured, Origin: `http://127.0.0.1:${server.port}` })).status, 401);
      assert.equal((await Client.open(ws, { Cookie: captured, Origin: `http://127.0.0.1:${server.port}` }, ['lattice'])).status, 401);
      // As the thief's own page in the browser.
      assert.equal((await Client.open(ws, { Cookie: captured, Origin: `http://127.0.0.1:${thiefPort}` })).status, 403);
      assert.equal((await rawRequest(server.port, '/_gomuks/media/hs.example/abc', { headers: { Cookie: captured } })).status, 401);
      assert.equal((await rawRequest(server.port, '/_gomuks/upload', { method: 'POST', headers: { Cookie: captured } })).status, 401);
      // The cookie cannot be traded for the token either.
      const trade = await rawRequest(server.port, '/_gomuks/auth?output=json', { method: 'POST', headers: { Cookie: captured } });
      assert.ok(!trade.body.includes(s.token.split('.')[1]), 'the token is never handed out for a cookie');
      // The page itself, with its token, still gets in.
      const ok = await openAsBrowser(server, s);
      assert.ok(ok.client);
      ok.client.close(1001);
    } finally {
      thief.close();
    }
  });

  test('a login link works once; opening it only forwards the key to the page', async () => {
    const link = auth.loginUrl(server.url);
    const key = new URL(link).searchParams.get('token') ?? '';
    const open = await fetch(link, { redirect: 'manual' });
    assert.equal(open.status, 303);
    assert.equal(open.headers.get('location'), `/#login=${key}`);
    assert.equal(open.headers.get('set-cookie'), null, 'no session until the page redeems the key');
    const first = await fetch(`${server.url}/_gomuks/auth?output=json&token=${key}`, { method: 'POST' });
    assert.equal(first.status, 201);
    const sc = first.headers.get('set-cookie') ?? '';
    assert.match(sc, /^lattice_auth=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; /);
    assert.match(sc, /; HttpOnly/);
    assert.match(sc, /; SameSite=Strict/);
    assert.match(sc, /; Path=\//);
    const body = await first.json() as { token: string };
    assert.match(body.token, /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const second = await fetch(`${server.url}/_gomuks/auth?output=json&token=${key}`, { method: 'POST' });
    assert.equal(second.status, 401);
    assert.match(await second.text(), /already used or has expired/);
    assert.equal(second.headers.get('set-cookie'), null);
    assert.equal((await fetch(link, { redirect: 'manual' })).status, 401, 'a used link says so when opened again');
    for (const bad of ['nope', key.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), '']) {
      const res = await fetch(`${server.url}/_gomuks/auth?token=${bad}`, { method: 'POST' });
      assert.equal(res.status, 401, bad);
      assert.equal(res.headers.get('set-cookie'), null);
    }
  });

  test('a login link expires after its lifetime', async () => {
    const key = new URL(auth.loginUrl(server.url)).searchParams.get('token') ?? '';
    const early = new URL(auth.loginUrl(server.url)).searchParams.get('token') ?? '';
    clock += LOGIN_KEY_TTL_MS - 1000;
    const inTime = await fetch(`${server.url}/_gomuks/auth?token=${early}`, { method: 'POST' });
    assert.equal(inTime.status, 201);
    clock += 2000;
    const late = await fetch(`${server.url}/_gomuks/auth?token=${key}`, { method: 'POST' });
    assert.equal(late.status, 401);
    assert.equal(late.headers.get('set-cookie'), null);
  });

  test('signing out in one browser ends the session of a second browser, open websocket included', async () => {
    const a = await signIn(server, auth);
    const b = await signIn(server, auth);
    const pageA = (await openAsBrowser(server, a)).client;
    const pageB = (await openAsBrowser(server, b)).client;
    assert.ok(pageA && pageB);
    await pageA.next((e) => e.command === 'run_id');
    await pageB.next((e) => e.command === 'run_id');
    const connB = backend.conns.at(-1);
    pageA.send({ command: 'logout', request_id: 5, data: {} });
    const answer = await pageA.next((e) => e.request_id === 5);
    assert.deepEqual(answer, { command: 'response', request_id: 5, data: true }, 'the answer arrives before the socket closes');
    await until(() => pageA.closed && pageB.closed);
    assert.equal(pageB.closeCode, CLOSE_SIGNED_OUT);
    assert.equal(connB?.closed, true);
    assert.equal((await openAsBrowser(server, b)).status, 401, "the second browser's session is gone");
    assert.equal((await openAsBrowser(server, a)).status, 401);
    assert.equal((await rawRequest(server.port, '/_gomuks/websocket', { headers: { Authorization: `Bearer ${b.token}` } })).status, 401);
  });

  test('"sign out all browsers" from another process closes open websockets', async () => {
    const s = await signIn(server, auth);
    const page = (await openAsBrowser(server, s)).client;
    assert.ok(page);
    await page.next((e) => e.command === 'run_id');
    auth.sessions.watch(20);
    // The watcher's first look at the file is its baseline; a change before it would go unseen.
    await new Promise((r) => setTimeout(r, 200));
    try {
      // What `web-main --sign-out-browsers` does: the same file, another process' view of it.
      assert.ok(WebSessions.inConfigDir(configDir, () => clock).endAll() >= 1);
      await until(() => page.closed);
      assert.equal(page.closeCode, CLOSE_SIGNED_OUT);
      assert.equal((await openAsBrowser(server, s)).status, 401);
    } finally {
      auth.sessions.unwatch();
    }
  });

  test('the image token stops working when its session ends', async () => {
    const s = await signIn(server, auth);
    const page = (await openAsBrowser(server, s)).client;
    assert.ok(page);
    const token = (await page.next((e) => e.command === 'image_auth_token')).data as string;
    const media = await rawRequest(server.port, `/_gomuks/media/hs.example/abc?image_auth=${token}`);
    assert.equal(media.status, 200);
    auth.sessions.end(s.token.split('.')[0]);
    assert.equal((await rawRequest(server.port, `/_gomuks/media/hs.example/abc?image_auth=${token}`)).status, 401);
    await until(() => page.closed);
  });

  test('a cookie from the login is refreshed, not replaced, when the app loads', async () => {
    const s = await signIn(server, auth);
    const res = await rawRequest(server.port, '/', { headers: { Cookie: s.cookie } });
    assert.equal(cookieFrom(res.headers['set-cookie']), s.cookie);
  });
});

describe('web host commands', () => {
  test('--login-link prints a working single-use link for the running host; --set-password turns Basic on live', async () => {
    const { runWebCommand, parseWebHostArgs } = await import('../../src/main/host/web-main.ts');
    const root = await mkdtemp(path.join(os.tmpdir(), 'lattice-cmd-'));
    const env = { LATTICE_ROOT: root };
    const auth = await loadOrCreateWebAuth(path.join(root, 'config'));
    const server = await startWebServer({ backend: new FakeBackend(), staticDir: await makeStatic(root), auth });
    auth.sessions.setUrl(server.url);
    try {
      const out: string[] = [];
      const io = { log: (m: string) => out.push(m), error: (m: string) => out.push(m) };
      const args = parseWebHostArgs(['--login-link', '--static', root], env);
      await runWebCommand('login-link', args, env, io);
      const link = out.at(-1) ?? '';
      assert.ok(link.startsWith(`${server.url}/_gomuks/auth?token=`), link);
      const key = new URL(link).searchParams.get('token');
      assert.equal((await fetch(`${server.url}/_gomuks/auth?token=${key}`, { method: 'POST' })).status, 201);
      assert.equal((await fetch(`${server.url}/_gomuks/auth?token=${key}`, { method: 'POST' })).status, 401);

      const basic = `Basic ${Buffer.from('me:long enough password').toString('base64')}`;
      assert.equal((await rawRequest(server.port, '/_gomuks/auth', { method: 'POST', headers: { Authorization: basic } })).status, 401);
      await runWebCommand('set-password', args, { ...env, LATTICE_WEB_PASSWORD: 'long enough password' }, io);
      assert.equal((await rawRequest(server.port, '/_gomuks/auth', { method: 'POST', headers: { Authorization: basic } })).status, 201);
      await assert.rejects(runWebCommand('set-password', args, { ...env, LATTICE_WEB_PASSWORD: 'short' }, io), /at least 8 characters/);
      await runWebCommand('clear-password', args, env, io);
      assert.equal((await rawRequest(server.port, '/_gomuks/auth', { method: 'POST', headers: { Authorization: basic } })).status, 401);

      await runWebCommand('new-token', args, env, io);
      const script = await Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket`, { Authorization: `Bearer ${out.at(-1)}` });
      assert.ok(script.client, 'a token from the command line opens the websocket for a program');
      script.client.close(1001);

      await runWebCommand('sign-out-browsers', args, env, io);
      assert.match(out.at(-1) ?? '', /signed out \d+ browser session/);
      assert.equal(auth.sessions.count(), 0);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
