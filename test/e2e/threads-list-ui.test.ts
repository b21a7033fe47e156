/**
 * The room's threads list in Chromium against Synapse through the web host, as Element has it: the header's Threads
 * button opens a panel listing every thread newest activity first (root sender and first line, reply count, who
 * replied last), more on "Load more", a reply arriving moves its thread up, only Alice's threads under "My
 * threads", a room without threads says so;
 * a thread started while the list is open comes in at the top (and under "My threads" when Alice started it or
 * replied in it) without the list being asked for again, and once only when it is; a row opened from the keyboard
 * shows that thread with a way back to the list as it was (its tab, where it was scrolled), the header's Threads
 * button pressed meanwhile. In a narrow window the button folds into the header's ⋯ menu with the others.
 * Screenshots in both themes go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, sizedShots, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

/** More than one page of the list (20). */
const THREADS = 23;

const inThread = (root: string, body: string) => ({ msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root } });

describe('the threads list against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let alicePeer: MatrixPeer;
  let roomId: string;
  let quietId: string;
  const roots: string[] = [];
  let aliceRoot: string;
  /** The get_threads requests the page sent so far (a list read again shows here). */
  let threadsAsked = 0;

  before(async () => {
    ui = await startWebUi('threads-list');
    page = ui.page;
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
      if (String(payload).includes('"command":"get_threads"')) threadsAsked++;
    }));
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Launch'));
    await ui.hs.disableRateLimits(bob.userId);
    alicePeer = new MatrixPeer(ui.hs.baseUrl, alice);
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
  const rowOf = (id: string) => panel().locator(`[data-testid="thread-list-item"][data-event-id="${id}"]`);
  const listed = () => rows().evaluateAll((els) => els.map((el) => el.getAttribute('data-event-id') ?? ''));
  /** Waits for the list's first row to be `id`'s thread; the failure says what the list shows instead. */
  const firstRowIs = async (id: string, what: string) => {
    try {
      await page.waitForFunction((want) => document.querySelector('[data-testid="thread-list-item"]')?.getAttribute('data-event-id') === want,
        id, { timeout: 30_000 });
    } catch {
      const first = await rows().count() ? await rows().first().innerText() : '(no rows)';
      assert.fail(`${what} is not at the top of the list: the first row reads "${first}"`);
    }
  };

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

  let newRoot: string;
  it('puts a thread started while the list is open at the top, without reading the list again', async () => {
    const asked = threadsAsked;
    newRoot = await bob.sendText(roomId, 'Topic new: the catering');
    await bob.sendEvent(roomId, 'm.room.message', inThread(newRoot, 'Who brings the cake?'));
    await firstRowIs(newRoot, 'the thread Bob just started');
    const first = await rows().first().innerText();
    assert.match(first, /Bob/);
    assert.match(first, /Topic new: the catering/);
    assert.match(first, /1 reply\b/);
    assert.match(first, /latest from Bob/);
    assert.equal(await rows().count(), THREADS + 1, 'the new thread added to those listed');
    assert.equal(threadsAsked, asked, 'the list was asked for again');
    // Load more left the list scrolled to its end; the new thread is at its top.
    await panel().evaluate((el) => { el.scrollTop = 0; });
    await sizedShots(page, (theme, size) => `threads-list-${theme}-${size}-new-thread.png`, async (label) => {
      // Narrow, the list overlays the timeline; it is the same list.
      assert.equal(await rows().first().getAttribute('data-event-id'), newRoot, label);
    });
  });

  it('lists the new thread once when the list is read again', async () => {
    await panel().getByTestId('threads-filter-participated').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="thread-list-item"]').length === 1, undefined, { timeout: 30_000 });
    await panel().getByTestId('threads-filter-all').click();
    await rows().nth(19).waitFor({ timeout: 30_000 });
    await firstRowIs(newRoot, 'the new thread, read again,');
    const ids = await listed();
    assert.equal(ids.length, new Set(ids).size, `a thread listed twice: ${ids.join(' ')}`);
    assert.equal(ids.filter((id) => id === newRoot).length, 1);
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
  });

  it('adds a thread Alice started or replied in to My threads as it comes, and no one else\'s', async () => {
    const asked = threadsAsked;
    const others = await bob.sendText(roomId, 'Bob wonders about the chairs');
    await bob.sendEvent(roomId, 'm.room.message', inThread(others, 'Bob answers himself'));
    const hers = await alicePeer.sendText(roomId, 'Alice asks about parking');
    await bob.sendEvent(roomId, 'm.room.message', inThread(hers, 'Bob knows a car park'));
    await firstRowIs(hers, 'the thread on Alice\'s message');
    const bobs = await bob.sendText(roomId, 'Bob posts the budget');
    // From another of Alice's devices: it comes by sync as anyone's would.
    await alicePeer.sendEvent(roomId, 'm.room.message', inThread(bobs, 'Alice has questions'));
    await firstRowIs(bobs, 'the thread Alice replied in');
    assert.deepEqual(await listed(), [bobs, hers, aliceRoot], 'My threads');
    assert.match(await rows().first().innerText(), /latest from Alice/);
    assert.equal(threadsAsked, asked, 'the list was asked for again');
    await panel().getByTestId('threads-filter-all').click();
    await rows().nth(19).waitFor({ timeout: 30_000 });
    await firstRowIs(bobs, 'the thread Alice replied in, under All threads,');
    const ids = await listed();
    assert.equal(ids.length, new Set(ids).size, `a thread listed twice: ${ids.join(' ')}`);
    assert.ok(ids.includes(others), 'Bob\'s own thread is under All threads');
  });

  it('opens a thread from the keyboard, with a way back to the list as it was and the Threads button pressed', async () => {
    const threadsButton = page.getByTestId('open-threads');
    const back = page.getByTestId('thread-back');
    const thread = page.getByTestId('thread-panel');
    // Far down the list (on its second page): the way back has to come back to the same place.
    await panel().getByTestId('threads-more').click();
    await rowOf(roots[1]).waitFor({ timeout: 30_000 });
    await rowOf(roots[1]).scrollIntoViewIfNeeded();
    const scrolled = await panel().evaluate((el) => el.scrollTop);
    assert.ok(scrolled > 100, `the list did not scroll (${scrolled}px)`);
    await rowOf(roots[1]).focus();
    await page.keyboard.press('Enter');
    await thread.getByText('Topic 1: the venue').waitFor({ timeout: 30_000 });
    await thread.getByText('Reply to topic 1').waitFor({ timeout: 30_000 });
    assert.equal(await threadsButton.getAttribute('aria-pressed'), 'true', 'the Threads button while a thread from the list is open');
    await back.waitFor({ timeout: 5_000 }).catch(() => assert.fail('the thread opened from the list has no way back to it'));
    assert.equal(await back.getAttribute('aria-label'), 'Back to threads');
    assert.equal(await panel().isVisible(), false, 'the list shows beside the thread');
    await sizedShots(page, (theme, size) => `threads-list-${theme}-${size}-thread-back.png`, async (label) => {
      assert.ok(await back.isVisible(), `no back arrow (${label})`);
    });
    await themeShots(page, 'threads-list', 'opened');

    await back.click();
    await rowOf(roots[1]).waitFor();
    assert.equal(await thread.count(), 0, 'the thread stays open');
    assert.equal(await panel().getByTestId('threads-filter-all').getAttribute('aria-pressed'), 'true');
    const again = await panel().evaluate((el) => el.scrollTop);
    assert.ok(Math.abs(again - scrolled) <= 1, `the list came back scrolled to ${again}px, not ${scrolled}px`);
    assert.equal(await rowOf(roots[1]).evaluate((el) => el === document.activeElement), true, 'the focus is not on the row opened');
    assert.equal(await threadsButton.getAttribute('aria-pressed'), 'true');

    // Under My threads it comes back to My threads.
    await panel().getByTestId('threads-filter-participated').click();
    await rowOf(aliceRoot).click({ timeout: 30_000 });
    await thread.getByText('Alice chimes in').waitFor({ timeout: 30_000 });
    await back.click();
    await rowOf(aliceRoot).waitFor();
    assert.equal(await panel().getByTestId('threads-filter-participated').getAttribute('aria-pressed'), 'true', 'the list is back on All threads');

    // × closes the thread and the list with it, as in Element; the button is no longer pressed.
    await rowOf(aliceRoot).click();
    await back.waitFor();
    await page.getByTestId('thread-close').click();
    await thread.waitFor({ state: 'detached' });
    assert.equal(await panel().count(), 0, 'the list stays open after ×');
    assert.equal(await threadsButton.getAttribute('aria-pressed'), 'false');

    // A thread opened from the timeline, without the list, has no way back to it and leaves the button unpressed.
    await page.locator(`[data-testid="message"][data-event-id="${newRoot}"]`).getByTestId('thread-summary').click();
    await thread.getByText('Who brings the cake?').waitFor({ timeout: 30_000 });
    assert.equal(await back.count(), 0, 'a back arrow on a thread opened from the timeline');
    assert.equal(await threadsButton.getAttribute('aria-pressed'), 'false');
    // The button shows the list in its place.
    await threadsButton.click();
    await rows().first().waitFor({ timeout: 30_000 });
    assert.equal(await thread.count(), 0);
    assert.equal(await threadsButton.getAttribute('aria-pressed'), 'true');

    // Pressed while a thread from the list is open, the button closes both.
    await rows().first().click();
    await back.waitFor();
    await threadsButton.click();
    await thread.waitFor({ state: 'detached' });
    assert.equal(await panel().count(), 0, 'the list stays open');
    assert.equal(await threadsButton.getAttribute('aria-pressed'), 'false');
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
    // The room has the window's width here (the room list is a drawer over it): Threads is in the header when the
    // room's name leaves it room, else in the header's menu.
    await page.setViewportSize({ width: 600, height: 800 });
    if (await button.isVisible()) {
      await button.click();
    } else {
      await page.getByTestId('room-header-more').click();
      await page.getByTestId('header-menu-threads').click();
    }
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
