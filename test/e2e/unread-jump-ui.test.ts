/**
 * "Jump to first unread message", in Chromium against Synapse through the web host: a room opens at its newest
 * message, and when the "New messages" line is above the view (or further back than the sync brought) a bar over the
 * timeline leads back to it, by a click or Shift+Page Up; it does not show when the line is in view, and its × marks
 * the room read and puts it away.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { shot } from '../harness/shots.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, ARTIFACTS, startWebUi, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
const enc = encodeURIComponent;
/**
 * A message of three lines or more at 1280 px (the timeline's text is about 840 px wide): a few of them fill the
 * view, and twenty are more than two screens, so the "New messages" line at the first of them is a screen or more
 * above the newest. At two repeats they were two lines each in the headless shell, twenty not enough for that.
 */
const LONG = 'a line long enough to wrap across the width of the timeline more than once, so that a handful of these '
  + 'messages take more height than the window has, '.repeat(4);

describe('the jump to the first unread message, against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let elsewhere: string;

  before(async () => {
    ui = await startWebUi('unread-jump');
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Long read'));
    await ui.hs.disableRateLimits(bob.userId);
    alicePeer = new MatrixPeer(ui.hs.baseUrl, alice);
    elsewhere = await bob.createRoom({ name: 'Elsewhere', invite: [alice.userId] });
    await alicePeer.join(elsewhere);
    for (let i = 1; i <= 3; i++) await bob.sendText(roomId, `read ${i}`);
  });
  after(async () => {
    await ui?.stop();
  });

  const timeline = () => page.getByTestId('timeline');
  const message = (text: string) => timeline().getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  const item = (id: string) => page.locator(`[data-testid="room-item"][data-room-id="${id}"]`);
  const bar = () => page.getByTestId('unread-jump');

  /** Where the "New messages" line is against the timeline's view: above, in, below it, or not drawn. */
  function lineSeen(): Promise<'above' | 'in' | 'below' | 'none'> {
    return page.evaluate(() => {
      const line = document.querySelector('[data-testid="unread-marker"]');
      if (!line) return 'none';
      const view = document.querySelector('[data-testid="timeline"]')!.getBoundingClientRect();
      const r = line.getBoundingClientRect();
      return r.bottom <= view.top ? 'above' : r.top >= view.bottom ? 'below' : 'in';
    });
  }

  /** Until Alice's read position on the server is `eventId` (the room was read to its end). */
  async function readUpTo(eventId: string): Promise<void> {
    const end = Date.now() + 30_000;
    for (;;) {
      const r = await alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/m.fully_read`)
        .catch(() => null) as { event_id?: string } | null;
      if (r?.event_id === eventId) return;
      if (Date.now() > end) assert.fail(`the room was not read up to ${eventId} (read up to ${r?.event_id ?? 'nothing'})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Alice is in the other room while Bob writes `texts`; then she opens the room again, at its newest message. */
  async function missWhileAway(texts: string[]): Promise<void> {
    await item(elsewhere).click();
    await page.getByTestId('room-header').filter({ hasText: 'Elsewhere' }).waitFor(WAIT);
    for (const t of texts) await bob.sendText(roomId, t);
    await item(roomId).locator('.roomlist-item-preview').filter({ hasText: texts.at(-1)! }).waitFor(WAIT);
    await item(roomId).click();
    await message(texts.at(-1)!).waitFor(WAIT);
  }

  it('shows no bar when the "New messages" line is in view', async () => {
    await ui.signIn(alice, 'alice-password');
    await item(roomId).click(WAIT);
    await message('read 3').waitFor(WAIT);
    const last = await bob.waitForMessage(roomId, (e) => e.content.body === 'read 3', 30_000);
    await readUpTo(last.event_id);
    await missWhileAway(['short 1', 'short 2']);
    await page.getByTestId('unread-marker').waitFor(WAIT);
    assert.equal(await lineSeen(), 'in');
    await page.waitForTimeout(500);
    assert.equal(await bar().count(), 0, 'no bar while the line shows');
  });

  it('leads back to the line from the newest message when it is above the view, and then goes for good', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `missed ${i + 1}: ${LONG}`);
    const before = await bob.waitForMessage(roomId, (e) => e.content.body === 'short 2', 30_000);
    await readUpTo(before.event_id);
    await missWhileAway(texts);
    await bar().waitFor(WAIT);
    assert.equal(await lineSeen() === 'in', false, 'the line is out of sight when the room opens');
    await shot(page, path.join(ARTIFACTS, 'unread-jump-light-1280x800.png'));
    await page.getByTestId('unread-jump-go').click();
    await bar().waitFor({ state: 'detached' });
    const end = Date.now() + 15_000;
    while (await lineSeen() !== 'in') {
      if (Date.now() > end) assert.fail(`the jump did not bring the line into view (it is ${await lineSeen()})`);
      await page.waitForTimeout(100);
    }
    // The line is drawn with the first message missed, after the last one read.
    const order = await page.evaluate(() => [...document.querySelectorAll('[data-testid="timeline"] [data-row-key]')]
      .map((r) => `${r.querySelector('[data-testid="unread-marker"]') ? 'LINE ' : ''}${(r.textContent ?? '').replace(/\s+/g, ' ')}`));
    const at = order.findIndex((t) => t.startsWith('LINE'));
    assert.match(order[at], /LINE.*missed 1:/);
    assert.match(order[at - 1], /short 2/);
    // Back to the newest: the line is above again, and the bar does not come back.
    await page.getByTestId('jump-to-latest').click();
    await message('missed 20:').waitFor(WAIT);
    await page.waitForTimeout(500);
    assert.equal(await lineSeen() === 'in', false);
    assert.equal(await bar().count(), 0, 'the bar stays away once the line was seen');
  });

  it('finds the line further back than the sync brought, from the keyboard (Shift+Page Up)', async () => {
    const last = await bob.waitForMessage(roomId, (e) => String(e.content.body).startsWith('missed 20:'), 30_000);
    await readUpTo(last.event_id);
    // More than the sync's 50 timeline events: the room's timeline starts again after a gap, without the line's place.
    await missWhileAway(Array.from({ length: 60 }, (_, i) => `far ${i + 1}`));
    await bar().waitFor(WAIT);
    assert.equal(await lineSeen(), 'none', 'the read position is not loaded');
    await page.getByTestId('composer').press('Shift+PageUp');
    await bar().waitFor({ state: 'detached' });
    const end = Date.now() + 30_000;
    while (await lineSeen() !== 'in') {
      if (Date.now() > end) assert.fail(`Shift+Page Up did not bring the line into view (it is ${await lineSeen()})`);
      await page.waitForTimeout(150);
    }
    assert.match(await page.getByTestId('unread-marker').locator('xpath=ancestor::*[@data-row-key][1]').textContent() ?? '', /far 1\b/);
  });

  it('puts the bar away and marks the room read with its ×', async () => {
    const last = await bob.waitForMessage(roomId, (e) => e.content.body === 'far 60', 30_000);
    await readUpTo(last.event_id);
    // Left where the jump went, the room would open there again (reading-places.ts): to its end first.
    await page.getByTestId('composer').press('Escape');
    await message('far 60').waitFor(WAIT);
    await missWhileAway(Array.from({ length: 20 }, (_, i) => `later ${i + 1}: ${LONG}`));
    await bar().waitFor(WAIT);
    // Up a little (the room no longer read at its end), then ×: the read position goes to the newest message.
    await timeline().evaluate((el) => { el.scrollTop -= 300; });
    await page.getByTestId('unread-jump-mark-read').click();
    await bar().waitFor({ state: 'detached' });
    const newest = await bob.waitForMessage(roomId, (e) => String(e.content.body).startsWith('later 20:'), 30_000);
    await readUpTo(newest.event_id);
    assert.equal(await bar().count(), 0);
  });
});
