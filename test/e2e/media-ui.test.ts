/**
 * Media and message features as a person uses them, in Chromium against Synapse through the web host: an image
 * dropped on the composer with a caption (preview, upload, thumbnail, lightbox, and what Bob receives), a reaction
 * taken back with a second click, a thread Bob started answered from the thread panel, a spoiler revealed by a
 * click, a location and a poll, and the emoji picker. Screenshots of the upload preview, the thread panel and the
 * emoji picker in both themes at 1280×800 and 800×600 go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, startWebUi, type WebUi } from '../harness/web-ui.ts';

const SIZES = [[1280, 800], [800, 600]] as const;

describe('media, reactions, threads and spoilers against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    ui = await startWebUi('media');
    hs = ui.hs;
    page = ui.page;
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    roomId = await bob.createRoom({ name: 'Media E2E', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(roomId);
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Hello from Bob' });
  });
  after(async () => {
    await ui?.stop();
  });

  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });

  /** One screenshot per theme and size, of whatever is open now. */
  async function shots(name: string): Promise<void> {
    // No transitions: a screenshot right after a theme switch would catch colours halfway.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
        await page.screenshot({ path: path.join(ARTIFACTS, `media-${theme}-${w}x${h}-${name}.png`) });
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  }

  /** A real PNG drawn by the page, dropped on the composer as a file the way a file manager would drop it. */
  async function dropImage(name: string): Promise<void> {
    const data = await page.evaluateHandle(async (fileName) => {
      const canvas = document.createElement('canvas');
      canvas.width = 96;
      canvas.height = 64;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#3b82f6';
      g.fillRect(0, 0, 96, 64);
      g.fillStyle = '#f59e0b';
      g.fillRect(24, 16, 48, 32);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], fileName, { type: 'image/png' }));
      return dt;
    }, name);
    const form = page.getByTestId('composer-form');
    await form.dispatchEvent('dragover', { dataTransfer: data });
    await form.dispatchEvent('drop', { dataTransfer: data });
  }

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Media E2E' }).waitFor();
    await message('Hello from Bob').waitFor({ timeout: 30_000 });
  });

  it('uploads an image dropped on the composer, with a caption, and shows it with a thumbnail and in the lightbox', async () => {
    await dropImage('squares.png');
    const item = page.getByTestId('upload-item');
    await item.getByTestId('upload-thumb').waitFor();
    assert.match(await item.innerText(), /squares\.png/);
    await page.getByTestId('composer').fill('Two squares');
    await shots('upload-preview');

    await page.getByTestId('composer').press('Enter');
    const sent = await Promise.race([
      bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.image', 30_000),
      page.getByTestId('upload-error').waitFor({ timeout: 30_000 }).then(async () => {
        throw new Error(`the upload failed: ${await page.getByTestId('upload-error').innerText()}`);
      }),
    ]);
    assert.equal(sent.content.body, 'Two squares');
    assert.equal(sent.content.filename, 'squares.png');
    assert.match(String(sent.content.url), /^mxc:\/\//);
    const info = sent.content.info as { mimetype: string; size: number; w: number; h: number };
    assert.equal(info.mimetype, 'image/png');
    assert.equal(info.w, 96);
    assert.equal(info.h, 64);
    assert.ok(info.size > 0);

    const row = message('Two squares');
    await row.waitFor({ timeout: 45_000 });
    assert.equal(await page.getByTestId('upload-item').count(), 0, 'the tray empties once sent');
    const img = row.getByTestId('attachment-image').locator('img');
    await img.waitFor();
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 45_000 });
    await row.getByTestId('attachment-image').click();
    await page.getByTestId('lightbox').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
  });

  it('says in words when an upload fails, and the file stays to try again or remove', async () => {
    await page.route('**/_gomuks/upload**', (r) => r.fulfill({ status: 413, contentType: 'application/json', body: JSON.stringify({ errcode: 'M_TOO_LARGE', error: 'The file is too large for this server (limit 1 MB).' }) }));
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('some notes') });
    await page.getByTestId('upload-item').filter({ hasText: 'notes.txt' }).waitFor();
    await page.getByTestId('composer').press('Enter');
    const error = page.getByTestId('upload-item').filter({ hasText: 'notes.txt' }).getByTestId('upload-error');
    await error.waitFor({ timeout: 30_000 });
    assert.match(await error.innerText(), /too large for this server/);
    await page.getByTestId('upload-item').filter({ hasText: 'notes.txt' }).getByTestId('upload-remove').click();
    assert.equal(await page.getByTestId('upload-item').count(), 0);
    await page.unroute('**/_gomuks/upload**');
  });

  it('reacts, names who reacted, and takes the reaction back with a second click', async () => {
    const bobs = message('Hello from Bob');
    await bobs.hover();
    await bobs.getByRole('button', { name: 'React with 👍' }).click();
    const reaction = await bob.waitForMessage(roomId, (e) => e.type === 'm.reaction', 45_000);
    const chip = bobs.getByTestId('reaction').filter({ hasText: '👍' });
    // By locator, not element handle: rows re-mount as the virtualized timeline re-measures them.
    await chip.and(page.locator('[aria-pressed="true"][title^="You reacted with 👍"]')).waitFor({ timeout: 45_000 });
    await chip.click();
    const redaction = await bob.waitForMessage(roomId, (e) => e.type === 'm.room.redaction' && e.redacts === reaction.event_id, 45_000);
    assert.equal(redaction.sender, alice.userId);
    await chip.waitFor({ state: 'detached', timeout: 45_000 });
  });

  it('opens a thread Bob started from its summary and replies in it', async () => {
    const rootId = await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Thread root from Bob' });
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'First thread reply',
      'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
    });
    const rootRow = message('Thread root from Bob');
    const summary = rootRow.getByTestId('thread-summary');
    await summary.waitFor({ timeout: 45_000 });
    assert.match(await summary.innerText(), /1 reply/);
    assert.equal(await message('First thread reply').count(), 0, 'thread replies stay out of the main timeline');

    await summary.click();
    const panel = page.getByTestId('thread-panel');
    await panel.getByTestId('thread-message').filter({ hasText: 'First thread reply' }).waitFor({ timeout: 30_000 });
    await panel.getByTestId('thread-composer').fill('Alice answers in the thread');
    await panel.getByTestId('thread-composer').press('Enter');
    const reply = await bob.waitForMessage(roomId, (e) => e.content.body === 'Alice answers in the thread', 45_000);
    const rel = reply.content['m.relates_to'] as { rel_type: string; event_id: string; is_falling_back: boolean; 'm.in_reply_to': { event_id: string } };
    assert.equal(rel.rel_type, 'm.thread');
    assert.equal(rel.event_id, rootId);
    assert.equal(rel.is_falling_back, true);
    assert.ok(rel['m.in_reply_to'].event_id.startsWith('$'));
    await panel.getByTestId('thread-message').filter({ hasText: 'Alice answers in the thread' }).waitFor({ timeout: 30_000 });
    await summary.filter({ hasText: '2 replies' }).waitFor({ timeout: 30_000 });
    await shots('thread-panel');
    await panel.getByTestId('thread-close').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('hides a spoiler until it is clicked', async () => {
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'Ending: [Spoiler](the butler did it)', format: 'org.matrix.custom.html',
      formatted_body: 'Ending: <span data-mx-spoiler="">the butler did it</span>',
    });
    const spoiler = message('Ending:').locator('span[data-mx-spoiler]');
    await spoiler.waitFor({ timeout: 45_000 });
    const color = () => spoiler.evaluate((el) => getComputedStyle(el).color);
    assert.equal(await color(), 'rgba(0, 0, 0, 0)', 'hidden: the text is transparent');
    await spoiler.click();
    assert.match(await spoiler.getAttribute('class') ?? '', /is-revealed/);
    assert.notEqual(await color(), 'rgba(0, 0, 0, 0)');
  });

  it('shows a location, and a poll Alice votes in with the results counted', async () => {
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.location', body: 'The office', geo_uri: 'geo:52.52,13.405' });
    const location = page.getByTestId('location').filter({ hasText: 'The office' });
    await location.waitFor({ timeout: 45_000 });
    assert.match(await location.innerText(), /52\.52000, 13\.40500/);
    const pollId = await bob.sendEvent(roomId, 'org.matrix.msc3381.poll.start', {
      'org.matrix.msc3381.poll.start': {
        question: { 'org.matrix.msc1767.text': 'Lunch where?' }, kind: 'org.matrix.msc3381.poll.disclosed', max_selections: 1,
        answers: [{ id: 'pizza', 'org.matrix.msc1767.text': 'Pizza place' }, { id: 'sushi', 'org.matrix.msc1767.text': 'Sushi bar' }],
      },
      'org.matrix.msc1767.text': 'Lunch where?\n1. Pizza place\n2. Sushi bar',
    });
    const poll = page.getByTestId('poll').filter({ hasText: 'Lunch where?' });
    await poll.waitFor({ timeout: 45_000 });
    assert.match(await poll.innerText(), /Vote to see the results/);
    await poll.getByTestId('poll-answer').filter({ hasText: 'Sushi bar' }).click();
    const vote = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.response', 45_000);
    assert.deepEqual(vote.content['m.relates_to'], { rel_type: 'm.reference', event_id: pollId });
    assert.deepEqual((vote.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers, ['sushi']);
    await poll.getByTestId('poll-answer').filter({ hasText: 'Sushi bar' }).filter({ hasText: '1 vote' }).waitFor({ timeout: 45_000 });
  });

  it('picks an emoji from the picker and completes a :shortcode:', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('Party ');
    await page.getByTestId('composer-emoji').click();
    const picker = page.getByTestId('emoji-picker');
    await picker.getByTestId('emoji-option').first().waitFor({ timeout: 30_000 });
    await shots('emoji-picker');
    await picker.getByTestId('emoji-search').fill('tada');
    await picker.getByTestId('emoji-option').first().waitFor();
    await picker.getByTestId('emoji-search').press('Enter');
    await picker.waitFor({ state: 'detached' });
    assert.equal(await composer.inputValue(), 'Party 🎉');

    await composer.pressSequentially(' :thumbsu');
    await page.getByTestId('composer-suggestion').first().waitFor({ timeout: 30_000 });
    await composer.press('Tab');
    // emojibase writes 👍 with the emoji presentation selector (U+FE0F), as the keyboard emoji pickers do.
    assert.match(await composer.inputValue(), /^Party 🎉 👍\uFE0F?$/u);
    await composer.press('Enter');
    await bob.waitForMessage(roomId, (e) => String(e.content.body).startsWith('Party 🎉 👍'), 45_000);
  });

  it('sends an image in an encrypted room: the server holds only ciphertext, the timeline shows the picture', async () => {
    await page.getByTestId('open-create-room').click();
    await page.getByTestId('create-room-name').fill('Secret Media');
    assert.equal(await page.getByTestId('create-room-encrypted').isChecked(), true, 'new rooms are encrypted');
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('room-header').filter({ hasText: 'Secret Media' }).waitFor({ timeout: 30_000 });
    const secretRoom = decodeURIComponent(new URL(page.url()).hash.replace('#/room/', ''));

    await dropImage('secret.png');
    await page.getByTestId('upload-item').getByTestId('upload-thumb').waitFor();
    await page.getByTestId('composer').fill('Secret squares');
    await page.getByTestId('composer').press('Enter');
    const row = message('Secret squares');
    await row.waitFor({ timeout: 30_000 });

    // What the homeserver has: an m.room.encrypted event, with no file name, caption or media URL in the clear.
    const own = new MatrixPeer(hs.baseUrl, alice);
    const sent = await own.waitForMessage(secretRoom, (e) => e.type === 'm.room.encrypted', 30_000);
    const clear = JSON.stringify(sent.content);
    assert.ok(!/secret\.png|Secret squares|mxc:/.test(clear), `ciphertext only, got ${clear.slice(0, 200)}`);

    // What Alice sees: the picture, decrypted by the backend from the encrypted upload.
    const img = row.getByTestId('attachment-image').locator('img');
    await img.waitFor({ timeout: 30_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 30_000 });
    const size = await img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]);
    assert.ok(size[0] > 0 && size[1] > 0);
    await shots('encrypted-image');
    // The room's setup is one line, which opens to show each step.
    const setup = page.getByTestId('state-group').filter({ hasText: /created and configured the room/ });
    await setup.getByRole('button').click();
    await page.getByText(/turned on end-to-end encryption/).waitFor({ timeout: 30_000 });
    assert.equal(await setup.getByRole('button').getAttribute('aria-expanded'), 'true');
    await setup.getByRole('button').click();
    await page.getByText(/turned on end-to-end encryption/).waitFor({ state: 'detached', timeout: 30_000 });
    await row.getByTestId('attachment-image').click();
    const full = page.getByTestId('lightbox').locator('img');
    await full.waitFor({ timeout: 45_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth === 96, await full.elementHandle(), { timeout: 30_000 });
    await page.keyboard.press('Escape');
  });
});
