/**
 * Maths in messages, in Chromium against Synapse through the web host: a formula Bob sends (inline and as a block,
 * the spec's `data-mx-maths`) is typeset by KaTeX in its fonts; one KaTeX cannot parse, or that asks for a link (`\href`, not
 * allowed), keeps the sender's fallback; and Alice's `$…$` and `$$…$$` from the composer reach Bob as the spec's
 * elements, prices left as text. Screenshots in both themes at both sizes go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, messageWith, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

describe('maths in messages against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;

  before(async () => {
    ui = await startWebUi('maths');
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Maths E2E'));
  });
  after(async () => {
    await ui?.stop();
  });

  function bobSends(body: string, html: string): Promise<string> {
    return bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: html });
  }

  it('typesets a formula Bob sends, inline and as a block, with its source as the tooltip', async () => {
    await bobSends('Euler: $e^{i\\pi} + 1 = 0$', 'Euler: <span data-mx-maths="e^{i\\pi} + 1 = 0"><code>e^{i\\pi} + 1 = 0</code></span>');
    await bobSends('$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$',
      'The integral: <div data-mx-maths="\\int_0^1 x^2\\,dx = \\frac{1}{3}"><code>\\int_0^1 x^2\\,dx = \\frac{1}{3}</code></div>');
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 45_000 });
    const inline = messageWith(page, 'Euler:').locator('span[data-mx-maths]');
    await inline.locator('math').waitFor({ timeout: 30_000 });
    assert.equal(await inline.getAttribute('title'), 'e^{i\\pi} + 1 = 0');
    assert.equal(await inline.locator('math').getAttribute('display'), null, 'inline maths flows with the text');
    assert.equal(await inline.locator('.katex-html').isVisible(), true, 'drawn in KaTeX\'s HTML, MathML beside it for screen readers');
    assert.equal(await inline.locator('code').count(), 0, 'the fallback gave way to the formula');
    assert.match(await inline.locator('math').textContent() ?? '', /e.*π/s);
    const block = messageWith(page, 'The integral:').locator('div[data-mx-maths]');
    await block.locator('math[display="block"]').waitFor({ timeout: 30_000 });
    assert.ok(await block.locator('mfrac').count() >= 1, 'the fraction is laid out as one');
    const box = await block.locator('.katex-display .katex-html').boundingBox();
    assert.ok(box && box.height > 30, `a block formula is laid out at display size (${JSON.stringify(box)})`);
    await page.waitForFunction(() => [...document.fonts].some((f) => f.family.includes('KaTeX_Main') && f.status === 'loaded'),
      undefined, { timeout: 15_000 }); // KaTeX's fonts loaded: the CSP lets them
    assert.equal(await page.evaluate(() => [...document.fonts].some((f) => f.status === 'error')), false, 'no font failed to load');
  });

  it('keeps the fallback of a formula that cannot be shown or asks for a link, saying why', async () => {
    await bobSends('$\\frac{1}{$', 'Broken: <span data-mx-maths="\\frac{1}{"><code>\\frac{1}{</code></span>');
    await bobSends('$\\href{https://example.org}{click}$',
      'Link: <span data-mx-maths="\\href{https://example.org}{click}"><code>\\href{https://example.org}{click}</code></span>');
    const broken = messageWith(page, 'Broken:').locator('span[data-mx-maths]');
    await broken.and(page.locator('[data-math-rendered="no"]')).waitFor({ timeout: 30_000 });
    assert.equal(await broken.locator('code').innerText(), '\\frac{1}{');
    assert.match(await broken.getAttribute('title') ?? '', /^This formula could not be shown: /);
    const link = messageWith(page, 'Link:').locator('span[data-mx-maths]');
    await link.and(page.locator('[data-math-rendered="no"]')).waitFor({ timeout: 30_000 });
    assert.equal(await link.locator('a, [href]').count(), 0, 'no link comes out of a formula');
    assert.equal(await link.locator('code').innerText(), '\\href{https://example.org}{click}');
    assert.match(await link.getAttribute('title') ?? '', /asks for \\href/);
  });

  it('sends $…$ and $$…$$ typed in the composer as the spec\'s maths, prices as text', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('Pythagoras: $a^2 + b^2 = c^2$ (costs $5 and $10)');
    await composer.press('Enter');
    const sent = await bob.waitForMessage(roomId, (e) => e.sender === alice.userId && String(e.content?.body).startsWith('Pythagoras'), 30_000);
    assert.equal(sent.content?.body, 'Pythagoras: $a^2 + b^2 = c^2$ (costs $5 and $10)');
    assert.equal(sent.content?.formatted_body, 'Pythagoras: <span data-mx-maths="a^2 + b^2 = c^2"><code>a^2 + b^2 = c^2</code></span> (costs $5 and $10)');
    await messageWith(page, 'Pythagoras:').locator('span[data-mx-maths] math').waitFor({ timeout: 30_000 });

    // Shift+Enter makes a new line in the composer, so a block can be typed as it is sent.
    await composer.fill('Sum:\n$$\n\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}\n$$');
    await composer.press('Enter');
    const block = await bob.waitForMessage(roomId, (e) => e.sender === alice.userId && String(e.content?.body).startsWith('Sum:'), 30_000);
    assert.match(String(block.content?.formatted_body), /<div data-mx-maths="\\sum_\{k=1\}\^\{n\} k = \\frac\{n\(n\+1\)\}\{2\}">/);
    await messageWith(page, 'Sum:').locator('div[data-mx-maths] math[display="block"]').waitFor({ timeout: 30_000 });
    await sizedShots(page, (theme, size) => `maths-${theme}-${size}.png`, async (label) => {
      const overflow = await page.getByTestId('timeline').evaluate((el) => el.scrollWidth - el.clientWidth).catch(() => 0);
      assert.ok(overflow <= 1, `${label}: the timeline does not scroll sideways (${overflow} px)`);
    });
  });
});
