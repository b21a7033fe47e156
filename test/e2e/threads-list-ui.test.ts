/**
 * The room's threads list in Chromium against Synapse through the web host, as Element has it: the header's Threads
 * button opens a panel listing every thread newest activity first (root sender and first line, reply count, who
 * replied last), more on "Load more", a reply arriving moves its thread up, only Alice's threads under "My
 * threads", a room without threads says so;
 * a row opened from the keyboard shows that thread, and closing the thread comes back to the list. In a narrow
 * window the button folds into the header's ⋯ menu with the others. Screenshots in both themes go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

/** More than one page of the list (20). */
const THREADS = 23;

const inThread = (root: string, body: string) => ({ msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root } });

describe('the threads list against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let quietId: string;
  const roots: string[] = [];
  let aliceRoot: string;

  before(async () => {
    ui = await startWebUi('threads-list');
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Launch'));
    await ui.hs.disableRateLimits(bob.userId);
    const alicePeer = new MatrixPeer(ui.hs.baseUrl, alice);
    for (let i = 0; i < THREADS; i++) {
      const root = await bob.sendText(roomId, `Topic ${i}: ${i % 3 === 0 ? 'a long first line about the launch plans that goes on past the width of the panel' : 'the venue'}`);
      await bob.sendEvent(roomId, 'm.room.message', inThread(root, `Reply to topic ${i}`));
      roots.push(root);
    }
    // Alice took part in one thread (an early one, far down the list).
    aliceRoot = roots[2];
    await alicePeer.sendEvent(roomId, 'm.room.message', inThread(aliceRoot, 'Alice chimes in'));
    await bob.sendText(roomId, 'A message in no thread');
    quietId = await bob.createRoom({ name: 'Quiet', invite: [alice.userId] });
    await alicePeer.join(quietId);
  });
  after(async () => {
    await ui?.stop();
  });

  const panel = () => page.getByTestId('threads-panel');
  const rows = () => panel().getByTestId('thread-list-item');
  const roomItem = (id: string) => page.locator(`[data-testid="room-item"][data-room-id="${id}"]`);

  it('lists the room\'s threads, newest activity first, from the header\'s Threads button', async () => {
    await ui.signIn(alice, 'alice-password');
    await roomItem(roomId).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Launch' }).waitFor();
    await page.getByTestId('open-threads').click();
    await rows().first().waitFor({ timeout: 30_000 });
    assert.equal(await rows().count(), 20, 'one page');
    // Alice's reply made the thread she joined the latest activity.
    assert.equal(await rows().first().getAttribute('data-event-id'), aliceRoot);
    const first = await rows().first().innerText();
    assert.match(first, /Bob/);
    assert.match(first, /Topic 2: the venue/);
    assert.match(first, /2 replies/);
    assert.match(first, /latest from Alice/);
    const second = await rows().nth(1).innerText();
    assert.match(second, /Topic 22: the venue/);
    assert.match(second, /1 reply\b/);
    assert.match(second, /latest from Bob/);
    assert.equal(await page.getByTestId('open-threads').getAttribute('aria-pressed'), 'true');
    await themeShots(page, 'threads-list', 'all');
  });

  it('reads the next page on Load more', async () => {
    await panel().getByTestId('threads-more').click();
    await rows().nth(THREADS - 1).waitFor({ timeout: 30_000 });
    assert.equal(await rows().count(), THREADS);
    assert.equal(await rows().last().getAttribute('data-event-id'), roots[0]);
    assert.equal(await panel().getByTestId('threads-more').count(), 0, 'no more pages');
  });

  it('moves a thread up as a reply comes in, and counts it', async () => {
    await bob.sendEvent(roomId, 'm.room.message', inThread(roots[0], 'A late answer to topic 0'));
    try {
      await page.waitForFunction((id) => document.querySelector('[data-testid="thread-list-item"]')?.getAttribute('data-event-id') === id,
        roots[0], { timeout: 30_000 });
    } catch {
      assert.fail(`the answered thread did not move up: the first row reads "${await rows().first().innerText()}"`);
    }
    const first = await rows().first().innerText();
    assert.match(first, /Topic 0:/);
    assert.match(first, /2 replies/);
    assert.equal(await rows().count(), THREADS, 'still each thread once');
  });

  it('shows only Alice\'s threads under My threads', async () => {
    await panel().getByTestId('threads-filter-participated').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="thread-list-item"]').length === 1, undefined, { timeout: 30_000 });
    assert.equal(await rows().first().getAttribute('data-event-id'), aliceRoot);
    assert.equal(await panel().getByTestId('threads-filter-participated').getAttribute('aria-pressed'), 'true');
    // Synapse filters a page of all threads: the rest of the room was read too, so nothing is left to load.
    await panel().getByRole('status').waitFor({ state: 'detached' });
    assert.equal(await panel().getByTestId('threads-more').count(), 0, 'no Load more for pages without Alice\'s threads');
    await themeShots(page, 'threads-list', 'mine');
    await panel().getByTestId('threads-filter-all').click();
    await rows().nth(19).waitFor({ timeout: 30_000 });
  });

  it('opens a thread from the keyboard, and closing it comes back to the list', async () => {
    const row = panel().locator(`[data-testid="thread-list-item"][data-event-id="${roots[22]}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    const thread = page.getByTestId('thread-panel');
    await thread.waitFor();
    await thread.getByText('Topic 22: the venue').waitFor({ timeout: 30_000 });
    await thread.getByText('Reply to topic 22').waitFor({ timeout: 30_000 });
    await themeShots(page, 'threads-list', 'opened');
    await page.getByTestId('thread-close').click();
    await rows().first().waitFor();
    assert.equal(await page.getByTestId('thread-panel').count(), 0);
    // The header's button closes the list.
    await page.getByTestId('open-threads').click();
    await panel().waitFor({ state: 'detached' });
  });

  it('folds into the header\'s menu in a narrow window', async () => {
    await page.setViewportSize({ width: 800, height: 800 });
    await panel().waitFor({ state: 'detached' });
    // The room's name keeps its room: the buttons give up their labels, then fold into the menu, as it needs.
    await page.waitForFunction(() => {
      const name = document.querySelector<HTMLElement>('.room-header-name');
      return !!name && name.scrollWidth <= name.clientWidth;
    }, undefined, { timeout: 10_000 }).catch(async () => {
      const widths = await page.locator('.room-header-name').evaluate((el) => [el.clientWidth, el.scrollWidth]);
      assert.fail(`the room's name is cut off in a narrow header (${widths[0]}px of ${widths[1]}px)`);
    });
    const button = page.getByTestId('open-threads');
    if (await button.isVisible()) {
      await button.click();
    } else {
      await page.getByTestId('room-header-more').click();
      await page.getByTestId('header-menu-threads').click();
    }
    await rows().first().waitFor({ timeout: 30_000 });
    await themeShots(page, 'threads-list', 'narrow');
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 600, height: 800 });
    await page.getByTestId('room-header-more').click();
    await page.getByTestId('header-menu-threads').click();
    await rows().first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('says so in a room without threads', async () => {
    await roomItem(quietId).click();
    await page.getByTestId('room-header').filter({ hasText: 'Quiet' }).waitFor();
    await page.getByTestId('open-threads').click();
    const empty = panel().getByTestId('threads-empty');
    await empty.waitFor({ timeout: 30_000 });
    assert.match(await empty.innerText(), /No threads in this room yet/);
    await themeShots(page, 'threads-list', 'empty');
  });
});
