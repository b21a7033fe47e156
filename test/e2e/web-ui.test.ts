/**
 * The whole app as a person uses it: the real renderer in Chromium, the web host and backend in this process'
 * worker, a real Synapse, and a second user acting through the homeserver API.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page, type WebSocketRoute } from 'playwright-core';
import { runWebHost } from '../../src/main/host/web-main.ts';
import { loadOrCreateWebAuth } from '../../src/main/host/web/web-auth.ts';
import { startWebServer } from '../../src/main/host/web/web-server.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';
import { skipEncryptionStep } from '../harness/encryption-step.ts';
import { shot } from '../harness/shots.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

describe('web UI against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let helloId: string;
  let host: Awaited<ReturnType<typeof runWebHost>>;
  let browser: Browser;
  let proxy: TestProxy;
  let page: Page;
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-e2e-'));
  const hostLog: string[] = [];
  /** Console errors about the Content-Security-Policy, from every page. */
  const cspErrors: string[] = [];
  const watchCsp = (p: Page) => p.on('console', (m) => { if (/Content.Security.Policy|Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    roomId = await bob.createRoom({ name: 'Lattice E2E', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(roomId);
    for (let i = 1; i <= 60; i++) await bob.sendText(roomId, `older message ${i}`);
    helloId = await bob.sendText(roomId, 'Hello from Bob, can you read this?');
    proxy = await startProxy(hs.baseUrl);
    host = await runWebHost(['--port', '0'], { LATTICE_ROOT: root }, { log: (m) => hostLog.push(m), error: (m) => hostLog.push(m) });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watchCsp(page);
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    await proxy?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('asks for the web host login link before anything else', async () => {
    const p = await browser.newPage();
    await p.goto(host.url);
    await p.getByText(/login link/i).first().waitFor({ timeout: 30_000 });
    await p.close();
  });

  it('logs in through the UI, reads a message from another user and replies', async () => {
    await page.goto(host.loginUrl);
    // A user ID whose server has no homeserver to discover: said once, with the cursor in the homeserver field.
    await page.getByTestId('login-userid').fill('@zed:doesnotexist.invalid');
    await page.getByTestId('login-password').fill('x');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').filter({ hasText: /Couldn't find the homeserver for doesnotexist\.invalid/ }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByText(/Couldn't find the homeserver/).count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'login-homeserver');
    await page.getByTestId('login-userid').fill(alice.userId);
    await page.getByTestId('login-password').click();
    // Discovery fills in the homeserver from the user ID.
    await page.waitForFunction(() => (document.querySelector('[data-testid="login-homeserver"]') as HTMLInputElement)?.value.startsWith('http'), null, { timeout: 30_000 });
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').filter({ hasText: /wrong user name or password/i }).waitFor({ timeout: 30_000 });
    await shot(page, path.join(ARTIFACTS, 'login-error.png'));
    // The cursor is back in the password field with the wrong password selected: typing the right one replaces it.
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      return { field: el?.dataset.testid, selected: el ? el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0) : '' };
    });
    assert.deepEqual(await focused(), { field: 'login-password', selected: 'wrong-password' });
    // A server that is not there, and one that is not a homeserver (the web host itself), are said in words, with
    // the cursor in the homeserver field; never a bare "Sign-in failed" or the server's HTTP status line.
    const discovered = await page.getByTestId('login-homeserver').inputValue();
    const problems: [string, RegExp][] = [
      ['https://matrix.doesnotexist.invalid', /^Could not reach the homeserver at https:\/\/matrix\.doesnotexist\.invalid: the server name could not be resolved\.$/],
      [host.url, /^The server at http:\/\/[^ ]+ does not look like a Matrix homeserver\. Check the address\.$/],
    ];
    for (const [url, words] of problems) {
      await page.getByTestId('login-homeserver').fill(url);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').filter({ hasText: words }).waitFor({ timeout: 30_000 });
      assert.doesNotMatch(await page.getByTestId('login-error').innerText(), /Sign-in failed|HTTP \d|M_UNKNOWN/);
      assert.equal((await focused()).field, 'login-homeserver');
    }
    // Discovery answering while the user is in the homeserver field puts nothing under their caret (a URL put in
    // between selecting the field's text and typing was joined with what they typed): it shows as the placeholder,
    // and fills the field when they leave it having typed nothing.
    const hsField = page.getByTestId('login-homeserver');
    await hsField.fill('');
    await page.getByTestId('login-userid').focus();
    await hsField.focus();
    await page.waitForFunction(() => (document.querySelector('[data-testid="login-homeserver"]') as HTMLInputElement)?.placeholder.startsWith('http://'), null, { timeout: 30_000 });
    assert.equal(await hsField.inputValue(), '');
    await page.getByTestId('login-password').focus();
    assert.equal(await hsField.inputValue(), discovered);
    await hsField.fill(discovered);

    // The user may also type the homeserver URL; here it points at a proxy the test can take down later.
    await page.getByTestId('login-homeserver').fill(proxy.url);
    await page.getByTestId('login-password').fill('alice-password');
    await page.getByTestId('login-submit').click();
    await skipEncryptionStep(page);
    const item = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
    await item.waitFor({ timeout: 30_000 });
    assert.match(await item.innerText(), /Lattice E2E/);
    await item.click();
    await page.getByTestId('room-header').filter({ hasText: 'Lattice E2E' }).waitFor();
    const bobsMessage = page.getByTestId('message').filter({ hasText: 'Hello from Bob, can you read this?' });
    await bobsMessage.waitFor({ timeout: 30_000 });
    assert.match(await bobsMessage.innerText(), /Bob/);

    await page.getByTestId('composer').fill('Hi Bob, *Alice* here');
    await page.getByTestId('composer').press('Enter');
    const mine = await bob.waitForMessage(roomId, (e) => e.content.body === 'Hi Bob, *Alice* here', 45_000);
    assert.equal(mine.sender, alice.userId);
    assert.equal(mine.content.formatted_body, 'Hi Bob, <em>Alice</em> here');
    await page.getByTestId('message').filter({ hasText: 'Hi Bob, Alice here' }).waitFor();
    assert.equal(await page.getByTestId('composer').inputValue(), '');

    // Shift+Enter adds a line; Enter sends both lines as one message.
    const composer = page.getByTestId('composer');
    await composer.pressSequentially('first line');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('second line');
    await composer.press('Enter');
    const twoLines = await bob.waitForMessage(roomId, (e) => String(e.content.body).startsWith('first line'), 45_000);
    assert.equal(twoLines.content.body, 'first line\nsecond line');

    // A message that arrives while the room is open shows up live.
    await bob.sendText(roomId, 'Got it, thanks!');
    await page.getByTestId('message').filter({ hasText: 'Got it, thanks!' }).waitFor({ timeout: 30_000 });
    await shot(page, path.join(ARTIFACTS, 'room-view.png'));
  });

  it('shows a room avatar the other user sets, loaded through the web host', async () => {
    const upload = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=room.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${bob.user.accessToken}`, 'Content-Type': 'image/png' },
      body: new Uint8Array(solidPng(96, 96, [30, 140, 200])),
    }).then((r) => r.json()) as { content_uri: string };
    await bob.setState(roomId, 'm.room.avatar', '', { url: upload.content_uri });
    const img = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"] img`);
    await img.waitFor({ timeout: 45_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10_000 });
    assert.match(String(await img.getAttribute('src')), /^\/_gomuks\/media\//);
  });

  it('loads older history when scrolling up', async () => {
    const first = page.getByTestId('message').filter({ hasText: /older message 1(?!\d)/ });
    for (let i = 0; i < 20 && (await first.count()) === 0; i++) {
      await page.getByTestId('timeline').evaluate((el) => { el.scrollTop = 0; });
      await page.waitForTimeout(400);
    }
    await first.waitFor({ timeout: 10_000 });
    const texts = await timelineTexts(page);
    const order = texts.map((t) => /older message (\d+)/.exec(t)?.[1]).filter((x) => x !== undefined).map(Number);
    assert.deepEqual(order, Array.from({ length: 60 }, (_, i) => i + 1), 'all history, in order, no duplicates or gaps');
  });

  it('keeps a refused message in place with its reason across a reload, and sends it on Retry', async () => {
    proxy.inject(/\/send\/m\.room\.message\//, 403, { errcode: 'M_FORBIDDEN', error: 'Not allowed right now' }, 1);
    await page.getByTestId('composer').fill('refused at first');
    await page.getByTestId('composer').press('Enter');
    const failed = page.getByTestId('message').filter({ hasText: 'refused at first' });
    await failed.getByTestId('send-error').filter({ hasText: /does not allow it here: Not allowed right now/ }).waitFor({ timeout: 30_000 });
    // The outbox is the backend's: a reloaded page shows the failure again, in place.
    await page.reload();
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click();
    const again = page.getByTestId('message').filter({ hasText: 'refused at first' });
    await again.getByTestId('send-error').waitFor({ timeout: 30_000 });
    await shot(page, path.join(ARTIFACTS, 'send-failed.png'));
    await again.getByRole('button', { name: 'Retry' }).click();
    const sent = await bob.waitForMessage(roomId, (e) => e.content.body === 'refused at first', 45_000);
    assert.equal(sent.sender, alice.userId);
    await again.getByTestId('send-error').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('shows a visible sync status while the homeserver is unreachable, and clears it when it is back', async () => {
    proxy.setDown(true);
    const banner = page.getByTestId('sync-status');
    await banner.filter({ hasText: /^Could not reach the homeserver at .*Lattice keeps trying/ }).waitFor({ timeout: 30_000 });
    await shot(page, path.join(ARTIFACTS, 'sync-error.png'));
    proxy.setDown(false);
    await bob.sendText(roomId, 'back online');
    await page.getByTestId('message').filter({ hasText: 'back online' }).waitFor({ timeout: 40_000 });
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('"Retry now" on the sync banner tries again at once instead of waiting out the homeserver\'s Retry-After', async () => {
    // Cut off, the homeserver comes back asking Lattice to wait an hour before its next /sync.
    proxy.setDown(true);
    const banner = page.getByTestId('sync-status');
    await banner.waitFor({ timeout: 30_000 });
    proxy.inject(/\/sync\b/, 429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 3_600_000 }, 1);
    proxy.setDown(false);
    await banner.filter({ hasText: /Rate limited by the homeserver; retrying in 60 min/ }).waitFor({ timeout: 30_000 });
    await bob.sendText(roomId, 'sent during the wait');
    await shot(page, path.join(ARTIFACTS, 'sync-retry-now.png'));
    // Nothing else ends an hour's wait: the message comes because the click started the next /sync.
    await banner.getByTestId('sync-retry').click();
    await page.getByTestId('message').filter({ hasText: 'sent during the wait' }).waitFor({ timeout: 40_000 });
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('shows a reply with the quoted message (fallback stripped) and an image through the web host, in a lightbox', async () => {
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: '> <@bob:localhost> Hello from Bob, can you read this?\n\nReplying to myself',
      'm.relates_to': { 'm.in_reply_to': { event_id: helloId } },
    });
    const reply = page.getByTestId('message').filter({ hasText: 'Replying to myself' });
    await reply.waitFor({ timeout: 45_000 });
    assert.match(await reply.getByTestId('reply-quote').innerText(), /Hello from Bob, can you read this\?/);
    assert.doesNotMatch(await reply.locator('.message-text').innerText(), /^>/, 'the fallback quote is not in the body');

    // And a reply of ours, chosen from the message's actions, reaches the other user as a reply.
    const hello = page.getByTestId('message').filter({ hasText: 'Hello from Bob, can you read this?' }).first();
    await page.getByTestId('reply-quote').filter({ hasText: 'Hello from Bob' }).click(); // jump to it
    await hello.hover();
    await hello.getByTestId('action-reply').click();
    await page.getByTestId('composer').fill('Yes, I can read it');
    await page.getByTestId('composer').press('Enter');
    const answer = await bob.waitForMessage(roomId, (e) => e.content.body === 'Yes, I can read it', 45_000);
    assert.deepEqual(answer.content['m.relates_to'], { 'm.in_reply_to': { event_id: helloId } });

    const upload = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=photo.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${bob.user.accessToken}`, 'Content-Type': 'image/png' },
      body: new Uint8Array(solidPng(120, 80, [200, 90, 30])),
    }).then((r) => r.json()) as { content_uri: string };
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.image', body: 'photo.png', url: upload.content_uri, info: { w: 120, h: 80, mimetype: 'image/png' } });
    const img = page.locator('[data-testid="attachment-image"] img').last();
    await img.waitFor({ timeout: 45_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10_000 });
    await page.getByTestId('attachment-image').last().click();
    const lightbox = page.getByTestId('lightbox');
    await lightbox.waitFor();
    await page.waitForFunction(() => {
      const full = document.querySelector<HTMLImageElement>('[data-testid="lightbox"] img');
      return !!full && full.complete && full.naturalWidth === 120;
    }, null, { timeout: 10_000 });
    await shot(page, path.join(ARTIFACTS, 'lightbox.png'));
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
  });

  it('moves between rooms with Ctrl+K and Alt+Up/Down', async () => {
    const second = await bob.createRoom({ name: 'Second Room', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(second);
    await bob.sendText(second, 'hello in the second room');
    await page.locator(`[data-testid="room-item"][data-room-id="${second}"]`).waitFor({ timeout: 45_000 });

    await page.getByTestId('composer').focus();
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-switcher').waitFor();
    await page.keyboard.type('secnd');
    await page.keyboard.press('Enter');
    await page.getByTestId('room-header').filter({ hasText: 'Second Room' }).waitFor();
    await page.getByTestId('quick-switcher').waitFor({ state: 'detached' });

    // Second Room is newest, so the first room is below it.
    await page.keyboard.press('Alt+ArrowDown');
    await page.getByTestId('room-header').filter({ hasText: 'Lattice E2E' }).waitFor();
    await page.keyboard.press('Alt+ArrowUp');
    await page.getByTestId('room-header').filter({ hasText: 'Second Room' }).waitFor();
  });

  it('resumes the websocket after the connection drops: missed messages arrive without a full reload', async () => {
    const logFile = path.join(root, 'logs', 'lattice.log');
    const count = () => (readFileSync(logFile, 'utf8').match(/websocket resumed/g) ?? []).length;
    const resumedBefore = count();
    // Another browser, whose websocket the test can cut.
    const context = await browser.newContext();
    const tab = await context.newPage();
    const routes: WebSocketRoute[] = [];
    await tab.routeWebSocket(/\/_gomuks\/websocket/, (ws) => { routes.push(ws); ws.connectToServer(); });
    try {
      await tab.goto(host.newLoginUrl());
      const item = tab.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
      await item.waitFor({ timeout: 30_000 });
      await item.click();
      await tab.getByTestId('message').filter({ hasText: 'back online' }).waitFor({ timeout: 30_000 });
      // The network drops: both ends see the connection close abnormally, neither says goodbye.
      await routes[0].close({ code: 4000, reason: 'test: connection lost' });
      await bob.sendText(roomId, 'sent while the tab was disconnected');
      await tab.getByTestId('message').filter({ hasText: 'sent while the tab was disconnected' }).waitFor({ timeout: 30_000 });
      assert.ok(routes.length >= 2, 'the tab reconnected');
      assert.equal(count(), resumedBefore + 1, 'the host replayed from its buffer instead of sending the whole state');
    } finally {
      await context.close();
    }
  });

  it('logs no Content-Security-Policy error, on 127.0.0.1 and on [::1]', async () => {
    // Every page so far was on 127.0.0.1. The same renderer served on IPv6 loopback (no backend needed to load it):
    const v6 = await startWebServer({
      backend: { connect: () => ({ receive() {}, close() {} }) }, host: '::1', port: 0,
      staticDir: path.resolve(import.meta.dirname, '../../dist/renderer'), auth: await loadOrCreateWebAuth(path.join(root, 'v6')),
    });
    try {
      const p = await browser.newPage();
      watchCsp(p);
      await p.goto(v6.url);
      await p.getByText(/login link/i).first().waitFor({ timeout: 30_000 });
      await p.close();
    } finally {
      await v6.close();
    }
    assert.deepEqual(cspErrors, []);
  });

  it('a used login link does not sign in a second browser; signing out ends the other browser\'s session', async () => {
    const second = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p2 = await second.newPage();
      // The link the first browser used is spent.
      await p2.goto(host.loginUrl);
      await p2.getByText(/already used or has expired/).waitFor({ timeout: 30_000 });
      await p2.goto(host.newLoginUrl());
      assert.equal(new URL(p2.url()).hash, '', 'the login key is taken out of the address bar');
      await p2.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor({ timeout: 30_000 });
      // The token lives in this origin's storage, never in a cookie another port could collect.
      const cookies = await second.cookies();
      assert.deepEqual(cookies.map((c) => [c.name, c.httpOnly, c.sameSite]), [['lattice_auth', true, 'Strict']]);
      const stored = await p2.evaluate(() => localStorage.getItem('lattice.web_host_token'));
      assert.ok(stored && !cookies.some((c) => c.value.includes(stored.split('.')[1])));

      // Signing out asks in the app's own dialog (not the browser's confirm box): Esc cancels and gives the focus
      // back; without secure backup it says what is lost.
      const signOut = page.getByTestId('sign-out-dialog');
      await page.getByTestId('open-sign-out').click();
      await signOut.waitFor();
      assert.equal(await signOut.getByTestId('sign-out-no-backup').count(), 1);
      await shot(page, path.join(ARTIFACTS, 'sign-out-dialog.png'));
      await page.keyboard.press('Escape');
      await signOut.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'open-sign-out');
      await page.getByTestId('open-sign-out').click();
      await signOut.getByTestId('dialog-submit').click();
      await page.getByTestId('login-userid').waitFor({ timeout: 30_000 });
      await p2.getByTestId('connection-status').filter({ hasText: /login link/ }).waitFor({ timeout: 30_000 });
      await shot(p2, path.join(ARTIFACTS, 'signed-out-second-browser.png'));
    } finally {
      await second.close();
    }
  });
});

/**
 * Every message text of the open room in timeline order. The timeline is virtualized (only rows near the view are
 * in the DOM), so this sweeps from the top to the bottom and collects each row once, by its rowid.
 */
async function timelineTexts(page: Page): Promise<string[]> {
  const timeline = page.getByTestId('timeline');
  await timeline.evaluate((el) => { el.scrollTop = 0; });
  const seen = new Set<string>();
  const texts: string[] = [];
  for (let step = 0; step < 200; step++) {
    await page.evaluate(() => new Promise((r) => { requestAnimationFrame(() => requestAnimationFrame(r)); }));
    const rows = await timeline.evaluate((el) => [...el.querySelectorAll<HTMLElement>('[data-testid="message"]')]
      .map((m) => ({ id: m.dataset.rowid ?? '', top: m.getBoundingClientRect().top, text: m.innerText }))
      .sort((a, b) => a.top - b.top));
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      texts.push(r.text);
    }
    const done = await timeline.evaluate((el) => {
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return true;
      el.scrollTop += el.clientHeight / 2;
      return false;
    });
    if (done) break;
  }
  return texts;
}
