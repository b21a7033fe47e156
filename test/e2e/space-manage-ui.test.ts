/**
 * Managing spaces, as a person does in the real renderer in Chromium through the web host, against Synapse, with Bob
 * building a space over the homeserver API (test/harness/space-fixture.ts): Alice, a plain member of Bob's space, gets
 * no way to change it (its settings read-only); she creates her own public space from the spaces bar's "+" (picture,
 * address), adds existing rooms to it (her own room then names the space as its parent, Bob's does not), creates a room
 * in it restricted to its members (or public, at an address checked as she types and by the server), removes rooms from
 * it and changes its topic in its settings; the page's set_state requests are answered with a refusal to see it said in
 * words, its check_alias requests with an error to see Create try anyway. Adding rooms greys out a space that holds
 * hers, names her space as a room's canonical one only when it has none; the rows under her sub-spaces can be removed
 * where she has the power. Screenshots of both themes at 1280×800 and 800×600 go to test-artifacts/space-home/ (with
 * LATTICE_SHOTS=1). Browsing and joining a space's rooms is space-home-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { ARTIFACTS, startSpaceFixture, type SpaceFaults, type SpaceFixture } from '../harness/space-fixture.ts';
import type { SynapseServer } from '../harness/synapse.ts';
import { sizedShots } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const enc = encodeURIComponent;

describe('managing spaces against Synapse', () => {
  let fx: SpaceFixture | undefined;
  let hs: SynapseServer;
  let alicePeer: MatrixPeer;
  let page: Page;
  let space: string;
  let general: string;
  let climbing: string;
  let bouldering: string;
  let faults: SpaceFaults;
  let home: SpaceFixture['home'];
  let row: SpaceFixture['row'];
  let item: SpaceFixture['item'];

  before(async () => {
    fx = await startSpaceFixture('space-manage');
    ({ hs, alicePeer, page, space, general, climbing, bouldering, faults, home, row, item } = fx);
    // Signed in, the room list synced (as space-home-ui's first test leaves it).
    await fx.ui.signIn(fx.alice, 'alice-password');
    await item(general).waitFor({ timeout: 45_000 });
  });
  after(async () => {
    await fx?.ui.stop();
  });

  // Managing spaces: Alice is a plain member of Bob's club, and creates her own space, which she manages.
  let garden: string;
  let notes: string;
  const state = async (roomId: string, type: string, key = ''): Promise<Record<string, unknown> | null> =>
    await alicePeer.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(key)}`).catch(() => null) as Record<string, unknown> | null;
  const noOverflow = (testId: string) => async (label: string): Promise<void> => {
    const over = await page.getByTestId(testId).evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(over <= 0, `${testId} fits at ${label} (overflows by ${over}px)`);
  };

  it('offers no way to change a space Alice may not manage, and shows its settings read-only', async () => {
    await page.locator(`[data-testid="space"][data-space-id="${space}"]`).click();
    await page.locator(`[data-testid="space-home"][data-space-id="${space}"]`).waitFor({ timeout: 15_000 });
    await row(general).waitFor({ timeout: 45_000 });
    await home().getByTestId('space-home-settings').click();
    // The settings show the space's name once its state (and so its power levels) is read.
    const nameField = page.getByTestId('room-settings').getByTestId('settings-name');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="room-settings"] [data-testid="settings-name"]')
      ?.value === 'Outdoor Club', undefined, { timeout: 45_000 });
    assert.equal(await nameField.isDisabled(), true, 'a member cannot rename the space');
    assert.match(await page.getByTestId('room-settings').innerText(), /Space settings/);
    assert.equal(await home().getByTestId('space-home-create-room').count(), 0);
    assert.equal(await home().getByTestId('space-home-add-rooms').count(), 0);
    assert.equal(await home().getByTestId('space-room-remove').count(), 0, 'no Remove without power in the space');
    await home().getByTestId('space-home-settings').click();
    await page.getByTestId('room-settings').waitFor({ state: 'detached' });
  });

  it('creates a public space from the spaces bar, with a picture and an address made from its name', async () => {
    // Her own room, outside any space, to add to the new space below (the add-rooms dialog waits for its sync).
    notes = await alicePeer.createRoom({ name: 'Alice Notes', preset: 'private_chat' });
    await page.getByTestId('spaces-bar').getByTestId('create-space').click();
    const dialog = page.getByTestId('create-space-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('create-space-name').fill('Garden Club');
    await dialog.getByTestId('create-space-topic').fill('Seeds, soil and sun');
    assert.equal(await dialog.getByTestId('create-space-alias').inputValue(), 'garden-club', 'the address follows the name');
    await dialog.getByTestId('create-space-avatar-input').setInputFiles({
      name: 'garden.png', mimeType: 'image/png',
      buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
    });
    await dialog.getByTestId('create-space-avatar-preview').waitFor();
    await dialog.getByTestId('create-space-alias').fill('bad address');
    await dialog.getByTestId('create-space-alias-problem').waitFor();
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), true, 'no space at an address that cannot be one');
    await dialog.getByTestId('create-space-alias').fill('garden-club');
    // Nobody has it: the homeserver says so once the typing pauses, before Create.
    await dialog.getByTestId('create-space-alias-free').waitFor({ timeout: 15_000 });
    assert.equal(await dialog.getByTestId('create-space-alias-free').innerText(), 'This address is available.');
    await page.mouse.move(0, 0);
    await sizedShots(page, (theme, size) => `space-home/${theme}-${size}-create-space.png`, noOverflow('create-space-dialog'));
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 45_000 });
    await page.waitForFunction(() => location.hash.startsWith('#/space/') && document.querySelector('[data-testid="space-home-name"]')?.textContent === 'Garden Club',
      undefined, { timeout: 45_000 });
    garden = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#/space/'.length));
    const button = page.locator(`[data-testid="space"][data-space-id="${garden}"]`);
    await button.waitFor({ timeout: 45_000 });
    await page.waitForFunction((id) => document.querySelector(`[data-testid="space"][data-space-id="${id}"]`)?.getAttribute('aria-pressed') === 'true',
      garden, { timeout: 15_000 });
    assert.match(await home().innerText(), /Seeds, soil and sun/);
    const create = await state(garden, 'm.room.create');
    assert.equal(create?.type, 'm.space');
    assert.equal((await state(garden, 'm.room.power_levels'))?.events_default, 100, 'only admins post in the space');
    assert.equal((await state(garden, 'm.room.join_rules'))?.join_rule, 'public');
    assert.equal((await state(garden, 'm.room.history_visibility'))?.history_visibility, 'world_readable');
    assert.equal((await state(garden, 'm.room.canonical_alias'))?.alias, `#garden-club:${hs.serverName}`);
    assert.match(String((await state(garden, 'm.room.avatar'))?.url), /^mxc:\/\//);
    // Her own space: the buttons that change it, once its power levels are read.
    await home().getByTestId('space-home-add-rooms').waitFor({ timeout: 45_000 });
    await home().getByTestId('space-home-empty').waitFor({ timeout: 45_000 });
  });

  it('adds existing rooms to the space, named as their space where Alice may', async () => {
    await home().getByTestId('space-home-add-rooms').click();
    const dialog = page.getByTestId('add-rooms-dialog');
    const choice = (id: string) => dialog.locator(`[data-testid="add-rooms-row"][data-room-id="${id}"]`);
    await choice(notes).waitFor({ timeout: 45_000 });
    assert.equal(await choice(general).count(), 1);
    assert.equal(await choice(garden).count(), 0, 'not the space itself');
    assert.equal(await choice(space).count(), 1, 'another space can be added as a sub-space');
    await choice(general).locator('input').check();
    await dialog.getByTestId('add-rooms-filter').fill('NOTES');
    await choice(general).waitFor({ state: 'detached' });
    await choice(notes).locator('input').check();
    await dialog.getByTestId('add-rooms-filter').fill('nothing like this');
    await dialog.getByTestId('add-rooms-no-match').waitFor();
    assert.equal(await dialog.getByTestId('dialog-submit').innerText(), 'Add 2 rooms', 'what was chosen stays chosen under a filter');
    // A homeserver that refuses: said in words, with the room's name; the dialog stays.
    faults.failSetState = 'Could not set the m.space.child state: the homeserver refused: You don\'t have permission to post that to the room.';
    try {
      await dialog.getByTestId('dialog-submit').click();
      const error = dialog.getByTestId('dialog-error');
      await error.waitFor({ timeout: 15_000 });
      assert.match(await error.innerText(), /^Could not add (General|Alice Notes) to the space: the homeserver refused: You don't have permission/);
    } finally {
      faults.failSetState = null;
    }
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 45_000 });
    await row(general).waitFor({ timeout: 45_000 });
    await row(notes).waitFor({ timeout: 45_000 });
    assert.deepEqual((await state(garden, 'm.space.child', general))?.via, [hs.serverName]);
    assert.deepEqual(await state(notes, 'm.space.parent', garden), { via: [hs.serverName], canonical: true }, 'her own room names the space');
    assert.equal(await state(general, 'm.space.parent', garden), null, 'Bob\'s room, where Alice may not, does not');
    // The room list under the space has them.
    await item(notes).waitFor({ timeout: 45_000 });
    await item(general).waitFor({ timeout: 45_000 });
  });

  it('creates a room in the space, open to the space\'s members', async () => {
    await home().getByTestId('space-home-create-room').click();
    const dialog = page.getByTestId('create-room-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Create a room in Garden Club/);
    const members = dialog.getByTestId('create-room-space-members');
    await members.waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="create-room-space-members"]')?.checked === true);
    await dialog.getByTestId('create-room-name').fill('Seedlings');
    // Public: an address, made from the name until she types her own, checked as typed and by the server.
    assert.equal(await dialog.getByTestId('create-room-alias').count(), 0, 'no address for a room only the space sees');
    await dialog.getByTestId('create-room-public').check();
    assert.equal(await dialog.getByTestId('create-room-alias').inputValue(), 'seedlings', 'the address follows the name');
    await dialog.getByTestId('create-room-alias').fill('bad address');
    assert.equal(await dialog.getByTestId('create-room-alias-problem').innerText(), 'An address cannot hold #, : or spaces.');
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), true, 'no room at an address that cannot be one');
    await dialog.getByTestId('create-room-alias').fill('');
    assert.equal(await dialog.getByTestId('create-room-alias-problem').innerText(), 'A public room needs an address.');
    // The space's address is taken: said as she types, and Create waits for another.
    await dialog.getByTestId('create-room-alias').fill('garden-club');
    const problem = dialog.getByTestId('create-room-alias-problem');
    await problem.filter({ hasText: 'This address is already in use.' }).waitFor({ timeout: 15_000 });
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), true, 'no Create for a taken address');
    await page.mouse.move(0, 0);
    await sizedShots(page, (theme, size) => `space-home/${theme}-${size}-create-room-in-space.png`, noOverflow('create-room-dialog'));
    await dialog.getByTestId('create-room-alias').fill('seedlings-chat');
    await dialog.getByTestId('create-room-alias-free').waitFor({ timeout: 15_000 });
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), false);
    // A homeserver that cannot be asked: said softly, and Create tries; the server then refuses the taken address.
    faults.failCheckAlias = 'Could not check whether #garden-club is free: Could not reach the homeserver';
    try {
      await dialog.getByTestId('create-room-alias').fill('garden-club');
      await dialog.getByTestId('create-room-alias-unknown').waitFor({ timeout: 15_000 });
      assert.equal(await problem.count(), 0, 'not said to be taken');
      await dialog.getByTestId('dialog-submit').click();
    } finally {
      faults.failCheckAlias = null;
    }
    const taken = dialog.getByTestId('dialog-error');
    await taken.waitFor({ timeout: 45_000 });
    assert.match(await taken.innerText(), new RegExp(`the address #garden-club:${hs.serverName} is already taken\\. Choose another\\.`));
    await members.check();
    assert.equal(await dialog.getByTestId('create-room-alias').count(), 0);
    await dialog.getByTestId('dialog-submit').click();
    await page.getByTestId('room-header').filter({ hasText: 'Seedlings' }).waitFor({ timeout: 45_000 });
    const seedlings = decodeURIComponent((await page.evaluate(() => location.hash)).replace(/^#\/room\//, '').replace(/\?.*$/, ''));
    assert.deepEqual(await state(seedlings, 'm.room.join_rules'), { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: garden }] });
    assert.deepEqual(await state(seedlings, 'm.space.parent', garden), { via: [hs.serverName], canonical: true });
    assert.deepEqual((await state(garden, 'm.space.child', seedlings))?.via, [hs.serverName]);
    assert.ok(await state(seedlings, 'm.room.encryption'), 'a private room is encrypted');
    await page.getByTestId('space-explore').click();
    await row(seedlings).waitFor({ timeout: 45_000 });
  });

  it('removes a room from the space, saying in words when the server refuses', async () => {
    await home().getByTestId('space-home-add-rooms').waitFor({ timeout: 45_000 });
    await page.mouse.move(0, 0);
    await sizedShots(page, (theme, size) => `space-home/${theme}-${size}-managed.png`, noOverflow('space-home'));
    faults.failSetState = 'Could not set the m.space.child state: the homeserver refused: You don\'t have permission to post that to the room.';
    try {
      await row(general).getByTestId('space-room-remove').click();
      const error = row(general).getByTestId('space-room-remove-error');
      await error.waitFor({ timeout: 15_000 });
      assert.match(await error.innerText(), /^Could not remove General from the space: the homeserver refused: You don't have permission/);
    } finally {
      faults.failSetState = null;
    }
    await row(general).getByTestId('space-room-remove').click();
    await row(general).waitFor({ state: 'detached', timeout: 45_000 });
    assert.deepEqual(await state(garden, 'm.space.child', general), {}, 'the child event emptied');
    await row(notes).getByTestId('space-room-remove').click();
    await row(notes).waitFor({ state: 'detached', timeout: 45_000 });
    assert.deepEqual(await state(notes, 'm.space.parent', garden), {}, 'her own room no longer names the space');
    await item(notes).waitFor({ state: 'detached', timeout: 45_000 });
  });

  it('greys out a space that holds this one, names a room\'s space canonical only when it has none, and removes rooms of sub-spaces', async () => {
    // Alice's own: Greenhouse, a space with Tomatoes in it; Compost, whose canonical space is Greenhouse; Allotments,
    // a space holding Garden Club, and Village holding Allotments (adding either to Garden Club would make a loop).
    // Bob's Climbing Section, listed in Garden Club by Alice, is a sub-space she may not change.
    const tomatoes = await alicePeer.createRoom({ name: 'Tomatoes', preset: 'private_chat' });
    const make = async (body: Record<string, unknown>) =>
      (await alicePeer.request('POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat', ...body }) as { room_id: string }).room_id;
    const via = { via: [hs.serverName] };
    const greenhouse = await make({ name: 'Greenhouse', creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: tomatoes, content: via }] });
    const compost = await make({ name: 'Compost', initial_state: [{ type: 'm.space.parent', state_key: greenhouse, content: { ...via, canonical: true } }] });
    const allotments = await make({ name: 'Allotments', creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: garden, content: via }] });
    const village = await make({ name: 'Village', creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: allotments, content: via }] });
    await alicePeer.setState(garden, 'm.space.child', climbing, via);

    await home().getByTestId('space-home-add-rooms').click();
    const dialog = page.getByTestId('add-rooms-dialog');
    const choice = (id: string) => dialog.locator(`[data-testid="add-rooms-row"][data-room-id="${id}"]`);
    await choice(village).getByTestId('add-rooms-blocked').waitFor({ timeout: 45_000 });
    await choice(compost).waitFor({ timeout: 45_000 });
    assert.equal(await choice(allotments).getByTestId('add-rooms-blocked').innerText(),
      'It contains Garden Club, so adding it would put Garden Club inside itself.');
    assert.equal(await choice(village).getByTestId('add-rooms-blocked').innerText(),
      'It contains Garden Club through Allotments, so adding it would put Garden Club inside itself.');
    assert.equal(await choice(village).locator('input').isDisabled(), true, 'a space that holds this one cannot be picked');
    assert.equal(await choice(greenhouse).getByTestId('add-rooms-blocked').count(), 0);
    await choice(greenhouse).locator('input').check();
    await choice(compost).locator('input').check();
    // The list scrolled to its end, where the spaces are, for the screenshots.
    await dialog.getByTestId('add-rooms-list').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.mouse.move(0, 0);
    await sizedShots(page, (theme, size) => `space-home/${theme}-${size}-add-rooms.png`, noOverflow('add-rooms-dialog'));
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 45_000 });
    // Allotments no longer holds Garden Club, which is then a top-level space again.
    await alicePeer.setState(allotments, 'm.space.child', garden, {});
    assert.deepEqual(await state(greenhouse, 'm.space.parent', garden), { ...via, canonical: true }, 'its first space is its canonical one');
    assert.deepEqual(await state(compost, 'm.space.parent', garden), via, 'Compost keeps Greenhouse as its canonical space');

    // Tomatoes, shown under Greenhouse, can be removed from Greenhouse; Bouldering, under Bob's space, cannot.
    await row(greenhouse).getByTestId('space-room-expand').click({ timeout: 45_000 });
    await row(climbing).getByTestId('space-room-expand').click({ timeout: 45_000 });
    await row(tomatoes).getByTestId('space-room-remove').waitFor({ timeout: 45_000 });
    await row(bouldering).waitFor({ timeout: 45_000 });
    assert.equal(await row(bouldering).getByTestId('space-room-remove').count(), 0, 'no Remove where Alice has no power');
    assert.equal(await row(climbing).getByTestId('space-room-remove').count(), 1, 'Garden Club\'s own rows still have it');
    assert.equal(await row(tomatoes).getByTestId('space-room-remove').getAttribute('aria-label'), 'Remove Tomatoes from Greenhouse');
    await page.mouse.move(0, 0);
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-sub-space-remove.png'));
    await row(tomatoes).getByTestId('space-room-remove').click();
    await row(tomatoes).waitFor({ state: 'detached', timeout: 45_000 });
    assert.deepEqual(await state(greenhouse, 'm.space.child', tomatoes), {}, 'removed from Greenhouse');
  });

  it('changes the space\'s topic in its settings', async () => {
    await home().getByTestId('space-home-settings').click();
    const panel = page.getByTestId('room-settings');
    await panel.waitFor();
    assert.equal(await panel.getByTestId('settings-encryption').count(), 0, 'no encryption setting for a space');
    await panel.getByTestId('settings-topic').fill('Seeds, soil, sun and rain');
    await panel.getByTestId('settings-topic-save').click();
    await home().getByText('Seeds, soil, sun and rain').waitFor({ timeout: 45_000 });
    assert.equal((await state(garden, 'm.room.topic'))?.topic, 'Seeds, soil, sun and rain');
    await page.mouse.move(0, 0);
    await sizedShots(page, (theme, size) => `space-home/${theme}-${size}-settings.png`);
  });
});
