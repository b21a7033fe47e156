/**
 * The room in the smallest window the app allows (480×700), the smallest that keeps the room list beside the room
 * (640×700) and a wide one (1280×800), at the default text size and at 18 px, in real Chromium against the preview host (made-up data; test/harness/preview/): the composers'
 * placeholders show whole words (Chromium draws no ellipsis in a textarea's placeholder: they read "Message Desig"
 * and "Reply in t"); in the small window the room list is a drawer over the room (opened from the header's Rooms
 * button, into the open room's row, closed by Esc or by picking a room) and the room has the whole width; the
 * message ⋯ menu, the composer's + menu, a side panel's headings and notes and the member list's rows follow the
 * text size; and the composer's emoji picker never lies over the timeline's "Jump to latest". With LATTICE_SHOTS=1
 * saves each step to test-artifacts/narrow/ in both themes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPreview, type Preview } from '../harness/preview/preview-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';
import { shot } from '../harness/shots.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/narrow');
const DIST = path.resolve(import.meta.dirname, '../../dist/renderer/index.html');
const DESIGN = '!design:lattice.test';
const HIKING = '!hiking:lattice.test';
const SPACE = '!project:lattice.test';
const SIZES = [[480, 700], [1280, 800]] as const;
type Size = readonly [number, number];

/** Both themes of what the page shows now, named by step, size and text size. */
async function shots(p: Page, step: string, [w, h]: Size, textSize: number): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await p.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    await shot(p, path.join(ARTIFACTS, `${theme}-${w}x${h}-text-${textSize}-${step}.png`));
  }
  await p.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
}

/**
 * What the text field `testId` shows as its placeholder: whole words of its full name (its aria-label), with "…" only
 * where words were left off, and no wider than the field's text area in the placeholder's font.
 */
async function assertPlaceholderWhole(p: Page, testId: string, label: string): Promise<string> {
  const got = await p.getByTestId(testId).evaluate((el: HTMLTextAreaElement) => {
    const style = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = getComputedStyle(el, '::placeholder').font;
    return {
      shown: el.placeholder, name: el.getAttribute('aria-label') ?? '', width: ctx.measureText(el.placeholder).width,
      room: el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    };
  });
  assert.ok(got.shown.length > 0, `${label}: ${testId} shows a placeholder in its ${got.room}px`);
  assert.ok(got.width <= got.room + 0.5, `${label}: "${got.shown}" (${got.width}px) fits ${testId}'s ${got.room}px`);
  const words = got.shown.replace(/…$/, '');
  assert.ok(got.name.startsWith(words) && /^(\s|$)/.test(got.name.slice(words.length)),
    `${label}: "${got.shown}" is whole words of "${got.name}"`);
  return got.shown;
}

/** [selector, CSS property, size at the default text size]: each as large as that times the text size's scale. */
async function assertScaled(p: Page, label: string, scale: number, list: [string, string, number][]): Promise<void> {
  const got = await p.evaluate((l) => l.map(([sel, prop]) => {
    const el = document.querySelector(sel);
    if (!el) return NaN;
    return prop === 'height' ? el.getBoundingClientRect().height : parseFloat(getComputedStyle(el)[prop as 'fontSize']);
  }), list);
  list.forEach(([sel, prop, base], i) => {
    const want = prop === 'height' ? Math.round(base * Math.max(1, scale)) : base * scale;
    assert.ok(Math.abs(got[i] - want) < 0.6, `${label}: ${sel} ${prop} is ${got[i]}px, not ${want}px`);
  });
}

/** Whether two elements' boxes overlap, when both are shown. */
async function overlap(p: Page, a: string, b: string): Promise<string | null> {
  return p.evaluate(([a, b]) => {
    const shown = (el: Element | null): el is Element => !!el && el.checkVisibility({ visibilityProperty: true });
    const ea = document.querySelector(a);
    const eb = document.querySelector(b);
    if (!shown(ea) || !shown(eb)) return null;
    const ra = ea.getBoundingClientRect();
    const rb = eb.getBoundingClientRect();
    const over = ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom;
    return over ? `${JSON.stringify(ra)} over ${JSON.stringify(rb)}` : null;
  }, [a, b]);
}

