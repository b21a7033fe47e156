/**
 * Notifications and in-app links in the web host, end to end: the real renderer in Chromium, the web host and
 * backend in this process, a real Synapse, a second user acting through the homeserver API, and a desktop
 * notification server on a private D-Bus session bus (python3-dbusmock, test/harness/notification-daemon.ts).
 *
 * Nothing stands in for the browser's Notification: Chromium shows what the page asks for through its Linux
 * notification bridge, so the test reads the `Notify` call the desktop received (title and body as a user sees
 * them, and the icon Chromium loaded: the sender's avatar), clicks it the way a desktop does (the `ActionInvoked` signal), and sees the page's `close()` arrive as
 * `CloseNotification`. A click opens the room at the notified message, however far up it is by then; a link to a
 * message too far back to page to shows it among the events around it; a matrix: link to a public room the user is
 * not in opens its preview, from which it is joined. An invitation to an unnamed room is named as the room list names it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import { NotificationDaemon } from '../harness/notification-daemon.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { startWebUi, type WebHost, type WebUi } from '../harness/web-ui.ts';

/** Newer messages after the linked one: more than the first sync and the pages a jump loads before it gives up. */
const ARCHIVE_FILLER = 240;

/** Sends `count` messages, `batch` at a time (their order among themselves does not matter to these tests). */
async function sendMany(peer: MatrixPeer, roomId: string, count: number, content: (i: number) => Record<string, unknown>, batch = 12): Promise<void> {
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => peer.sendEvent(roomId, 'm.room.message', content(i + j))));
  }
}

/** In the page: whether the event's row is highlighted and at least partly inside the timeline's visible area. */
function shownAndHighlighted(eventId: string): boolean {
  const row = document.querySelector(`[data-event-id="${eventId}"]`);
  const timeline = document.querySelector('[data-testid="timeline"]');
  if (!row || !timeline || !row.classList.contains('is-highlighted')) return false;
  const r = row.getBoundingClientRect();
  const t = timeline.getBoundingClientRect();
  return r.bottom > t.top && r.top < t.bottom;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`gave up waiting for ${what}`);
}

