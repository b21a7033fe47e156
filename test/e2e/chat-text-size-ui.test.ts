/**
 * The text size in real Chromium against the preview host (made-up data through the real dispatcher; see
 * test/harness/preview/ and test/harness/preview-page.ts): at 13, 14 and 18 px it also scales the small text, reaction
 * chips, the typing line, read receipts, the composer's hint and autocomplete, the hover toolbar, the "New messages"
 * line, the reply bar's ×, the side panels' titles and buttons, the room's header and the room list's width, nothing of
 * it clipped; in a narrow room, down to the smallest window, the picture and the file card keep inside the message
 * column, the picture keeping its shape, and the sidebar's four new-conversation buttons stay on one line; at 480 px
 * nothing passes the window's edge, the header shows the room's name with its buttons in its ⋯ menu, the composer's
 * field keeps its width beside the room list put away in its drawer, the notification banner takes two lines. The
 * mentions dialog and the room switcher grow with it too and stay inside a 480 px window, their lists scrolling.
 * Screenshots of both themes go to test-artifacts/ui/ (with LATTICE_SHOTS=1). The text size's setting itself is
 * chat-settings-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { people } from '../harness/preview/fake-data.ts';
import type { Preview } from '../harness/preview/preview-server.ts';
import { ARTIFACTS, DESIGN, HIKING, SKIP_UNBUILT, startPreviewPage, type PreviewPage } from '../harness/preview-page.ts';
import { shot } from '../harness/shots.ts';
import { assertFitsNarrow, assertUsableAt480 } from '../harness/text-size-checks.ts';

describe('chat UI: the text size (preview host)', { skip: SKIP_UNBUILT }, () => {
  let ui: PreviewPage;
  let preview: Preview;
  let browser: Browser;

  before(async () => {
    ({ preview, browser } = ui = await startPreviewPage());
  });
  after(async () => {
    await ui?.stop();
  });

  it('scales times, state lines, replies, reactions, typing, receipts, the composer, its autocomplete, the hover toolbar, the "New messages" line, the room\'s header and the room list with the text size: 13 and 18 px, both themes, wide and narrow', async () => {
    // Read up to the newest message, and then Carol's arrives: the room opens with its "New messages" line.
    preview.backend.setFullyRead(DESIGN, 0);
    preview.backend.receiveMessage(DESIGN, people.carol.id, 'Looks right at every size');
    /** At each window size: the first room name's width and which names are cut, at this text size. */
    const look = async (textSize: number) => {
      const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await p.emulateMedia({ reducedMotion: 'reduce' });
      await p.addInitScript((t) => { localStorage.setItem('lattice.prefs', JSON.stringify({ textSize: t })); }, textSize);
      await p.goto(`${preview.url}#/room/${encodeURIComponent(DESIGN)}`);
      const quote = p.getByTestId('reply-quote').first();
      await quote.waitFor();
      // Five read the newest message (three avatars and "+2") and two are typing, for the sizes and the screenshots.
      preview.backend.setReadUpToNewest(DESIGN, [people.alice.id, people.bob.id, people.carol.id, people.frank.id, people.erin.id]);
      preview.backend.setTyping(DESIGN, [people.alice.id, people.bob.id]);
      await p.getByTestId('read-receipts').filter({ hasText: '+2' }).waitFor();
      await p.getByTestId('typing').filter({ hasText: 'typing' }).waitFor();
      await p.getByTestId('unread-marker').waitFor();
      await p.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));
      const quotePx = parseFloat(await quote.evaluate((el) => getComputedStyle(el).fontSize));
      assert.ok(Math.abs(quotePx - 12.5 * textSize / 14) < 0.01, `a reply's quote at ${textSize} px: ${quotePx}px`);
      // The small text beside the messages keeps its proportion to them: [selector, size at 14 px]. The receipts'
      // avatars and the hover toolbar's buttons grow half as much as the text.
      const scale = textSize / 14;
      const half = 1 + (scale - 1) / 2;
      const expected: [string, string, number][] = [
        ['.reaction', 'fontSize', 12.5 * scale], ['.room-typing', 'fontSize', 12 * scale], ['.read-receipts-more', 'fontSize', 11 * scale],
        ['.composer-hint', 'fontSize', 11 * scale], ['.read-receipts .avatar', 'width', 16 * half],
        ['.unread-marker', 'fontSize', 12 * scale], ['.room-header-name', 'fontSize', 16 * scale], ['.room-header-topic', 'fontSize', 13 * scale],
        ['.message-actions [data-testid="action-reply"]', 'fontSize', 13 * half], ['.message-actions [data-testid="react"]', 'fontSize', 16 * half],
        ['.message-actions [data-testid="action-more"]', 'fontSize', 13 * half],
        // The header's member count and buttons with their icons, and the file card's size line and Download.
        ['[data-testid="open-members"]', 'fontSize', 12.5 * scale], ['[data-testid="open-members"] svg', 'width', 15 * scale],
        ['[data-testid="room-header-more"] svg', 'width', 15 * scale],
        ['.attachment-file-size', 'fontSize', 12 * scale], ['.attachment-download', 'fontSize', 13 * scale],
        // The sidebar's four new-conversation buttons, words and icons.
        ['.new-room-buttons > button', 'fontSize', 12 * scale], ['.new-room-buttons > button > svg', 'width', 14 * scale],
      ];
      const composer = p.getByTestId('composer');
      // All read at once: one round trip to the page, not one per element.
      const sizesAre = async (list: [string, string, number][]) => {
        const got = await p.evaluate((l) => l.map(([sel, prop]) => {
          const el = document.querySelector(sel);
          return el ? parseFloat(getComputedStyle(el)[prop as 'width']) : NaN;
        }), list);
        list.forEach(([sel, prop, want], i) => assert.ok(Math.abs(got[i] - want) < 0.05, `${sel} ${prop} at ${textSize} px: ${got[i]}px, not ${want}px`));
      };
      await sizesAre(expected);
      const placeholderPx = await composer.evaluate((el) => getComputedStyle(el, '::placeholder').fontSize);
      assert.equal(placeholderPx, `${textSize}px`, 'the composer\'s placeholder');
      const sizes: Record<string, { name: number; cut: string[] }> = {};
      for (const [w, h] of [[1280, 800], [800, 600], [700, 600]] as const) {
        await p.setViewportSize({ width: w, height: h });
        // Nothing of these is clipped by its own box (a chip's emoji, the typing line's descenders), and the typing
        // line, the composer and its hint do not overlap.
        const clipped = await p.evaluate(() => {
          const els = document.querySelectorAll('.reaction, .room-typing, .read-receipts, .composer-hint');
          const out: string[] = [];
          for (const el of els) {
            const box = el.getBoundingClientRect();
            if (el.scrollHeight > el.clientHeight + 1) out.push(`${el.className} scrolls (${el.scrollHeight} > ${el.clientHeight})`);
            for (const child of el.querySelectorAll('*')) {
              const c = child.getBoundingClientRect();
              if (c.top < box.top - 0.5 || c.bottom > box.bottom + 0.5) out.push(`${child.className || child.tagName} sticks out of ${el.className}`);
            }
          }
          const order = ['.room-typing', '.composer-box', '.composer-hint'].map((sel) => document.querySelector(sel)!.getBoundingClientRect());
          for (let i = 1; i < order.length; i++) if (order[i].top < order[i - 1].bottom - 0.5) out.push(`overlap at ${i}`);
          return out;
        });
        assert.deepEqual(clipped, [], `${textSize} px ${w}x${h}`);
        await assertFitsNarrow(p, `${textSize} px ${w}x${h}`);
        const names = await p.locator('.roomlist-item-name').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', w: e.clientWidth, cut: e.scrollWidth > e.clientWidth })));
        sizes[`${w}x${h}`] = { name: names[0].w, cut: names.filter((n) => n.cut).map((n) => n.text) };
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${textSize} px ${w}x${h}: no horizontal overflow`);
        // The header's name and topic, the "New messages" line, the hover toolbar (on one line, inside the
        // timeline) and the autocomplete list (under the header) are whole too: in the small windows, where they
        // have the least room, at the largest size (and at the default size in the smallest window, where six quick
        // reactions cut "Copy link" in two).
        if (textSize === 18 ? w !== 1280 : textSize === 14 && w === 700) {
          await p.getByTestId('message').last().hover();
          const cut = (suggesting: boolean) => p.evaluate((suggesting) => {
            const out: string[] = [];
            const rect = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
            const inside = (el: Element, box: DOMRect, name: string) => {
              const c = el.getBoundingClientRect();
              if (c.top < box.top - 0.5 || c.bottom > box.bottom + 0.5 || c.left < box.left - 0.5 || c.right > box.right + 0.5) out.push(`${name} sticks out`);
            };
            if (suggesting) {
              if (rect('.composer-suggestions').top < rect('.room-header').bottom) out.push('the autocomplete list reaches the header');
              for (const li of document.querySelectorAll('.composer-suggestions li')) {
                for (const part of li.children) inside(part, li.getBoundingClientRect(), `suggestion ${part.className}`);
              }
              return out;
            }
            for (const sel of ['.room-header-name', '.room-header-topic']) inside(document.querySelector(sel)!, rect('.room-header'), sel);
            const marker = document.querySelector('.unread-marker span')!;
            inside(marker, rect('.unread-marker'), 'the "New messages" label');
            const bar = [...document.querySelectorAll('.message-actions')].find((el) => getComputedStyle(el).display !== 'none');
            if (!bar) out.push('no toolbar shown');
            else {
              inside(bar, rect('[data-testid="timeline"]'), 'the toolbar');
              // The quick reactions a narrow timeline hides are not there to stick out.
              const buttons = [...bar.querySelectorAll('button')].filter((b) => b.checkVisibility());
              for (const b of buttons) inside(b, bar.getBoundingClientRect(), `toolbar button ${b.textContent}`);
              if (new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size > 1) out.push('the toolbar wraps');
            }
            return out;
          }, suggesting);
          assert.deepEqual(await cut(false), [], `${textSize} px ${w}x${h}`);
          if (w === 800) {
            // Three quick reactions here: → from the third goes on to the picker's ＋, not to a hidden fourth.
            const bar = p.getByTestId('message').last().getByTestId('message-actions');
            await bar.getByTestId('react').nth(2).focus();
            await p.keyboard.press('ArrowRight');
            assert.equal(await bar.getByTestId('react-more').evaluate((b) => b === document.activeElement), true, `${textSize} px ${w}x${h}: → skips the hidden reactions`);
          }
          // The list covers the newest messages (and the pointer's): after the toolbar.
          await composer.fill(':sm');
          await p.getByTestId('composer-suggestion').first().waitFor();
          if (w === 800) await sizesAre([['.composer-suggestion-label', 'fontSize', 13 * scale], ['.composer-suggestion-detail', 'fontSize', 13 * scale]]);
          assert.deepEqual(await cut(true), [], `${textSize} px ${w}x${h}, the autocomplete list`);
          if (w === 800) {
            await composer.fill('');
            await p.mouse.move(0, 0);
          }
        }
        if (textSize === 14 || w === 700) continue;
        for (const theme of ['light', 'dark'] as const) {
          await p.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
          await shot(p, path.join(ARTIFACTS, `${theme}-${w}x${h}-room-text-${textSize}.png`));
        }
        await p.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
      }
      // The smallest window the app allows (window.ts): the picture, 320 px wide at most, is wider than the room.
      // Straight from a wide window, as a window snapped to a screen's edge goes: the header folds all the way at once.
      await p.setViewportSize({ width: 1280, height: 800 });
      await p.setViewportSize({ width: 480, height: 600 });
      await assertFitsNarrow(p, `${textSize} px 480x600`);
      await composer.fill(''); // the autocomplete's test above leaves ':sm' in it at 700 px
      await assertUsableAt480(p, `${textSize} px 480x600`, textSize);
      // The reply bar's × grows with the text, as the bar's words do.
      await p.getByTestId('message').last().hover();
      await p.getByTestId('message').last().getByTestId('action-reply').click();
      await sizesAre([['.composer-mode-cancel', 'fontSize', 18 * scale]]);
      await composer.press('Escape');
      await p.getByTestId('composer-mode').waitFor({ state: 'detached' });
      // The side panels' titles, × and buttons too: a thread's, then the threads list's.
      await p.getByTestId('message').last().hover();
      await p.getByTestId('message').last().getByTestId('action-thread').click();
      await p.getByTestId('thread-panel').waitFor();
      await sizesAre([['.thread-panel-header h3', 'fontSize', 15 * scale], ['.thread-panel-close', 'fontSize', 18 * scale]]);
      await p.getByTestId('thread-close').click();
      // In the header at 13 px (the room has the window's width), in its menu at 18.
      if (await p.getByTestId('open-threads').isVisible()) await p.getByTestId('open-threads').click();
      else {
        await p.getByTestId('room-header-more').click();
        await p.getByRole('menuitemcheckbox', { name: 'Threads' }).click();
      }
      await p.getByTestId('threads-panel').waitFor();
      await sizesAre([['.member-panel-header h3', 'fontSize', 15 * scale], ['.member-panel-close', 'fontSize', 18 * scale],
        ['.side-panel .thread-list-filter button', 'fontSize', 13 * scale]]);
      await p.getByTestId('threads-panel').getByRole('button', { name: 'Close threads' }).click();
      await p.getByTestId('threads-panel').waitFor({ state: 'detached' });
      if (textSize === 18) {
        await p.getByTestId('attachment-image').scrollIntoViewIfNeeded();
        for (const theme of ['light', 'dark'] as const) {
          await p.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
          await shot(p, path.join(ARTIFACTS, `${theme}-480x600-room-text-18.png`));
        }
        await p.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
      }
      preview.backend.setTyping(DESIGN, []);
      await p.close();
      return sizes;
    };
    const normal = await look(14);
    const large = await look(18);
    const small = await look(13);
    preview.backend.setFullyRead(DESIGN, null);
    for (const size of Object.keys(normal)) {
      // Names have their row's width (the time goes under them in a small window): these fit at 13 and 14 px, at
      // 700 px too but for the encrypted Announcements, whose lock takes its last letters there.
      for (const looked of [normal, small]) {
        assert.deepEqual(looked[size].cut, size === '700x600' ? ['Announcements'] : [], `${size}: names cut at ${looked === small ? 13 : 14} px`);
      }
      // The room list widens with the names' text, so a name at 18 px is cut about where it is at 14 px; in the
      // smallest window it widens less (the room keeps its room), but still some.
      const grown = size === '700x600' ? normal[size].name + 20 : normal[size].name * 18 / 14 - 2;
      assert.ok(large[size].name >= grown, `${size}: names get ${large[size].name}px at 18 px, ${normal[size].name}px at 14 px`);
      for (const [at, looked] of size === '700x600' ? [[13, small]] as const : [[18, large], [13, small]] as const) {
        assert.deepEqual(looked[size].cut.filter((n) => !normal[size].cut.includes(n)), [], `${size}: no name cut at ${at} px that shows whole at 14 px`);
      }
    }
  });

  it('grows the mentions dialog and the room switcher with the text size, each inside a 480 px window at 18 px', async () => {
    // Enough mentions (the preview has one) that the list has to scroll in the shortest window, two lines of words each.
    for (let i = 1; i <= 6; i++) preview.backend.receiveMessage(HIKING, people.bob.id, `You Yourself, trail ${i}: can you bring the map and the spare headlamp on Saturday?`);
    // Each dialog's row text, title or field, and avatar (its width; the rest their font sizes).
    const read = { mentions: ['.mention-room', '.mention-text', '.mention-time', '.mentions-title', '.mention > .avatar'],
      switcher: ['.switcher-name', '.switcher-alias', '.switcher-input', '.switcher-result > .avatar'] };
    /** What `read` names in each dialog at `textSize`, in px, each dialog checked inside the window on the way. */
    const look = async (textSize: number) => {
      const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await p.emulateMedia({ reducedMotion: 'reduce' });
      await p.addInitScript((t) => { localStorage.setItem('lattice.prefs', JSON.stringify({ textSize: t })); }, textSize);
      await p.goto(`${preview.url}#/room/${encodeURIComponent(DESIGN)}`);
      const px = (sels: string[]) => p.evaluate((l) => l.map((sel) => {
        const el = document.querySelector(sel);
        return el ? parseFloat(getComputedStyle(el)[sel.endsWith('.avatar') ? 'width' : 'fontSize']) : NaN;
      }), sels);
      /** In the window (a wide one, 480 px, and the shortest the app allows, 360 px), nothing of it past an edge. */
      const fits = async (testId: string, name: string) => {
        for (const [w, h] of [[1280, 800], [480, 600], [480, 360]] as const) {
          await p.setViewportSize({ width: w, height: h });
          const over = await p.getByTestId(testId).evaluate((dialog) => [dialog, ...dialog.querySelectorAll('*')].filter((el) => {
            const r = el.getBoundingClientRect();
            // What the list scrolled out of sight is inside the dialog's box; only what shows counts.
            const list = el.closest('[role="listbox"]')?.getBoundingClientRect();
            const shown = !list || el.matches('[role="listbox"]') || (r.bottom > list.top && r.top < list.bottom);
            return shown && r.width > 0 && (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5);
          }).map((el) => el.className || el.tagName));
          assert.deepEqual(over, [], `${name} at ${textSize} px in ${w}x${h}: past the window's edge`);
          const list = await p.getByTestId(testId).getByRole('listbox').evaluate((el) => [el.scrollHeight, el.clientHeight]);
          if (h === 360) assert.ok(list[0] > list[1], `${name} at ${textSize} px in ${w}x${h}: its list scrolls (${list.join(' > ')})`);
          if (textSize === 18 || h !== 360) {
            for (const theme of ['light', 'dark'] as const) {
              await p.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
              await shot(p, path.join(ARTIFACTS, `${theme}-${w}x${h}-${name}-text-${textSize}.png`));
            }
            await p.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
          }
        }
      };
      await p.getByTestId('open-mentions').click();
      await p.getByTestId('mention').first().waitFor();
      const mentions = await px(read.mentions);
      await fits('mentions-dialog', 'mentions');
      await p.keyboard.press('Escape');
      await p.getByTestId('mentions-dialog').waitFor({ state: 'detached' });
      await p.keyboard.press('Control+k');
      await p.getByTestId('switcher-result').first().waitFor();
      const switcher = await px(read.switcher);
      await fits('quick-switcher', 'switcher');
      await p.close();
      return { mentions, switcher };
    };
    const normal = await look(14);
    const large = await look(18);
    // Larger at 18 px, each in its proportion to the default (the avatars rounded to whole pixels, for their thumbnails).
    for (const dialog of ['mentions', 'switcher'] as const) {
      normal[dialog].forEach((at14, i) => {
        assert.ok(large[dialog][i] > at14 && Math.abs(large[dialog][i] - at14 * 18 / 14) < 0.6, `${read[dialog][i]}: ${large[dialog][i]}px at 18 px, ${at14}px at 14`);
      });
    }
  });
});
