/**
 * Reporting abuse as a person does it, in Chromium against Synapse through the web host: Alice reports Bob's
 * message from its toolbar's options menu with a reason and ignores him too (the report is listed by Synapse's admin
 * API, Bob is on her ignore list on the server), then reports the whole room from the room header's menu by
 * keyboard: Synapse refuses the first try (room reports are rate-limited, and this homeserver allows none), which the
 * dialog says in words while keeping her reason; once the limit is lifted the same dialog sends it and she leaves the
 * room. Screenshots of both dialogs in both themes at 1280×800 and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, serverSays, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
const enc = encodeURIComponent;

describe('reporting a message and a room against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let admin: MatrixPeer;
  let roomId: string;
  let bobsMessage: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    hs = await startSynapse({ refuseRoomReports: true });
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Report E2E'));
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    admin = new MatrixPeer(hs.baseUrl, await hs.registerUser('moderator', 'moderator-password', { admin: true }));
    await alicePeer.sendText(roomId, 'Hello everyone');
    bobsMessage = await bob.sendText(roomId, 'Buy cheap pills now');
    ui = await startWebUi('report', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
  });

  /** The page in both themes at both sizes. */
  const screenshots = (name: string) => sizedShots(page, (theme, size) => `report-${theme}-${size}-${name}.png`);
  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  /** Text as read, without the bidi isolates names are wrapped in. */
  const plain = async (l: Locator) => (await l.innerText()).replace(/[\u2066-\u2069]/g, '');
  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

  it('reports Bob\'s message from its options menu with a reason, and ignores him', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await message('Buy cheap pills').waitFor(WAIT);

    // Her own message's options offer no report.
    await message('Hello everyone').hover();
    await message('Hello everyone').getByTestId('action-more').click();
    await page.getByTestId('message-menu').waitFor();
    assert.equal(await page.getByTestId('action-report').count(), 0, 'no report of one\'s own message');
    await message('Hello everyone').getByTestId('action-more').click();
    await page.getByTestId('message-menu').waitFor({ state: 'detached' });

    const bobs = message('Buy cheap pills');
    await bobs.hover();
    await bobs.getByTestId('action-more').click();
    await page.getByTestId('message-menu').waitFor();
    assert.equal(await focusedTestId(), 'action-forward', 'the menu takes the focus on its first item');
    await screenshots('message-menu');
    // By keyboard: Esc gives the focus back to the button, Enter opens the menu again, End goes to its last item
    // (Report…) and Enter chooses it.
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('message-menu').count(), 0);
    assert.equal(await focusedTestId(), 'action-more', 'Esc gives the focus back to the button');
    await page.keyboard.press('Enter');
    await page.getByTestId('message-menu').waitFor();
    await page.keyboard.press('End');
    assert.equal(await focusedTestId(), 'action-report');
    await page.keyboard.press('Enter');

    const dialog = page.getByTestId('report-event-dialog');
    await dialog.waitFor();
    // Esc closes it, with the focus back on the message (its toolbar shows again for it), ready to try again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-event-id')), bobsMessage);
    await bobs.getByTestId('action-more').click();
    await page.getByTestId('action-report').click();
    await dialog.waitFor();
    const said = await dialog.innerText();
    assert.match(said, new RegExp(`administrators of your homeserver, ${hs.serverName.replace(/[.:]/g, '\\$&')},`));
    assert.match(said, /not to this room's moderators/);
    assert.equal(await focusedTestId(), 'report-reason', 'the reason field has the focus');
    await page.keyboard.type('Spam: selling pills');
    await dialog.getByTestId('report-ignore').check();
    assert.match(await plain(dialog.getByTestId('report-ignore').locator('xpath=..')), /Also ignore Bob/);
    await screenshots('message-dialog');
    await dialog.getByTestId('dialog-submit').click();

    const done = dialog.getByTestId('report-done');
    await done.waitFor(WAIT);
    assert.match(await plain(done), /^Thank you: the administrators of \S+ have your report\. You are now ignoring Bob/);
    await screenshots('message-sent');

    const reports = await serverSays('the event report reaches Synapse',
      async () => (await admin.request('GET', '/_synapse/admin/v1/event_reports') as { event_reports: { event_id: string; user_id: string; reason: string }[] }).event_reports,
      (r) => r.some((x) => x.event_id === bobsMessage));
    assert.deepEqual(reports.map((r) => [r.event_id, r.user_id, r.reason]), [[bobsMessage, alice.userId, 'Spam: selling pills']]);
    await serverSays('Bob is on Alice\'s ignore list',
      () => alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/m.ignored_user_list`).catch(() => ({})),
      (c: { ignored_users?: Record<string, unknown> }) => !!c.ignored_users && bob.userId in c.ignored_users);

    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('reports the room from the header\'s menu by keyboard; a refusal says why and keeps the reason', async () => {
    await page.getByTestId('room-header-more').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('room-header-menu').waitFor();
    // A wide header's menu holds what has no button: Export chat…, then Report room….
    assert.equal(await focusedTestId(), 'header-menu-export');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedTestId(), 'header-menu-report');
    await screenshots('room-menu');
    await page.keyboard.press('Enter');

    const dialog = page.getByTestId('report-room-dialog');
    await dialog.waitFor();
    assert.match(await plain(dialog), /about the whole room, Report E2E, goes to the administrators of your homeserver/);
    assert.equal(await focusedTestId(), 'report-reason');
    await page.keyboard.type('The whole room is a spam channel');
    await page.keyboard.press('Tab');
    assert.equal(await focusedTestId(), 'report-leave');
    await page.keyboard.press('Space');
    assert.equal(await dialog.getByTestId('report-leave').isChecked(), true);
    await dialog.getByTestId('dialog-submit').click();

    // This homeserver refuses room reports (rate-limited): said in words, and nothing typed is lost.
    const error = dialog.getByTestId('dialog-error');
    await error.waitFor(WAIT);
    assert.match(await error.innerText(), /^Could not report this room: too many requests; try again in \d+ s\.$/);
    assert.equal(await dialog.getByTestId('report-reason').inputValue(), 'The whole room is a spam channel');
    assert.equal(await dialog.getByTestId('report-leave').isChecked(), true);
    await screenshots('room-refused');

    await hs.disableRateLimits(alice.userId);
    await dialog.getByTestId('dialog-submit').click();
    const done = dialog.getByTestId('report-done');
    await done.waitFor(WAIT);
    assert.match(await plain(done), /^Thank you: the administrators of \S+ have your report\. You left the room\.$/);
    await screenshots('room-sent');

    const db = new Database(path.join(hs.dataDir, 'homeserver.db'), { readonly: true, fileMustExist: true });
    try {
      assert.deepEqual(db.prepare('SELECT room_id, user_id, reason FROM room_reports').all(),
        [{ room_id: roomId, user_id: alice.userId, reason: 'The whole room is a spam channel' }]);
    } finally {
      db.close();
    }
    await serverSays('Alice left the room',
      () => bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(alice.userId)}`),
      (c: { membership?: string }) => c.membership === 'leave');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });
});
