/**
 * Entering rooms and leaving them, as a person does it: the real renderer in Chromium through the web host, against
 * Synapse, with Bob acting through the homeserver API (test/harness/roomlist-fixture.ts). The "New messages" line at
 * the first unread message, Bob's read receipt under the message he read, and his typing line; an open room kept unread
 * when marked so, until it is read on purpose; leaving a room from its menu; the preview of a room we are not in (join
 * by address, ask to join a knock room, and why an unknown room has none); both ends of a room upgrade; a new
 * account's first screen. Saves the receipts and typing line, the previews and the upgraded room to test-artifacts/ui/,
 * and the new account's first screen in both themes to test-artifacts/ (with LATTICE_SHOTS=1). The room list itself
 * (invitations, the rows' previews, the switcher, the room menu) is roomlist-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { ARTIFACTS, startRoomListFixture, type RoomListFixture } from '../harness/roomlist-fixture.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { startWebUi, themeShots } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const enc = encodeURIComponent;

describe('entering rooms against Synapse', () => {
  let fx: RoomListFixture | undefined;
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let team: string;
  let leaveMe: string;
  let knockRoom: string;
  let oldRoom: string;
  let page: Page;
  let item: RoomListFixture['item'];
  let header: RoomListFixture['header'];
  let menu: RoomListFixture['menu'];
  let openMenuByRightClick: RoomListFixture['openMenuByRightClick'];

  const message = (text: string) => page.getByTestId('message').filter({ hasText: text });
  const go = (hash: string) => page.evaluate((h) => { window.location.hash = h; }, hash);

  /** Waits, polling the homeserver, until `check` holds (for effects only the server can see). */
  async function eventually(what: string, check: () => Promise<boolean>, ms = 45_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  before(async () => {
    fx = await startRoomListFixture('room-entry');
    ({ hs, page, alice, alicePeer, bob, team, leaveMe, knockRoom, oldRoom, item, header, menu, openMenuByRightClick } = fx);
    // As roomlist-ui's tests leave things: its invitations answered (Accept Me and both spaces joined, Decline Me
    // declined), so the sidebar holds the same rows above the rooms, and the Team Room muted, as the "New messages"
    // test's comment says. (Its favourite and low-priority marks play no part here.)
    for (const id of [fx.acceptMe, fx.spaceInvite, fx.previewedSpace]) await alicePeer.join(id);
    await alicePeer.request('POST', `/_matrix/client/v3/rooms/${enc(fx.declineMe)}/leave`, {});
    await alicePeer.request('PUT', `/_matrix/client/v3/pushrules/global/override/${enc(team)}`,
      { actions: [], conditions: [{ kind: 'event_match', key: 'room_id', pattern: team }] });
    // Signed in, the room list synced (as roomlist-ui's first test leaves it).
    await fx.ui.signIn(alice, 'alice-password');
    await item(team).waitFor({ timeout: 30_000 });
  });
  after(async () => {
    await fx?.ui.stop();
  });

  it('shows a "New messages" line at the first unread message when the room opens', async () => {
    await item(team).click();
    await header('Team Room').waitFor();
    await message('team message 3').waitFor({ timeout: 45_000 });
    // Read to the end; leave the room for another, and Bob writes meanwhile.
    await eventually('the room is read', async () => {
      const r = await alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/rooms/${enc(team)}/account_data/m.fully_read`).catch(() => null) as { event_id?: string } | null;
      return !!r?.event_id;
    });
    await item(leaveMe).click();
    await header('Leave Me').waitFor();
    await bob.sendText(team, 'new one 1');
    await bob.sendText(team, 'new one 2');
    // (The room is muted, so its row may show no badge: its preview says the message arrived.)
    await item(team).locator('.roomlist-item-preview').filter({ hasText: 'new one 2' }).waitFor({ timeout: 45_000 });
    await item(team).click();
    await message('new one 2').waitFor({ timeout: 45_000 });
    const marker = page.getByTestId('unread-marker');
    await marker.waitFor();
    // The line sits right above the first new message.
    const order = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('[data-testid="timeline"] [data-row-key]')];
      return rows.map((r) => `${r.querySelector('[data-testid="unread-marker"]') ? 'MARKER ' : ''}${(r.textContent ?? '').replace(/\s+/g, ' ')}`);
    });
    const at = order.findIndex((t) => t.startsWith('MARKER'));
    assert.ok(at > 0, 'the marker is in the timeline');
    assert.match(order[at], /MARKER.*new one 1/, 'the line is drawn with the first new message');
    assert.match(order[at - 1], /team message 3/, 'the message before it was read');
  });

  it('shows Bob\'s read receipt under the message he read, and his typing line', async () => {
    await page.getByTestId('composer').fill('Did you read this?');
    await page.getByTestId('composer').press('Enter');
    const mine = await bob.waitForMessage(team, (e) => e.content.body === 'Did you read this?', 45_000);
    await bob.request('POST', `/_matrix/client/v3/rooms/${enc(team)}/receipt/m.read/${enc(mine.event_id)}`, {});
    const receipts = page.locator(`[data-event-id="${mine.event_id}"]`).locator('xpath=ancestor::*[@data-row-key][1]').getByTestId('read-receipts');
    await receipts.waitFor({ timeout: 45_000 });
    assert.match(await receipts.getAttribute('aria-label') ?? '', /Read by Bob/);

    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(team)}/typing/${enc(bob.userId)}`, { typing: true, timeout: 30_000 });
    // The name is isolated (FSI … PDI) so a right-to-left name cannot reorder the sentence.
    await page.getByTestId('typing').filter({ hasText: /^\u2068Bob\u2069 is typing…$/ }).waitFor({ timeout: 45_000 });
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-receipts-typing.png'));
    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(team)}/typing/${enc(bob.userId)}`, { typing: false });
    await page.getByTestId('typing').filter({ hasText: 'typing' }).waitFor({ state: 'detached', timeout: 45_000 });
  });

  it('keeps the open room unread when marked so, until it is read on purpose (Esc)', async () => {
    await header('Team Room').waitFor();
    await openMenuByRightClick(team);
    await menu().getByTestId('room-menu-mark-unread').click();
    await item(team).getByTestId('room-unread').waitFor({ timeout: 45_000 });
    // Give an immediate re-read the time it would take (it would clear the mark through the homeserver).
    await page.waitForTimeout(1500);
    assert.equal(await item(team).getByTestId('room-unread').count(), 1, 'still marked unread');
    await page.getByTestId('composer').press('Escape');
    await item(team).getByTestId('room-unread').waitFor({ state: 'detached', timeout: 45_000 });
  });

  it('leaves a room from its menu after confirming', async () => {
    await openMenuByRightClick(leaveMe);
    await menu().getByTestId('room-menu-leave').click();
    await page.getByTestId('leave-room-dialog').waitFor();
    await page.getByTestId('leave-room-dialog').getByTestId('dialog-submit').click();
    await item(leaveMe).waitFor({ state: 'detached', timeout: 45_000 });
    const member = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(leaveMe)}/state/m.room.member/${enc(alice.userId)}`) as { membership: string };
    assert.equal(member.membership, 'leave');
  });

  it('previews a room by its address and joins it', async () => {
    await go(`#/room/${enc(`#plaza:${hs.serverName}`)}`);
    const preview = page.getByTestId('room-preview');
    await preview.getByTestId('room-preview-name').filter({ hasText: 'Open Plaza' }).waitFor({ timeout: 45_000 });
    assert.match(await preview.innerText(), /Everyone welcome/);
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-room-preview.png'));
    await preview.getByTestId('room-preview-join').click();
    await header('Open Plaza').waitFor({ timeout: 45_000 });
  });

  it('asks to join a knock room from its preview, and says why an unknown room has no preview', async () => {
    await go(`#/room/${enc(knockRoom)}?via=${enc(hs.serverName)}`);
    const preview = page.getByTestId('room-preview');
    await preview.getByTestId('room-preview-knock').waitFor({ timeout: 45_000 });
    await preview.getByTestId('room-preview-knock').click();
    await preview.getByTestId('room-preview-note').filter({ hasText: 'You asked to join' }).waitFor({ timeout: 45_000 });
    await page.setViewportSize({ width: 800, height: 600 });
    await shot(page, path.join(ARTIFACTS, 'light-800x600-room-preview-knocked.png'));
    await page.setViewportSize({ width: 1280, height: 800 });
    await eventually('Bob sees the knock', async () => {
      const m = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(knockRoom)}/state/m.room.member/${enc(alice.userId)}`).catch(() => null) as { membership?: string } | null;
      return m?.membership === 'knock';
    });

    await go(`#/room/${enc(`#nowhere:${hs.serverName}`)}`);
    await page.getByTestId('room-preview-error').waitFor({ timeout: 45_000 });
    assert.match(await page.getByTestId('room-preview-error').innerText(), /cannot be previewed: .+/);
  });

  it('links an upgraded room to its successor, and the successor back to it', async () => {
    await item(oldRoom).click();
    await header('Old Room').waitFor();
    const { replacement_room: newRoom } = await bob.request('POST', `/_matrix/client/v3/rooms/${enc(oldRoom)}/upgrade`, { new_version: '10' }) as { replacement_room: string };
    const bar = page.getByTestId('room-successor');
    await bar.waitFor({ timeout: 45_000 });
    assert.equal(await page.getByTestId('composer').count(), 0, 'the old room takes no more messages');
    await bar.getByTestId('room-successor-open').click();
    await page.locator(`[data-testid="room-item"][data-room-id="${newRoom}"][aria-selected="true"]`).waitFor({ timeout: 45_000 });
    await page.getByTestId('room-predecessor').waitFor({ timeout: 45_000 });
    await item(oldRoom).waitFor({ state: 'detached', timeout: 45_000 }); // the list shows the successor only
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-room-successor.png'));
    await page.getByTestId('room-predecessor-open').click();
    await message('said in the old room').waitFor({ timeout: 45_000 });
  });

  it('greets a brand-new account with what to do first, and makes its first room from there', async () => {
    const carol = await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' });
    const fresh = await startWebUi('roomlist-new-account', { hs });
    try {
      const p = fresh.page;
      await fresh.signIn(carol, 'carol-password');
      const welcome = p.getByTestId('welcome');
      await welcome.waitFor({ timeout: 45_000 });
      assert.match(await welcome.innerText(), /You are not in any rooms yet/);
      assert.match(await p.getByTestId('roomlist-empty').innerText(), /create one or join one/);
      await themeShots(p, 'roomlist', 'new-account');
      await welcome.getByTestId('welcome-create-room').click();
      await p.getByTestId('create-room-name').fill('First Room');
      await p.getByTestId('dialog-submit').click();
      await p.getByTestId('room-header').filter({ hasText: 'First Room' }).waitFor({ timeout: 45_000 });
      await p.evaluate(() => { window.location.hash = ''; });
      await p.getByTestId('empty-state').waitFor();
      assert.equal(await p.getByTestId('welcome').count(), 0, 'with a room, the pane asks to pick one');
    } finally {
      await fresh.stop();
    }
  });
});
