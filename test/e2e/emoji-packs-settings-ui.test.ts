/**
 * Custom emoji and sticker packs (MSC2545) as a person changes them, in Chromium through the web host against Synapse,
 * from the packs made over the homeserver API (test/harness/emoji-packs-fixture.ts). Settings → Emoji & stickers lists
 * Alice's pack and every room pack (both of her room's, the space's and the shop room's); "Use everywhere" writes
 * im.ponies.emote_rooms (keeping what else it holds, per pack) and the pack is then offered in another room. In the
 * same tab she adds an image to her own pack (a shortcode the spec does not allow refused in words first) and removes
 * it, and names her pack and gives it a picture and an attribution. In the room's settings she adds an image to the
 * room's pack and names it and gives it a picture, which Bob (a peer over the Client-Server API) then reads, and
 * downloads the image; the new image completes after `:` at once. The shop room's settings say she may not change its
 * pack. The room pack's Add is drawn in the accent colour and an image's Remove quiet (the side panel's general button
 * look had won over both), and the panel's general buttons answer the pointer. There she creates two packs of one name
 * (the second under a key of its own) and deletes the second after a confirmation (Cancel keeping it first; its state
 * emptied); a third of that name gets yet another key, the deleted one's staying taken. Screenshots of the Settings
 * part, her pack's form and its name and picture, the room's packs in its settings and the delete confirmation, wide
 * and narrow, in both themes, go to test-artifacts/ (with LATTICE_SHOTS=1). Sending the packs' emoji and stickers is
 * emoji-packs-sending-ui's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { face, startEmojiPacksFixture, type EmojiPacksFixture } from '../harness/emoji-packs-fixture.ts';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { serverSays, sizedShots, type WebUi } from '../harness/web-ui.ts';

describe('changing custom emoji and sticker packs against Synapse', () => {
  let fx: EmojiPacksFixture | undefined;
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let otherRoom: string;
  let picker: EmojiPacksFixture['picker'];
  const enc = encodeURIComponent;
  const accountData = (type: string) => alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/${type}`) as Promise<Record<string, unknown>>;

  before(async () => {
    fx = await startEmojiPacksFixture('emoji-packs-settings');
    ({ ui, page, alice, alicePeer, bob, roomId, otherRoom, picker } = fx);
    // Signed in with the room open, as emoji-packs-sending-ui's first test leaves it; no colour transitions, so a
    // screenshot right after a theme switch shows the finished colours.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Emoji Packs' }).waitFor();
  });
  after(async () => {
    await fx?.ui.stop();
  });

  it('Settings lists her pack and every room pack; "Use everywhere" writes the account data and offers the pack in another room', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-emoji').click();
    const panel = page.getByTestId('settings-panel-emoji');
    const rows = panel.getByTestId('room-pack');
    await rows.nth(3).waitFor({ timeout: 30_000 });
    // Both packs of her room are listed, each on its own row, and the space's too.
    assert.deepEqual((await rows.getByTestId('room-pack-name').allInnerTexts()).sort(), ['Extras', 'Party pack', 'Shop pack', 'Space pack']);
    const party = rows.filter({ hasText: 'Party pack' });
    const extras = rows.filter({ hasText: 'Extras' });
    const shop = rows.filter({ hasText: 'Shop pack' });
    assert.equal(await shop.getByTestId('room-pack-everywhere').isChecked(), true);
    assert.equal(await party.getByTestId('room-pack-everywhere').isChecked(), false);
    assert.equal(await extras.getByTestId('room-pack-everywhere').isChecked(), false);
    assert.deepEqual(await panel.getByTestId('user-pack').getByTestId('pack-image').evaluateAll((els) => els.map((e) => e.getAttribute('data-shortcode'))),
      ['blobcat', 'wave']);
    for (const img of await panel.locator('img').all()) await img.evaluate((el: HTMLImageElement) => el.decode().catch(() => undefined));
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-settings.png`);

    await party.getByTestId('room-pack-everywhere').click();
    await serverSays('im.ponies.emote_rooms lists the party pack beside the shop\'s', () => accountData('im.ponies.emote_rooms'),
      (c) => JSON.stringify(c) === JSON.stringify({ rooms: { [otherRoom]: { '': {} }, [roomId]: { party: {} } }, 'com.example.kept': true }));
    await party.locator('[data-testid="room-pack-everywhere"]:checked').waitFor();
    assert.equal(await extras.getByTestId('room-pack-everywhere').isChecked(), false, 'the room\'s other pack stays as it was');

    // Her own pack: a shortcode the spec does not allow is refused in words before anything is uploaded; a good one is added.
    const star = face([250, 140, 30]);
    await panel.getByTestId('user-pack-file').setInputFiles({ name: 'big star.png', mimeType: 'image/png', buffer: star });
    assert.equal(await panel.getByTestId('user-pack-shortcode').inputValue(), 'big_star', 'offered from the file name');
    await panel.getByTestId('user-pack-shortcode').fill('big star');
    await panel.getByTestId('user-pack-add').click();
    assert.match(await panel.getByTestId('user-pack-error').innerText(), /only letters A–Z, digits, - and _/);
    await panel.getByTestId('user-pack-shortcode').fill('star');
    await panel.getByTestId('user-pack-add').click();
    const own = await serverSays('her pack has :star:', () => accountData('im.ponies.user_emotes'),
      (c) => !!(c.images as Record<string, unknown> | undefined)?.star) as { pack: unknown; images: Record<string, { url: string; usage?: string[] }> };
    assert.deepEqual(Object.keys(own.images), ['blobcat', 'wave', 'broken', 'star'], 'her other images are kept, the broken one too');
    assert.deepEqual(own.pack, { display_name: 'My blobs' });
    assert.match(own.images.star.url, /^mxc:\/\//);
    assert.deepEqual(own.images.star.usage, ['emoticon']);
    await panel.getByTestId('user-pack').locator('[data-shortcode="star"]').getByTestId('pack-image-remove').click();
    await serverSays('her pack no longer has :star:', () => accountData('im.ponies.user_emotes'),
      (c) => !(c.images as Record<string, unknown> | undefined)?.star && !!(c.images as Record<string, unknown> | undefined)?.blobcat);

    // Her pack's name, picture and attribution, as Cinny edits them.
    const profile = panel.getByTestId('user-pack-profile');
    assert.equal(await profile.getByTestId('user-pack-profile-name').innerText(), 'My blobs');
    await profile.getByTestId('user-pack-profile-edit').click();
    const form = panel.getByTestId('user-pack-profile-form');
    assert.equal(await form.getByTestId('user-pack-profile-name-input').inputValue(), 'My blobs');
    await form.getByTestId('user-pack-profile-file').setInputFiles({ name: 'faces.png', mimeType: 'image/png', buffer: face([60, 190, 190]) });
    await form.getByTestId('user-pack-profile-name-input').fill('My faces');
    await form.getByTestId('user-pack-profile-attribution-input').fill('Drawn by Alice');
    await form.locator('img').evaluate((el: HTMLImageElement) => el.decode());
    await form.scrollIntoViewIfNeeded();
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-pack-form.png`, async () => { await form.scrollIntoViewIfNeeded(); });
    await form.getByTestId('user-pack-profile-save').click();
    const named = await serverSays('her pack is named, with a picture', () => accountData('im.ponies.user_emotes'),
      (c) => (c.pack as { display_name?: string } | undefined)?.display_name === 'My faces') as { pack: Record<string, unknown>; images: Record<string, unknown> };
    assert.deepEqual(Object.keys(named.pack).sort(), ['attribution', 'avatar_url', 'display_name']);
    assert.equal(named.pack.attribution, 'Drawn by Alice');
    assert.match(String(named.pack.avatar_url), /^mxc:\/\//);
    assert.deepEqual(Object.keys(named.images), ['blobcat', 'wave', 'broken'], 'her images are kept');
    await profile.getByTestId('user-pack-profile-attribution').filter({ hasText: 'Drawn by Alice' }).waitFor();
    assert.equal(await profile.getByTestId('user-pack-profile-name').innerText(), 'My faces');
    const picture = profile.getByTestId('pack-profile-picture');
    await picture.evaluate((el: HTMLImageElement) => el.decode());
    assert.ok(await picture.evaluate((el: HTMLImageElement) => el.naturalWidth > 0), 'its picture loads');
    await profile.scrollIntoViewIfNeeded();
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-pack-profile.png`, async () => { await profile.scrollIntoViewIfNeeded(); });
    await page.getByTestId('settings-close').click();

    // In the shop room the party pack (of the other room) is now offered too.
    await page.locator(`[data-testid="room-item"][data-room-id="${otherRoom}"]`).click();
    await page.getByTestId('room-header').filter({ hasText: 'Sticker Shop' }).waitFor();
    await page.getByTestId('composer-emoji').click();
    await picker().getByRole('tab', { name: 'Party pack' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
  });

  it('room settings: no permission in the shop room; in hers she adds an image to the room\'s pack that Bob can use', async () => {
    await page.getByTestId('open-room-settings').click();
    const shopSettings = page.getByTestId('room-settings').getByTestId('settings-packs');
    await shopSettings.getByTestId('settings-packs-readonly').waitFor();
    assert.match(await shopSettings.innerText(), /don't have permission/);
    assert.equal(await shopSettings.getByTestId('room-pack-editor-add').count(), 0);
    assert.equal(await shopSettings.getByTestId('room-pack-editor-profile-edit').count(), 0, 'nor its name or picture');

    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click();
    await page.getByTestId('room-header').filter({ hasText: 'Emoji Packs' }).waitFor();
    if (!await page.getByTestId('room-settings').isVisible()) await page.getByTestId('open-room-settings').click();
    const packsPanel = page.getByTestId('room-settings').getByTestId('settings-packs');
    const section = packsPanel.locator('[data-testid="settings-pack"][data-state-key="party"]');
    await section.getByTestId('room-pack-editor-add').waitFor();
    assert.deepEqual((await packsPanel.getByTestId('settings-pack').evaluateAll((els) => els.map((e) => e.getAttribute('data-state-key')))).sort(),
      ['extras', 'party'], 'both of the room\'s packs');
    assert.deepEqual(await section.getByTestId('pack-image').evaluateAll((els) => els.map((e) => e.getAttribute('data-shortcode'))), ['partyparrot']);
    await section.getByTestId('room-pack-editor-file').setInputFiles({ name: 'glimmer.png', mimeType: 'image/png', buffer: face([180, 90, 240]) });
    await section.getByTestId('room-pack-editor-sticker').check();
    await section.getByTestId('room-pack-editor-add').click();
    type Pack = { pack: unknown; images: Record<string, { url: string; usage?: string[]; info?: { mimetype?: string } }> };
    const state = await serverSays('Bob reads :glimmer: in the room\'s pack', () => bob.request('GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/im.ponies.room_emotes/party`) as Promise<Pack>, (c) => !!c.images.glimmer);
    assert.deepEqual(state.pack, { display_name: 'Party pack', usage: ['emoticon'] });
    const partyUrl = `/_matrix/client/v3/rooms/${enc(roomId)}/state/im.ponies.room_emotes/party`;
    assert.deepEqual(Object.keys(state.images).sort(), ['glimmer', 'partyparrot']);
    // Both, in a pack of emoticons: the image says so itself.
    assert.deepEqual(state.images.glimmer.usage, ['emoticon', 'sticker']);
    assert.equal(state.images.glimmer.info?.mimetype, 'image/png');
    const [server, mediaId] = state.images.glimmer.url.slice('mxc://'.length).split('/');
    const download = await fetch(`${ui.hs.baseUrl}/_matrix/client/v1/media/download/${server}/${mediaId}`,
      { headers: { authorization: `Bearer ${bob.user.accessToken}` } });
    assert.equal(download.status, 200, 'Bob can load the picture');
    assert.equal(download.headers.get('content-type'), 'image/png');
    await section.locator('[data-shortcode="glimmer"]').waitFor();
    // The pack's own buttons look as pack-editor.css draws them, not as the side panel's general buttons: Add in the
    // accent colour, an image's Remove quiet (no fill, no edge, little padding).
    const looks = await section.evaluate((el) => {
      const probe = document.createElement('span');
      probe.style.background = 'var(--accent)';
      el.append(probe);
      const accent = getComputedStyle(probe).backgroundColor;
      probe.remove();
      const look = (sel: string) => {
        const s = getComputedStyle(el.querySelector(sel)!);
        return { background: s.backgroundColor, border: s.borderTopColor, padding: s.padding };
      };
      return { accent, add: look('[data-testid="room-pack-editor-add"]'), remove: look('.pack-image-remove') };
    });
    assert.equal(looks.add.background, looks.accent, `Add is primary: ${JSON.stringify(looks)}`);
    assert.deepEqual(looks.remove, { background: 'rgba(0, 0, 0, 0)', border: 'rgba(0, 0, 0, 0)', padding: '3px 6px' }, 'Remove is quiet');
    // The panel's general buttons answer the pointer.
    const upload = page.getByTestId('room-settings').getByTestId('settings-avatar-upload');
    const background = () => upload.evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.mouse.move(0, 0);
    const resting = await background();
    await upload.hover();
    await page.waitForFunction((was) => getComputedStyle(document.querySelector('[data-testid="room-settings"] [data-testid="settings-avatar-upload"]')!)
      .backgroundColor !== was, resting);
    await page.mouse.move(0, 0);
    // The room pack's name, picture and attribution: hers to change with the power level its state event needs.
    await section.getByTestId('room-pack-editor-profile-edit').click();
    await section.getByTestId('room-pack-editor-profile-file').setInputFiles({ name: 'party.png', mimeType: 'image/png', buffer: face([240, 180, 200]) });
    await section.getByTestId('room-pack-editor-profile-name-input').fill('Party time');
    await section.getByTestId('room-pack-editor-profile-attribution-input').fill('From the 2026 party');
    await section.getByTestId('room-pack-editor-profile-save').click();
    const renamed = await serverSays('Bob reads the pack\'s new name', () => bob.request('GET', partyUrl) as Promise<Pack>,
      (c) => (c.pack as { display_name?: string }).display_name === 'Party time');
    const meta = renamed.pack as Record<string, unknown>;
    assert.deepEqual([meta.attribution, meta.usage], ['From the 2026 party', ['emoticon']], 'its usage kept');
    assert.match(String(meta.avatar_url), /^mxc:\/\//);
    assert.deepEqual(Object.keys(renamed.images).sort(), ['glimmer', 'partyparrot']);
    await section.getByTestId('room-pack-editor-profile-name').filter({ hasText: 'Party time' }).waitFor();
    await section.getByTestId('pack-profile-picture').evaluate((el: HTMLImageElement) => el.decode());
    await section.scrollIntoViewIfNeeded();
    for (const img of await packsPanel.locator('img').all()) await img.evaluate((el: HTMLImageElement) => el.decode().catch(() => undefined));
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-room-settings.png`, async () => { await section.scrollIntoViewIfNeeded(); });
    // And it is hers to use at once: completed after a colon.
    await page.getByTestId('composer').fill(':glimm');
    await page.getByTestId('composer-suggestion').filter({ hasText: ':glimmer:' }).waitFor();
    await page.getByTestId('composer').fill('');
  });

  it('room settings: creates another pack under a key made from its name, unique in the room, and deletes one after a confirmation', async () => {
    const packsPanel = page.getByTestId('room-settings').getByTestId('settings-packs');
    const stateUrl = (key: string) => `/_matrix/client/v3/rooms/${enc(roomId)}/state/im.ponies.room_emotes/${enc(key)}`;
    const create = async (name: string) => {
      await packsPanel.getByTestId('pack-new-name').fill(name);
      await packsPanel.getByTestId('pack-new-create').click();
      await packsPanel.getByTestId('pack-new').getByRole('status').waitFor();
    };
    await create('Spare parts');
    const first = await serverSays('Bob reads the new pack', () => bob.request('GET', stateUrl('Spare parts')).catch(() => null), (c) => c !== null);
    assert.deepEqual(first, { pack: { display_name: 'Spare parts' }, images: {} });
    // The same name again: a key of its own, as Cinny makes it, so the first pack is not overwritten.
    await create('Spare parts');
    assert.deepEqual(await serverSays('Bob reads the second one', () => bob.request('GET', stateUrl('Spare parts2')).catch(() => null), (c) => c !== null),
      { pack: { display_name: 'Spare parts' }, images: {} });
    const spare = packsPanel.locator('[data-testid="settings-pack"][data-state-key="Spare parts2"]');
    await spare.getByTestId('room-pack-editor-profile-name').filter({ hasText: 'Spare parts' }).waitFor();
    assert.deepEqual((await packsPanel.getByTestId('settings-pack').evaluateAll((els) => els.map((e) => e.getAttribute('data-state-key')))).sort(),
      ['Spare parts', 'Spare parts2', 'extras', 'party']);

    // Deleting asks first; Cancel keeps it.
    await spare.getByTestId('pack-delete').click();
    await spare.getByTestId('pack-delete-confirm').waitFor();
    assert.match(await spare.innerText(), /Delete “Spare parts”\?/);
    await spare.scrollIntoViewIfNeeded();
    await sizedShots(page, (theme, size) => `emoji-packs-${theme}-${size}-room-pack-delete.png`, async () => { await spare.scrollIntoViewIfNeeded(); });
    await spare.getByRole('button', { name: 'Cancel' }).click();
    await spare.getByTestId('pack-delete').click();
    await spare.getByTestId('pack-delete-confirm').click();
    await spare.waitFor({ state: 'detached' });
    assert.deepEqual(await serverSays('Bob reads the pack emptied', () => bob.request('GET', stateUrl('Spare parts2')), (c) => Object.keys(c as object).length === 0), {});
    assert.equal(await packsPanel.locator('[data-state-key="Spare parts"]').count(), 1, 'the other stays');
    // A deleted pack's key stays taken: members may still list it as enabled everywhere.
    await create('Spare parts');
    await serverSays('the third one gets a new key', () => bob.request('GET', stateUrl('Spare parts3')).catch(() => null), (c) => c !== null);
  });
});
