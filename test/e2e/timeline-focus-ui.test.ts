/**
 * Where the keyboard focus stays in a room's timeline, in Chromium against Synapse through the web host: a message
 * focused by keyboard at the top of the loaded history keeps the focus while older history arrives and the rows are
 * laid out again (a keyboard user paging up meets it at every page), Tab from a message focused by a click goes
 * into that message's own toolbar, not into the toolbar of the row the pointer happens to rest on, Home/End go to the
 * oldest and newest message loaded (not the first and last the virtualizer happens to render), a click on the
 * newest message leaves the view at the end, following the next message to arrive, and a scroll the browser has not
 * reported yet is not undone by a message arriving in that frame.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
/** Enough for several history pages above the first screenful. */
const HISTORY = 210;

/** What has the focus, in words for an assertion message. */
function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const row = el?.closest('[data-event-id]');
    return `${el?.tagName.toLowerCase() ?? 'nothing'}${el?.dataset.testid ? `[${el.dataset.testid}]` : ''} in ${row ? `“${row.querySelector('.message-body')?.textContent ?? ''}”` : 'no message'}`;
  });
}

describe('the keyboard focus in the timeline, against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;

  before(async () => {
    ui = await startWebUi('timeline-focus');
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Long history'));
    await ui.hs.disableRateLimits(bob.userId);
    for (let i = 0; i < HISTORY; i++) await bob.sendText(roomId, `Old line ${i}`);
  });
  after(async () => {
    await ui?.stop();
  });

  const timeline = () => page.getByTestId('timeline');
  const message = (text: string) => timeline().getByTestId('message').filter({ has: page.locator('.message-body', { hasText: new RegExp(`^${text}$`) }) });

  it('opens the room at its newest message', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await message(`Old line ${HISTORY - 1}`).waitFor(WAIT);
  });

  it('keeps the view where the user scrolled in the same frame as a page of history was put in place', async () => {
    // Read partway up (no page loads yet), then up to the top: a page loads and the row read is put back in place.
    // The user scrolls on to the top in that same task, before the browser reports the restore's scroll: one scroll
    // event for both. The view must stay where the user went (and load the next page above it), not be pulled back.
    await page.evaluate(() => { document.querySelector('[data-testid="timeline"]')!.scrollTop = 1000; });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const seen = await page.evaluate(() => new Promise<{ restoredTop: number; oldest: string | null }>((resolve, reject) => {
      const t = document.querySelector<HTMLElement>('[data-testid="timeline"]')!;
      // Never hang the suite: no page at all within the usual wait is a failure, with where the view was.
      const timer = setTimeout(() => { mo.disconnect(); reject(new Error(`no page loaded at the top (scrollTop ${t.scrollTop}, busy ${t.getAttribute('aria-busy')})`)); }, 30_000);
      const mo = new MutationObserver(() => {
        if (t.getAttribute('aria-busy') !== 'false') return;
        mo.disconnect();
        clearTimeout(timer);
        // The page's rows are committed and the read row put back: the view rendered so far is still the top's.
        const restoredTop = t.scrollTop;
        const oldest = t.querySelector('.message')?.getAttribute('data-event-id') ?? null;
        t.scrollTop = 0;
        resolve({ restoredTop, oldest });
      });
      mo.observe(t, { attributes: true, attributeFilter: ['aria-busy'] });
      t.scrollTop = 0;
    }));
    assert.ok(seen.restoredTop > 0 && seen.oldest, `the page was put in place below the top (${JSON.stringify(seen)})`);
    // The next page loads above the top the user went to, and that row stays in view through it.
    await page.waitForFunction((id) => {
      const t = document.querySelector('[data-testid="timeline"]')!;
      const first = t.querySelector('.message');
      return t.getAttribute('aria-busy') === 'false' && first !== null && first.getAttribute('data-event-id') !== id;
    }, seen.oldest, WAIT);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const inView = await page.evaluate(({ id }) => {
      const row = document.querySelector(`[data-testid="timeline"] [data-event-id="${CSS.escape(id)}"]`);
      const view = document.querySelector('[data-testid="timeline"]')!.getBoundingClientRect();
      const box = row?.getBoundingClientRect();
      return box !== undefined && box.bottom > view.top && box.top < view.bottom;
    }, { id: seen.oldest });
    assert.ok(inView, `the row the user scrolled to is still in view (the view is at ${await page.evaluate(() => document.querySelector('[data-testid="timeline"]')!.scrollTop)})`);
  });

  it('keeps the focus on the message Home focused while older history loads above it, page after page', async () => {
    await timeline().focus();
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="timeline"] .message') === true);
    let pages = 0;
    for (let round = 0; round < 40; round++) {
      // Home focuses the oldest message loaded and scrolls the view to the top, which loads older history.
      await page.keyboard.press('Home');
      const focusedId = await page.evaluate(() => document.activeElement?.getAttribute('data-event-id') ?? null);
      assert.ok(focusedId, `Home focuses a message, not ${await describeFocus(page)}`);
      // Older messages arrived above the focused one (nothing is rendered above the oldest loaded until then), or
      // it is the oldest of the room. A page can arrive before this looks (the backend answers fast): it counts.
      const outcome = await page.waitForFunction((id) => {
        const t = document.querySelector('[data-testid="timeline"]')!;
        const first = t.querySelector('.message');
        if (first !== null && first.getAttribute('data-event-id') !== id) return 'page';
        return t.querySelector('.timeline-start') !== null && t.getAttribute('aria-busy') === 'false' ? 'start' : false;
      }, focusedId, WAIT).then((h) => h.jsonValue()).catch(async (e: unknown) => {
        const state = await page.evaluate(() => {
          const t = document.querySelector('[data-testid="timeline"]')!;
          return { top: t.scrollTop, busy: t.getAttribute('aria-busy'), topLine: t.querySelector('.timeline-top')?.textContent,
            first: [...t.querySelectorAll('.message-body')].slice(0, 3).map((m) => m.textContent), active: document.activeElement?.textContent?.slice(0, 40) };
        });
        throw new Error(`no older rows after Home (round ${round}): ${JSON.stringify(state)}`, { cause: e });
      });
      if (outcome === 'start') break;
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      pages++;
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-event-id') ?? null), focusedId,
        `the message keeps the focus once older history is laid out above it (page ${pages}); the focus is on ${await describeFocus(page)}`);
      const visible = await page.evaluate(() => {
        const row = document.activeElement!.getBoundingClientRect();
        const view = document.querySelector('[data-testid="timeline"]')!.getBoundingClientRect();
        return row.bottom > view.top && row.top < view.bottom;
      });
      assert.ok(visible, `the focused message is still in view (page ${pages})`);
    }
    assert.ok(pages >= 2, `history loaded while a message had the focus (${pages} pages)`);
  });

  it('tabs from a message focused by a click into its own toolbar, wherever the pointer rests', async () => {
    await page.getByTestId('composer').press('Escape'); // back to the newest messages
    const clicked = message(`Old line ${HISTORY - 4}`);
    const pointed = message(`Old line ${HISTORY - 3}`);
    await clicked.locator('.message-body').click();
    assert.equal(await clicked.evaluate((el) => el === document.activeElement), true, 'the click focuses the message');
    await pointed.hover();
    assert.ok(await pointed.getByTestId('message-actions').isVisible(), 'the row under the pointer shows its toolbar');
    await themeShots(page, 'timeline-focus', 'clicked-and-pointed');
    await page.keyboard.press('Tab');
    const clickedId = await clicked.getAttribute('data-event-id');
    const inToolbarOf = await page.evaluate(() => document.activeElement?.closest('[role="toolbar"]')?.closest('[data-event-id]')?.getAttribute('data-event-id') ?? null);
    assert.equal(inToolbarOf, clickedId, `Tab enters the focused message's toolbar, not ${await describeFocus(page)}`);
    assert.ok(await clicked.getByTestId('message-actions').isVisible(), 'the focused message shows its toolbar');
    assert.equal(await pointed.getByTestId('message-actions').isVisible(), false, 'one toolbar at a time');
    await themeShots(page, 'timeline-focus', 'tab-into-toolbar');
    // Esc leaves the toolbar for its message, as from a toolbar reached by keyboard.
    await page.keyboard.press('Escape');
    assert.equal(await clicked.evaluate((el) => el === document.activeElement), true, `Esc returns to the message, not ${await describeFocus(page)}`);
  });

  it('tabs on from a reaction clicked in a message to that message\'s next stop, past the toolbar under the pointer', async () => {
    const reacted = message(`Old line ${HISTORY - 6}`);
    const pointed = message(`Old line ${HISTORY - 5}`);
    const reactedId = (await reacted.getAttribute('data-event-id'))!;
    await bob.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: reactedId, key: '👀' } });
    const chip = reacted.getByTestId('reaction');
    await chip.waitFor(WAIT);
    await chip.click();
    assert.equal(await chip.evaluate((el) => el === document.activeElement), true, 'the click focuses the reaction');
    await pointed.hover();
    await page.keyboard.press('Tab');
    const pointedId = await pointed.getAttribute('data-event-id');
    const inToolbarOf = await page.evaluate(() => document.activeElement?.closest('[role="toolbar"]')?.closest('[data-event-id]')?.getAttribute('data-event-id') ?? null);
    assert.notEqual(inToolbarOf, pointedId, `Tab does not enter the toolbar under the pointer (the focus is on ${await describeFocus(page)})`);
    assert.equal(await pointed.getByTestId('message-actions').isVisible(), false, 'the pointer\'s row shows no toolbar while the keyboard is in use');
    // Moving the pointer again shows the toolbar under it, as before.
    await message(`Old line ${HISTORY - 2}`).hover();
    assert.ok(await message(`Old line ${HISTORY - 2}`).getByTestId('message-actions').isVisible(), 'the pointer\'s row shows its toolbar again');
  });
  it('goes from a message to the oldest message loaded with Home and back to the newest with End, each in view', async () => {
    // The whole history is loaded by now (Home paged up to the start of the room above), hundreds of rows of which
    // the virtualizer renders only those near the view: Home went to the oldest of those, a few rows up.
    await timeline().focus();
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid="timeline"] .message') === true, null, WAIT);
    const focusedText = () => page.evaluate(() => document.activeElement?.querySelector('.message-body')?.textContent ?? null);
    assert.equal(await focusedText(), `Old line ${HISTORY - 1}`, '↑ from the timeline focuses the newest message');
    const inView = () => page.evaluate(() => {
      const t = document.querySelector('[data-testid="timeline"]')!;
      const row = document.activeElement!.getBoundingClientRect();
      const view = t.getBoundingClientRect();
      return { inView: row.top >= view.top - 1 && row.bottom <= view.bottom + 1, gap: t.scrollHeight - t.scrollTop - t.clientHeight };
    });

    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.activeElement?.querySelector('.message-body')?.textContent === 'Old line 0', null, { timeout: 10_000 })
      .catch(async (e: unknown) => { throw new Error(`Home focuses the oldest message loaded, not ${await describeFocus(page)}`, { cause: e }); });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.ok((await inView()).inView, 'the oldest message is in view');
    assert.equal(await focusedText(), 'Old line 0', `the focus stays on it once the rows are laid out, not ${await describeFocus(page)}`);
    assert.ok(await page.locator('[data-testid="timeline"] .timeline-start').isVisible(), 'the start of the room shows above it');
    await themeShots(page, 'timeline-focus', 'home-oldest');

    await page.keyboard.press('End');
    await page.waitForFunction((text) => document.activeElement?.querySelector('.message-body')?.textContent === text, `Old line ${HISTORY - 1}`, { timeout: 10_000 })
      .catch(async (e: unknown) => { throw new Error(`End focuses the newest message, not ${await describeFocus(page)}`, { cause: e }); });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const end = await inView();
    assert.ok(end.inView && end.gap <= 48, `the newest message is in view at the end of the timeline (${JSON.stringify(end)})`);
    assert.equal(await page.getByTestId('jump-to-latest').count(), 0, 'no "Jump to latest" at the end');
  });

  it('lets the pointer go from the message under "Jump to latest" onto the button and click it', async () => {
    await timeline().evaluate((t) => { t.scrollTop = 0; });
    const jump = page.getByTestId('jump-to-latest');
    await jump.waitFor({ timeout: 10_000 });
    const box = await jump.boundingBox();
    assert.ok(box);
    // On the row under the button, beside it: a hovered row is raised above the rows around it (its toolbar may reach
    // into them), and it was raised above the button too, which then took no click while the pointer came from there.
    await page.mouse.move(box.x - 40, box.y + box.height / 2);
    await jump.click({ timeout: 5_000 }).catch(async (e: unknown) => {
      const on = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('[data-testid]')?.getAttribute('data-testid'), [box.x + box.width / 2, box.y + box.height / 2]);
      throw new Error(`the button takes the click, not ${on ?? 'nothing'}`, { cause: e });
    });
    await jump.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('follows a new message to the end of the timeline after a click on the newest one', async () => {
    // A focus scroll nudging the view off the end would make the timeline take it for the user scrolling away. It
    // does not (the view stays 0 px from the end after the click, in Chromium, for short, two-line and taller-than-
    // the-view messages alike), and the 48 px slack of use-timeline-place.ts would absorb a few px: this keeps it so.
    await page.getByTestId('composer').press('Escape'); // at the newest messages, following them
    const newest = message(`Old line ${HISTORY - 1}`);
    await newest.waitFor({ timeout: 10_000 });
    await newest.locator('.message-body').click({ timeout: 10_000 });
    assert.equal(await newest.evaluate((el) => el === document.activeElement), true, 'the click focuses the message');
    const gapAfterClick = await timeline().evaluate((t) => t.scrollHeight - t.scrollTop - t.clientHeight);
    await bob.sendText(roomId, 'Fresh line after the click');
    const fresh = message('Fresh line after the click');
    await fresh.waitFor(WAIT);
    const state = () => page.evaluate(() => {
      const t = document.querySelector('[data-testid="timeline"]')!;
      const rows = [...t.querySelectorAll('.message')];
      const last = rows.at(-1)!.getBoundingClientRect();
      const view = t.getBoundingClientRect();
      return { lastInView: last.bottom <= view.bottom + 1 && last.top >= view.top, gap: t.scrollHeight - t.scrollTop - t.clientHeight, last: rows.at(-1)!.textContent };
    });
    // The view follows within a few frames of the row's arrival; bounded, so a view left behind fails with where it was.
    let now = await state();
    for (let i = 0; i < 20 && !(now.lastInView && now.gap <= 8); i++) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
      now = await state();
    }
    assert.ok(now.lastInView && now.gap <= 8, `the new message is in view at the end (after the click the view was ${gapAfterClick}px from the end; now ${JSON.stringify(now)})`);
  });

  it('keeps the view where a scroll went when a message arrives before the browser reports that scroll', async () => {
    // At the end, following. The view goes to the top (as a message focused by keyboard scrolls it into view) and a
    // message arrives before the scroll event: the scroll events are held here until the new row is laid out, in
    // place of the frame in which the two met by chance on CI. The layout for the new row must not take the view
    // back to the place it left (to the end, where nothing loads): the start of the room stays in view.
    const scroller = timeline();
    await scroller.evaluate((t) => {
      const w = window as unknown as { releaseScroll?: () => void };
      const hold = (e: Event): void => { if (e.target === t) e.stopImmediatePropagation(); };
      window.addEventListener('scroll', hold, { capture: true });
      w.releaseScroll = () => { window.removeEventListener('scroll', hold, { capture: true }); t.dispatchEvent(new Event('scroll')); };
      t.scrollTop = 0;
    });
    const height = await scroller.evaluate((t) => t.scrollHeight);
    await bob.sendText(roomId, 'Arrives as the view goes to the top');
    await page.waitForFunction((h) => document.querySelector('[data-testid="timeline"]')!.scrollHeight > h, height, WAIT);
    await page.evaluate(() => (window as unknown as { releaseScroll: () => void }).releaseScroll());
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const seen = await scroller.evaluate((t) => {
      const start = t.querySelector('.timeline-start')?.getBoundingClientRect();
      const view = t.getBoundingClientRect();
      return { top: t.scrollTop, startInView: start !== undefined && start.bottom > view.top && start.top < view.bottom };
    });
    assert.ok(seen.startInView, `the start of the room is still in view (${JSON.stringify(seen)})`);
  });
});
