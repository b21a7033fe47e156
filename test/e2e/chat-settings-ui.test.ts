/**
 * The chat UI's settings and looks in real Chromium against the preview host (made-up data through the real dispatcher;
 * see test/harness/preview/ and test/harness/preview-page.ts): the settings (theme and compact layout, kept across a
 * reload; the rooms' emoji packs; each of the device preferences taking effect at once: time format, join lines, text
 * size, Ctrl+Enter, typing). White on the danger red and the danger red's text have 4.5:1 in both themes. Opens the
 * main screens in both themes at 1280×800 and 800×600 (the timeline at its end, no overflow), and with LATTICE_SHOTS=1
 * saves them to test-artifacts/ui/. What the text size scales is chat-text-size-ui's; the rest of the chat UI is
 * chat-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { people } from '../harness/preview/fake-data.ts';
import type { Preview } from '../harness/preview/preview-server.ts';
import { ARTIFACTS, DESIGN, HIKING, room, SKIP_UNBUILT, startPreviewPage, type PreviewPage } from '../harness/preview-page.ts';
import { shot } from '../harness/shots.ts';

/** Waits for a condition on the test's side (the preview backend's records), not for a fixed time. */
async function waitUntil(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(done(), what);
}

describe('chat UI: settings and the main screens (preview host)', { skip: SKIP_UNBUILT }, () => {
  let ui: PreviewPage;
  let preview: Preview;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ preview, browser, page } = ui = await startPreviewPage());
  });
  after(async () => {
    await ui?.stop();
  });

  it('switches theme and density in the settings, and keeps them; lists the rooms\' emoji packs', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
    await page.getByTestId('settings-tab-appearance').click();
    await page.getByTestId('theme-dark').check({ force: true });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.getByTestId('compact-layout').check();
    const h = await page.locator('.roomlist-row').first().evaluate((el) => el.getBoundingClientRect().height);
    assert.equal(h, 36);
    // Emoji & stickers reads every room's packs from the backend (get_state_of_types): the design room's two.
    await page.getByTestId('settings-tab-emoji').click();
    const packs = page.getByTestId('settings-panel-emoji').getByTestId('room-pack');
    await packs.nth(1).waitFor();
    assert.deepEqual(await packs.getByTestId('room-pack-name').allInnerTexts(), ['Design reactions', 'Design Team']);
    assert.equal(await page.getByTestId('settings-panel-emoji').getByRole('alert').count(), 0, 'no read error');
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
    await page.reload();
    await page.locator(room(DESIGN)).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'kept across a reload');
    await page.evaluate(() => { localStorage.clear(); });
  });

  it('applies each device preference at once: time format, join lines, text size, Ctrl+Enter, typing', async () => {
    await page.reload(); // the last test left its preferences in memory; storage is clear
    await page.locator(room(HIKING)).click();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('I\'m in. Bringing the big thermos.').waitFor();
    const times = (): Promise<string[]> => timeline.locator('.message-time, .event-state-time').allTextContents();
    assert.ok((await times()).some((t) => /AM|PM/i.test(t)), 'the test browser\'s locale (en-US) writes 12-hour times');
    const joins = timeline.getByTestId('state-group').filter({ hasText: 'joined' });
    await joins.waitFor();
    preview.backend.setTyping(HIKING, [people.bob.id]);
    await page.getByTestId('typing').filter({ hasText: /Bob Martin\W* is typing…/ }).waitFor();
    const composer = page.getByTestId('composer');
    const typingSent = (): number => preview.backend.typingNotices.filter((n) => n.roomId === HIKING && n.timeout > 0).length;
    await composer.fill('hello');
    await waitUntil(() => typingSent() === 1, 'a typing notice while typing');
    await composer.fill('');
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-appearance').click();

    await page.getByTestId('time-format').selectOption('24');
    for (const t of await times()) assert.match(t, /^\d{2}:\d{2}$/, `24-hour time: ${t}`);
    await page.getByTestId('time-format').selectOption('12');
    for (const t of await times()) assert.match(t, /^\d{1,2}:\d{2}\s?[AP]M$/, `12-hour time: ${t}`);

    assert.equal(await joins.evaluate((el) => getComputedStyle(el).fontSize), '12.5px', 'the folded join lines at the default size');
    await page.getByTestId('text-size-18').check({ force: true });
    assert.equal(await timeline.locator('.message-body').first().evaluate((el) => getComputedStyle(el).fontSize), '18px');
    // The text drawn smaller than the messages keeps its proportion to them: 12 px times are 12 × 18/14 px now.
    const px = async (sel: string) => parseFloat(await timeline.locator(sel).first().evaluate((el) => getComputedStyle(el).fontSize));
    assert.ok(Math.abs(await px('.message-time') - 12 * 18 / 14) < 0.01, `the times grow: ${await px('.message-time')}px`);
    assert.ok(Math.abs(await px('.day-separator') - 12 * 18 / 14) < 0.01, `the date separators grow: ${await px('.day-separator')}px`);
    assert.equal(await page.locator('.roomlist-row').first().evaluate((el) => el.getBoundingClientRect().height), 77,
      'the room list rows grow with the text');
    assert.ok(Math.abs(parseFloat(await joins.evaluate((el) => getComputedStyle(el).fontSize)) - 12.5 * 18 / 14) < 0.01, 'and the folded join lines');
    await page.getByTestId('show-join-leave').uncheck();
    await joins.waitFor({ state: 'detached' });
    assert.equal(await timeline.getByTestId('message').filter({ hasText: 'joined' }).count(), 0, 'no single join line either');


    await page.getByTestId('show-typing').uncheck();
    await page.getByTestId('typing').waitFor({ state: 'detached' });
    await page.getByTestId('ctrl-enter-sends').check();
    await page.getByTestId('send-typing').uncheck();
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-room-text-18.png'));

    assert.match(await page.locator('.composer-hint').textContent() ?? '', /^Ctrl\+Enter to send · Enter for a new line/);
    await composer.fill('first line');
    await composer.press('Enter');
    await composer.pressSequentially('second');
    assert.equal(await composer.inputValue(), 'first line\nsecond', 'Enter made a new line');
    await composer.press('Control+Enter');
    await timeline.getByTestId('message').filter({ hasText: 'second' }).waitFor();
    assert.equal(await composer.inputValue(), '');
    assert.equal(typingSent(), 1, 'no typing notice sent since');
    await page.evaluate(() => { localStorage.clear(); });
  });

  it('gives white text on red at least 4.5:1, and red text on the backgrounds too, in both themes (WCAG AA)', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' }); // the colours finished, not mid-transition
    for (const theme of ['light', 'dark'] as const) {
      const pairs = await page.evaluate((t) => {
        document.documentElement.dataset.theme = t;
        /** WCAG's relative luminance of a computed `rgb(…)` colour. */
        const luminance = (css: string): number => {
          const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
            const c = Number(v) / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const ratio = (a: string, b: string): number => {
          const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
          return (x + 0.05) / (y + 0.05);
        };
        // The app's own rules on elements made for the purpose: a dialog's danger button, the security screens' one,
        // the red text of a dialog, and the backgrounds it stands on.
        const probe = (html: string): HTMLElement => {
          const box = document.createElement('div');
          box.innerHTML = html;
          document.body.append(box);
          return box.firstElementChild as HTMLElement;
        };
        const style = (el: Element): CSSStyleDeclaration => getComputedStyle(el);
        const made = [probe('<button class="dialog-button is-danger">Leave</button>'), probe('<button class="button-danger">Reset</button>'),
          probe('<p class="dialog-danger-text">x</p>'), probe('<p style="background: var(--bg-elevated)">x</p>'), probe('<p class="dialog-error">x</p>')];
        const [dialogDanger, secDanger, redText, elevated, alert] = made;
        const badge = document.querySelector('.badge-highlight');
        const out: [string, number][] = [
          ['dialog danger button', ratio(style(dialogDanger).color, style(dialogDanger).backgroundColor)],
          ['security danger button', ratio(style(secDanger).color, style(secDanger).backgroundColor)],
          ['red text on the page', ratio(style(redText).color, style(document.body).backgroundColor)],
          ['red text on a dialog', ratio(style(redText).color, style(elevated).backgroundColor)],
          ['an error box', ratio(style(alert).color, style(alert).backgroundColor)],
        ];
        if (badge) out.push(['a mention badge', ratio(style(badge).color, style(badge).backgroundColor)]);
        for (const el of made) el.parentElement!.remove();
        return out;
      }, theme);
      assert.equal(pairs.length, 6, 'the room list shows a mention badge');
      for (const [what, r] of pairs) assert.ok(r >= 4.5, `${theme}: ${what} ${r.toFixed(2)}:1`);
    }
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  });

  it('opens the main screens in both themes at 1280×800 and 800×600, the timeline at its end and nothing overflowing (saved with LATTICE_SHOTS=1)', async () => {
    for (const [w, h] of [[1280, 800], [800, 600]] as const) {
      for (const theme of ['light', 'dark'] as const) {
        const p = await browser.newPage({ viewport: { width: w, height: h } });
        await p.addInitScript((t) => { localStorage.setItem('lattice.prefs', JSON.stringify({ theme: t })); }, theme);
        await p.goto(`${preview.url}#/room/${encodeURIComponent(DESIGN)}`);
        await p.getByTestId('message').first().waitFor();
        await p.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));
        // Display names come with the room's member state, just after the room opens (a fixed 300 ms wait here
        // before), then a frame for the layout they change.
        await p.getByTestId('reply-quote').filter({ hasText: 'Alice Chen' }).first().waitFor();
        await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const save = (name: string): Promise<void> => shot(p, path.join(ARTIFACTS, `${theme}-${w}x${h}-${name}.png`));
        await save('room');
        // The newest message is still in full view: what appeared above or below after the room opened (the
        // notification banner, a taller composer) must not leave the timeline scrolled off its end.
        const gap = await p.getByTestId('timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
        assert.ok(gap <= 2, `${theme} ${w}x${h}: timeline at its end, ${gap}px short`);
        // No horizontal overflow of the page at this size.
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${theme} ${w}x${h}: no horizontal overflow`);
        await p.keyboard.press('Control+k');
        await p.getByTestId('switcher-input').fill('de');
        await save('switcher');
        await p.keyboard.press('Escape');
        await p.getByTestId('open-settings').click();
        await save('settings');
        await p.getByTestId('settings-tab-appearance').click();
        await save('settings-appearance');
        await p.keyboard.press('Escape');
        await p.getByTestId('attachment-image').click();
        await p.waitForFunction(() => !!document.querySelector<HTMLImageElement>('[data-testid="lightbox"] img')?.complete);
        await save('lightbox');
        await p.keyboard.press('Escape');
        await p.getByTestId('open-members').click();
        await p.waitForFunction(() => [...document.querySelectorAll('[data-testid="member-list"] img')].every((i) => (i as HTMLImageElement).complete));
        await save('members');
        await p.close();
      }
    }
  });
});
