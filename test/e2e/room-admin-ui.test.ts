/**
 * Room administration and the richer sends as a person uses them, in Chromium against Synapse through the web
 * host: the room's avatar uploaded from the settings panel (m.room.avatar on the server), an address created and
 * made the main one (the directory and m.room.canonical_alias), Bob given a role (m.room.power_levels), an image
 * sent from the thread composer (a thread relation on the event Bob receives), a poll created, voted in and ended,
 * and a location shared (the events Bob receives). Screenshots of the settings sections, the thread composer with
 * an attachment and the poll dialog in both themes at 1280×800 and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const SIZES = [[1280, 800], [800, 600]] as const;
const enc = encodeURIComponent;

describe('room settings, thread attachments, polls and locations against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    roomId = await alicePeer.createRoom({ name: 'Admin E2E', invite: [bob.userId] });
    await bob.join(roomId);
    await bob.sendText(roomId, 'Hello from Bob');
    ui = await startWebUi('admin', { hs });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
  });

  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  const state = (type: string) =>
    alicePeer.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/`) as Promise<Record<string, unknown>>;

  /** Polls the server's copy of a state event until `ok` holds (the UI saved it; the server has it a moment later). */
  async function serverState(type: string, ok: (c: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (let i = 0; ; i++) {
      const c = await state(type).catch(() => ({}));
      if (ok(c)) return c;
      assert.ok(i < 120, `${type} never reached the server as expected: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** A PNG drawn by the page: two coloured squares. */
  async function png(): Promise<Buffer> {
    const b64 = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 96;
      canvas.height = 96;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#10b981';
      g.fillRect(0, 0, 96, 96);
      g.fillStyle = '#f59e0b';
      g.fillRect(24, 24, 48, 48);
      return canvas.toDataURL('image/png').split(',')[1];
    });
    return Buffer.from(b64, 'base64');
  }

  /** One screenshot per theme and size of whatever is open now; `el` (if given) must not overflow sideways. */
  async function shots(name: string, el?: Locator): Promise<void> {
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
        if (el) {
          await el.scrollIntoViewIfNeeded();
          const overflow = await el.evaluate((e) => e.scrollWidth - e.clientWidth);
          assert.ok(overflow <= 0, `${name} overflows sideways by ${overflow}px at ${w}×${h}`);
        }
        await shot(page, path.join(ARTIFACTS, `room-admin-${name}-${theme}-${w}x${h}.png`));
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  }

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Admin E2E' }).waitFor({ timeout: 30_000 });
    await message('Hello from Bob').waitFor({ timeout: 30_000 });
  });

  it('uploads a room avatar from the settings panel', async () => {
    await page.getByTestId('open-room-settings').click();
    const panel = page.getByTestId('room-settings');
    await panel.getByTestId('settings-avatar-upload').waitFor({ timeout: 30_000 });
    await panel.getByTestId('settings-avatar-input').setInputFiles({ name: 'room.png', mimeType: 'image/png', buffer: await png() });
    const avatar = await serverState('m.room.avatar', (c) => typeof c.url === 'string');
    assert.match(avatar.url as string, /^mxc:\/\//);
    assert.equal((avatar.info as { mimetype?: string }).mimetype, 'image/png');
    await panel.locator(`[data-testid="settings-avatar-image"][data-mxc="${avatar.url as string}"] img`).waitFor({ timeout: 30_000 });
    // Removed, then set again for the screenshots.
    await panel.getByTestId('settings-avatar-remove').click();
    await serverState('m.room.avatar', (c) => c.url === undefined);
    await panel.getByTestId('settings-avatar-remove').waitFor({ state: 'detached', timeout: 30_000 });
    await panel.getByTestId('settings-avatar-input').setInputFiles({ name: 'room.png', mimeType: 'image/png', buffer: await png() });
    await serverState('m.room.avatar', (c) => typeof c.url === 'string');
    await panel.getByTestId('settings-avatar-remove').waitFor({ timeout: 30_000 });
    // Not an image: refused in words, nothing sent.
    await panel.getByTestId('settings-avatar-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
    await panel.getByTestId('settings-avatar').getByText('notes.txt is not an image').waitFor();
  });

  it('creates an address, makes it the main one, and says a taken one is taken as it is typed', async () => {
    const panel = page.getByTestId('room-settings');
    const alias = `#admin-e2e:${hs.serverName}`;
    await panel.getByTestId('settings-new-alias').fill('admin-e2e');
    await panel.getByTestId('settings-new-alias-add').click();
    const local = panel.locator(`[data-testid="settings-local-alias"][data-alias="${alias}"]`);
    await local.waitFor({ timeout: 30_000 });
    const resolved = await bob.request('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`) as { room_id: string };
    assert.equal(resolved.room_id, roomId);
    await local.getByTestId('alias-publish').click();
    await serverState('m.room.canonical_alias', (c) => c.alias === alias);
    await panel.locator(`[data-testid="settings-published-alias"][data-alias="${alias}"]`).getByText('Main').waitFor({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Admin E2E' }).waitFor();

    // Taken (by this very room): said as it is typed, as the create dialogs do, and Add waits for another.
    await panel.getByTestId('settings-new-alias').fill(alias);
    await panel.getByTestId('settings-new-alias-problem').filter({ hasText: 'This address is already this room\'s.' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.getByTestId('settings-new-alias-add').isDisabled(), true, 'no Add for a taken address');
    await shots('settings-avatar', panel.getByTestId('settings-avatar'));
    await shots('settings-addresses', panel.getByTestId('settings-aliases'));
    await panel.getByTestId('settings-new-alias').fill('admin-e2e-spare');
    await panel.getByTestId('settings-new-alias-free').waitFor({ timeout: 30_000 });
    await panel.getByTestId('settings-new-alias').fill('');
  });

  it("gives Bob a role and changes what inviting needs", async () => {
    const panel = page.getByTestId('room-settings');
    const power = panel.getByTestId('settings-power');
    assert.equal(await power.locator(`[data-testid="power-user"][data-user-id="${bob.userId}"]`).count(), 0);
    await power.getByTestId('power-new-user').fill(bob.userId);
    await power.getByTestId('power-new-level').selectOption('50');
    await power.getByTestId('power-new-add').click();
    await serverState('m.room.power_levels', (c) => (c.users as Record<string, number>)[bob.userId] === 50);
    const row = power.locator(`[data-testid="power-user"][data-user-id="${bob.userId}"]`);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('power-user-level').inputValue(), '50');
    // The creator: an admin at 100 in older room versions, above everyone (and not in the power levels) from 12 on.
    const own = power.locator(`[data-testid="power-user"][data-user-id="${alice.userId}"]`);
    assert.match(await own.getByTestId('power-user-level').inputValue(), /^(100|Infinity)$/);

    const invite = power.locator('[data-testid="power-action"][data-action="invite"]').getByTestId('power-action-level');
    await invite.selectOption('50');
    const pl = await serverState('m.room.power_levels', (c) => c.invite === 50);
    assert.equal((pl.users as Record<string, number>)[bob.userId], 50, 'the rest of the power levels is kept');
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>(
      '[data-testid="power-action"][data-action="invite"] select')?.value === '50', undefined, { timeout: 30_000 });
    // The level selects stand as tall as the input and the button beside them (they were 2 px short, and looked
    // cramped beside them).
    const heights = await power.evaluate((el) => ['power-new-user', 'power-new-level', 'power-new-add', 'power-action-level']
      .map((id) => Math.round(el.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect().height * 2) / 2));
    assert.equal(new Set(heights).size, 1, `the same height for the input, the selects and the button: ${heights.join(', ')}`);
    await shots('settings-roles', power);
    await page.getByRole('button', { name: 'Close room settings' }).click();
  });

  it('sends an image with a caption from the thread composer, and completes members and rooms there', async () => {
    const rootId = await bob.sendText(roomId, 'Thread root from Bob');
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'First thread reply',
      'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
    });
    await message('Thread root from Bob').getByTestId('thread-summary').click({ timeout: 30_000 });
    const panel = page.getByTestId('thread-panel');
    await panel.getByTestId('thread-message').filter({ hasText: 'First thread reply' }).waitFor({ timeout: 30_000 });
    const composer = panel.getByTestId('thread-composer');

    await composer.pressSequentially('@bo');
    await panel.getByTestId('composer-suggestion').filter({ hasText: 'Bob' }).waitFor({ timeout: 30_000 });
    await composer.fill('');
    await composer.pressSequentially('see #admin');
    await panel.locator(`[data-testid="composer-suggestion"][data-key="${roomId}"]`).waitFor({ timeout: 30_000 });
    await composer.press('Tab');
    assert.equal(await composer.inputValue(), `see #admin-e2e:${hs.serverName} `);
    await composer.fill('');

    await panel.getByTestId('thread-composer-file-input').setInputFiles({ name: 'squares.png', mimeType: 'image/png', buffer: await png() });
    const item = panel.getByTestId('upload-item');
    await item.getByTestId('upload-thumb').waitFor({ timeout: 30_000 });
    await composer.fill('Squares, in the thread');
    await shots('thread-attachment', panel);
    await composer.press('Enter');
    const sent = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.image', 30_000);
    assert.equal(sent.content.body, 'Squares, in the thread');
    assert.equal(sent.content.filename, 'squares.png');
    const rel = sent.content['m.relates_to'] as Record<string, unknown>;
    assert.equal(rel.rel_type, 'm.thread');
    assert.equal(rel.event_id, rootId);
    await panel.getByTestId('thread-message').filter({ hasText: 'Squares, in the thread' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.getByTestId('upload-item').count(), 0, 'the tray empties once sent');

    await panel.getByTestId('thread-composer-emoji').click();
    const picker = page.getByTestId('emoji-picker');
    await picker.getByTestId('emoji-option').first().waitFor({ timeout: 30_000 });
    await shots('thread-emoji-picker');
    await picker.getByTestId('emoji-search').fill('tada');
    await picker.getByTestId('emoji-search').press('Enter');
    assert.equal(await composer.inputValue(), '🎉');
    await composer.fill('');
    await panel.getByTestId('thread-close').click();
  });

  it('creates a poll, votes in it, and ends it; Bob receives each in the form other clients read', async () => {
    await page.getByTestId('composer-more').click();
    await page.getByTestId('composer-poll').click();
    const dialog = page.getByTestId('poll-dialog');
    await dialog.getByTestId('poll-question').fill('Where do we meet?');
    const answers = dialog.getByTestId('poll-answer-input');
    await answers.nth(0).fill('The library');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('dialog-error').filter({ hasText: 'at least 2 answers' }).waitFor();
    await answers.nth(1).fill('The park');
    assert.equal(await dialog.getByTestId('dialog-error').count(), 0, 'typing clears the refusal');
    await dialog.getByTestId('poll-add-answer').click();
    await answers.nth(2).fill('The café');
    await shots('poll-dialog', dialog);
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });

    const start = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.start', 30_000);
    const body = start.content['org.matrix.msc3381.poll.start'] as { question: Record<string, string>; kind: string; max_selections: number; answers: Record<string, string>[] };
    assert.equal(body.question['org.matrix.msc1767.text'], 'Where do we meet?');
    assert.equal(body.kind, 'org.matrix.msc3381.poll.disclosed');
    assert.equal(body.max_selections, 1);
    assert.deepEqual(body.answers.map((a) => a['org.matrix.msc1767.text']), ['The library', 'The park', 'The café']);
    assert.equal(start.content['org.matrix.msc1767.text'], 'Where do we meet?\n1. The library\n2. The park\n3. The café');

    const poll = page.getByTestId('poll').filter({ hasText: 'Where do we meet?' });
    await poll.waitFor({ timeout: 30_000 });
    await poll.getByTestId('poll-answer').filter({ hasText: 'The park' }).click();
    const vote = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.response', 30_000);
    assert.deepEqual(vote.content['m.relates_to'], { rel_type: 'm.reference', event_id: start.event_id });
    const park = body.answers.find((a) => a['org.matrix.msc1767.text'] === 'The park')!.id;
    assert.deepEqual((vote.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers, [park]);
    await poll.getByTestId('poll-answer').filter({ hasText: 'The park' }).filter({ hasText: '1 vote' }).waitFor({ timeout: 30_000 });

    await poll.getByTestId('poll-end').click();
    const end = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.end', 30_000);
    assert.deepEqual(end.content['m.relates_to'], { rel_type: 'm.reference', event_id: start.event_id });
    await poll.getByText('Final results').waitFor({ timeout: 30_000 });
    assert.equal(await poll.getByTestId('poll-end').count(), 0);
  });

  it('shares a location typed as coordinates, refusing a place name in words', async () => {
    await page.getByTestId('composer-more').click();
    await page.getByTestId('composer-location').click();
    const dialog = page.getByTestId('location-dialog');
    await dialog.getByTestId('location-coords').fill('Berlin');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('dialog-error').filter({ hasText: 'latitude, longitude' }).waitFor();
    await dialog.getByTestId('location-coords').fill('52.52, 13.405');
    await dialog.getByTestId('location-description').fill('Meeting point');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const sent = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.location', 30_000);
    assert.equal(sent.content.geo_uri, 'geo:52.52,13.405');
    assert.match(sent.content.body as string, /^Meeting point: geo:52\.52,13\.405 at /);
    const location = page.getByTestId('location').filter({ hasText: 'Meeting point' });
    await location.waitFor({ timeout: 30_000 });
    assert.match(await location.innerText(), /52\.52000, 13\.40500/);
    await shots('poll-and-location');
  });
});
