/**
 * Link previews as people see them, in Chromium against Synapse through two web hosts: Alice types a message with a
 * link to a page served here (OpenGraph tags and a picture; Synapse is allowed to preview loopback addresses), sees
 * its preview card above the composer before sending, sends it, and Bob (a second Lattice, in his own browser
 * context) sees the card under the message: site, title linking to the page, description and the picture. A
 * preview removed before sending is not sent (the message says so with an empty list) and Bob sees no card. A
 * message from another client without previews gets the homeserver's preview of its link (not a notice's), unless
 * the "Preview links" setting is off. A message sent while its preview is still loading is in the timeline at once
 * as a local echo that says it waits for the preview (the composer free meanwhile), and goes once, with the card;
 * if Alice goes to another room meanwhile, the echo is not there but again in its own room when she comes back, and
 * a message sent then goes after it; if the page is reloaded while it waits, the echo is still there, waiting, and
 * it goes once with the card; a reply in a thread says so in the thread panel. In an encrypted room the picture is
 * uploaded again encrypted, and Bob's Lattice decrypts it.
 * Screenshots of the composer card and Bob's timeline in both themes, wide and narrow, go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { runWebHost } from '../../src/main/host/web-main.ts';
import { skipEncryptionStep } from '../harness/encryption-step.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { PAGE_SITE, PAGE_TITLE, startOgPageServer, type OgPageServer } from '../harness/og-page-server.ts';
import { startSynapse, type TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, startWebUi, themeShots, type WebHost, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const WAIT = { timeout: 30_000 };
const TITLE = PAGE_TITLE;

describe('link previews against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let hostB: WebHost;
  let pageB: Page;
  let web: OgPageServer;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let aliceApi: MatrixPeer;
  let roomId: string;
  let sealedRoomId: string;
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-link-previews-'));

  before(async () => {
    const hs = await startSynapse({ urlPreviews: true });
    try {
      ui = await startWebUi('link-previews', { hs });
    } catch (e) {
      await hs.stop();
      throw e;
    }
    page = ui.page;
    web = await startOgPageServer();
    base = web.base;
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' });
    aliceApi = new MatrixPeer(hs.baseUrl, alice);
    const bobApi = new MatrixPeer(hs.baseUrl, bob);
    roomId = await aliceApi.createRoom({ name: 'Harbour', invite: [bob.userId] });
    await bobApi.join(roomId);
    sealedRoomId = await aliceApi.createRoom({ name: 'Sealed Harbour', invite: [bob.userId] });
    await aliceApi.setState(sealedRoomId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    await bobApi.join(sealedRoomId);
    hostB = await runWebHost(['--port', '0'], { LATTICE_ROOT: path.join(root, 'bob') }, { log: () => undefined, error: () => undefined });
    pageB = await (await ui.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  after(async () => {
    await pageB?.context().close();
    await hostB?.stop();
    const hs = ui?.hs;
    await ui?.stop();
    await hs?.stop();
    await web?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const messageOn = (p: Page, text: string) => p.getByTestId('message').filter({ has: p.locator('.message-body', { hasText: text }) });

  async function openRoom(p: Page, id: string, name: string): Promise<void> {
    await p.locator(`[data-testid="room-item"][data-room-id="${id}"]`).click(WAIT);
    await p.getByTestId('room-header').filter({ hasText: name }).waitFor(WAIT);
  }

  /** Waits until the card's picture has loaded, and answers its natural size. */
  async function pictureSize(p: Page, card: ReturnType<Page['getByTestId']>): Promise<number[]> {
    const img = card.locator('img');
    await img.waitFor(WAIT);
    await p.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), WAIT);
    return img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]);
  }

  /** One screenshot per theme at 1280×800 and in a narrow 560×700 window; the page may not overflow sideways. */
  async function shots(p: Page, name: string): Promise<void> {
    await p.emulateMedia({ reducedMotion: 'reduce' });
    for (const [w, h] of [[1280, 800], [560, 700]] as const) {
      await p.setViewportSize({ width: w, height: h });
      for (const theme of ['light', 'dark'] as const) {
        await p.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
        await shot(p, path.join(ARTIFACTS, `link-previews-${theme}-${w}x${h}-${name}.png`));
      }
      const cards = await p.getByTestId('link-preview').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
      for (const right of cards) assert.ok(right <= w, `a card reaches past the window (${right} > ${w})`);
    }
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  }

  it('signs both in', async () => {
    await ui.signIn(alice, 'alice-password');
    await openRoom(page, roomId, 'Harbour');
    await pageB.goto(hostB.loginUrl);
    await pageB.getByTestId('login-userid').fill(bob.userId);
    await pageB.getByTestId('login-homeserver').fill(ui.hs.baseUrl);
    await pageB.getByTestId('login-password').fill('bob-password');
    await pageB.getByTestId('login-submit').click();
    await skipEncryptionStep(pageB);
    await openRoom(pageB, roomId, 'Harbour');
  });

  it('shows the preview of a typed link above the composer, sends it, and Bob sees the card', async () => {
    const url = `${base}/tides`;
    await page.getByTestId('composer').fill(`Tides this week: ${url} and \`${base}/other-in-code\``);
    const tray = page.getByTestId('composer-link-previews');
    const draft = tray.getByTestId('link-preview');
    await draft.getByTestId('link-preview-title').filter({ hasText: TITLE }).waitFor(WAIT);
    // One card: the link inside code is not previewed.
    assert.equal(await draft.count(), 1);
    assert.equal(await draft.getByTestId('link-preview-site').innerText(), PAGE_SITE);
    assert.deepEqual(await pictureSize(page, draft), [400, 200]);
    await shots(page, 'composer');

    await page.getByTestId('composer').press('Enter');
    await tray.waitFor({ state: 'detached', ...WAIT });
    const sent = await new MatrixPeer(ui.hs.baseUrl, bob).waitForMessage(roomId, (e) => String(e.content.body).startsWith('Tides this week'), 30_000);
    const bundled = sent.content['com.beeper.linkpreviews'] as Record<string, unknown>[];
    assert.equal(bundled.length, 1);
    assert.equal(bundled[0].matched_url, url);
    assert.equal(bundled[0]['og:title'], TITLE);
    assert.equal(bundled[0]['og:image:width'], 400);
    assert.match(String(bundled[0]['og:image']), /^mxc:\/\//);

    // Alice's own timeline shows it too.
    await messageOn(page, 'Tides this week').getByTestId('link-preview').waitFor(WAIT);

    const row = messageOn(pageB, 'Tides this week');
    const card = row.getByTestId('link-preview');
    await card.waitFor(WAIT);
    // The title is text (the tags in it are not markup) and links to the page.
    const title = card.getByTestId('link-preview-title');
    assert.equal(await title.innerText(), TITLE);
    assert.equal(await title.locator('a').getAttribute('href'), url);
    assert.equal(await title.locator('b').count(), 0);
    assert.equal(await card.getByTestId('link-preview-site').innerText(), PAGE_SITE);
    assert.match(await card.getByTestId('link-preview-description').innerText(), /When the water comes in/);
    const [w, h] = await pictureSize(pageB, card);
    assert.ok(w > 0 && h > 0);
    // The picture's box was reserved from og:image:width/height (400×200 scaled into the card).
    const box = await card.locator('.link-preview-image').boundingBox();
    assert.ok(box && Math.abs(box.width / box.height - 2) < 0.05, `picture box ${JSON.stringify(box)}`);
    await shots(pageB, 'timeline');
  });

  it('does not send a preview removed before sending', async () => {
    await page.getByTestId('composer').fill(`No card for this one: ${base}/other`);
    const draft = page.getByTestId('composer-link-previews').getByTestId('link-preview');
    await draft.waitFor(WAIT);
    await draft.getByTestId('link-preview-remove').click();
    await draft.waitFor({ state: 'detached', ...WAIT });
    await page.getByTestId('composer').press('Enter');
    const sent = await new MatrixPeer(ui.hs.baseUrl, bob).waitForMessage(roomId, (e) => String(e.content.body).startsWith('No card for this one'), 30_000);
    assert.deepEqual(sent.content['com.beeper.linkpreviews'], []);
    await messageOn(pageB, 'No card for this one').waitFor(WAIT);
    assert.equal(await messageOn(pageB, 'No card for this one').getByTestId('link-preview').count(), 0);
  });

  it('sends a message with the preview that was still loading when it was sent, once', async () => {
    // The page answers only once released: its card still says "Previewing…" when Enter is pressed. The message is
    // in the timeline at once, saying it waits for the preview (the composer is free meanwhile), and goes once,
    // with the card the user saw loading.
    const url = `${base}/held/tides`;
    const composer = page.getByTestId('composer');
    await composer.fill(`Held tides: ${url}`);
    await page.getByTestId('composer-link-previews').getByTestId('link-preview-loading').waitFor(WAIT);
    await composer.press('Enter');
    assert.equal(await composer.inputValue(), '', 'the composer is cleared for the next message at once');
    const waiting = messageOn(page, 'Held tides').getByTestId('waiting-preview');
    await waiting.waitFor(WAIT);
    assert.equal(await waiting.innerText(), 'Waiting for the link preview, then sending…', 'its echo says it waits for its preview');
    await composer.pressSequentially('next one');
    await shots(page, 'waiting');
    web.releaseHeld();
    const bobApi = new MatrixPeer(ui.hs.baseUrl, bob);
    const sent = await bobApi.waitForMessage(roomId, (e) => String(e.content.body).startsWith('Held tides'), 30_000);
    const bundled = sent.content['com.beeper.linkpreviews'] as Record<string, unknown>[] | undefined;
    assert.ok(bundled?.length === 1, `the message carries the preview that was loading, not ${JSON.stringify(bundled)}`);
    assert.equal(bundled[0].matched_url, url);
    assert.equal(bundled[0]['og:title'], TITLE);
    await messageOn(page, 'Held tides').getByTestId('link-preview').waitFor(WAIT);
    await waiting.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await composer.inputValue(), 'next one', 'what was typed meanwhile stays');
    const { chunk } = await bobApi.messages(roomId, { limit: 20 });
    assert.equal(chunk.filter((e) => String(e.content.body).startsWith('Held tides')).length, 1, 'sent once');
    await composer.fill('');
  });

  it('keeps a message waiting for its preview across a switch to another room, shows it on return, sends it once, in order', async () => {
    web.holdAgain();
    const url = `${base}/held/harbour-chart`;
    const composer = page.getByTestId('composer');
    await composer.fill(`Chart while away: ${url}`);
    await page.getByTestId('composer-link-previews').getByTestId('link-preview-loading').waitFor(WAIT);
    await composer.press('Enter');
    const waiting = page.getByTestId('waiting-preview');
    await messageOn(page, 'Chart while away').getByTestId('waiting-preview').waitFor(WAIT);
    // Another room's timeline says nothing of it; back in its room, its echo is there, still waiting.
    await openRoom(page, sealedRoomId, 'Sealed Harbour');
    await page.getByTestId('composer').waitFor(WAIT);
    assert.equal(await waiting.count(), 0, 'the other room shows no waiting message');
    await openRoom(page, roomId, 'Harbour');
    assert.equal(await composer.inputValue(), '', 'the sent text is not back in the composer');
    const echo = messageOn(page, 'Chart while away').getByTestId('waiting-preview');
    await echo.waitFor(WAIT);
    assert.equal(await echo.innerText(), 'Waiting for the link preview, then sending…');
    await themeShots(page, 'link-previews', 'waiting-after-return');
    // A message sent now goes after it.
    await composer.fill('After the chart');
    await composer.press('Enter');
    web.releaseHeld();
    const bobApi = new MatrixPeer(ui.hs.baseUrl, bob);
    await bobApi.waitForMessage(roomId, (e) => e.content.body === 'After the chart', 30_000);
    const { chunk } = await bobApi.messages(roomId, { limit: 20 });
    const ours = chunk.filter((e) => /^(Chart while away|After the chart)/.test(String(e.content.body))).reverse();
    assert.deepEqual(ours.map((e) => String(e.content.body)), [`Chart while away: ${url}`, 'After the chart'], 'once each, in the order sent');
    const bundled = ours[0].content['com.beeper.linkpreviews'] as Record<string, unknown>[] | undefined;
    assert.equal(bundled?.[0]?.matched_url, url, 'it goes with the preview it waited for');
    await messageOn(page, 'Chart while away').getByTestId('link-preview').waitFor(WAIT);
    await waiting.waitFor({ state: 'detached', ...WAIT });
  });

  it('keeps a message waiting for its preview through a reload: its echo is still there, waiting, and it goes once with the card', async () => {
    // Handed to the backend at once, it is in the outbox, not in the page: a reload does not lose it, nor send it twice.
    web.holdAgain();
    const url = `${base}/held/lost-and-found`;
    const composer = page.getByTestId('composer');
    await composer.fill(`Not lost: ${url}`);
    await page.getByTestId('composer-link-previews').getByTestId('link-preview-loading').waitFor(WAIT);
    await composer.press('Enter');
    await messageOn(page, 'Not lost').getByTestId('waiting-preview').waitFor(WAIT);
    assert.equal(await composer.inputValue(), '');
    await page.reload();
    await page.getByTestId('composer').waitFor(WAIT);
    await messageOn(page, 'Not lost').getByTestId('waiting-preview').waitFor(WAIT);
    assert.equal(await page.getByTestId('composer').inputValue(), '', 'the sent text is not back in the composer');
    web.releaseHeld();
    const bobApi = new MatrixPeer(ui.hs.baseUrl, bob);
    const sent = await bobApi.waitForMessage(roomId, (e) => String(e.content.body).startsWith('Not lost'), 30_000);
    assert.equal((sent.content['com.beeper.linkpreviews'] as Record<string, unknown>[] | undefined)?.[0]?.matched_url, url, 'with the card');
    await messageOn(page, 'Not lost').getByTestId('link-preview').waitFor(WAIT);
    await messageOn(page, 'Not lost').getByTestId('waiting-preview').waitFor({ state: 'detached', ...WAIT });
    const { chunk } = await bobApi.messages(roomId, { limit: 20 });
    assert.equal(chunk.filter((e) => String(e.content.body).startsWith('Not lost')).length, 1, 'sent once');
  });

  it('previews a link in a message that came without previews, unless the setting is off', async () => {
    const bobApi = new MatrixPeer(ui.hs.baseUrl, bob);
    // A notice (a bot's) with the same link first: it gets no card, though the link's preview is there for the next.
    await bobApi.sendEvent(roomId, 'm.room.message', { msgtype: 'm.notice', body: `Bot says: ${base}/other` });
    await messageOn(page, 'Bot says').waitFor(WAIT);
    // Another client's message: a link and no com.beeper.linkpreviews.
    await bobApi.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: `From elsewhere: ${base}/other` });
    const card = messageOn(page, 'From elsewhere').getByTestId('link-preview');
    await card.getByTestId('link-preview-title').filter({ hasText: 'Another page' }).waitFor(WAIT);
    assert.equal(await messageOn(page, 'Bot says').getByTestId('link-preview').count(), 0);
    // A square picture of undeclared size is a small square beside the text; a page without one is text only.
    await bobApi.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: `Two more: ${base}/square and ${base}/plain` });
    const two = messageOn(page, 'Two more').getByTestId('link-preview');
    await two.nth(1).waitFor(WAIT);
    assert.equal(await two.nth(0).evaluate((el) => el.classList.contains('has-inline-image')), true);
    const square = await two.nth(0).locator('.link-preview-image').boundingBox();
    assert.deepEqual([square?.width, square?.height], [72, 72]);
    assert.equal(await two.nth(1).locator('img').count(), 0);
    assert.equal(await two.nth(1).getByTestId('link-preview-title').innerText(), 'A page without a picture');
    await pictureSize(page, two.nth(0));
    await shots(page, 'fetched');

    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-appearance').click();
    const toggle = page.getByTestId('url-previews');
    assert.equal(await toggle.isChecked(), true, 'on by default');
    await themeShots(page, 'link-previews', 'setting');
    await toggle.uncheck();
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached', ...WAIT });
    await card.waitFor({ state: 'detached', ...WAIT });
    // Bundled previews still show: the sender chose them.
    assert.equal(await messageOn(page, 'Tides this week').getByTestId('link-preview').count(), 1);
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-appearance').click();
    await page.getByTestId('url-previews').check();
    await page.keyboard.press('Escape');
    await card.waitFor(WAIT);
  });

  it('in an encrypted room uploads the picture encrypted, and Bob sees it decrypted', async () => {
    await openRoom(page, sealedRoomId, 'Sealed Harbour');
    await openRoom(pageB, sealedRoomId, 'Sealed Harbour');
    await page.getByTestId('composer').fill(`Sealed tides: ${base}/tides?sealed`);
    const draft = page.getByTestId('composer-link-previews').getByTestId('link-preview');
    await draft.getByTestId('link-preview-title').filter({ hasText: TITLE }).waitFor(WAIT);
    assert.deepEqual(await pictureSize(page, draft), [400, 200]);
    await page.getByTestId('composer').press('Enter');

    const card = messageOn(pageB, 'Sealed tides').getByTestId('link-preview');
    await card.waitFor(WAIT);
    assert.equal(await card.getByTestId('link-preview-title').innerText(), TITLE);
    assert.deepEqual(await pictureSize(pageB, card), [400, 200]);
    // What the homeserver holds is ciphertext: no readable preview, no og:image in the clear.
    const raw = (await aliceApi.messages(sealedRoomId, { limit: 5 })).chunk.find((e) => e.type === 'm.room.encrypted');
    assert.ok(raw, 'the message went out encrypted');
    assert.doesNotMatch(JSON.stringify(raw.content), /linkpreviews|og:image|Tide tables/);
  });

  it('shows a thread reply waiting for its preview as waiting in the thread panel, and sends it once with the card', async () => {
    // Last: opening a thread keeps its root in view, so the timeline no longer follows the newest message.
    await openRoom(page, roomId, 'Harbour');
    web.holdAgain();
    const url = `${base}/held/thread-reply`;
    const root = messageOn(page, 'Tides this week');
    await root.hover();
    await root.getByTestId('action-thread').click();
    const panel = page.getByTestId('thread-panel');
    const composer = panel.getByTestId('thread-composer');
    await composer.fill(`In the thread: ${url}`);
    await panel.getByTestId('link-preview-loading').waitFor(WAIT);
    await composer.press('Enter');
    assert.equal(await composer.inputValue(), '');
    const reply = panel.getByTestId('thread-message').filter({ hasText: 'In the thread' });
    await reply.getByTestId('waiting-preview').waitFor(WAIT);
    assert.equal(await reply.getByTestId('waiting-preview').innerText(), 'Waiting for the link preview, then sending…');
    await themeShots(page, 'link-previews', 'thread-waiting');
    web.releaseHeld();
    const bobApi = new MatrixPeer(ui.hs.baseUrl, bob);
    const sent = await bobApi.waitForMessage(roomId, (e) => String(e.content.body).startsWith('In the thread'), 30_000);
    assert.equal((sent.content['m.relates_to'] as { rel_type?: string } | undefined)?.rel_type, 'm.thread');
    assert.equal((sent.content['com.beeper.linkpreviews'] as Record<string, unknown>[] | undefined)?.[0]?.matched_url, url, 'with the card');
    await reply.getByTestId('link-preview').waitFor(WAIT);
    await reply.getByTestId('waiting-preview').waitFor({ state: 'detached', ...WAIT });
    await panel.getByTestId('thread-close').click();
    await panel.waitFor({ state: 'detached', ...WAIT });
  });
});
