/**
 * Popovers anchored to a timeline row when the timeline moves, in Chromium against Synapse through the web host. A
 * message's options menu stays open and follows its message as a new message keeps the view at its end, and closes
 * at the user's wheel, with the focus back on its message; the reaction picker opened from a message does the same
 * (use-anchor-scroll.ts's useFollowAnchor), the focus on the message or the timeline. A menu stays open, its items
 * working, when so many messages arrive that its row leaves the virtualizer's rendered rows (use-held-rows.ts), and
 * stays in a window made smaller; it closes when its message is deleted, the focus on the message. The menu closes
 * when the user pages the timeline (PgUp) so its message leaves the view, the picker (whose PgUp/PgDn page its own
 * grid) when the timeline moves its message out, the focus on the timeline; a menu stays open while its message is
 * partly in view. The composer's emoji picker stays open while the user wheels
 * over the timeline. Screenshots of the followed picker in both themes
 * go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

describe('popovers on a timeline row as the timeline scrolls', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;
  const ids = new Map<string, string>();

  before(async () => {
    hs = await startSynapse();
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Popover E2E'));
    // Enough lines (two each) to fill the timeline, so a new message moves the ones before it up.
    for (let i = 1; i <= 30; i++) ids.set(`Line ${i}`, await bob.sendText(roomId, `Line ${i}\nand its second line`));
    ui = await startWebUi('popover-scroll', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
  });

  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: new RegExp(`^${text}\\b`) }) });
  const focusedEventId = () => page.evaluate(() => document.activeElement?.getAttribute('data-event-id') ?? document.activeElement?.getAttribute('data-testid'));
  async function bobSays(text: string): Promise<void> {
    ids.set(text, await bob.sendText(roomId, `${text}\nand its second line`));
    await message(text).waitFor(WAIT);
  }
  /** The mouse over the timeline's left edge, clear of the toolbar and its popovers. */
  async function mouseOnTimeline(): Promise<void> {
    const box = await page.getByTestId('timeline').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + 30, box.y + box.height / 2);
  }

  it('keeps a message\'s options menu on its message as new ones arrive, and closes it at the wheel, the focus back on the message', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await message('Line 30').waitFor(WAIT);

    // A new message arriving keeps the view at its end, which moves this one up: the menu stays open, under its
    // button (it used to close, under the user, whenever the timeline scrolled by itself).
    await message('Line 30').hover();
    const more = message('Line 30').getByTestId('action-more');
    await more.click();
    const menu = page.getByTestId('message-menu');
    await menu.waitFor();
    const buttonY = (await more.boundingBox())!.y;
    await bobSays('Line 31');
    for (let i = 0; ; i++) {
      const [m, b] = [await menu.boundingBox(), await more.boundingBox()];
      assert.ok(m && b, 'the menu stays open as a message arrives');
      if (b.y < buttonY - 10 && Math.abs(m.y - (b.y + b.height + 4)) <= 1) break;
      assert.ok(i < 50, `the menu follows its button: ${JSON.stringify({ buttonY, b, m })}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The user scrolling the timeline with the wheel: the menu goes, the focus back on its message.
    await mouseOnTimeline();
    await page.mouse.wheel(0, -200);
    await menu.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await focusedEventId(), ids.get('Line 30'));
  });

  it('keeps the reaction picker on its message as new ones arrive, and closes it at the wheel', async () => {
    await mouseOnTimeline();
    await page.mouse.wheel(0, 5_000);
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    const row = message('Line 31');
    await row.hover();
    const button = row.getByTestId('react-more');
    await button.click();
    const picker = page.locator('.emoji-picker-layer');
    await picker.waitFor();
    const gap = async () => {
      const [p, b] = [await picker.boundingBox(), await button.boundingBox()];
      assert.ok(p && b);
      return { gap: Math.round(p.y - b.y), buttonY: b.y };
    };
    const before = await gap();

    await bobSays('Line 32');
    // The row has moved up; the picker with it, the same distance from its button.
    for (let i = 0; ; i++) {
      const now = await gap();
      if (now.buttonY < before.buttonY - 10 && Math.abs(now.gap - before.gap) <= 1) break;
      assert.ok(i < 50, `the picker follows its message: ${JSON.stringify({ before, now })}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await page.getByTestId('emoji-picker').count(), 1, 'the picker is still open');
    await themeShots(page, 'popover-scroll', 'picker-followed');

    // The user scrolling back with the wheel: the picker goes, the focus with its message or the timeline.
    await page.getByTestId('emoji-picker').locator('input').focus();
    await mouseOnTimeline();
    await page.mouse.wheel(0, -3_000);
    await picker.waitFor({ state: 'detached', timeout: 5_000 });
    const focused = await focusedEventId();
    assert.ok(focused === ids.get('Line 31') || focused === 'timeline', `focus on the message or the timeline, not ${focused}`);
  });

  it('keeps a message\'s options menu open when enough messages arrive to take its row out of the rendered rows, its items still working', async () => {
    await mouseOnTimeline();
    await page.mouse.wheel(0, 5_000);
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    await message('Line 32').hover();
    await message('Line 32').getByTestId('action-more').click();
    const menu = page.getByTestId('message-menu');
    await menu.waitFor();
    // Enough to fill the view three times over: the virtualizer renders only the rows near the view, and the row
    // left the page with its menu, under the user's pointer.
    for (let i = 1; i <= 30; i++) ids.set(`Burst ${i}`, await bob.sendText(roomId, `Burst ${i}\nand its second line`));
    await message('Burst 30').waitFor(WAIT);
    assert.equal(await message('Burst 1').count(), 0, 'the rows between the menu\'s message and the view are no longer rendered');
    assert.equal(await menu.count(), 1, 'the menu is still open');
    // The window made smaller: the menu stays in it (placed from its button, now far above the view, it left it).
    await page.setViewportSize({ width: 800, height: 600 });
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const box = await menu.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 600 && box.x >= 0 && box.x + box.width <= 800, `the menu in the window: ${JSON.stringify(box)}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await menu.getByTestId('action-source').click();
    const source = page.getByTestId('source-original');
    await source.waitFor();
    assert.equal(JSON.parse(await source.innerText()).event_id, ids.get('Line 32'), 'the menu\'s item acts on its message');
    await page.keyboard.press('Escape');
    await source.waitFor({ state: 'detached' });
  });

  it('closes a message\'s options menu when the message is deleted, the focus on what is left of it', async () => {
    await message('Burst 30').hover();
    await message('Burst 30').getByTestId('action-more').click();
    const menu = page.getByTestId('message-menu');
    await menu.waitFor();
    const id = ids.get('Burst 30')!;
    await bob.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(id)}/popover-1`, {});
    await menu.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await focusedEventId(), id, 'the focus goes to the deleted message, not to the page');
  });

  it('keeps the composer\'s emoji picker open while the user wheels over the timeline; Esc closes it', async () => {
    const button = page.getByTestId('composer-emoji');
    await button.click();
    const picker = page.getByTestId('emoji-picker');
    await picker.waitFor();
    await mouseOnTimeline();
    const timeline = page.getByTestId('timeline');
    const top = await timeline.evaluate((el) => el.scrollTop);
    await page.mouse.wheel(0, -400);
    // The timeline scrolled under the wheel, and a frame went by after (the picker closed at that wheel before).
    await timeline.evaluate((el, from) => new Promise<void>((done) => {
      let frames = 0;
      const check = () => { if (el.scrollTop < from - 100 && ++frames > 2) done(); else requestAnimationFrame(check); };
      check();
    }), top);
    assert.equal(await picker.count(), 1, 'the picker, anchored to the composer, stays open');
    await picker.locator('input').focus();
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    assert.equal(await button.evaluate((b) => b === document.activeElement), true, 'Esc gives the focus back to the emoji button');
  });
  /** Where a message is against the timeline's view, for an assertion's message. */
  const whereIs = (text: string) => page.evaluate((id) => {
    const t = document.querySelector('[data-testid="timeline"]')!;
    const m = t.querySelector(`[data-event-id="${CSS.escape(id ?? '')}"]`)?.getBoundingClientRect();
    const v = t.getBoundingClientRect();
    return JSON.stringify({ message: m ? [Math.round(m.top), Math.round(m.bottom)] : 'not rendered', view: [Math.round(v.top), Math.round(v.bottom)] });
  }, ids.get(text));

  it('closes a message\'s options menu when PgUp takes the message out of view, and its reaction picker when the timeline moves it out, the focus on the timeline', async () => {
    await mouseOnTimeline();
    await page.mouse.wheel(0, 5_000);
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    const row = message('Burst 29');
    await row.hover();
    await row.getByTestId('action-more').click();
    const menu = page.getByTestId('message-menu');
    await menu.waitFor();
    // PgUp from the menu pages the timeline (the room takes it from anywhere): the message, near the end, leaves the
    // view at the bottom, and the menu used to stay, floating over the messages paged to.
    await page.keyboard.press('PageUp');
    await menu.waitFor({ state: 'detached', timeout: 5_000 }).catch(async (e: unknown) => {
      throw new Error(`the menu closes once its message is out of view (${await whereIs('Burst 29')})`, { cause: e });
    });
    assert.equal(await focusedEventId(), 'timeline', 'the focus goes to the timeline, where PgUp and ↑/↓ go on');
    await themeShots(page, 'popover-scroll', 'paged-menu-closed');

    await mouseOnTimeline();
    await page.mouse.wheel(0, 5_000);
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    await row.hover();
    await row.getByTestId('react-more').click();
    const picker = page.locator('.emoji-picker-layer');
    await picker.waitFor();
    await page.getByTestId('emoji-picker').locator('input').focus();
    // PgUp/PgDn in the picker page through its grid (EmojiPicker.tsx), not the timeline: the picker stays on its message.
    const timeline = page.getByTestId('timeline');
    const timelineTop = await timeline.evaluate((t) => t.scrollTop);
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageUp');
    assert.equal(await timeline.evaluate((t) => t.scrollTop), timelineTop, 'the timeline stays put');
    assert.equal(await picker.isVisible(), true, 'the picker stays open');
    // The timeline paged some other way (the scrollbar, say) takes the message out of view: the picker closes.
    await timeline.evaluate((t) => { t.scrollTop -= t.clientHeight; });
    await picker.waitFor({ state: 'detached', timeout: 5_000 }).catch(async (e: unknown) => {
      throw new Error(`the picker closes once its message is out of view (${await whereIs('Burst 29')})`, { cause: e });
    });
    assert.equal(await focusedEventId(), 'timeline', 'the focus goes to the timeline');
  });

  it('keeps the menu of a message partly in view open as the timeline moves, and closes it once the message is out', async () => {
    await mouseOnTimeline();
    await page.mouse.wheel(0, 5_000);
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    const timeline = page.getByTestId('timeline');
    const id = ids.get('Burst 25')!;
    /** Scrolls the timeline so the message's top is `px` above the view's bottom edge (as the scrollbar or keys would). */
    const showTop = (px: number) => timeline.evaluate((t, [eventId, visible]) => new Promise<void>((done) => {
      const m = t.querySelector(`[data-event-id="${CSS.escape(eventId)}"]`)!;
      t.scrollTop += m.getBoundingClientRect().top - (t.getBoundingClientRect().bottom - visible);
      requestAnimationFrame(() => requestAnimationFrame(() => done()));
    }), [id, px] as const);
    await showTop(40);
    const row = message('Burst 25');
    await row.hover({ position: { x: 300, y: 10 } });
    await row.getByTestId('action-more').click({ timeout: 10_000 });
    const menu = page.getByTestId('message-menu');
    await menu.waitFor();
    // Moved, but still partly in view: the menu stays.
    await showTop(15);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await menu.count(), 1, `the menu of a message partly in view stays open (${await whereIs('Burst 25')})`);
    // Out of view: it goes.
    await showTop(-20);
    await menu.waitFor({ state: 'detached', timeout: 5_000 }).catch(async (e: unknown) => {
      throw new Error(`the menu closes once its message is out of view (${await whereIs('Burst 25')})`, { cause: e });
    });
    assert.equal(await focusedEventId(), 'timeline', 'the focus goes to the timeline');
  });
});
