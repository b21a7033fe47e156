/**
 * Custom emoji and stickers (MSC2545) in Chromium against Synapse: Alice's own pack in account data, two packs in
 * the room's state (different state keys), a pack of the space containing the room (read through
 * get_state_of_types for that space) and a pack of another room she enabled everywhere (`im.ponies.emote_rooms`,
 * read through get_specific_room_state). She picks a custom emoji in the composer's picker and sends it, completes one after `:`,
 * reacts with one and sends a sticker; Bob (a peer over the Client-Server API) checks what reached the homeserver,
 * and the timeline shows the pictures inline at text height, larger in an emoji-only message, and on the reaction
 * chip. The thread panel's composer sends a sticker into the thread. Settings → Emoji & stickers lists her pack and
 * every room pack; "Use everywhere" writes im.ponies.emote_rooms (keeping what else it holds, per pack) and the
 * pack is then offered in another room; she adds an image to her own pack there and names it and gives it a
 * picture, and does both to the room's pack in its settings, which Bob then reads and downloads; the shop room's
 * settings say she may not change its pack. The pack's Add is drawn in the accent colour and an image's Remove quiet
 * (the side panel's general button look had won over both), and the panel's general buttons answer the pointer. There she creates two more packs by name (the second under a key of its
 * own) and deletes one after a confirmation (its state emptied). Screenshots of the
 * picker with packs and of the messages, wide and narrow, and of both settings parts and the pack editor's form,
 * in both themes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { encodePng, type RGB } from '../harness/png.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, messageWith, serverSays, sizedShots, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

/** A round face of `rgb` on white, so the pictures are told apart in the screenshots. */
function face(rgb: RGB): Buffer {
  return encodePng(64, 64, (x, y) => {
    const dx = x - 31.5;
    const dy = y - 31.5;
    const r = Math.hypot(dx, dy);
    const eye = Math.hypot(Math.abs(dx) - 10, dy + 8) < 5;
    const mouth = dy > 6 && dy < 12 && Math.abs(dx) < 14;
    if (r > 30) return [255, 255, 255];
    return eye || mouth ? [30, 30, 30] : rgb;
  });
}

async function upload(hs: SynapseServer, user: TestUser, png: Buffer, name: string): Promise<string> {
  const res = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=${name}`, {
    method: 'POST', headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'image/png' }, body: new Uint8Array(png),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { content_uri: string }).content_uri;
}

describe('custom emoji and sticker packs against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let otherRoom: string;
  let space: string;
  let alicePeer: MatrixPeer;
  const enc = encodeURIComponent;
  const accountData = (type: string) => alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/${type}`) as Promise<Record<string, unknown>>;
  const mxc: Record<'blob' | 'parrot' | 'wave' | 'other', string> = { blob: '', parrot: '', wave: '', other: '' };

  before(async () => {
    ui = await startWebUi('emoji-packs');
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Emoji Packs'));
    alicePeer = new MatrixPeer(ui.hs.baseUrl, alice);
    mxc.blob = await upload(ui.hs, alice, face([90, 160, 240]), 'blob.png');
    mxc.parrot = await upload(ui.hs, alice, face([240, 90, 120]), 'parrot.png');
    mxc.wave = await upload(ui.hs, alice, face([250, 200, 60]), 'wave.png');
    mxc.other = await upload(ui.hs, alice, face([90, 200, 110]), 'other.png');
    const account = (type: string, content: unknown) =>
      alicePeer.request('PUT', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/account_data/${type}`, content);
    await account('im.ponies.user_emotes', {
      pack: { display_name: 'My blobs' },
      images: {
        blobcat: { url: mxc.blob, body: 'Blob cat' },
        wave: { url: mxc.wave, body: 'Waving hello', usage: ['sticker'], info: { w: 64, h: 64, mimetype: 'image/png' } },
        broken: { url: 'https://example.org/not-mxc.png' },
      },
    });
    await bob.setState(roomId, 'im.ponies.room_emotes', 'party', {
      pack: { display_name: 'Party pack', usage: ['emoticon'] }, images: { partyparrot: { url: mxc.parrot } },
    });
    // A second pack of the room, under another state key: listed, edited and used everywhere on its own.
    await bob.setState(roomId, 'im.ponies.room_emotes', 'extras', {
      pack: { display_name: 'Extras', usage: ['emoticon'] }, images: { extra_blob: { url: mxc.blob } },
    });
    // A space containing the room, with a pack of its own: offered in the room, as Cinny does.
    space = await bob.createRoom({ name: 'Pack Space', invite: [alice.userId], creationContent: { type: 'm.space' } });
    await bob.setState(space, 'm.space.child', roomId, { via: [ui.hs.serverName] });
    await bob.setState(space, 'im.ponies.room_emotes', '', {
      pack: { display_name: 'Space pack', usage: ['emoticon'] }, images: { spacecat: { url: mxc.other } },
    });
    await alicePeer.join(space);
    // A pack of another room, enabled everywhere: offered in this room too.
    otherRoom = await bob.createRoom({ name: 'Sticker Shop', invite: [alice.userId] });
    await alicePeer.join(otherRoom);
    await bob.setState(otherRoom, 'im.ponies.room_emotes', '', { pack: { display_name: 'Shop pack' }, images: { frog: { url: mxc.other } } });
    await account('im.ponies.emote_rooms', { rooms: { [otherRoom]: { '': {} } }, 'com.example.kept': true });
    // Alice may change this room's packs (moderator); in the shop room she may not.
    const levels = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.power_levels/`) as { users: Record<string, number> };
    await bob.setState(roomId, 'm.room.power_levels', '', { ...levels, users: { ...levels.users, [alice.userId]: 50 } });
  });
  after(async () => {
    await ui?.stop();
  });

  const picker = () => page.getByTestId('emoji-picker');

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
