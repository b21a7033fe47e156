/**
 * Custom emoji and stickers (MSC2545) as a person sends them, in Chromium through the web host against Synapse, from
 * the packs made over the homeserver API (test/harness/emoji-packs-fixture.ts): the composer's picker offers Alice's
 * own pack, both packs in the room's state, the pack of the space containing the room and the pack of another room she
 * enabled everywhere. She picks a custom emoji in that picker and sends it, completes one after `:`, reacts with one
 * and sends a sticker; Bob (a peer over the Client-Server API) checks what reached the homeserver, and the
 * timeline shows the pictures inline at text height, larger in an emoji-only message, and on the reaction chip. The
 * thread panel's composer sends a sticker into the thread. Screenshots of the picker with packs and of the messages,
 * wide and narrow, and of the sticker picker, in both themes, go to test-artifacts/ (with LATTICE_SHOTS=1). Changing
 * the packs in Settings and in a room's settings is emoji-packs-settings-ui's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startEmojiPacksFixture, type EmojiPacksFixture } from '../harness/emoji-packs-fixture.ts';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { messageWith, sizedShots, themeShots, type WebUi } from '../harness/web-ui.ts';

describe('sending custom emoji and stickers against Synapse', () => {
  let fx: EmojiPacksFixture | undefined;
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let mxc: EmojiPacksFixture['mxc'];
  let picker: EmojiPacksFixture['picker'];

  before(async () => {
    // Not signed in yet: the first test signs in.
    fx = await startEmojiPacksFixture('emoji-packs-sending');
    ({ ui, page, alice, bob, roomId, mxc, picker } = fx);
  });
  after(async () => {
    await fx?.ui.stop();
  });

  it('signs in and opens the room', async () => {
    // No colour transitions: a screenshot right after a theme switch shows the finished colours.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Emoji Packs' }).waitFor();
  });

  it('offers her pack, the room\'s and the one enabled everywhere in the picker, and sends a picked emoji as an emoticon', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('hello ');
    await page.getByTestId('composer-emoji').click();
    const tabs = picker().getByTestId('emoji-pack-tab');
    await tabs.first().waitFor();
    // The shop room's pack comes through get_specific_room_state once the room list has it.
    await picker().getByRole('tab', { name: 'Shop pack' }).waitFor({ timeout: 30_000 });
    // The space's pack comes through get_state_of_types for the space once the room is open.
    await picker().getByRole('tab', { name: 'Space pack' }).waitFor({ timeout: 30_000 });
    const names = await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    // Hers, the room's two (in either order), the space's, then the one enabled everywhere.
    assert.deepEqual([names[0], [...names.slice(1, 3)].sort(), ...names.slice(3)], ['My blobs', ['Extras', 'Party pack'], 'Space pack', 'Shop pack']);
    await picker().getByRole('tab', { name: 'My blobs' }).click();
    // The sticker-only image is not an emoji, and the one without an mxc:// URL is no image at all.
    assert.deepEqual(await picker().getByTestId('emoji-option').evaluateAll((els) => els.map((e) => e.getAttribute('data-shortcode'))), ['blobcat']);
    await picker().locator('.emoji-cell img').first().evaluate((img: HTMLImageElement) => img.decode());
    // Wide and narrow: the picker keeps its place beside its button, its pack tabs on a row of their own.
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-picker.png`, async (label) => {
      const box = await picker().boundingBox();
      const viewport = page.viewportSize();
      assert.ok(box && viewport && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
        `the picker fits the window (${label}: ${JSON.stringify(box)})`);
    });
    await picker().locator('[data-shortcode="blobcat"]').click();
    assert.equal(await composer.inputValue(), 'hello :blobcat: ');
    await composer.press('Enter');

    const sent = await bob.waitForMessage(roomId, (e) => typeof e.content.body === 'string' && e.content.body.includes(':blobcat:'), 45_000);
    assert.equal(sent.content.body, 'hello :blobcat: ');
    assert.equal(sent.content.format, 'org.matrix.custom.html');
    assert.equal(sent.content.formatted_body, `hello <img src="${mxc.blob}" alt=":blobcat:" title=":blobcat:" height="32" data-mx-emoticon />`);

    const img = messageWith(page, 'hello').locator('img[data-mx-emoticon]');
    await img.waitFor();
    await img.evaluate((el: HTMLImageElement) => el.decode());
    const shown = await img.evaluate((el: HTMLImageElement) => ({
      alt: el.alt, natural: el.naturalWidth, height: el.getBoundingClientRect().height,
      font: Number.parseFloat(getComputedStyle(el.parentElement ?? el).fontSize),
    }));
    assert.equal(shown.alt, ':blobcat:');
    assert.ok(shown.natural > 0, 'the picture loaded');
    assert.ok(shown.height <= shown.font * 2 && shown.height >= shown.font, `at text height (${shown.height}px for ${shown.font}px text)`);
  });

  it('completes a pack emoji after a colon, and shows an emoji-only message larger', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill(':partyp');
    const suggestion = page.getByTestId('composer-suggestion').first();
    await suggestion.filter({ hasText: ':partyparrot:' }).waitFor();
    assert.equal(await suggestion.locator('img').count(), 1, 'with its picture');
    await composer.press('Enter');
    assert.equal(await composer.inputValue(), ':partyparrot: ');
    await composer.press('Enter');
    const sent = await bob.waitForMessage(roomId, (e) => e.content.body === ':partyparrot: ', 45_000);
    assert.equal(sent.content.formatted_body, `<img src="${mxc.parrot}" alt=":partyparrot:" title=":partyparrot:" height="32" data-mx-emoticon />`);
    const big = page.locator('.message-html.is-emoji-only img[data-mx-emoticon][alt=":partyparrot:"]');
    await big.waitFor();
    await big.evaluate((el: HTMLImageElement) => el.decode());
    const small = await messageWith(page, 'hello').locator('img[data-mx-emoticon]').evaluate((el) => el.getBoundingClientRect().height);
    const large = await big.evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(large > small * 1.5, `larger alone (${large}px against ${small}px)`);
  });

  it('reacts with a custom emoji: the key is its mxc URL with its shortcode, and the chip shows the picture', async () => {
    const row = messageWith(page, 'hello');
    await row.hover();
    await row.getByTestId('react-more').click();
    await picker().getByRole('tab', { name: 'Party pack' }).click();
    await picker().locator('[data-shortcode="partyparrot"]').click();
    const reaction = await bob.waitForMessage(roomId, (e) => e.type === 'm.reaction', 45_000);
    const rel = reaction.content['m.relates_to'] as { key: string; rel_type: string };
    assert.equal(rel.rel_type, 'm.annotation');
    assert.equal(rel.key, mxc.parrot);
    assert.equal(reaction.content.shortcode, ':partyparrot:');
    assert.equal(reaction.content['com.beeper.reaction.shortcode'], ':partyparrot:');
    const chip = row.getByTestId('reaction');
    const chipImg = chip.locator('img.reaction-image');
    await chipImg.waitFor();
    await chipImg.evaluate((el: HTMLImageElement) => el.decode());
    assert.equal(await chipImg.getAttribute('alt'), ':partyparrot:');
    assert.match(await chip.getAttribute('title') ?? '', /reacted with :partyparrot:/);
    assert.equal((await chip.innerText()).trim(), '1');
  });

  it('sends a sticker from the sticker button, shown in the timeline', async () => {
    await page.getByTestId('composer-sticker').click();
    // Stickers only: the sticker-only image and the ones without a usage (both), not the room's emoticon pack.
    await picker().getByTestId('emoji-option').first().waitFor();
    assert.deepEqual(await picker().getByTestId('emoji-pack-tab').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
      ['My blobs', 'Shop pack']);
    assert.deepEqual(await picker().getByTestId('emoji-option').evaluateAll((els) => els.map((e) => e.getAttribute('data-shortcode'))),
      ['blobcat', 'wave']);
    await picker().locator('.emoji-cell img').last().evaluate((img: HTMLImageElement) => img.decode());
    await themeShots(page, 'emoji-packs', 'stickers');
    await picker().locator('[data-shortcode="wave"]').click();
    const sticker = await bob.waitForMessage(roomId, (e) => e.type === 'm.sticker', 45_000);
    assert.equal(sticker.content.url, mxc.wave);
    assert.equal(sticker.content.body, 'Waving hello');
    assert.deepEqual(sticker.content.info, { w: 64, h: 64, mimetype: 'image/png' });
    const shown = page.locator('.attachment-sticker img[alt="Waving hello"]');
    await shown.waitFor({ timeout: 30_000 });
    await shown.evaluate((el: HTMLImageElement) => el.decode());
    await page.mouse.move(5, 5);
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-messages.png`);
  });

  it('sends a sticker from the thread panel\'s composer into the thread', async () => {
    const root = messageWith(page, 'hello');
    await root.hover();
    await root.getByTestId('action-thread').click();
    const panel = page.getByTestId('thread-panel');
    await panel.getByTestId('thread-composer').waitFor();
    await panel.getByTestId('thread-composer-sticker').click();
    await picker().locator('[data-shortcode="wave"]').click();
    const rootId = await root.getAttribute('data-event-id');
    const sticker = await bob.waitForMessage(roomId, (e) => e.type === 'm.sticker'
      && (e.content['m.relates_to'] as { rel_type?: string } | undefined)?.rel_type === 'm.thread', 45_000);
    assert.equal(sticker.content.url, mxc.wave);
    const rel = sticker.content['m.relates_to'] as { event_id: string; is_falling_back: boolean };
    if (rootId) assert.equal(rel.event_id, rootId);
    assert.equal(rel.is_falling_back, true);
    await panel.locator('.attachment-sticker img[alt="Waving hello"]').waitFor({ timeout: 30_000 });
    await panel.getByTestId('thread-close').click();
  });
});
