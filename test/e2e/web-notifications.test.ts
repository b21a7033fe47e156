/**
 * Notifications and in-app links in the web host, end to end: the real renderer in Chromium, the web host and
 * backend in this process, a real Synapse, and a second user acting through the homeserver API.
 *
 * The browser's `Notification` is replaced by a recording stand-in: headless Chromium has no notification platform
 * to deliver to (it does not reach a D-Bus notification daemon), so the test asserts the notifications the page
 * constructs — title, body, tag, silent — and drives their click and close through the same API the page uses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runWebHost } from '../../src/main/host/web-main.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Recorded { title: string; body: string; tag: string; silent: boolean; closed: boolean }
declare global {
  interface Window { __notifications: Recorded[]; __clickNotification(i: number): void }
}

// Runs in the page before its scripts. Plain JavaScript: it is serialized into the page.
function installNotificationStub(): void {
  const records: Recorded[] = [];
  const clicks: (() => void)[][] = [];
  let permission: NotificationPermission = 'default';
  class StubNotification {
    static get permission(): NotificationPermission { return permission; }
    static requestPermission(): Promise<NotificationPermission> {
      permission = 'granted';
      return Promise.resolve(permission);
    }
    private readonly i: number;
    constructor(title: string, options: NotificationOptions) {
      this.i = records.length;
      records.push({ title, body: options.body ?? '', tag: options.tag ?? '', silent: options.silent === true, closed: false });
      clicks.push([]);
    }
    addEventListener(type: string, l: () => void): void { if (type === 'click') clicks[this.i].push(l); }
    close(): void { records[this.i].closed = true; }
  }
  Object.defineProperty(window, 'Notification', { value: StubNotification, configurable: true, writable: true });
  window.__notifications = records;
  window.__clickNotification = (i: number) => { for (const l of clicks[i]) l(); };
}

describe('web notifications and links against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let teamRoom: string;
  let otherRoom: string;
  let host: Awaited<ReturnType<typeof runWebHost>>;
  let browser: Browser;
  let page: Page;
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-notify-e2e-'));

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    const alicePeer = new MatrixPeer(hs.baseUrl, alice);
    teamRoom = await bob.createRoom({ name: 'Team', invite: [alice.userId] });
    otherRoom = await bob.createRoom({ name: 'Other', invite: [alice.userId] });
    await alicePeer.join(teamRoom);
    await alicePeer.join(otherRoom);
    await bob.sendText(otherRoom, 'an old message');
    host = await runWebHost(['--port', '0'], { LATTICE_ROOT: root }, { log: () => {}, error: () => {} });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(installNotificationStub);
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('asks permission from the banner, notifies a message from another user, opens and withdraws it', async () => {
    await page.goto(host.loginUrl);
    await page.getByTestId('login-userid').fill(alice.userId);
    await page.getByTestId('login-password').click();
    // Discovery fills in the homeserver from the user ID; wait for it so it does not overwrite ours.
    await page.waitForFunction(() => (document.querySelector('[data-testid="login-homeserver"]') as HTMLInputElement)?.value.startsWith('http'), null, { timeout: 15_000 });
    await page.getByTestId('login-homeserver').fill(hs.baseUrl);
    await page.getByTestId('login-password').fill('alice-password');
    await page.getByTestId('login-submit').click();
    await page.locator(`[data-testid="room-item"][data-room-id="${teamRoom}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Team' }).waitFor();

    // Nothing was asked on load; the banner asks once the first sync is in.
    assert.equal(await page.evaluate(() => Notification.permission), 'default');
    await page.getByTestId('notification-banner').getByRole('button', { name: 'Turn on notifications' }).click({ timeout: 15_000 });
    await page.getByTestId('notification-banner').waitFor({ state: 'detached' });
    assert.deepEqual(await page.evaluate(() => window.__notifications), [], 'the old message is not news');

    await bob.sendText(otherRoom, 'Are you coming to the meeting?');
    await page.waitForFunction(() => window.__notifications.length > 0, null, { timeout: 20_000 });
    const [n] = await page.evaluate(() => window.__notifications);
    assert.deepEqual(n, { title: 'Bob in Other', body: 'Are you coming to the meeting?', tag: otherRoom, silent: false, closed: false });

    // Clicking opens the room; reading it withdraws the notification.
    await page.evaluate(() => window.__clickNotification(0));
    await page.getByTestId('room-header').filter({ hasText: 'Other' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => window.__notifications[0].closed, null, { timeout: 15_000 });
  });

  it('routes matrix.to links clicked in a message inside the app', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${teamRoom}"]`).click();
    await bob.sendEvent(teamRoom, 'm.room.message', {
      msgtype: 'm.text', body: 'see Other and Bob', format: 'org.matrix.custom.html',
      formatted_body: `see <a href="https://matrix.to/#/${otherRoom}">Other room</a> and <a href="https://matrix.to/#/${encodeURIComponent(bob.userId)}">Bob</a>`,
    });
    const urlBefore = page.url();
    await page.getByRole('link', { name: 'Bob' }).click({ timeout: 20_000 });
    await page.getByTestId('link-prompt').filter({ hasText: bob.userId }).waitFor({ timeout: 10_000 });
    await page.getByTestId('link-prompt').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('link', { name: 'Other room' }).click();
    await page.getByTestId('room-header').filter({ hasText: 'Other' }).waitFor({ timeout: 10_000 });
    assert.equal(new URL(page.url()).origin, new URL(urlBefore).origin);
    assert.equal(browser.contexts()[0].pages().length, 1, 'no browser tab was opened for the link');
  });
});
