/**
 * Jumping to a date, in Chromium against Synapse through the web host: `/jumptodate` in a room whose beginning is
 * far above the loaded history opens the timeline there with the first event of the day highlighted, and says in
 * the composer when nothing was said on or after a day, or the day is not one; a date separator's menu jumps to the
 * beginning of the room, and its date picker says in the dialog when nothing was said after the day picked;
 * `/jumptodate` in a thread's composer jumps the room's main timeline the same way (and says there what is wrong). Every
 * message here is sent today (the harness has no way to send with an older timestamp), so the first event of
 * today is the room's creation. Screenshots of the menu and the dialog in both themes, wide and narrow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
/** More than the first sync and the history pages a jump loads before it opens the event's context instead. */
const HISTORY = 260;
const enc = encodeURIComponent;

describe('jump to a date, against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let longRoom: string;
  let shortRoom: string;

  /** The room's first event (its m.room.create), as the server orders them. */
  async function firstEvent(roomId: string): Promise<string> {
    const resp = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=f&limit=1`) as { chunk: { event_id: string; type: string }[] };
    assert.equal(resp.chunk[0]?.type, 'm.room.create');
    return resp.chunk[0].event_id;
  }

  /** The local day `offset` days from today in the page's time zone, as YYYY-MM-DD. */
  function day(offset: number): Promise<string> {
    return page.evaluate((o) => {
      const d = new Date();
      d.setDate(d.getDate() + o);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, offset);
  }

  /**
   * Does `action` and waits for `eventId` to show highlighted. The highlight fades after two seconds, so the watch
   * starts before the action: on a busy machine, whatever the test does after the jump (a request to Synapse, waiting
   * for the dialog to close) can outlast it.
   */
  async function jumpsTo(eventId: string, action: () => Promise<void>): Promise<void> {
    const seen = page.waitForFunction(
      (id) => document.querySelector(`[data-testid="timeline"] [data-event-id="${CSS.escape(id)}"]`)?.classList.contains('is-highlighted') === true,
      eventId, WAIT);
    await action();
    await seen;
  }

  before(async () => {
    ui = await startWebUi('jump-to-date');
    page = ui.page;
    ({ alice, bob, roomId: longRoom } = await aliceAndBobRoom(ui.hs, 'Long history'));
    await ui.hs.disableRateLimits(bob.userId);
    for (let i = 0; i < HISTORY; i++) await bob.sendText(longRoom, `Old line ${i}`);
    shortRoom = await bob.createRoom({ name: 'Short history', invite: [alice.userId] });
    await new MatrixPeer(ui.hs.baseUrl, alice).join(shortRoom);
    for (let i = 0; i < 4; i++) await bob.sendText(shortRoom, `Short line ${i}`);
  });
  after(async () => {
    await ui?.stop();
  });

  const composer = () => page.getByTestId('composer');

  it('/jumptodate opens the room at the first event of the day, far above the loaded history, highlighted', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${longRoom}"]`).click(WAIT);
    await page.getByTestId('message').filter({ hasText: `Old line ${HISTORY - 1}` }).waitFor(WAIT);
    const create = await firstEvent(longRoom);
    assert.equal(await page.locator(`[data-event-id="${create}"]`).count(), 0, 'the room\'s beginning starts out unloaded');
    await composer().fill(`/jumptodate ${await day(0)}`);
    await jumpsTo(create, () => composer().press('Enter'));
    assert.equal(await composer().inputValue(), '', 'the command leaves the composer once the jump is under way');
    assert.equal(await page.getByTestId('composer-error').count(), 0);
  });

  it('/jumptodate says in words when nothing was said on or after the day, and when the day is not one', async () => {
    const tomorrow = await day(1);
    await composer().fill(`/jumptodate ${tomorrow}`);
    await composer().press('Enter');
    const words = await page.evaluate((d) => new Date(`${d}T00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' }), tomorrow);
    await page.getByTestId('composer-error').filter({ hasText: `Nothing was said in this room on or after ${words}.` }).waitFor(WAIT);
    assert.equal(await composer().inputValue(), `/jumptodate ${tomorrow}`, 'the command stays to be corrected');
    await composer().fill('/jumptodate 2026-02-30');
    await composer().press('Enter');
    await page.getByTestId('composer-error').filter({ hasText: '"2026-02-30" is not a day: write it as YYYY-MM-DD' }).waitFor(WAIT);
    await composer().fill('');
  });

  it('a date separator\'s menu jumps to the beginning of the room, highlighted', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${shortRoom}"]`).click(WAIT);
    await page.getByTestId('message').filter({ hasText: 'Short line 3' }).waitFor(WAIT);
    const separator = page.getByTestId('timeline').getByTestId('day-separator').first();
    await separator.click();
    const menu = page.getByTestId('day-menu');
    await menu.waitFor();
    assert.deepEqual(await menu.getByRole('menuitem').allInnerTexts(),
      ['Today', 'Yesterday', 'Last week', 'Last month', 'The beginning of the room', 'Jump to a date…']);
    await sizedShots(page, (theme, size) => `jump-to-date-menu-${theme}-${size}.png`);
    await jumpsTo(await firstEvent(shortRoom), async () => {
      await menu.getByTestId('day-menu-beginning').click();
      await menu.waitFor({ state: 'detached' });
    });
  });

  it('the date picker jumps, and says in the dialog when nothing was said after the day picked', async () => {
    await page.getByTestId('timeline').getByTestId('day-separator').first().click();
    await page.getByTestId('day-menu-pick').click();
    const dialog = page.getByTestId('jump-to-date-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('jump-to-date-input').inputValue(), await day(0), 'it opens at the separator\'s day');
    await sizedShots(page, (theme, size) => `jump-to-date-dialog-${theme}-${size}.png`);
    // Every message is from today: tomorrow has nothing on or after it.
    await dialog.getByTestId('jump-to-date-input').fill(await day(1));
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('dialog-error').filter({ hasText: /^Nothing was said in this room on or after / }).waitFor(WAIT);
    await sizedShots(page, (theme, size) => `jump-to-date-dialog-error-${theme}-${size}.png`);
    await dialog.getByTestId('jump-to-date-input').fill(await day(0));
    await jumpsTo(await firstEvent(shortRoom), async () => {
      await dialog.getByTestId('dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
    });
  });

  it('/jumptodate in a thread\'s composer jumps the room\'s main timeline, and says there when the day is not one', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${longRoom}"]`).click(WAIT);
    const root = page.getByTestId('message').filter({ hasText: `Old line ${HISTORY - 1}` });
    await root.waitFor(WAIT);
    const create = await firstEvent(longRoom);
    assert.equal(await page.locator(`[data-event-id="${create}"]`).count(), 0, 'the room opens again at its newest messages');
    await root.hover();
    await root.getByTestId('action-thread').click();
    const threadComposer = page.getByTestId('thread-composer');
    await threadComposer.waitFor(WAIT);
    await threadComposer.fill(`/jumptodate ${await day(0)}`);
    await jumpsTo(create, () => threadComposer.press('Enter'));
    assert.equal(await threadComposer.inputValue(), '', 'the command leaves the thread\'s composer once the jump is under way');
    assert.equal(await page.getByTestId('thread-composer-error').count(), 0);
    assert.equal(await page.getByTestId('thread-panel').getByText('/jumptodate').count(), 0, 'nothing was sent in the thread');
    await threadComposer.fill('/jumptodate 2026-02-30');
    await threadComposer.press('Enter');
    await page.getByTestId('thread-composer-error').filter({ hasText: '"2026-02-30" is not a day: write it as YYYY-MM-DD' }).waitFor(WAIT);
  });
});
