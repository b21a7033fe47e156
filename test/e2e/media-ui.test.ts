/**
 * Media as a person sends and sees it, in Chromium against Synapse through the web host, with Bob in the room over the
 * homeserver API (test/harness/media-fixture.ts): an image dropped on the composer with a caption (preview, upload,
 * thumbnail, lightbox, and what Bob receives), a video sent with a JPEG poster of its first frame (what Bob downloads
 * and the timeline shows), an upload the server refuses said in words (the file kept to try again or remove), and in
 * an encrypted room an image whose file name, caption and media URL the server holds only as ciphertext, shown
 * decrypted in the timeline and the lightbox, and a video whose encrypted poster shows decrypted; the room's setup
 * line opens to show each step. Screenshots of the upload preview, the video poster and the encrypted image in both
 * themes at 1280×800 and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1). Reactions, threads, spoilers, polls,
 * the emoji picker and the side panel in a narrow window are message-features-ui's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startMediaFixture, type MediaFixture } from '../harness/media-fixture.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import type { WebUi } from '../harness/web-ui.ts';

describe('media against Synapse', () => {
  let fx: MediaFixture | undefined;
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;
  let message: MediaFixture['message'];
  let shots: MediaFixture['shots'];

  before(async () => {
    fx = await startMediaFixture('media');
    ({ ui, hs, page, alice, bob, roomId, message, shots } = fx);
  });
  after(async () => {
    await fx?.ui.stop();
  });

  /** A real one-second 160x120 H.264 clip, made by ffmpeg (which setup.sh installs). */
  function clip(): Buffer {
    const dir = mkdtempSync(path.join(tmpdir(), 'lattice-clip-'));
    try {
      const file = path.join(dir, 'clip.mp4');
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1',
        '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
      return readFileSync(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Waits until the row's poster (or image) has loaded, and answers its natural size. */
  async function pictureSize(row: ReturnType<typeof message>): Promise<number[]> {
    const img = row.getByTestId('attachment-image').locator('img');
    await img.waitFor({ timeout: 30_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 30_000 });
    return img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]);
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

  it('sends a video with a JPEG poster of its first frame, which Bob receives and the timeline shows', async () => {
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'clip.mp4', mimeType: 'video/mp4', buffer: clip() });
    await page.getByTestId('upload-item').filter({ hasText: 'clip.mp4' }).waitFor();
    await page.getByTestId('composer').fill('A short clip');
    await page.getByTestId('composer').press('Enter');
    const sent = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.video', 45_000);
    const info = sent.content.info as { mimetype: string; w: number; h: number; thumbnail_url: string; thumbnail_info: { mimetype: string; w: number; h: number; size: number } };
    assert.equal(info.mimetype, 'video/mp4');
    assert.equal(info.w, 160);
    assert.match(info.thumbnail_url, /^mxc:\/\//);
    assert.equal(info.thumbnail_info.mimetype, 'image/jpeg');
    assert.equal(info.thumbnail_info.w, 160);
    assert.equal(info.thumbnail_info.h, 120);
    const [server, id] = info.thumbnail_url.slice('mxc://'.length).split('/');
    const res = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/download/${server}/${id}`, { headers: { Authorization: `Bearer ${bob.user.accessToken}` } });
    const jpeg = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'Bob downloads a JPEG');
    assert.equal(jpeg.byteLength, info.thumbnail_info.size);
    const row = message('A short clip');
    assert.ok((await pictureSize(row))[0] > 0, 'the poster shows in the timeline');
    await row.scrollIntoViewIfNeeded();
    await shots('video-poster');
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

    // A video's poster is encrypted too (thumbnail_file): the backend decrypts it for the timeline.
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'secret-clip.mp4', mimeType: 'video/mp4', buffer: clip() });
    await page.getByTestId('upload-item').filter({ hasText: 'secret-clip.mp4' }).waitFor();
    await page.getByTestId('composer').fill('Secret clip');
    await page.getByTestId('composer').press('Enter');
    const clipRow = message('Secret clip');
    await clipRow.and(page.locator('[data-send-state="sent"]')).waitFor({ timeout: 45_000 });
    assert.deepEqual(await pictureSize(clipRow), [160, 120], 'the decrypted poster, at the video\'s size');
    await row.getByTestId('attachment-image').click();
    const full = page.getByTestId('lightbox').locator('img');
    await full.waitFor({ timeout: 45_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth === 96, await full.elementHandle(), { timeout: 30_000 });
    await page.keyboard.press('Escape');
  });
});
