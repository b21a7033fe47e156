/**
 * "Export chat…" from the room header's ⋯ menu, in Chromium against Synapse through the web host: the latest N
 * messages as plain text (more than the sync brought, so older pages come from the homeserver; edits applied, an
 * emote as the timeline words it), everything since the room began as a web page (the default format: formatted
 * text, a reply linked to its message, a reaction counted, a picture inside the file; the page opened in Chromium
 * with its screenshot for LATTICE_SHOTS=1) and as JSON, each saved as a download named after the room.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { solidPng } from '../harness/png.ts';
import { shot } from '../harness/shots.ts';
import { aliceAndBobRoom, ARTIFACTS, messageWith, startWebUi, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
/** More than the sync's 50 events and than the 100 exported first. */
const LINES = 120;

describe('export chat, against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let kickOff: string;

  before(async () => {
    ui = await startWebUi('export-chat');
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Design review'));
    await ui.hs.disableRateLimits(bob.userId);
    // Before the numbered lines, so that only "everything since the room began" holds them.
    kickOff = await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: '**Kick-off** notes', format: 'org.matrix.custom.html',
      formatted_body: '<strong>Kick-off</strong> notes' });
    await bob.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: kickOff, key: '👍' } });
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Follow-up', 'm.relates_to': { 'm.in_reply_to': { event_id: kickOff } } });
    const upload = await fetch(`${ui.hs.baseUrl}/_matrix/media/v3/upload?filename=green.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${bob.user.accessToken}`, 'Content-Type': 'image/png' }, body: new Uint8Array(solidPng(40, 30, [20, 160, 60])),
    }).then((r) => r.json()) as { content_uri: string };
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.image', body: 'green.png', url: upload.content_uri, info: { w: 40, h: 30, mimetype: 'image/png' } });
    let last = '';
    for (let i = 1; i <= LINES; i++) last = await bob.sendText(roomId, `line ${i}`);
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.emote', body: 'waves' });
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: `* line ${LINES} (fixed)`, 'm.new_content': { msgtype: 'm.text', body: `line ${LINES} (fixed)` },
      'm.relates_to': { rel_type: 'm.replace', event_id: last },
    });
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await messageWith(page, 'waves').waitFor(WAIT);
  });
  after(async () => {
    await ui?.stop();
  });

  /** Opens the dialog from the header's ⋯ menu, sets it up, exports, and returns the file's name and text. */
  async function exportChat(setUp: (dialog: ReturnType<Page['getByTestId']>) => Promise<void>): Promise<{ name: string; text: string }> {
    await page.getByTestId('room-header-more').click();
    await page.getByTestId('header-menu-export').click();
    const dialog = page.getByTestId('export-chat-dialog');
    await dialog.waitFor();
    await setUp(dialog);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), dialog.getByTestId('dialog-submit').click()]);
    await dialog.waitFor({ state: 'detached' });
    const file = await download.path();
    return { name: download.suggestedFilename(), text: readFileSync(file, 'utf8') };
  }

  it('exports the latest 100 messages as plain text, fetching what the sync did not bring', async () => {
    const { name, text } = await exportChat(async (dialog) => {
      await dialog.getByTestId('export-format-text').check();
    });
    assert.match(name, /^Design review - \d{4}-\d\d-\d\d\.txt$/);
    const lines = text.split('\n');
    assert.equal(lines[0], `Design review (${roomId})`);
    assert.match(lines[1], new RegExp(`^Exported by ${alice.userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on .* the latest messages$`));
    const entries = lines.slice(3).filter(Boolean);
    assert.equal(entries.length, 100, 'a line for each of the latest 100 messages (the edit is not one)');
    // 120 lines and an emote: the latest 100 start at line 22.
    assert.match(entries[0], /^\[\d{4}-\d\d-\d\d \d\d:\d\d\] Bob: line 22$/);
    assert.match(entries.at(-2)!, /\] Bob: line 120 \(fixed\) \(edited\)$/);
    assert.match(entries.at(-1)!, /\] \* Bob waves$/);
  });

  it('exports everything since the room began as a web page, its default format, that shows in a browser as the room did', async () => {
    const { name, text } = await exportChat(async (dialog) => {
      assert.equal(await dialog.getByTestId('export-format-html').isChecked(), true, 'a web page unless asked otherwise');
      assert.equal(await dialog.getByTestId('export-pictures').isChecked(), true, 'with its pictures unless asked otherwise');
      await dialog.getByTestId('export-range-all').check();
    });
    assert.match(name, /^Design review - \d{4}-\d\d-\d\d\.html$/);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lattice-export-')), name);
    writeFileSync(file, text);
    const viewer = await page.context().newPage();
    try {
      // Whatever the page holds, it may run and load nothing (its policy), which a blocked request would show.
      const requests: string[] = [];
      viewer.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await viewer.setViewportSize({ width: 900, height: 700 });
      await viewer.goto(pathToFileURL(file).href);
      assert.equal(await viewer.locator('h1').textContent(), 'Design review');
      assert.equal(await viewer.locator('.msg strong').first().textContent(), 'Kick-off', 'the formatting kept');
      const kickOffRow = viewer.locator('.msg', { hasText: 'Kick-off notes', hasNot: viewer.locator('.reply') });
      assert.equal(await kickOffRow.locator('.reactions').textContent(), '👍 1');
      const reply = viewer.locator('a.reply', { hasText: 'In reply to Bob: Kick-off notes' });
      assert.equal(await reply.getAttribute('href'), `#${await kickOffRow.getAttribute('id')}`);
      assert.equal(await viewer.locator('.msg', { hasText: /^\d\d:\d\d(Bob)?line \d+$/ }).count(), LINES - 1, 'every numbered line but the edited one');
      assert.equal(await viewer.locator('.edited').count(), 1);
      // The picture is in the file (a data: URL, all the page's policy loads), and shows.
      const picture = viewer.locator('img.picture');
      assert.match(await picture.getAttribute('src') ?? '', /^data:image\/(png|jpeg);base64,/);
      assert.equal(await picture.getAttribute('alt'), 'green.png');
      await viewer.waitForFunction(() => (document.querySelector<HTMLImageElement>('img.picture')?.naturalWidth ?? 0) > 0);
      assert.match(await viewer.locator('header p').textContent() ?? '', /Pictures are included, other attachments named\.$/);
      assert.deepEqual(requests, []);
      await shot(viewer, path.join(ARTIFACTS, 'export-chat-html.png'));
    } finally {
      await viewer.close();
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('exports everything since the room began as JSON, cancelled nowhere and counted as it goes', async () => {
    const { name, text } = await exportChat(async (dialog) => {
      await dialog.getByTestId('export-format-json').check();
      await dialog.getByTestId('export-range-all').check();
      assert.equal(await dialog.getByTestId('export-count').isDisabled(), true);
    });
    assert.match(name, /\.json$/);
    const parsed = JSON.parse(text) as { room_id: string; from_start: boolean; events: { type: string; content: Record<string, unknown> }[] };
    assert.equal(parsed.room_id, roomId);
    assert.equal(parsed.from_start, true);
    assert.equal(parsed.events[0].type, 'm.room.create', 'from the room\'s creation');
    const bodies = parsed.events.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);
    assert.equal(bodies.filter((b) => typeof b === 'string' && /^line \d+$/.test(b)).length, LINES, 'every message once');
    assert.ok(bodies.includes(`* line ${LINES} (fixed)`), 'the edit is an event of its own');
  });

  it('refuses a count that is not a whole number above zero', async () => {
    await page.getByTestId('room-header-more').click();
    await page.getByTestId('header-menu-export').click();
    const dialog = page.getByTestId('export-chat-dialog');
    await dialog.getByTestId('export-count').fill('0');
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), true);
    await dialog.getByTestId('export-count').fill('25');
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});
