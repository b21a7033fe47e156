/**
 * The chat UI in real Chromium against the preview host (made-up data through the real dispatcher; see
 * test/harness/preview/ and test/harness/preview-page.ts): spaces and pseudo-spaces, invitations, replies that jump (to
 * a message not loaded yet too, with older pages slow to come), replying from a message's actions, edits, reactions
 * that toggle on, attachments and the lightbox, a report, the Ctrl+K switcher, Alt+Shift+↑ to an unread room. Every
 * item of the room list's menu, a message's ⋯ menu and the composer's + menu has an icon; the ⋯ menu and the reaction
 * picker stay open while the timeline changes under them, and the picker closes at the wheel. Screenshots go to
 * test-artifacts/ui/ (with LATTICE_SHOTS=1). The member list of a room of 10,000 is chat-members-ui's, the settings and
 * the main screens chat-settings-ui's, the text size chat-text-size-ui's; the flows against a real homeserver are in
 * web-ui.test.ts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { FAVOURITE_ID, INVITE_ID, lineEventId, people, SPACE_ID } from '../harness/preview/fake-data.ts';
import type { Preview } from '../harness/preview/preview-server.ts';
import { ARTIFACTS, DESIGN, HIKING, room, SKIP_UNBUILT, startPreviewPage, type PreviewPage } from '../harness/preview-page.ts';
import { shot } from '../harness/shots.ts';

/**
 * Scrolls the timeline to its end from a script, as the timeline itself does when it follows new messages: an open
 * popover stays (the user's wheel would close it). Again each frame until it stays there (rows may still be sized).
 */
async function timelineToEnd(p: Page): Promise<void> {
  await p.getByTestId('timeline').evaluate((el) => new Promise<void>((done) => {
    const settle = () => { el.scrollTop = el.scrollHeight; requestAnimationFrame(() => { if (el.scrollHeight - el.scrollTop - el.clientHeight <= 2) done(); else settle(); }); };
    settle();
  }));
}
/**
 * Every item the open menu shows has an icon (icons.tsx MenuIcon), all lined up in one column; `some` are among them.
 * (The composer's + menu hides the items of the buttons a wide composer shows.)
 */
async function assertMenuIcons(page: Page, menuTestId: string, some: readonly string[]): Promise<void> {
  const items = await page.getByTestId(menuTestId).locator('[role^="menuitem"]').evaluateAll((els) => els.filter((e) => e.checkVisibility()).map((e) => ({
    id: e.getAttribute('data-testid'), x: e.querySelector('svg.menu-icon')?.getBoundingClientRect().left ?? null,
  })));
  for (const id of some) assert.ok(items.some((i) => i.id === id), `${menuTestId} has ${id}`);
  for (const i of items) assert.notEqual(i.x, null, `${i.id} has an icon`);
  assert.equal(new Set(items.map((i) => i.x)).size, 1, `${menuTestId}'s icons line up: ${JSON.stringify(items)}`);
}

