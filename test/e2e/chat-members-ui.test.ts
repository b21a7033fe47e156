/**
 * The member list of a room of 10,000 in real Chromium against the preview host (made-up data through the real
 * dispatcher; see test/harness/preview/ and test/harness/preview-page.ts): Matrix HQ with 10,000 made-up members beside
 * its four, virtualized (only the rows in view in the page, down to the last, by scrolling and by the keyboard), its
 * counts in the locale's digits, no presence dots from a homeserver that shares none, filtered to what matches, and
 * kept scrolled and filtered across a member's info, as Element does. Screenshots go to test-artifacts/ui/ (with
 * LATTICE_SHOTS=1). The rest of the chat UI is chat-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, room, SKIP_UNBUILT, startPreviewPage, type PreviewPage } from '../harness/preview-page.ts';
import { shot } from '../harness/shots.ts';

const HQ = '!hq:matrix.org';
/** Made-up members added to Matrix HQ (beside its four), for the member list's virtualization. */
const CROWD = 10_000;

describe('chat UI: the member list of a crowded room (preview host)', { skip: SKIP_UNBUILT }, () => {
  let ui: PreviewPage;
  let page: Page;

  before(async () => {
    ({ page } = ui = await startPreviewPage({ crowd: CROWD }));
  });
  after(async () => {
    await ui?.stop();
  });

  it('lists the 10,004 members of a crowded room with only the rows in view in the page, down to the last', async () => {
    await page.locator(room(HQ)).click();
    await page.getByTestId('room-header').filter({ hasText: 'Matrix HQ' }).waitFor();
    await page.getByTestId('open-members').click();
    const list = page.getByTestId('member-list');
    const total = await page.evaluate((n) => n.toLocaleString(), CROWD + 4);
    assert.equal(total, '10,004', 'the test browser\'s locale (en-US) separates thousands');
    await list.getByTestId('member-heading').filter({ hasText: `· ${total}` }).waitFor({ timeout: 30_000 });
    // The header's count as the locale writes numbers, as the list's heading does.
    assert.equal(await page.getByTestId('open-members').getAttribute('aria-label'), `${total} members`);
    assert.match(await page.getByTestId('open-members').innerText(), /^10,004/);
    const rows = list.getByTestId('member');
    const rendered = await rows.count();
    assert.ok(rendered > 5 && rendered < 100, `${rendered} of ${CROWD + 4} rows in the page`);
    // The made-up homeserver shares no presence: no dots rather than everyone offline.
    assert.equal(await list.getByTestId('member-presence').count(), 0);
    // No power levels: all by name, Carol Okafor first and You Yourself last.
    assert.equal(await rows.first().getAttribute('data-user-id'), '@carol:example.org');

    // Scrolling to the end brings the last rows in, and still only a page's worth.
    await list.locator('.member-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await list.locator('[data-testid="member"][data-user-id="@you:lattice.test"]').waitFor();
    await list.locator('[data-testid="member"][data-user-id="@member10000:lattice.test"]').waitFor();
    assert.ok(await rows.count() < 100);
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-members-crowd-end.png'));

    // The keyboard goes there too: Home to the first, End to the last, one row at a time in between.
    const focused = () => page.evaluate(() => document.activeElement?.closest('[data-testid="member"]')?.getAttribute('data-user-id'));
    await list.locator('.member-row[tabindex="0"]').focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="member"]')?.getAttribute('data-user-id') === '@carol:example.org');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="member"]')?.getAttribute('data-user-id') === '@dave:lattice.test')
      .catch(async () => assert.fail(`↓ from the first row focuses the second, not ${await focused()}`));
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="member"]')?.getAttribute('data-user-id') === '@you:lattice.test');
    await page.keyboard.press('Enter');
    await page.getByTestId('user-info').filter({ hasText: 'You Yourself' }).waitFor();
    await page.getByRole('button', { name: 'Close user info' }).click();

    // The filter narrows the 10,000 to the ten it matches.
    await page.getByTestId('open-members').click();
    await list.getByTestId('member-filter').fill('member 0999');
    // Exactly ten: the unfiltered heading, "· 10,004", also begins "· 10".
    await list.getByTestId('member-heading').filter({ hasText: /· 10$/ }).waitFor();
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id'))),
      Array.from({ length: 10 }, (_, i) => `@member0999${i}:lattice.test`));
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-members-crowd-filter.png'));
    await list.getByTestId('member-filter').press('Escape');
    await page.getByTestId('open-members').click();
    await list.waitFor({ state: 'detached' });
  });

  it('comes back from a member\'s info to the list as it was left, scrolled and filtered, as Element does', async () => {
    const list = page.getByTestId('member-list');
    const scroller = list.locator('.member-scroll');
    await page.getByTestId('open-members').click();
    await list.getByTestId('member').first().waitFor();
    // Far down the 10,000, to a row that is wholly in view.
    await scroller.evaluate((el) => { el.scrollTop = 200_000; });
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="member-list"] .member-scroll');
      return el !== null && Math.abs(el.scrollTop - 200_000) < 1 && el.querySelector('[data-testid="member"]') !== null;
    });
    const top = await scroller.evaluate((el) => el.scrollTop);
    // A row wholly in view (clicking one at the edge would scroll it in first).
    const rowInView = () => scroller.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const row = [...el.querySelectorAll<HTMLElement>('[data-testid="member"]')].find((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= box.top + 40 && b.bottom <= box.bottom - 40;
      });
      return row?.dataset.userId ?? '';
    });
    const picked = await rowInView();
    assert.ok(picked.startsWith('@member'), `a made-up member in view, not ${picked}`);
    await list.locator(`[data-testid="member"][data-user-id="${picked}"]`).click();
    await page.getByTestId('user-info-id').filter({ hasText: picked }).waitFor();
    await page.getByTestId('user-info-back').click();
    await list.getByTestId('member').first().waitFor();
    assert.equal(Math.round(await scroller.evaluate((el) => el.scrollTop)), Math.round(top), 'the list where it was, not at its top');
    await list.locator(`[data-testid="member"][data-user-id="${picked}"]`).waitFor();

    // The filter too, with the list scrolled within what it matches.
    await list.getByTestId('member-filter').fill('member 05');
    await list.getByTestId('member-heading').filter({ hasText: '· 1,000' }).waitFor();
    assert.equal(await scroller.evaluate((el) => el.scrollTop), 0, 'a new filter shows its matches from the top');
    await scroller.evaluate((el) => { el.scrollTop = 8_000; });
    await page.waitForFunction(() => document.querySelector('[data-testid="member-list"] .member-scroll')!.scrollTop >= 7_999);
    const second = await rowInView();
    await list.locator(`[data-testid="member"][data-user-id="${second}"]`).click();
    await page.getByTestId('user-info-back').click();
    await list.getByTestId('member').first().waitFor();
    assert.equal(await list.getByTestId('member-filter').inputValue(), 'member 05');
    assert.ok(Math.abs(await scroller.evaluate((el) => el.scrollTop) - 8_000) < 1);
    await list.locator(`[data-testid="member"][data-user-id="${second}"]`).waitFor();
    await list.getByTestId('member-filter').press('Escape');
    await page.getByTestId('open-members').click();
    await list.waitFor({ state: 'detached' });
  });
});
