/**
 * The Mentions dialog in Chromium against Synapse through the web host: Bob mentions Alice by name in one room and
 * with an intentional mention (m.mentions) in another, beside messages that do not mention her; the sidebar's @
 * button counts the unread ones and lists only the mentions, newest first, with their rooms, senders and words; ↓ and
 * Enter open the older one's room at that message (highlighted), a click the other's, each read there taking its
 * count off the button. With more than a page of mentions, the older ones come with "Load older mentions", and one
 * that arrives while the dialog is open goes on top (it opened under load before the newest had synced: CI); an emote
 * reads "* Bob waves…", its sender named once. Screenshots of the dialog in both themes go to test-artifacts/ (with
 * LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

describe('mentions across rooms', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let design: string;
  let garden: string;
  let ui: WebUi;
  let page: Page;
  const ids = new Map<string, string>();

  before(async () => {
    hs = await startSynapse();
    ({ alice, bob, roomId: design } = await aliceAndBobRoom(hs, 'Design'));
    garden = await bob.createRoom({ name: 'Garden', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(garden);
    ids.set('plain', await bob.sendEvent(design, 'm.room.message', { msgtype: 'm.text', body: 'The mockups are up' }));
    // Her display name in the words: the spec's legacy rule highlights it (no m.mentions in the content).
    ids.set('by name', await bob.sendEvent(design, 'm.room.message', { msgtype: 'm.text', body: 'Alice, could you look at the header?' }));
    ids.set('other', await bob.sendEvent(garden, 'm.room.message', { msgtype: 'm.text', body: 'Tomatoes are in' }));
    // An intentional mention: her user ID in m.mentions, the words need not name her.
    ids.set('intentional', await bob.sendEvent(garden, 'm.room.message', {
      msgtype: 'm.text', body: 'Can you water them on Sunday?', 'm.mentions': { user_ids: [alice.userId] },
    }));
    ui = await startWebUi('mentions', { hs });
    page = ui.page;
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${garden}"]`).waitFor(WAIT);
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
  });

  const mentions = () => page.getByTestId('mention');

  it('lists the messages that mention Alice, newest first, with their rooms and senders, and opens one at its message', async () => {
    // The @ button counts the unread mentions of every room: one in each.
    const unread = page.getByTestId('mentions-unread');
    await page.waitForFunction(() => document.querySelector('[data-testid="mentions-unread"]')?.textContent === '2', undefined, WAIT);
    assert.equal(await page.getByTestId('open-mentions').getAttribute('aria-label'), 'Mentions, 2 unread');
    await page.getByTestId('open-mentions').click();
    const dialog = page.getByTestId('mentions-dialog');
    await dialog.waitFor();
    await mentions().first().waitFor(WAIT);
    assert.deepEqual(await mentions().evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id'))), [ids.get('intentional'), ids.get('by name')],
      'only the two mentions, the newest first');
    assert.equal(await mentions().nth(0).locator('.mention-room').textContent(), 'Garden');
    // Names are isolated (U+2068…U+2069), as everywhere a name is shown.
    assert.equal(await mentions().nth(0).locator('.mention-text').textContent(), '\u2068Bob\u2069 Can you water them on Sunday?');
    assert.equal(await mentions().nth(1).locator('.mention-room').textContent(), 'Design');
    assert.equal(await mentions().nth(1).locator('.mention-text').textContent(), '\u2068Bob\u2069 Alice, could you look at the header?');
    assert.equal(await page.getByTestId('mentions-more').count(), 0, 'two mentions are one page');
    await themeShots(page, 'mentions', 'dialog');

    // The keyboard: the list has the focus; ↓ chooses the older one and Enter opens its room at it.
    assert.equal(await page.getByTestId('mentions-list').evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('ArrowDown');
    assert.equal(await mentions().nth(1).getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((id) => document.querySelector(`[data-testid="timeline"] [data-event-id="${CSS.escape(id)}"]`)?.classList.contains('is-highlighted') === true,
      ids.get('by name')!, WAIT);
    assert.equal(await page.locator(`[data-testid="room-item"][data-room-id="${design}"]`).getAttribute('aria-selected'), 'true');
    // Read there: one unread mention left, Garden's.
    await page.waitForFunction(() => document.querySelector('[data-testid="mentions-unread"]')?.textContent === '1', undefined, WAIT);

    // A click opens the other; Esc closes the dialog with nothing opened.
    await page.getByTestId('open-mentions').click();
    await mentions().first().waitFor(WAIT);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('open-mentions').evaluate((el) => el === document.activeElement), true, 'the focus back on the @ button');
    await page.getByTestId('open-mentions').click();
    await mentions().first().click();
    await page.waitForFunction((id) => document.querySelector(`[data-testid="timeline"] [data-event-id="${CSS.escape(id)}"]`)?.classList.contains('is-highlighted') === true,
      ids.get('intentional')!, WAIT);
    await unread.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.getByTestId('open-mentions').getAttribute('aria-label'), 'Mentions', 'none unread, the list still there');
  });

  it('brings older mentions a page at a time, and a new one on top while open; an emote reads with its sender once', async () => {
    ids.set('emote', await bob.sendEvent(garden, 'm.room.message', { msgtype: 'm.emote', body: 'waves at Alice' }));
    for (let i = 1; i <= 32; i++) ids.set(`m${i}`, await bob.sendEvent(design, 'm.room.message', { msgtype: 'm.text', body: `Alice, item ${i}` }));
    // All synced before the dialog opens (the button counts Design's 32; Garden, open, reads the emote), so that
    // its first page is the newest 30 of them.
    await page.waitForFunction(() => document.querySelector('[data-testid="mentions-unread"]')?.textContent === '32', undefined, WAIT);
    await page.getByTestId('open-mentions').click();
    await mentions().first().waitFor(WAIT);
    // Stored as they arrived: wait for the newest before counting.
    await page.waitForFunction((id) => document.querySelector('[data-testid="mention"]')?.getAttribute('data-event-id') === id, ids.get('m32')!, WAIT);
    assert.equal(await mentions().count(), 30, 'one page');
    await page.getByTestId('mentions-more').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="mention"]').length === 35, undefined, WAIT);
    const order = await mentions().evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id')));
    assert.deepEqual(order.slice(-3), [ids.get('emote'), ids.get('intentional'), ids.get('by name')], 'the oldest last, none twice');
    assert.equal(new Set(order).size, 35);
    const emote = page.locator(`[data-testid="mention"][data-event-id="${ids.get('emote')}"] .mention-text`);
    assert.equal(await emote.textContent(), '* \u2068Bob\u2069 waves at Alice');
    assert.equal(await page.getByTestId('mentions-more').count(), 0, 'nothing older');
    // One that arrives while the dialog is open goes on top, without closing and opening it.
    ids.set('live', await bob.sendEvent(design, 'm.room.message', { msgtype: 'm.text', body: 'Alice, one more thing' }));
    await page.waitForFunction((id) => document.querySelector('[data-testid="mention"]')?.getAttribute('data-event-id') === id, ids.get('live')!, WAIT);
    assert.equal(await mentions().count(), 36);
    await page.keyboard.press('Escape');
  });
});