describe('web notifications and links against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let teamRoom: string;
  let otherRoom: string;
  let archiveRoom: string;
  let archiveTarget: string;
  let ui: WebUi;
  let host: WebHost;
  let daemon: NotificationDaemon;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    // Chromium's notifications go to a daemon on a private D-Bus, so the daemon starts first.
    daemon = await NotificationDaemon.start();
    ui = await startWebUi('notify', { fullChromium: true, chromiumEnv: { DBUS_SESSION_BUS_ADDRESS: daemon.address } });
    ({ hs, host, browser, context, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    const alicePeer = new MatrixPeer(hs.baseUrl, alice);
    teamRoom = await bob.createRoom({ name: 'Team', invite: [alice.userId] });
    otherRoom = await bob.createRoom({ name: 'Other', invite: [alice.userId] });
    archiveRoom = await bob.createRoom({ name: 'Archive', invite: [alice.userId] });
    await alicePeer.join(teamRoom);
    await alicePeer.join(otherRoom);
    await alicePeer.join(archiveRoom);
    await bob.sendText(otherRoom, 'an old message');
    archiveTarget = await bob.sendText(archiveRoom, 'The original plan, long ago');
    await sendMany(bob, archiveRoom, ARCHIVE_FILLER, (i) => ({ msgtype: 'm.text', body: `archive filler ${i + 1}` }));
    await bob.sendText(archiveRoom, 'the newest archive message');
  });
  after(async () => {
    await ui?.stop();
    daemon?.stop();
  });

  it('asks permission from the banner; a message from another user reaches the desktop; its click opens the room at it', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${teamRoom}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Team' }).waitFor();

    // Nothing was asked on load; the banner asks once the first sync is in. A headless browser has no prompt to show:
    // the grant, made when the page asks, stands for the user's "Allow" in it. (Granted before the click, the banner
    // would go by itself, as it does when the permission is given in the site settings.)
    assert.equal(await page.evaluate(() => Notification.permission), 'default');
    await page.exposeFunction('latticeTestAllowNotifications', () => context.grantPermissions(['notifications'], { origin: new URL(host.loginUrl).origin }));
    await page.evaluate(() => {
      const ask = Notification.requestPermission.bind(Notification);
      Notification.requestPermission = async () => {
        await (window as unknown as { latticeTestAllowNotifications: () => Promise<void> }).latticeTestAllowNotifications();
        return ask();
      };
    });
    await page.getByTestId('notification-banner').getByRole('button', { name: 'Turn on notifications' }).click({ timeout: 30_000 });
    await page.getByTestId('notification-banner').waitFor({ state: 'detached' });
    assert.deepEqual((await daemon.calls()).notify, [], 'the old message is not news');

    // Bob's avatar becomes the notification's icon.
    const avatarPng = solidPng(64, 64, [30, 120, 200]);
    const upload = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=bob.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${bob.user.accessToken}`, 'Content-Type': 'image/png' }, body: new Uint8Array(avatarPng),
    }).then((r) => r.json()) as { content_uri: string };
    const bobMember = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(otherRoom)}/state/m.room.member/${encodeURIComponent(bob.userId)}`) as Record<string, unknown>;
    await bob.setState(otherRoom, 'm.room.member', bob.userId, { ...bobMember, avatar_url: upload.content_uri });

    const meeting = await bob.sendText(otherRoom, 'Are you coming to the meeting?');
    const n = await daemon.waitForNotify((c) => c.summary === 'Bob in Other');
    // Chromium hands the desktop the icon it loaded as a file: Bob's avatar, through the web host's media route.
    const iconFile = n.hints['image-path'];
    assert.equal(typeof iconFile, 'string', 'the notification has an icon');
    const { dominant } = await sharp(iconFile as string).stats();
    assert.deepEqual([dominant.r, dominant.g, dominant.b].map((c) => Math.round(c / 16)), [30, 120, 200].map((c) => Math.round(c / 16)), 'the icon is Bob\'s avatar');
    // Chromium puts the page's origin above the text when the server has no separate place for it.
    assert.equal(n.body, `${new URL(host.loginUrl).host}\n\nAre you coming to the meeting?`);
    assert.ok(n.actions.includes('default'), 'the notification is clickable');
    assert.equal(n.hints['suppress-sound'], undefined, 'a rule with a sound is not silent');

    // Bot notices (the default push rules do not notify them) push the message far up the room.
    await sendMany(bob, otherRoom, 100, (i) => ({ msgtype: 'm.notice', body: `status report ${i + 1}` }));
    await bob.sendEvent(otherRoom, 'm.room.message', { msgtype: 'm.notice', body: 'last status report' });
    await page.locator(`[data-testid="room-item"][data-room-id="${otherRoom}"]`).filter({ hasText: 'last status report' }).waitFor({ timeout: 45_000 });
    assert.deepEqual((await daemon.calls()).notify.map((c) => c.summary), ['Bob in Other'], 'notices do not notify');
    assert.deepEqual((await daemon.calls()).closed, [], 'nor do they withdraw the notification');

    // The desktop's click: the room opens scrolled to the message, highlighted; opening it withdraws the notification.
    await daemon.invoke(n.id);
    await page.getByTestId('room-header').filter({ hasText: 'Other' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(shownAndHighlighted, meeting, { timeout: 30_000 });
    assert.equal(await page.getByTestId('message').filter({ hasText: 'last status report' }).count(), 0, 'the newest messages are far below, not rendered');
    await until(async () => (await daemon.calls()).closed.includes(n.id), 'the notification to be closed');
    assert.deepEqual((await daemon.calls()).closed, [n.id]);
  });

  it('routes matrix.to links clicked in a message inside the app', async () => {
    const stranger = `@stranger:${hs.serverName}`;
    await page.locator(`[data-testid="room-item"][data-room-id="${teamRoom}"]`).click();
    await bob.sendEvent(teamRoom, 'm.room.message', {
      msgtype: 'm.text', body: 'see Other, Bob and a stranger', format: 'org.matrix.custom.html',
      formatted_body: `see <a href="https://matrix.to/#/${otherRoom}">Other room</a>, <a href="https://matrix.to/#/${encodeURIComponent(bob.userId)}">Bob</a>`
        + ` and <a href="https://matrix.to/#/${encodeURIComponent(stranger)}">a stranger</a>`,
    });
    const urlBefore = page.url();
    // A member of the room on screen: their user info opens in the side panel.
    await page.getByRole('link', { name: 'Bob' }).click({ timeout: 45_000 });
    await page.getByTestId('user-info').getByTestId('user-info-id').filter({ hasText: bob.userId }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Close user info' }).click();
    // Anyone else: a prompt that offers a direct chat.
    await page.getByRole('link', { name: 'a stranger' }).click();
    await page.getByTestId('link-prompt').filter({ hasText: stranger }).waitFor({ timeout: 30_000 });
    await page.getByTestId('link-prompt').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('link', { name: 'Other room' }).click();
    await page.getByTestId('room-header').filter({ hasText: 'Other' }).waitFor({ timeout: 10_000 });
    assert.equal(new URL(page.url()).origin, new URL(urlBefore).origin);
    assert.equal(browser.contexts()[0].pages().length, 1, 'no browser tab was opened for the link');

    // A matrix: URI to a public room Alice is not in: its preview, and joining from there (never without a click).
    const garden = await bob.createRoom({ name: 'Garden', preset: 'public_chat' });
    await page.locator(`[data-testid="room-item"][data-room-id="${teamRoom}"]`).click();
    await bob.sendEvent(teamRoom, 'm.room.message', {
      msgtype: 'm.text', body: 'come to the garden', format: 'org.matrix.custom.html',
      formatted_body: `come to <a href="matrix:roomid/${encodeURIComponent(garden.slice(1))}?via=${encodeURIComponent(hs.serverName)}&amp;action=join">the garden</a>`,
    });
    await page.getByRole('link', { name: 'the garden' }).click({ timeout: 45_000 });
    const preview = page.getByTestId('room-preview');
    await preview.getByTestId('room-preview-name').filter({ hasText: 'Garden' }).waitFor({ timeout: 30_000 });
    const members = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(garden)}/joined_members`) as { joined: Record<string, unknown> };
    assert.deepEqual(Object.keys(members.joined), [bob.userId], 'the link alone joins nothing');
    await preview.getByTestId('room-preview-join').click();
    await page.getByTestId('room-header').filter({ hasText: 'Garden' }).waitFor({ timeout: 30_000 });
    assert.equal(browser.contexts()[0].pages().length, 1);
  });

  it('opens a link to a message too far back to page to among the messages around it, pages on from there, and returns to the latest', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${teamRoom}"]`).click();
    const link = `https://matrix.to/#/${archiveRoom}/${archiveTarget}`;
    await bob.sendEvent(teamRoom, 'm.room.message', {
      msgtype: 'm.text', body: `where it started: ${link}`, format: 'org.matrix.custom.html',
      formatted_body: `where it <a href="${link}">started</a>`,
    });
    await page.getByRole('link', { name: 'started' }).click({ timeout: 45_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Archive' }).waitFor({ timeout: 10_000 });
    await page.waitForFunction(shownAndHighlighted, archiveTarget, { timeout: 45_000 });
    await page.getByTestId('timeline-context').waitFor();
    assert.equal(await page.getByTestId('message').filter({ hasText: 'the newest archive message' }).count(), 0);

    // Scrolling pages on from both ends of the context: back to the room's start, forward past what /context gave.
    await page.waitForFunction(() => {
      document.querySelector('[data-testid="timeline"]')!.scrollTop = 0;
      return document.querySelector('.timeline-start') !== null;
    }, null, { timeout: 45_000, polling: 200 });
    await page.waitForFunction(() => {
      const timeline = document.querySelector('[data-testid="timeline"]')!;
      timeline.scrollTop = timeline.scrollHeight;
      return [...document.querySelectorAll('[data-testid="message"]')].some((m) => Number(/archive filler (\d+)/.exec(m.textContent ?? '')?.[1]) > 60);
    }, null, { timeout: 45_000, polling: 200 });
    // On to the room's newest message: the context now holds more than the live timeline will, so going back to
    // the live timeline shortens the list under the scroll position (which once left the view stranded mid-way).
    await page.waitForFunction(() => {
      const timeline = document.querySelector('[data-testid="timeline"]')!;
      timeline.scrollTop = timeline.scrollHeight;
      return [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('the newest archive message'));
    }, null, { timeout: 60_000, polling: 200 });

    await page.getByTestId('timeline-context').getByRole('button', { name: 'Jump to latest' }).click();
    await page.getByTestId('timeline-context').waitFor({ state: 'detached' });
    await page.getByTestId('message').filter({ hasText: 'the newest archive message' }).waitFor({ timeout: 30_000 });
    assert.ok(await page.getByTestId('timeline').evaluate((t) => t.scrollHeight - t.scrollTop - t.clientHeight < 50), 'the view is at the end');
    assert.equal(await page.locator(`[data-event-id="${archiveTarget}"]`).count(), 0, 'the live timeline does not reach that far back');
  });

  it('names an invitation to an unnamed room as the room list does: after Bob, not "a room"', async () => {
    const unnamed = await bob.createRoom({ invite: [alice.userId] });
    const n = await daemon.waitForNotify((c) => c.body.endsWith('Bob invited you'));
    assert.equal(n.summary, 'Bob', 'the title is the name the room list shows');
    assert.equal(await page.locator(`[data-testid="invite"][data-room-id="${unnamed}"] .invite-name`).innerText(), 'Bob');
  });
});
