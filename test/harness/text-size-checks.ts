/**
 * What chat-text-size-ui checks of the room at a text size, in a narrow room and in the smallest window the app
 * allows; kept here so that the test file reads as the cases it runs.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/**
 * In a narrow room: the picture and the file card keep inside the message column, the picture shrunk to it with its
 * shape (640×400 in fake-data.ts); and the sidebar's four new-conversation buttons each keep to one line.
 */
export async function assertFitsNarrow(p: Page, label: string): Promise<void> {
  const boxes = await p.evaluate(() => {
    const r = (el: Element): DOMRect => el.getBoundingClientRect();
    const media = [...document.querySelectorAll('.attachment-image, .attachment-file')].map((el) => {
      const column = r(el.closest('.message-main')!);
      const box = r(el);
      return { kind: el.className, over: Math.round(box.right - column.right), width: box.width, height: box.height };
    });
    /** The lines a button's shown text takes (a label kept only for screen readers is not shown). */
    const lines = (el: Element): number => {
      const tops = new Set<number>();
      const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let t = walk.nextNode(); t; t = walk.nextNode()) {
        if (getComputedStyle(t.parentElement!).position === 'absolute') continue;
        const range = document.createRange();
        range.selectNodeContents(t);
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
      }
      return tops.size;
    };
    const buttons = [...document.querySelectorAll('.new-room-buttons > button')].map((el) => ({
      name: el.getAttribute('aria-label') ?? el.textContent, top: r(el).top, lines: lines(el),
      // A label cut short: what it shows is not all it says.
      cut: [...el.querySelectorAll('.new-room-label')].some((l) => getComputedStyle(l).position !== 'absolute' && l.scrollWidth > l.clientWidth + 0.5),
    }));
    return { media, buttons };
  });
  for (const m of boxes.media) assert.ok(m.over <= 0, `${label}: ${m.kind} runs ${m.over}px past the message column`);
  const image = boxes.media.find((m) => m.kind.includes('attachment-image'));
  assert.ok(image && Math.abs(image.width / image.height - 640 / 400) < 0.02, `${label}: the picture keeps its shape: ${JSON.stringify(image)}`);
  assert.equal(boxes.buttons.length, 4);
  for (const b of boxes.buttons) {
    assert.ok(b.lines <= 1 && !b.cut, `${label}: ${b.name} on one line, whole: ${JSON.stringify(b)}`);
    assert.equal(b.top, boxes.buttons[0].top, `${label}: the buttons in one row`);
  }
}

/**
 * In the smallest window the app allows (480 px): nothing runs past the window's right edge (the header's buttons
 * did, folding no further than Leave), the room's name shows in its header, the composer's text field keeps a usable
 * width (the room list is a drawer over the room, which has the window's width; the room's margin narrows, the
 * composer still lined up with the messages: the placeholder showed one letter, then "Message D…" at 18 px), the
 * notification banner's text takes at most two lines (a word a line, eleven, beside its buttons), and the sidebar's
 * Join reads as a word, not as cut text. Files picked leave the focus in the text field, for a caption.
 */
export async function assertUsableAt480(p: Page, label: string, textSize: number): Promise<void> {
  const got = await p.evaluate(() => {
    const over = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.checkVisibility())
      .map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`);
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('[data-testid="notification-banner"] .banner-text')!);
    const bannerLines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    return {
      over, bannerLines,
      name: document.querySelector('.room-header-name')!.getBoundingClientRect().width,
      input: document.querySelector('[data-testid="composer"]')!.getBoundingClientRect().width,
      // The width "Message Design" (the placeholder up to the end of the room's first word) takes in the field's font.
      placeholderWord: (() => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = getComputedStyle(document.querySelector('[data-testid="composer"]')!, '::placeholder').font;
        return ctx.measureText('Message Design').width;
      })(),
      boxLeft: document.querySelector('.composer-box')!.getBoundingClientRect().left,
      avatarLeft: document.querySelector('.message-gutter')!.getBoundingClientRect().left,
      attachShown: document.querySelector('[data-testid="composer-attach"]')!.checkVisibility(),
      labels: [...document.querySelectorAll('.new-room-label')].map((l) => l.textContent),
    };
  });
  assert.deepEqual(got.over, [], `${label}: past the window's right edge`);
  assert.ok(got.name >= 80, `${label}: the room's name has ${got.name}px in its header`);
  assert.ok(got.input >= 130, `${label}: the composer's text field is ${got.input}px wide`);
  if (textSize <= 14) assert.ok(got.placeholderWord <= got.input, `${label}: "Message Design" (${got.placeholderWord}px) shows whole in the ${got.input}px field`);
  assert.equal(got.boxLeft, got.avatarLeft, `${label}: the composer lines up with the messages' avatars`);
  assert.ok(got.bannerLines <= 2, `${label}: the notification banner's text takes ${got.bannerLines} lines`);
  assert.deepEqual(got.labels.filter((l) => l?.endsWith('…')), [], `${label}: a sidebar button's word reads as cut`);
  // The room has the window's width (the room list is a drawer over it, sidebar-drawer.tsx), so the composer keeps
  // its attach button; what gave way stays reachable, named: the panel buttons in the header's ⋯ menu.
  assert.equal(got.attachShown, true, `${label}: the attach button shows`);
  const chooser = p.waitForEvent('filechooser');
  await p.getByTestId('composer-attach').click();
  await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') });
  await p.getByTestId('upload-item').waitFor();
  assert.equal(await p.getByTestId('composer').evaluate((el) => el === document.activeElement), true, `${label}: the focus in the text field after the file picker`);
  await p.getByTestId('upload-remove').click();
  await p.getByTestId('upload-item').waitFor({ state: 'detached' });
  // Its sticker picker opens by the composer, inside the window, and Esc gives the focus back to its button.
  await p.getByTestId('composer-sticker').click();
  const picker = await p.getByTestId('emoji-picker').boundingBox();
  assert.ok(picker && picker.x >= 0 && picker.x + picker.width <= 480 && picker.y >= 0, `${label}: the sticker picker at ${JSON.stringify(picker)}`);
  await p.keyboard.press('Escape');
  await p.getByTestId('emoji-picker').waitFor({ state: 'detached' });
  assert.equal(await p.getByTestId('composer-sticker').evaluate((b) => b === document.activeElement), true, `${label}: the focus back on the sticker button`);
  await p.getByTestId('room-header-more').click();
  // Each in the header or, where the room's name needs the room, in its menu (with the room the window's width, the
  // header keeps as many as leave the name whole).
  const buttons = { 'Search in this room': 'open-search', 'Pinned messages': 'open-pinned', Threads: 'open-threads', 'Room settings': 'open-room-settings', 'Leave room': 'open-leave-room' };
  for (const [name, button] of Object.entries(buttons)) {
    const inMenu = await p.getByTestId('room-header-menu').getByRole(/Leave/.test(name) ? 'menuitem' : 'menuitemcheckbox', { name }).isVisible();
    assert.ok(inMenu !== await p.getByTestId(button).isVisible(), `${label}: ${name} in the header or in its menu, once`);
  }
  // Its items and their icons grow with the text, as the buttons they stand for.
  const item = await p.locator('.room-header-menu-item').first().evaluate((el) => [getComputedStyle(el).fontSize, getComputedStyle(el.querySelector('.menu-icon')!).width]);
  [14, 16].forEach((px, i) => assert.ok(Math.abs(parseFloat(item[i]) - px * textSize / 14) < 0.05, `${label}: the header menu's item and icon: ${item.join(', ')}`));
  await p.keyboard.press('Escape');
}