describe('chat UI (preview host)', { skip: SKIP_UNBUILT }, () => {
  let ui: PreviewPage;
  let preview: Preview;
  let page: Page;

  before(async () => {
    ({ preview, page } = ui = await startPreviewPage());
  });
  after(async () => {
    await ui?.stop();
  });

  it('filters the room list by space and pseudo-space, with badges, and lists invitations', async () => {
    const count = (): Promise<number> => page.getByTestId('room-item').count();
    assert.equal(await count(), 8);
    assert.match(await page.getByTestId('invite').filter({ hasText: 'Launch Party' }).getAttribute('data-room-id') ?? '', new RegExp(INVITE_ID.replace(/[!.]/g, '\\$&')));
    await page.locator(`[data-space-id="${SPACE_ID}"]`).click();
    assert.deepEqual(await page.getByTestId('room-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')).sort()),
      ['!design:lattice.test', '!dev:lattice.test']);
    assert.ok(await page.locator(`[data-space-id="${SPACE_ID}"] [data-testid="space-unread"]`).count() === 1, 'the space shows its rooms\' unread badge');
    // With no room open, the space's home shows its rooms, joined or not.
    await page.getByTestId('space-home').locator('[data-testid="space-room"]').filter({ hasText: 'Roadmap' }).getByTestId('space-room-suggested').waitFor();
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-space-home.png'));
    await page.locator('[data-space-id="favourites"]').click();
    assert.deepEqual(await page.getByTestId('room-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id'))), [FAVOURITE_ID]);
    await page.locator('[data-space-id="dms"]').click();
    assert.equal(await count(), 2);
    await page.locator('[data-space-id="home"]').click();
    assert.equal(await count(), 8);
  });

  it('shows replies, edits, reactions, redactions and attachments; a reply jumps to its message', async () => {
    await page.locator(room(DESIGN)).click();
    const reply = page.getByTestId('message').filter({ hasText: 'Outline version looks much lighter' });
    await reply.waitFor();
    // Display names arrive with the room's member state, just after the room opens.
    await reply.getByTestId('reply-quote').filter({ hasText: 'Alice Chen' }).waitFor();
    assert.match(await reply.getByTestId('reply-quote').innerText(), /Alice Chen.*outline version by lunch/s);
    assert.doesNotMatch(await reply.innerText(), /In reply to/, 'the HTML fallback is stripped');
    await reply.getByTestId('reply-quote').click();
    const target = page.locator(`[data-event-id="${lineEventId(DESIGN, 9)}"]`);
    await page.waitForFunction((id) => document.querySelector(`[data-event-id="${id}"]`)?.classList.contains('is-highlighted'), lineEventId(DESIGN, 9));

    const edited = page.locator(`[data-event-id="${lineEventId(DESIGN, 1)}"]`);
    assert.match(await edited.innerText(), /homeserver step is optional now \(edited wording\)/);
    await edited.getByTestId('message-edited').waitFor();
    assert.equal(await page.getByTestId('message-deleted').count(), 1);

    const thumbsUp = target.getByTestId('reaction').filter({ hasText: '👍' });
    assert.equal(await thumbsUp.getAttribute('aria-pressed'), 'true', 'our own reaction is shown pressed');
    const party = target.getByTestId('reaction').filter({ hasText: '🎉' });
    assert.equal(await party.getAttribute('aria-pressed'), 'false');
    await party.click();
    await page.waitForFunction((id) => {
      const b = [...document.querySelectorAll(`[data-event-id="${id}"] [data-testid="reaction"]`)].find((e) => e.textContent?.includes('🎉'));
      return b?.getAttribute('aria-pressed') === 'true' && b.textContent?.includes('2');
    }, lineEventId(DESIGN, 9));

    await page.getByTestId('composer').focus();
    await page.keyboard.press('Escape'); // back to the newest messages
    assert.match(await page.getByTestId('attachment-download').getAttribute('href') ?? '', /^\/_gomuks\/media\/lattice\.test\/spec$/);
    await page.getByTestId('attachment-image').click();
    await page.getByTestId('lightbox').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
  });

  it('replies from the message actions; Esc cancels a reply', async () => {
    const bobs = page.getByTestId('message').filter({ hasText: 'Can someone share the latest tokens file?' });
    await bobs.hover();
    await bobs.getByTestId('action-reply').click();
    await page.getByTestId('composer-mode').filter({ hasText: 'Bob Martin' }).waitFor();
    assert.match(await page.getByTestId('composer-mode').innerText(), /Replying to Bob Martin: Can someone share/);
    await page.keyboard.press('Escape');
    await page.getByTestId('composer-mode').waitFor({ state: 'detached' });
    await bobs.hover();
    await bobs.getByTestId('action-reply').click();
    await page.keyboard.type('It is in the design repo');
    await page.keyboard.press('Enter');
    await page.getByTestId('composer-mode').waitFor({ state: 'detached' });
    const mine = page.getByTestId('message').filter({ hasText: 'It is in the design repo' });
    await mine.waitFor();
    assert.match(await mine.getByTestId('reply-quote').innerText(), /Bob Martin.*latest tokens file/s);
  });

  it('keeps a message\'s ⋯ menu open while the timeline changes under it, until Esc', async () => {
    // It closed by itself within a second: the reply sent just before finished sending, its row lost its "Sending…",
    // the timeline scrolled to stay at its end, and every scroll closed the menu.
    const bobs = page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: 'Can someone share the latest tokens file?' }) });
    // A tall window: with the view at its end the question's row is well inside it, its toolbar over it. In 800 px it
    // sat at the top of the view, where its toolbar goes under the row, and where that went as the row grew varied
    // (17 px down on a quiet machine, nowhere under CI's load).
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width, height: 1200 });
    try {
      await bobs.hover();
      await bobs.getByTestId('action-more').click();
      const menu = page.getByTestId('message-menu');
      await menu.waitFor();
      const place = () => page.evaluate(() => ({
        focusInMenu: document.activeElement?.closest('[data-testid="message-menu"]') !== null,
        buttonBottom: [...document.querySelectorAll<HTMLElement>('[data-testid="action-more"][aria-expanded="true"]')][0]?.getBoundingClientRect().bottom,
        menuTop: document.querySelector('[data-testid="message-menu"]')?.getBoundingClientRect().top,
      }));
      // The view at its end first, as the picker's case below sets it (a programmatic scroll, which leaves the menu
      // open): under load the reply's row could still be settling, and a view not at its end rightly stays put.
      await timelineToEnd(page);
      const before = await place();
      assert.ok(before.menuTop !== undefined && Math.abs(before.menuTop - (before.buttonBottom + 4)) <= 1, `the menu is under its button: ${JSON.stringify(before)}`);
      // Carol reacts to this message: its row grows, and the view staying at its end moves the row up.
      preview.backend.receiveReaction(DESIGN, people.carol.id, (await bobs.getAttribute('data-event-id'))!, '👀');
      await bobs.getByTestId('reaction').filter({ hasText: '👀' }).waitFor();
      for (let i = 0; ; i++) {
        const now = await place();
        assert.equal(now.menuTop === undefined ? 'closed' : 'open', 'open', `the menu stays open: ${JSON.stringify({ before, now })}`);
        if (now.buttonBottom < before.buttonBottom - 10 && Math.abs(now.menuTop! - (now.buttonBottom + 4)) <= 1) break;
        // Bounded by time, not frames, as below: under load the timeline's own scroll can take more than 100 frames.
        assert.ok(i < 100, `the menu follows its button up: ${JSON.stringify({ before, now })}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // A message arrives below and the view scrolls to it, taking this row further up: the menu stays.
      preview.backend.receiveMessage(DESIGN, people.bob.id, 'Found it, thanks');
      await page.getByTestId('message').filter({ hasText: 'Found it, thanks' }).waitFor();
      await page.getByTestId('timeline').evaluate((el) => new Promise<void>((done) => {
        const check = () => { if (el.scrollHeight - el.scrollTop - el.clientHeight <= 2) done(); else requestAnimationFrame(check); };
        check();
      }));
      assert.equal(await menu.count(), 1, 'the menu is still open');
      assert.equal((await place()).focusInMenu, true, 'the focus is still in the menu');
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      assert.equal(await bobs.getByTestId('action-more').evaluate((b) => b === document.activeElement), true, 'Esc gives the focus back to ⋯');
    } finally {
      await page.setViewportSize(viewport);
    }
  });

  it('keeps the reaction picker next to its message while a message arrives, and closes it at the wheel', async () => {
    // As the ⋯ menu above: the timeline moving by itself is no reason to close it; the user's own scrolling is. Bob's
    // newest message, in view with the timeline at its end (his question is above the view now).
    const bobs = page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: 'Found it, thanks' }) });
    // A click on it first: the keyboard's focus left on the question's ⋯ keeps the toolbar there.
    await bobs.locator('.message-body').click();
    await bobs.hover();
    await bobs.getByTestId('react-more').click();
    const picker = page.getByTestId('emoji-picker');
    await picker.waitFor();
    /** The button's top, and whether the picker is beside it (4 px under it, or 4 px over it without room below). */
    const place = () => page.evaluate(() => {
      const b = document.querySelector('[data-testid="react-more"][aria-expanded="true"]')?.getBoundingClientRect();
      const p = document.querySelector('.emoji-picker-layer')?.getBoundingClientRect();
      return { buttonTop: b?.top, beside: !!b && !!p && (Math.abs(p.top - b.bottom - 4) <= 1 || Math.abs(b.top - p.bottom - 4) <= 1) };
    });
    // The view at its end before the message comes (the click's focus may have moved it a few pixels, and a view
    // not at its end rightly stays where it is): set here, not by the wheel, which would close the picker.
    await timelineToEnd(page);
    const before = await place();
    assert.equal(before.beside, true, 'the picker opens beside its button');
    preview.backend.receiveMessage(DESIGN, people.bob.id, 'Never mind, found the tokens');
    await page.getByTestId('message').filter({ hasText: 'Never mind, found the tokens' }).waitFor();
    for (let i = 0; ; i++) {
      const now = await place();
      assert.equal(await picker.count(), 1, `the picker stays open: ${JSON.stringify({ before, now })}`);
      // Any distance up: what is asserted is the picker moving with its button. (Under the suite's load the view
      // has been seen to follow the new row by 10 px only; how far the timeline follows is timeline-focus-ui's.)
      if (now.buttonTop! < before.buttonTop! - 0.5 && now.beside) break;
      // Bounded by time, not frames: under load the timeline's own scroll can take more than 100 frames to land.
      assert.ok(i < 100, `the picker follows its button up: ${JSON.stringify({ before, now })}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The user's wheel over the timeline: the picker goes, the focus to its message.
    const box = (await page.getByTestId('timeline').boundingBox())!;
    await page.mouse.move(box.x + 30, box.y + box.height / 2);
    await page.mouse.wheel(0, -100);
    await picker.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.message')?.getAttribute('data-event-id')), await bobs.getAttribute('data-event-id'));
    await page.getByTestId('timeline').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  });

  it('reports a message: the made-up homeserver takes it and the dialog says so', async () => {
    // By its body: the reply sent just before quotes it.
    const bobs = page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: 'Can someone share the latest tokens file?' }) });
    await bobs.hover();
    await bobs.getByTestId('action-more').click();
    await assertMenuIcons(page, 'message-menu', ['action-forward', 'action-source', 'action-report']);
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-message-menu.png'));
    const dialog = page.getByTestId('report-event-dialog');
    await page.getByTestId('action-report').click();
    await dialog.getByTestId('report-reason').waitFor();
    await page.keyboard.type('Testing the report dialog');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('report-done').waitFor();
    assert.match(await dialog.getByTestId('report-done').innerText(), /^Thank you: the administrators of \S+ have your report\.$/);
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-report-sent.png'));
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('gives the room list menu\'s items icons in a column, with the check items\' ticks after their labels', async () => {
    await page.locator(room(HIKING)).click({ button: 'right' });
    await assertMenuIcons(page, 'room-menu', ['room-menu-mute', 'room-menu-favourite', 'room-menu-copy-link', 'room-menu-report', 'room-menu-leave']);
    const after = await page.getByTestId('room-menu-mute').evaluate((el) => {
      const label = el.querySelector('.room-menu-label')!.getBoundingClientRect();
      return el.querySelector('.room-menu-check')!.getBoundingClientRect().left >= label.right;
    });
    assert.ok(after, 'a check item\'s tick comes after its label');
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await shot(page, path.join(ARTIFACTS, `${theme}-1280x800-room-menu.png`));
    }
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
    await page.keyboard.press('Escape');
    await page.getByTestId('room-menu').waitFor({ state: 'detached' });
  });

  it('gives the composer\'s + menu drawn icons in a column, as the other menus', async () => {
    await page.getByTestId('composer-more').click();
    await assertMenuIcons(page, 'composer-menu', ['composer-poll', 'composer-location']);
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await shot(page, path.join(ARTIFACTS, `${theme}-1280x800-composer-menu.png`));
    }
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
    await page.keyboard.press('Escape');
    await page.getByTestId('composer-menu').waitFor({ state: 'detached' });
  });

  /** Clicks the quote of the dev room's reply to its first message (not loaded at first) and waits for the jump. */
  async function jumpToFirstDevMessage(): Promise<void> {
    await page.locator(room('!dev:lattice.test')).click();
    const reply = page.getByTestId('message').filter({ hasText: 'Did that fix hold up?' });
    await reply.waitFor();
    const target = lineEventId('!dev:lattice.test', 0);
    assert.equal(await page.locator(`[data-event-id="${target}"]`).count(), 0, 'the target starts out unloaded');
    await reply.getByTestId('reply-quote').click();
    try {
      await page.waitForFunction((id) => document.querySelector(`[data-event-id="${id}"]`)?.classList.contains('is-highlighted'), target, { timeout: 15_000 });
    } catch (e) {
      // Say where the timeline was, to tell a jump that never came from one whose highlight was missed.
      const where = await page.evaluate((id) => ({
        target: document.querySelector(`[data-event-id="${id}"]`)?.className ?? 'not in the page',
        loaded: [...document.querySelectorAll('[data-event-id]')].map((el) => el.getAttribute('data-event-id')).slice(0, 5),
        start: document.querySelector('.timeline-start') !== null,
      }), target);
      throw new Error(`the jump to the reply's target did not highlight it: ${JSON.stringify(where)}`, { cause: e });
    }
    // Highlighted and in view: the jump landed on it and stayed there.
    const shown = await page.evaluate((id) => {
      const row = document.querySelector(`[data-event-id="${id}"]`)!.getBoundingClientRect();
      const view = document.querySelector('[data-testid="timeline"]')!.getBoundingClientRect();
      return row.top >= view.top && row.bottom <= view.bottom;
    }, target);
    assert.ok(shown, 'the message jumped to is in view');
    await page.getByTestId('composer').press('Escape');
  }

  it('jumps to a reply\'s target that is not loaded yet, loading older history until it is', async () => {
    await jumpToFirstDevMessage();
  });

  it('lands such a jump on its target when the older pages are slow to come', async () => {
    // With slow pages the view waits at the bottom while they load, and the layout measuring the rows the jump
    // brought into view ran before the jump's scroll event: the place kept from the bottom was put back over the
    // jump (the whole history loaded, the view still at the newest messages). It failed every time at 400 ms.
    preview.backend.setPaginateDelay(400);
    try {
      await page.reload(); // the dev room back to its latest messages only
      await page.locator(room(DESIGN)).waitFor();
      await jumpToFirstDevMessage();
    } finally {
      preview.backend.setPaginateDelay(0);
    }
  });

  it('jumps to rooms by fuzzy name and to the next unread room from the keyboard', async () => {
    await page.keyboard.press('Control+k');
    await page.getByTestId('switcher-input').fill('bk clb');
    await page.keyboard.press('Enter');
    await page.getByTestId('room-header').filter({ hasText: 'Book Club' }).waitFor();
    await page.keyboard.press('Alt+Shift+ArrowUp');
    const header = await page.getByTestId('room-header').innerText();
    assert.ok(/Alice Chen|Lattice Dev/.test(header), `Alt+Shift+↑ goes to an unread room, not ${header}`);
  });
});
