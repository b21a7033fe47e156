/**
 * The room view as a person sees it at different window sizes, in Chromium against Synapse through the web host:
 * a message the server refuses says why in words (not the server's raw text and error code), one message toolbar
 * shows at a time (the pointer's row, or the row whose toolbar has the keyboard focus), the toolbar of a row at the
 * top of the view covers none of its text, the room's name keeps its room in a narrow header (the panel buttons and
 * Leave fold into a "More options" menu, each item with its button's icon), and lines of text stop at a reading
 * width on a wide window while a wide code block still uses the row's width. Screenshots in both themes go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const ROOM_NAME = 'Project room for the launch';

describe('the room view against Synapse', () => {
  let ui: WebUi;
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let page: Page;

  before(async () => {
    ui = await startWebUi('room-view');
    ({ hs, page } = ui);
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, ROOM_NAME));
    await hs.disableRateLimits(bob.userId);
    await bob.setState(roomId, 'm.room.topic', '', { topic: 'Everything about the launch in March' });
    for (let i = 0; i < 30; i++) await bob.sendText(roomId, `Line ${i} of the history`);
  });
  after(async () => {
    await ui?.stop();
  });

  const timeline = () => page.getByTestId('timeline');
  const message = (text: string) => timeline().getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  /** The rows whose toolbar is on screen now. */
  const toolbarsShown = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="timeline"] [data-testid="message-actions"]')]
    .filter((el) => getComputedStyle(el).display !== 'none')
    .map((el) => el.closest('[data-event-id]')?.getAttribute('data-event-id')));
  const blur = () => page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); });

  it('opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await message('Line 29 of').waitFor({ timeout: 30_000 });
    // A room of two that is not a DM: a call still has exactly one person to ring, as in Element.
    await page.getByTestId('start-voice-call').waitFor();
    assert.equal(await page.getByTestId('start-video-call').isVisible(), true);
  });

  it('shows one toolbar: the pointer\'s row over a row clicked before, a row reached by keyboard over the pointer\'s', async () => {
    // A click leaves its row focused; the pointer moving on takes the toolbar with it.
    const clicked = message('Line 25 of');
    const pointed = message('Line 27 of');
    await clicked.locator('.message-body').click();
    assert.equal(await clicked.evaluate((el) => el === document.activeElement), true, 'the click focused its row');
    await pointed.hover();
    assert.deepEqual(await toolbarsShown(), [await pointed.getAttribute('data-event-id')],
      'the row under the pointer shows its toolbar, the clicked row hides its own');

    // Reached with ↑, a row keeps its toolbar under the pointer resting elsewhere, and Tab goes into it.
    await timeline().focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const focusedId = await page.evaluate(() => document.activeElement?.getAttribute('data-event-id'));
    assert.ok(focusedId, 'a message has the focus');
    const other = timeline().locator(`[data-testid="message"]:not([data-event-id="${focusedId}"])`).last();
    await other.hover();
    assert.deepEqual(await toolbarsShown(), [focusedId], 'the keyboard\'s row keeps its toolbar; the pointer\'s row shows none');
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { focusLog: string[] }).focusLog = log;
      for (const t of ['focusin', 'focusout']) {
        document.addEventListener(t, (e) => log.push(`${t} ${(e.target as HTMLElement).outerHTML.slice(0, 80)} display=${getComputedStyle(e.target as HTMLElement).display} connected=${(e.target as HTMLElement).isConnected}`), true);
      }
    });
    console.log(await page.evaluate(() => {
      const row = document.activeElement as HTMLElement;
      const bar = row.querySelector('[data-testid="message-actions"]');
      return `row focus-visible=${row.matches(':focus-visible')} bar=${bar ? getComputedStyle(bar).display : 'none found'} buttons=${bar ? [...bar.querySelectorAll('button')].map((b) => b.tabIndex).join(',') : ''}`;
    }));
    await page.keyboard.press('Tab');
    console.log(await page.evaluate(() => (window as unknown as { focusLog: string[] }).focusLog.join('\n')));
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-event-id]')?.getAttribute('data-event-id')), focusedId,
      `Tab goes into the focused message's toolbar (the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))})`);
    assert.deepEqual(await toolbarsShown(), [focusedId]);
    await blur();
  });

  it('puts the toolbar of a row at the top of the view under it, clear of its text', async () => {
    await page.mouse.move(0, 0);
    const row = message('Line 4 of');
    await row.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(200); // let the timeline's scroll handling settle before the pointer comes
    await row.hover();
    const geo = await row.evaluate((el) => {
      const view = el.closest('.timeline-scroller')!.getBoundingClientRect();
      const bar = el.querySelector('[data-testid="message-actions"]')!.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(el.querySelector('.message-body')!);
      const line = range.getClientRects()[0];
      return { rowTop: el.getBoundingClientRect().top - view.top, viewTop: view.top, bar: [bar.top, bar.bottom], line: [line.top, line.bottom] };
    });
    assert.ok(geo.rowTop < 28, `the row is at the top of the view (${geo.rowTop}px below it)`);
    assert.ok(geo.bar[0] >= geo.viewTop, 'the toolbar is not cut off by the top of the view');
    assert.ok(geo.bar[0] >= geo.line[1] || geo.bar[1] <= geo.line[0],
      `the toolbar (${geo.bar.join('–')}) leaves the row's first line (${geo.line.join('–')}) readable`);
    await themeShots(page, 'room-view', 'top-row-toolbar');
    await page.mouse.move(0, 0);
  });

  it('says in words why the server refused a message, without its error code', async () => {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`;
    const levels = await bob.request('GET', path) as Record<string, unknown>;
    const events = (levels.events ?? {}) as Record<string, unknown>;
    await bob.setState(roomId, 'm.room.power_levels', '', { ...levels, events: { ...events, 'org.matrix.msc3381.poll.start': 50 } });
    await page.getByTestId('composer').press('Escape');
    await page.getByTestId('composer-more').click();
    await page.getByTestId('composer-poll').click();
    const dialog = page.getByTestId('poll-dialog');
    await dialog.getByTestId('poll-question').fill('Launch party: Friday or Saturday?');
    await dialog.getByTestId('poll-answer-input').nth(0).fill('Friday');
    await dialog.getByTestId('poll-answer-input').nth(1).fill('Saturday');
    await dialog.getByTestId('dialog-submit').click();
    const refused = page.getByTestId('send-error');
    await refused.waitFor({ timeout: 30_000 });
    const said = await refused.innerText();
    assert.match(said, /Not sent\. You are not allowed to send this in this room: it takes power level 50, and yours is 0\./);
    assert.doesNotMatch(said, /M_FORBIDDEN|user_level|send_level/);
    await themeShots(page, 'room-view', 'refused');
    await page.getByRole('button', { name: 'Discard' }).click();
    await refused.waitFor({ state: 'detached', timeout: 30_000 });
    await bob.setState(roomId, 'm.room.power_levels', '', levels);
  });

  it('keeps the room\'s name whole in a narrow window, with the header\'s buttons in a menu', async () => {
    await page.setViewportSize({ width: 700, height: 800 });
    const name = page.locator('.room-header-name');
    await page.getByTestId('room-header-more').waitFor();
    assert.equal(await name.innerText(), ROOM_NAME);
    const widths = await name.evaluate((el) => [el.clientWidth, el.scrollWidth]);
    assert.ok(widths[1] <= widths[0], `the whole name shows (${widths[0]}px of ${widths[1]}px)`);
    assert.equal(await page.getByTestId('open-search').isVisible(), false, 'the panel buttons give way to the menu');
    assert.equal(await page.getByTestId('open-leave-room').isVisible(), false);
    assert.equal(await page.getByTestId('start-voice-call').isVisible(), false);

    const more = page.getByTestId('room-header-more');
    await more.click();
    const focusedItem = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    // The call buttons of this room of two fold in first, then the panels.
    assert.equal(await focusedItem(), 'header-menu-voice-call', 'the menu takes the focus on its first item');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedItem(), 'header-menu-video-call');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedItem(), 'header-menu-search');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    assert.equal(await focusedItem(), 'header-menu-leave', '↑ from the first item wraps to the last');
    // Each item has its button's icon (the same shape), all in one column before the labels, as in Element.
    const items = await page.getByTestId('room-header-menu').locator('[role^="menuitem"]').evaluateAll((els) => els.map((e) => ({
      id: e.getAttribute('data-testid'), icon: e.querySelector('svg.menu-icon')?.innerHTML ?? null,
      x: e.querySelector('svg.menu-icon')?.getBoundingClientRect().left ?? null,
    })));
    for (const item of items) assert.ok(item.icon, `${item.id} has an icon`);
    assert.equal(new Set(items.map((i) => i.x)).size, 1, `the icons line up: ${JSON.stringify(items.map((i) => i.x))}`);
    const iconOf = (testId: string) => page.getByTestId(testId).locator('svg').evaluate((el) => el.innerHTML);
    for (const [item, button] of [['header-menu-search', 'open-search'], ['header-menu-pinned', 'open-pinned'], ['header-menu-threads', 'open-threads'],
      ['header-menu-settings', 'open-room-settings'], ['header-menu-voice-call', 'start-voice-call'], ['header-menu-video-call', 'start-video-call']]) {
      assert.equal(items.find((i) => i.id === item)?.icon, await iconOf(button), `${item} draws ${button}'s icon`);
    }
    await themeShots(page, 'room-view', 'narrow-header-menu');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('room-header-menu').count(), 0);
    assert.equal(await focusedItem(), 'room-header-more', 'Esc gives the focus back to the button');

    await more.click();
    await page.getByTestId('header-menu-search').click();
    await page.getByTestId('room-search').waitFor();
    await more.click();
    await page.getByTestId('header-menu-search').click();
    await page.getByTestId('room-search').waitFor({ state: 'detached' });

    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await page.getByTestId('open-search').waitFor({ timeout: 10_000 });
    } catch {
      const m = await page.evaluate(() => {
        const h = document.querySelector('.room-header')!;
        const t = h.querySelector('.room-header-name')!;
        return { cls: h.className, header: h.clientWidth, name: [t.clientWidth, t.scrollWidth], connected: t.isConnected };
      });
      assert.fail(`the buttons do not come back in a wide header: ${JSON.stringify(m)}`);
    }
    // A wide header shows the buttons themselves: its menu keeps only what has no button (Export chat, Report room).
    await more.click();
    assert.deepEqual(await page.getByTestId('room-header-menu').getByRole('menuitem').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
      ['header-menu-export', 'header-menu-report']);
    assert.equal(await page.getByTestId('header-menu-search').count(), 0);
    await page.keyboard.press('Escape');
  });

  it('keeps lines of text to a reading width on a wide window, and lets a wide code block use the row', async () => {
    await page.setViewportSize({ width: 1920, height: 1000 });
    await bob.sendText(roomId, `A long thought. ${'This sentence goes on and on about the launch. '.repeat(16)}`);
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: `Wide code:\n${'x'.repeat(150)}`, format: 'org.matrix.custom.html',
      formatted_body: `<p>Wide code, and a paragraph that is long enough to wrap at the reading width. ${'More words about it. '.repeat(12)}</p><pre><code>${'x = 1; '.repeat(21)}</code></pre>`,
    });
    const code = message('Wide code, and');
    await code.waitFor({ timeout: 30_000 });
    const text = await message('A long thought.').locator('.message-body').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(text < 900, `a long message's lines stop at a reading width (${text}px wide)`);
    const row = await code.locator('.message-main').evaluate((el) => el.getBoundingClientRect().width);
    const pre = await code.locator('pre').evaluate((el) => ({ width: el.getBoundingClientRect().width, fits: el.scrollWidth <= el.clientWidth }));
    assert.ok(pre.fits && pre.width > text, `the code block uses the row's width (${pre.width}px of ${row}px) instead of scrolling`);
    const paragraph = await code.locator('.message-html > p').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(paragraph < 900, `the text beside it keeps the reading width (${paragraph}px)`);
    await themeShots(page, 'room-view', 'wide-window');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
