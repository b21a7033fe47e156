/**
 * The main flows with the keyboard alone, in Chromium against Synapse through the web host: Tab reaches an
 * invitation's Accept; the room list moves with the arrows and opens a room with Enter; ↑ in the timeline focuses a
 * message, whose toolbar Tab enters and ←/→ walk; a reaction is sent from it and taken back from its chip; Reply
 * moves to the composer and Enter sends the reply, whose quote jumps back with the focus; a picked emoji reacts (PgUp/PgDn
 * page through the picker's grid, not the timeline); the member list's rows move with ↓; Ctrl+K opens a room by name and Alt+↑/↓ moves on; a dialog and
 * the switcher keep Tab inside and give the focus back on Esc; Shift+F10 opens a room's menu. Each effect is
 * checked on the homeserver through the other user's API. Screenshots of the focus rings in both themes at 1280×800
 * and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const enc = encodeURIComponent;

/** What has the focus, in words for an assertion message. */
function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return 'nothing';
    return `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').slice(0, 40)}”`;
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on an element matching `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, { max = 40, back = false } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return;
    seen.push(await describeFocus(page));
  }
  assert.fail(`Tab never reached ${selector}; it went through: ${seen.join(', ')}`);
}

const focused = (page: Page, selector: string): Promise<boolean> =>
  page.evaluate((s) => document.activeElement?.matches(s) === true, selector);
/** For focus moved a frame later (the virtualized room list scrolls the row in first). */
const focusLands = (page: Page, selector: string): Promise<unknown> =>
  page.waitForFunction((s) => document.activeElement?.matches(s), selector, { timeout: 30_000 });

describe('the keyboard alone, against Synapse', () => {
  let ui: WebUi;
  let hs: SynapseServer;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let otherRoomId: string;
  let lastId: string;

  before(async () => {
    ui = await startWebUi('keyboard');
    ({ hs, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    const bobUser = await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' });
    bob = new MatrixPeer(hs.baseUrl, bobUser);
    const aliceApi = new MatrixPeer(hs.baseUrl, alice);
    otherRoomId = await aliceApi.createRoom({ name: 'Elsewhere' });
    roomId = await bob.createRoom({ name: 'Keys Only', invite: [alice.userId] });
    await bob.sendText(roomId, 'First from Bob');
    lastId = await bob.sendText(roomId, 'Second from Bob');
  });
  after(async () => {
    await ui?.stop();
  });

  it('accepts an invitation with Tab and Enter', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.getByTestId('invite-accept').waitFor({ timeout: 30_000 });
    await page.locator('body').focus();
    await tabTo(page, '[data-testid="invite-accept"]');
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor({ timeout: 30_000 });
    const member = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(alice.userId)}`);
    assert.equal(member.membership, 'join', 'Alice joined on the server');
  });

  it('moves through the room list with the arrows and opens a room with Enter', async () => {
    await page.getByTestId('room-filter').focus();
    await page.keyboard.press('ArrowDown');
    await focusLands(page, '[data-testid="room-item"]');
    for (let i = 0; i < 3 && !(await focused(page, `[data-room-id="${roomId}"]`)); i++) {
      const at = await page.evaluate(() => document.activeElement?.getAttribute('data-index'));
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((i) => document.activeElement?.getAttribute('data-index') !== i, at, { timeout: 30_000 });
    }
    assert.ok(await focused(page, `[data-room-id="${roomId}"]`), 'the arrows reach the room');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'option');
    await page.keyboard.press('Enter');
    await page.getByTestId('message').filter({ hasText: 'Second from Bob' }).waitFor({ timeout: 30_000 });
  });

  it('focuses a message with ↑, reacts from its toolbar and takes the reaction back from its chip', async () => {
    await tabTo(page, '[data-testid="timeline"]');
    await page.keyboard.press('ArrowUp');
    const message = page.locator(`[data-event-id="${lastId}"]`);
    assert.ok(await focused(page, `[data-event-id="${lastId}"]`), `the last message has the focus, not ${await describeFocus(page)}`);
    assert.equal(await message.getAttribute('role'), 'article');
    assert.ok(await message.getByTestId('message-actions').isVisible(), 'the focused message shows its toolbar');
    await page.keyboard.press('ArrowUp');
    assert.ok(await focused(page, '[data-testid="message"]:not([data-event-id="' + lastId + '"])'), '↑ moves to the message before');
    await page.keyboard.press('ArrowDown');
    assert.ok(await focused(page, `[data-event-id="${lastId}"]`), '↓ comes back');
    await page.keyboard.press('Home');
    assert.ok(await page.evaluate(() => document.activeElement === document.querySelector('[data-testid="timeline"] .message')),
      `Home focuses the oldest message loaded, not ${await describeFocus(page)}`);
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-event-id')), lastId);
    await page.keyboard.press('End');
    assert.ok(await focused(page, `[data-event-id="${lastId}"]`), `End focuses the newest, not ${await describeFocus(page)}`);

    await page.keyboard.press('Tab');
    assert.ok(await focused(page, `[data-event-id="${lastId}"] [data-testid="react"]`), `Tab enters the toolbar, not ${await describeFocus(page)}`);
    const reactKey = await page.evaluate(() => document.activeElement?.textContent ?? '');
    await page.keyboard.press('Enter');
    const reaction = await bob.waitForMessage(roomId, (ev) => ev.type === 'm.reaction' && ev.sender === alice.userId, 30_000);
    assert.equal(reaction.content?.['m.relates_to']?.event_id, lastId);
    assert.equal(reaction.content?.['m.relates_to']?.key, reactKey);

    const chip = message.getByTestId('reaction').filter({ hasText: reactKey });
    await page.waitForFunction((id) => document.querySelector(`[data-event-id="${id}"] [data-testid="reaction"][aria-pressed="true"]`), lastId, { timeout: 30_000 });
    await tabTo(page, `[data-event-id="${lastId}"] [data-testid="reaction"]`);
    await page.keyboard.press('Enter');
    await bob.waitForMessage(roomId, (ev) => ev.type === 'm.room.redaction' && ev.redacts === reaction.event_id, 30_000);
    await chip.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('reacts with any emoji from the picker by keyboard, and gets the focus back in the toolbar', async () => {
    await page.locator(`[data-event-id="${lastId}"]`).focus();
    await page.keyboard.press('Tab');
    let steps = 0;
    while (!(await focused(page, '[data-testid="react-more"]')) && steps++ < 12) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByTestId('emoji-option').first().waitFor({ timeout: 30_000 });
    assert.ok(await focused(page, '[data-testid="emoji-search"]'), 'the picker opens on its search box');
    // PgDn from the search box pages through the grid, and the timeline behind the picker stays where it was.
    const scrollTop = (testId: string) => page.getByTestId(testId).evaluate((el) => el.scrollTop);
    const timelineTop = await scrollTop('timeline');
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() => (document.querySelector('[data-testid="emoji-grid"]')?.scrollTop ?? 0) > 0, undefined, { timeout: 5_000 });
    assert.equal(await scrollTop('timeline'), timelineTop, 'PgDn in the picker left the timeline alone');
    assert.ok(await focused(page, '[data-testid="emoji-search"]'), 'PgDn keeps the focus in the search box');
    await page.keyboard.press('ArrowDown');
    assert.ok(await focused(page, '[data-testid="emoji-option"]'), `↓ enters the grid, not ${await describeFocus(page)}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const index = await page.evaluate(() => [...document.querySelectorAll('[data-testid="emoji-option"]')].indexOf(document.activeElement!));
    assert.equal(index, 9, '↓ moves a row of 8, → one cell');
    // In the grid PgDn/PgUp move the focus a page of rows, in the same column.
    const focusIndex = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="emoji-option"]')].indexOf(document.activeElement!));
    await page.keyboard.press('PageDown');
    const paged = await focusIndex();
    assert.ok(paged >= 9 + 2 * 8 && (paged - 9) % 8 === 0, `PgDn moves whole rows down, more than one: to ${paged}`);
    await page.keyboard.press('PageUp');
    assert.equal(await focusIndex(), 9, 'PgUp moves back as far');
    assert.equal(await page.locator('[data-testid="emoji-option"][tabindex="0"]').count(), 1, 'the grid is one Tab stop');
    const key = await page.evaluate(() => document.activeElement?.textContent ?? '');
    await shot(page, path.join(ARTIFACTS, 'keyboard-emoji-grid.png'));
    await page.keyboard.press('Enter');
    const reaction = await bob.waitForMessage(roomId, (ev) => ev.type === 'm.reaction' && ev.content?.['m.relates_to']?.key === key, 30_000);
    assert.equal(reaction.content?.['m.relates_to']?.event_id, lastId);
    await focusLands(page, `[data-event-id="${lastId}"] [data-testid="react-more"]`);
  });

  it('walks the toolbar with ←/→ to Reply, types the reply and sends it with Enter', async () => {
    await page.locator(`[data-event-id="${lastId}"]`).focus();
    await page.keyboard.press('Tab');
    let steps = 0;
    while (!(await focused(page, '[data-testid="action-reply"]')) && steps++ < 12) await page.keyboard.press('ArrowRight');
    assert.ok(await focused(page, `[data-event-id="${lastId}"] [data-testid="action-reply"]`), `→ reaches Reply, not ${await describeFocus(page)}`);
    await page.keyboard.press('ArrowLeft');
    assert.ok(!(await focused(page, '[data-testid="action-reply"]')), '← moves back');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.ok(await focused(page, '[data-testid="composer"]'), `Reply moves to the composer, not ${await describeFocus(page)}`);
    await page.keyboard.type('Answered by keyboard');
    await page.keyboard.press('Enter');
    const reply = await bob.waitForMessage(roomId, (ev) => ev.sender === alice.userId && ev.content?.body?.includes('Answered by keyboard'), 30_000);
    assert.equal(reply.content?.['m.relates_to']?.['m.in_reply_to']?.event_id, lastId, 'sent as a reply to the focused message');

    // The reply's quote jumps back to the message, and the focus goes with it.
    const mine = page.locator(`[data-event-id="${reply.event_id}"]`);
    await mine.getByTestId('reply-quote').waitFor({ timeout: 30_000 });
    await mine.focus();
    await tabTo(page, `[data-event-id="${reply.event_id}"] [data-testid="reply-quote"]`, { max: 20 });
    await page.keyboard.press('Enter');
    await focusLands(page, `[data-event-id="${lastId}"]`);
  });

  it('opens a room by name with Ctrl+K and comes back with Alt+↑/↓', async () => {
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Elsewh');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector(`[data-room-id="${id}"]`)?.getAttribute('aria-selected') === 'true', otherRoomId, { timeout: 30_000 });
    const selected = () => page.evaluate(() => document.querySelector('[data-testid="room-item"][aria-selected="true"]')?.getAttribute('data-room-id'));
    const before = await selected();
    await page.keyboard.press('Alt+ArrowDown');
    if ((await selected()) === before) await page.keyboard.press('Alt+ArrowUp');
    assert.equal(await selected(), roomId, 'Alt+↑/↓ moves to the other room');
  });

  it('opens the member list, moves through its rows with ↓ and opens a member\'s info, all by keyboard', async () => {
    await page.getByTestId('composer').focus();
    await tabTo(page, '[data-testid="open-members"]', { back: true, max: 60 });
    await page.keyboard.press('Enter');
    await page.getByTestId('member').nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.member-row[tabindex="0"]').count(), 1, 'the rows are one Tab stop');
    await tabTo(page, '.member-row');
    const first = await page.evaluate(() => document.activeElement?.closest('[data-user-id]')?.getAttribute('data-user-id'));
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement?.closest('[data-user-id]')?.getAttribute('data-user-id'));
    assert.ok(second && second !== first, '↓ moves to the next member');
    await page.keyboard.press('Enter');
    await page.getByTestId('user-info-id').filter({ hasText: second }).waitFor({ timeout: 30_000 });
    // The user info took the focus from the member row it replaced, so Esc there closes it.
    await focusLands(page, '[data-testid="user-info"] *');
    await page.keyboard.press('Escape');
    await page.getByTestId('user-info').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('keeps Tab inside a dialog, closes it with Esc and gives the focus back to its opener', async () => {
    await page.getByTestId('room-filter').focus();
    await tabTo(page, '[data-testid="open-create-room"]', { back: true });
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate(() => document.querySelector('dialog[open]')?.contains(document.activeElement)), `Tab stays in the dialog, not ${await describeFocus(page)}`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await focusLands(page, '[data-testid="open-create-room"]');

    // The quick switcher: Tab moves through its results and does not leave it; Esc gives the focus back.
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-switcher').waitFor();
    await page.keyboard.press('Tab');
    assert.ok(await focused(page, '[data-testid="quick-switcher"] input'), 'Tab keeps the focus in the switcher');
    await page.keyboard.press('Escape');
    await page.getByTestId('quick-switcher').waitFor({ state: 'detached' });
    await focusLands(page, '[data-testid="open-create-room"]');
  });

  it('moves the focus from a message to its toolbar, the room list and its menu in both themes at 1280×800 and 800×600 (screenshots of the focus rings with LATTICE_SHOTS=1)', async () => {
    // No colour transitions: a screenshot right after the theme switch shows the finished colours.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const [w, h] of [[1280, 800], [800, 600]] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
        await page.locator(`[data-event-id="${lastId}"]`).waitFor({ timeout: 30_000 });
        await tabTo(page, '[data-testid="timeline"]', { max: 60 });
        await page.keyboard.press('ArrowUp');
        await page.keyboard.press('ArrowUp');
        await shot(page, path.join(ARTIFACTS, `keyboard-message-${theme}-${w}x${h}.png`));
        await page.keyboard.press('Tab');
        await shot(page, path.join(ARTIFACTS, `keyboard-toolbar-${theme}-${w}x${h}.png`));
        await page.getByTestId('room-filter').focus();
        await page.keyboard.press('ArrowDown');
        await focusLands(page, '[data-testid="room-item"]');
        await shot(page, path.join(ARTIFACTS, `keyboard-roomlist-${theme}-${w}x${h}.png`));
        await page.keyboard.press('Shift+F10');
        await page.getByRole('menu').waitFor();
        await page.keyboard.press('ArrowDown');
        await shot(page, path.join(ARTIFACTS, `keyboard-room-menu-${theme}-${w}x${h}.png`));
        await page.keyboard.press('Escape');
        await page.getByRole('menu').waitFor({ state: 'detached' });
        // Esc gives the focus back to the row (once the menu is gone).
        await focusLands(page, '[data-testid="room-item"]');
      }
    }
  });
});
