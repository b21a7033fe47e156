/**
 * Popovers anchored to a timeline row when the timeline moves, in Chromium against Synapse through the web host. A
 * message's options menu stays open and follows its message as a new message keeps the view at its end, and closes
 * at the user's wheel, with the focus back on its message; the reaction picker opened from a message does the same
 * (use-anchor-scroll.ts's useFollowAnchor), the focus on the message or the timeline. Screenshots of the followed picker in both themes go to test-artifacts/ (with LATTICE_SHOTS=1).
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
});