describe('the room in a small window and at a large text size (preview host)', { skip: existsSync(DIST) ? false : 'renderer not built (npm run build)' }, () => {
  let preview: Preview;
  let browser: Browser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    preview = await startPreview(0, { loggedIn: true, authFail: false, paginateDelayMs: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await preview?.close();
  });

  /** A page at `size` with text at `textSize` px, in the Design room at its newest message. */
  async function open(size: Size, textSize: number): Promise<Page> {
    const p = await browser.newPage({ viewport: { width: size[0], height: size[1] } });
    await p.emulateMedia({ reducedMotion: 'reduce' });
    await p.addInitScript((t) => { localStorage.setItem('lattice.prefs', JSON.stringify({ textSize: t })); }, textSize);
    await p.goto(`${preview.url}#/room/${encodeURIComponent(DESIGN)}`);
    await p.getByTestId('message').filter({ hasText: 'onboarding-spec.pdf' }).waitFor();
    // The pictures shown (the put-away room list's, loaded lazily, wait for it to open).
    await p.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete || !i.checkVisibility()));
    return p;
  }

  for (const textSize of [14, 18]) {
    for (const size of SIZES) {
      const label = `${size[0]}x${size[1]}, text ${textSize} px`;
      const scale = textSize / 14;

      it(`${label}: whole-word placeholders; the menus, a side panel and the member list at the text size`, async () => {
        const p = await open(size, textSize);
        await assertPlaceholderWhole(p, 'composer', `${label}, the room's composer`);
        await shots(p, 'room', size, textSize);

        // The message ⋯ menu, its items and icons.
        const last = p.getByTestId('message').last();
        await last.hover();
        await last.getByTestId('action-more').click();
        await p.locator('.message-menu-item').first().waitFor();
        await assertScaled(p, label, scale, [['.message-menu-item', 'fontSize', 14], ['.message-menu-item > .menu-icon', 'width', 16],
          ['.message-menu-item', 'height', 32]]);
        await shots(p, 'message-menu', size, textSize);
        await p.keyboard.press('Escape');
        await p.locator('.message-menu').waitFor({ state: 'detached' });

        // The composer's + menu.
        await p.getByTestId('composer-more').click();
        // Its items for the attach and sticker buttons show only in a narrow composer: the first of the others.
        const item = '.composer-menu-list button:not(.composer-menu-folded)';
        await p.locator(item).first().waitFor();
        await assertScaled(p, label, scale, [[item, 'fontSize', 14], [`${item} > .menu-icon`, 'width', 16], [item, 'height', 32]]);
        await shots(p, 'plus-menu', size, textSize);
        await p.keyboard.press('Escape');
        await p.locator('.composer-menu-list').waitFor({ state: 'detached' });

        // The thread panel's composer.
        await last.hover();
        await last.getByTestId('action-thread').click();
        await p.getByTestId('thread-panel').waitFor();
        await assertPlaceholderWhole(p, 'thread-composer', `${label}, the thread's composer`);
        await shots(p, 'thread', size, textSize);
        await p.getByTestId('thread-close').click();
        await p.getByTestId('thread-panel').waitFor({ state: 'detached' });

        // A side panel's section headings and notes: the room's settings.
        if (await p.getByTestId('open-room-settings').isVisible()) await p.getByTestId('open-room-settings').click();
        else {
          await p.getByTestId('room-header-more').click();
          await p.getByTestId('header-menu-settings').click();
        }
        await p.getByTestId('settings-encryption').waitFor();
        await assertScaled(p, label, scale, [['.side-panel .settings-section h4', 'fontSize', 12], ['.side-panel .settings-note', 'fontSize', 12]]);
        await shots(p, 'room-settings', size, textSize);
        await p.keyboard.press('Escape');

        // The member list: its rows, their names and its group headings, the rows as tall as the text needs.
        await p.getByTestId('open-members').click();
        await p.getByTestId('member').first().waitFor();
        await assertScaled(p, label, scale, [['.member-row', 'fontSize', 14], ['.member-heading', 'fontSize', 12],
          ['.member-filter-input', 'fontSize', 13], ['.member-item', 'height', 40]]);
        const cut = await p.locator('.member-row').evaluateAll((rows) => rows.filter((r) => r.scrollHeight > r.clientHeight + 1).length);
        assert.equal(cut, 0, `${label}: a member row's text is taller than the row`);
        await shots(p, 'members', size, textSize);
        await p.close();
      });

      it(`${label}: the composer's emoji picker and "Jump to latest" do not overlap`, async () => {
        const p = await open(size, textSize);
        const scroller = p.getByTestId('timeline');
        // Scrolled to the top: the view is more than a screenful above the newest message.
        for (let i = 0; i < 3; i++) await scroller.evaluate((el) => { el.scrollTop = 0; });
        await p.getByTestId('jump-to-latest').waitFor();
        await p.getByTestId('composer-emoji').click();
        await p.getByTestId('emoji-picker').waitFor();
        assert.equal(await overlap(p, '[data-testid="emoji-picker"]', '[data-testid="jump-to-latest"]'), null, `${label}: the picker over the button`);
        await shots(p, 'emoji-picker', size, textSize);
        await p.keyboard.press('Escape');
        await p.getByTestId('emoji-picker').waitFor({ state: 'detached' });
        assert.equal(await p.getByTestId('jump-to-latest').evaluate((b) => b.checkVisibility({ visibilityProperty: true })), true,
          `${label}: the button is back once the picker closes`);
        await p.close();
      });
    }

    it(`640x700, text ${textSize} px: beside the room list, the placeholders that do not fit whole give way to shorter wordings`, async () => {
      // The smallest window that keeps the room list beside the room: its composer and the thread panel's are narrow.
      const p = await open([640, 700], textSize);
      const label = `640x700, text ${textSize} px`;
      await assertPlaceholderWhole(p, 'composer', `${label}, the room's composer`);
      const last = p.getByTestId('message').last();
      await last.hover();
      await last.getByTestId('action-thread').click();
      await p.getByTestId('thread-panel').waitFor();
      await assertPlaceholderWhole(p, 'thread-composer', `${label}, the thread's composer`);
      // A file to send asks for a caption: the longest wording, in the narrowest field.
      const chooser = p.waitForEvent('filechooser');
      if (await p.getByTestId('thread-composer-attach').isVisible()) await p.getByTestId('thread-composer-attach').click();
      else {
        await p.getByTestId('thread-composer-more').click();
        await p.getByRole('menuitem', { name: 'Attach files' }).click();
      }
      await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') });
      await p.getByTestId('thread-panel').getByTestId('upload-item').waitFor();
      // At 18 px "Add a caption (optional)" does not fit (Chromium would cut it mid-word): "Add a caption" shows.
      const caption = await assertPlaceholderWhole(p, 'thread-composer', `${label}, the thread's composer with a file`);
      if (textSize === 18) assert.equal(caption, 'Add a caption', `${label}: the caption's shorter wording`);
      await shots(p, 'thread-caption', [640, 700], textSize);
      await p.close();
    });

    it(`480x700, text ${textSize} px: the room list is a drawer over a room that has the whole width; the keyboard opens and closes it`, async () => {
      const p = await open([480, 700], textSize);
      const label = `480x700, text ${textSize} px`;
      const widths = await p.evaluate(() => ({
        main: document.querySelector('.main-pane')!.getBoundingClientRect().width,
        sidebarShown: document.querySelector('.sidebar')!.checkVisibility(),
      }));
      assert.equal(widths.main, 480, `${label}: the room's width`);
      assert.equal(widths.sidebarShown, false, `${label}: the room list is put away`);
      const button = p.getByTestId('show-rooms');
      assert.equal(await button.getAttribute('aria-expanded'), 'false');
      // By keyboard: the button is in the header's Tab order; Enter opens the drawer with the focus on the open room.
      await button.focus();
      await p.keyboard.press('Enter');
      await p.waitForFunction((id) => document.activeElement?.getAttribute('data-room-id') === id, DESIGN);
      assert.equal(await button.getAttribute('aria-expanded'), 'true');
      const drawer = await p.evaluate(() => {
        const side = document.querySelector('.sidebar')!.getBoundingClientRect();
        const buttons = [...document.querySelectorAll('.new-room-buttons > button')].map((b) => Math.round(b.getBoundingClientRect().top));
        return { left: side.left, right: side.right, rows: new Set(buttons).size };
      });
      assert.ok(drawer.left === 0 && drawer.right <= 480 - 48, `${label}: the drawer leaves a strip of the room: ${JSON.stringify(drawer)}`);
      assert.equal(drawer.rows, 1, `${label}: the new-conversation buttons in one row`);
      await shots(p, 'drawer', [480, 700], textSize);
      // Esc closes it and gives the focus back to the button.
      await p.keyboard.press('Escape');
      await p.locator('.sidebar').waitFor({ state: 'hidden' });
      assert.equal(await button.evaluate((b) => b === document.activeElement), true, `${label}: the focus back on Rooms`);
      // Picking another room closes it; that room's composer has the focus.
      await button.click();
      await p.locator(`[data-testid="room-item"][data-room-id="${HIKING}"]`).click();
      await p.getByTestId('room-header').filter({ hasText: 'Weekend Hiking' }).waitFor();
      await p.locator('.sidebar').waitFor({ state: 'hidden' });
      await p.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'composer');
      // A click on the shaded strip beside it closes it too.
      await button.click();
      await p.getByTestId('sidebar-scrim').click({ position: { x: 470, y: 400 } });
      await p.locator('.sidebar').waitFor({ state: 'hidden' });
      // A space's home has the whole width too, with the same button.
      await p.evaluate((id) => { location.hash = `#/space/${encodeURIComponent(id)}`; }, SPACE);
      await p.getByTestId('space-home').getByTestId('show-rooms').waitFor();
      assert.equal(await p.locator('.sidebar').isVisible(), false, `${label}: the room list put away beside a space's home`);
      await shots(p, 'space-home', [480, 700], textSize);
      await button.click();
      await p.locator('.sidebar').waitFor();
      // Esc once the focus is in the drawer (its list places its rows a few frames after it opens), as a person sees.
      await p.waitForFunction(() => document.querySelector('.sidebar')?.contains(document.activeElement) === true);
      await p.keyboard.press('Escape');
      await p.locator('.sidebar').waitFor({ state: 'hidden' });
      // A wide window shows the list beside the room again, with no Rooms button.
      await p.setViewportSize({ width: 1280, height: 800 });
      await p.locator('.sidebar').waitFor();
      assert.equal(await button.count(), 0, 'no Rooms button beside the list');
      await p.close();
    });
  }
});
