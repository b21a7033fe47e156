/**
 * Inline images in formatted messages, in Chromium against Synapse through the web host: Bob uploads two PNGs over
 * the media API and sends a message with a custom emoji (MSC2545), a picture with a declared size, and a picture
 * on an http:// URL; then one of nothing but custom emoji, and one whose mxc:// picture does not exist. Alice sees
 * the emoji at the text's height with its name as alt text and tooltip, larger in the emoji-only message, the
 * picture clamped to 320×160 (its 2:1 aspect kept) opening the lightbox, the http:// one as its alt text with no
 * request made for it, the missing one as its alt text, and the room list preview reading ":party:".
 * Screenshots of the timeline in both themes go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { encodePng } from '../harness/png.ts';
import type { TestUser } from '../harness/synapse.ts';
import { startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

/** Uploads a PNG as `user` through the Client-Server media API and returns its mxc:// URI. */
async function uploadPng(baseUrl: string, user: TestUser, name: string, png: Buffer): Promise<string> {
  const res = await fetch(`${baseUrl}/_matrix/media/v3/upload?filename=${encodeURIComponent(name)}`, {
    method: 'POST', headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'image/png' }, body: new Uint8Array(png),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { content_uri: string }).content_uri;
}

describe('inline images against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let roomId: string;
  const requested: string[] = [];

  before(async () => {
    ui = await startWebUi('inline-images');
    page = ui.page;
    page.on('request', (r) => requested.push(r.url()));
    const hs = ui.hs;
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    const bobUser = await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' });
    const bob = new MatrixPeer(hs.baseUrl, bobUser);
    roomId = await bob.createRoom({ name: 'Emoji Garden', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(roomId);

    // A 64×64 emoji (an orange disc on yellow) and a 600×300 blue-to-green picture.
    const emoji = await uploadPng(hs.baseUrl, bobUser, 'party.png', encodePng(64, 64, (x, y) =>
      ((x - 32) ** 2 + (y - 32) ** 2 < 600 ? [235, 110, 20] : [250, 200, 60])));
    const picture = await uploadPng(hs.baseUrl, bobUser, 'tides.png', encodePng(600, 300, (x, y) =>
      [20, Math.round(80 + (x / 600) * 150), Math.round(220 - (y / 300) * 120)]));
    const server = emoji.slice('mxc://'.length).split('/')[0];
    // As Element sends it (a height), and with both sizes (which must not make it a picture-sized image).
    const party = `<img data-mx-emoticon src="${emoji}" alt=":party:" title=":party:" height="32">`;
    const sized = `<img data-mx-emoticon src="${emoji}" alt=":party:" width="64" height="64">`;
    const html = (body: string, formatted_body: string) => ({ msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body });

    await bob.sendEvent(roomId, 'm.room.message', html('Tides :party: and a chart',
      `<p>Tides ${sized} are in!</p><p><img src="${picture}" alt="Tide chart" width="1200" height="600"></p>`
      + '<p>Elsewhere: <img src="http://127.0.0.1:9/tracker.png" alt="web picture" onerror="window.pwned=1"></p>'));
    await bob.sendEvent(roomId, 'm.room.message', html('Lost picture',
      `<p>Lost: <img src="mxc://${server}/doesNotExist123" alt="lost picture" width="100" height="100"></p>`));
    await bob.sendEvent(roomId, 'm.room.message', html(':party: :party:', `${party} ${party}`));
  });
  after(async () => {
    const hs = ui?.hs;
    await ui?.stop();
    await hs?.stop();
  });

  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });

  it('shows custom emoji and pictures from mxc://, and other sources as alt text', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    const first = message('Tides');
    await first.waitFor(WAIT);

    // The emoji: loaded through the web host's media route, named by its alt text, about a line of text tall.
    const emoji = first.locator('img[data-mx-emoticon]');
    await emoji.waitFor(WAIT);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.message-html img')]
      .every((i) => i.complete && i.naturalWidth > 0), undefined, WAIT);
    assert.equal(await emoji.getAttribute('alt'), ':party:');
    assert.equal(await emoji.getAttribute('title'), ':party:');
    assert.match(await emoji.getAttribute('src') ?? '', /^\/_gomuks\/media\/[^/]+\/[A-Za-z0-9_-]+\?image_auth=/);
    assert.equal(await first.getByRole('img', { name: ':party:' }).count(), 1, 'its alt text is its accessible name');
    const fontPx = await first.locator('.message-html').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const emojiBox = (await emoji.boundingBox())!;
    assert.ok(emojiBox.height >= fontPx * 1.2 && emojiBox.height <= fontPx * 2, `emoji ${emojiBox.height}px at ${fontPx}px text`);
    assert.ok(Math.abs(emojiBox.width - emojiBox.height) < 1, 'square, as uploaded');

    // The picture: clamped into 320×240 with its 2:1 aspect, loaded as a thumbnail fitted inside that box (Synapse's
    // 320×240 scaled one: 320×160), not the 600×300 original.
    const picture = first.getByRole('button', { name: 'Open image Tide chart' });
    assert.equal(await picture.evaluate((el) => el.tagName), 'IMG');
    const box = (await picture.boundingBox())!;
    assert.deepEqual([Math.round(box.width), Math.round(box.height)], [320, 160]);
    assert.match(await picture.getAttribute('src') ?? '', /^\/_gomuks\/media\/[^/]+\/[A-Za-z0-9_-]+\?w=320&h=240&method=scale&image_auth=/);
    assert.deepEqual(await picture.evaluate((i: HTMLImageElement) => [i.naturalWidth, i.naturalHeight]), [320, 160]);

    // The http:// picture is its alt text; nothing asked for it, and its onerror never ran.
    assert.equal(await first.locator('img').count(), 2);
    assert.match(await first.locator('.message-html').innerText(), /Elsewhere: web picture/);
    assert.deepEqual(requested.filter((u) => u.includes('tracker') || u.startsWith('http://127.0.0.1:9')), []);
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    assert.ok(requested.every((u) => !u.startsWith('mxc:')), 'the browser never saw an mxc:// URL');

    // A picture that cannot be loaded reads as its alt text.
    const lost = message('Lost');
    await lost.locator('.mx-inline-image', { hasText: 'lost picture' }).waitFor(WAIT);
    assert.equal(await lost.locator('img').count(), 0);

    // Nothing but custom emoji: shown larger.
    const only = page.locator('.message-html.is-emoji-only');
    await only.waitFor(WAIT);
    const big = (await only.locator('img[data-mx-emoticon]').first().boundingBox())!;
    assert.equal(await only.locator('img[data-mx-emoticon]').count(), 2);
    assert.ok(big.height >= emojiBox.height * 1.5, `emoji-only ${big.height}px against ${emojiBox.height}px inline`);

    // The room list's preview reads the emoji's name.
    assert.match(await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).innerText(), /:party: :party:/);

    await page.mouse.move(0, 0);
    await themeShots(page, 'inline-images', 'timeline');
  });

  it('opens a picture in the lightbox by click or keyboard', async () => {
    const picture = message('Tides').getByRole('button', { name: 'Open image Tide chart' });
    await picture.click();
    const shown = page.getByTestId('lightbox').locator('img');
    await shown.waitFor(WAIT);
    assert.match(await shown.getAttribute('src') ?? '', /^\/_gomuks\/media\/[^/]+\/[A-Za-z0-9_-]+\?image_auth=/, 'the whole picture');
    assert.equal(await shown.getAttribute('alt'), 'Tide chart');
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Open image Tide chart', 'focus comes back');
    await page.keyboard.press('Enter');
    await page.getByTestId('lightbox').waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
    // A custom emoji is not a button.
    assert.equal(await message('Tides').locator('img[data-mx-emoticon][role]').count(), 0);
  });
});
