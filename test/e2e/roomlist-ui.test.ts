/**
 * The room list and entering rooms, as a person does it: the real renderer in Chromium through the web host,
 * against Synapse, with Bob acting through the homeserver API. Accepting and declining invitations; the room menu
 * (right click, the "…" button and Shift+F10): mute, favourite, mark unread and read, copy link, leave; the
 * "New messages" line, Bob's read receipt under the message he read, and his typing line; the preview of a room
 * we are not in (join by address, ask to join a knock room); and both ends of a room upgrade; a new account's first
 * screen; a room with no message yet previewed by its latest worded change. Saves the room list with its menu open
 * in both themes at 1280×800 and 800×600 to test-artifacts/ui/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS as ALL_ARTIFACTS, sizedShots, startWebUi, themeShots, type WebHost, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

// Importing them from web-ui.test.ts would run that suite here too.
const ARTIFACTS = path.join(ALL_ARTIFACTS, 'ui');
const enc = encodeURIComponent;

describe('room list and room entry against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let team: string;
  let acceptMe: string;
  let declineMe: string;
  let dmInvite: string;
  let longInvite: string;
  let spaceInvite: string;
  let previewedSpace: string;
  let quietRoom: string;
  let leaveMe: string;
  let knockRoom: string;
  let oldRoom: string;
  let ui: WebUi;
  let host: WebHost;
  let context: BrowserContext;
  let page: Page;

  const item = (roomId: string) => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
  const invite = (roomId: string) => page.locator(`[data-testid="invite"][data-room-id="${roomId}"]`);
  const header = (name: string) => page.getByTestId('room-header').filter({ hasText: name });
  const menu = () => page.getByTestId('room-menu');
  const message = (text: string) => page.getByTestId('message').filter({ hasText: text });
  const go = (hash: string) => page.evaluate((h) => { window.location.hash = h; }, hash);

  async function createRoom(by: MatrixPeer, body: Record<string, unknown>): Promise<string> {
    return (await by.request('POST', '/_matrix/client/v3/createRoom', body) as { room_id: string }).room_id;
  }

  /** Waits, polling the homeserver, until `check` holds (for effects only the server can see). */
  async function eventually(what: string, check: () => Promise<boolean>, ms = 45_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function openMenuByRightClick(roomId: string): Promise<void> {
    await item(roomId).click({ button: 'right' });
    await menu().waitFor();
  }

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ui = await startWebUi('roomlist');
    ({ hs, host, context, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    await hs.disableRateLimits(bob.userId);
    team = await bob.createRoom({ name: 'Team Room', invite: [alice.userId] });
    await alicePeer.join(team);
    for (let i = 1; i <= 3; i++) await bob.sendText(team, `team message ${i}`);
    // Enough rooms that the switcher's list scrolls on a short window.
    for (let i = 1; i <= 6; i++) await alicePeer.join(await bob.createRoom({ name: `Side Room ${i}`, invite: [alice.userId] }));
    leaveMe = await bob.createRoom({ name: 'Leave Me', invite: [alice.userId] });
    await alicePeer.join(leaveMe);
    await bob.sendText(leaveMe, 'a room to leave');
    oldRoom = await createRoom(bob, { name: 'Old Room', preset: 'public_chat' });
    await alicePeer.join(oldRoom);
    await bob.sendText(oldRoom, 'said in the old room');
    await createRoom(bob, { name: 'Open Plaza', preset: 'public_chat', room_alias_name: 'plaza', topic: 'Everyone welcome' });
    knockRoom = await createRoom(bob, {
      name: 'Knock Knock', room_version: '10', preset: 'private_chat',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
    });
    acceptMe = await bob.createRoom({ name: 'Accept Me', invite: [alice.userId] });
    declineMe = await bob.createRoom({ name: 'Decline Me', invite: [alice.userId] });
    dmInvite = await bob.createRoom({ invite: [alice.userId], isDirect: true });
    spaceInvite = await bob.createRoom({ name: 'Team Space', invite: [alice.userId], creationContent: { type: 'm.space' } });
    await bob.setState(spaceInvite, 'm.space.child', team, { via: [hs.serverName] });
    previewedSpace = await bob.createRoom({ name: 'Design Space', invite: [alice.userId], creationContent: { type: 'm.space' } });
    await bob.setState(previewedSpace, 'm.space.child', leaveMe, { via: [hs.serverName] });
    quietRoom = await bob.createRoom({ name: 'Quiet Room', invite: [alice.userId] });
    await alicePeer.join(quietRoom);
    longInvite = await bob.createRoom({ name: `Quarterly planning ${'and-budget-review-'.repeat(6)}final`, invite: [alice.userId] });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host.url).origin });
  });
  after(async () => {
    await ui?.stop();
  });

  it('logs in and lists the invitations above the rooms', async () => {
    await ui.signIn(alice, 'alice-password');
    await item(team).waitFor({ timeout: 30_000 });
    await invite(acceptMe).waitFor({ timeout: 45_000 });
    await invite(declineMe).waitFor({ timeout: 45_000 });
    assert.match(await invite(acceptMe).innerText(), /Accept Me[\s\S]*Invited by Bob/);
    await shot(page, path.join(ARTIFACTS, 'light-1280x800-invites.png'));
  });

  it('previews an invitation from its name, and accepts it from the list, which opens the room', async () => {
    await invite(acceptMe).getByTestId('invite-open').click();
    const preview = page.getByTestId('room-preview');
    await preview.getByTestId('room-preview-accept').waitFor({ timeout: 45_000 });
    assert.match(await preview.innerText(), /Accept Me[\s\S]*Bob \(@bob:[^)]+\) invited you\./, 'the inviter named as the list names them');
    assert.equal(await preview.getByTestId('room-preview-decline').count(), 1);
    await invite(acceptMe).getByTestId('invite-accept').click();
    await header('Accept Me').waitFor({ timeout: 45_000 });
    await invite(acceptMe).waitFor({ state: 'detached' });
    await item(acceptMe).waitFor();
    const member = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(acceptMe)}/state/m.room.member/${enc(alice.userId)}`) as { membership: string };
    assert.equal(member.membership, 'join');
  });

  it('names an unnamed invitation after who sent it, and keeps long names inside the sidebar', async () => {
    await invite(dmInvite).waitFor({ timeout: 45_000 });
    await invite(longInvite).waitFor({ timeout: 45_000 });
    // A DM invitation carries no room name: the inviter's display name from its stripped state, not the room ID.
    assert.equal(await invite(dmInvite).locator('.invite-name').innerText(), 'Bob');
    assert.match(await invite(dmInvite).innerText(), /Direct message/);
    assert.doesNotMatch(await invite(dmInvite).innerText(), /!/);
    // The longest names ellipsize inside the sidebar instead of widening the list over the room beside it.
    for (const size of [{ width: 1280, height: 800 }, { width: 700, height: 700 }]) {
      await page.setViewportSize(size);
      const sidebar = await page.locator('.sidebar').boundingBox();
      for (const part of ['.roomlist', '.invites', `[data-testid="invite"][data-room-id="${longInvite}"] .invite-name`]) {
        const box = await page.locator(part).boundingBox();
        assert.ok(sidebar && box && box.x + box.width <= sidebar.x + sidebar.width + 0.5,
          `${part} ends at ${box && box.x + box.width}, past the sidebar's edge at ${sidebar && sidebar.x + sidebar.width} (${size.width} px)`);
      }
    }
    await shot(page, path.join(ARTIFACTS, 'light-700x700-invites.png'));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('names who wrote a room\'s last message after a reload, before the room is opened', async () => {
    await page.reload();
    await item(leaveMe).waitFor({ timeout: 30_000 });
    // The display name from the member event, as before the reload; not the user ID's localpart ("bob").
    assert.match((await item(leaveMe).innerText()).replace(/[\u2066-\u2069]/g, ''), /\bBob: a room to leave/);
    // A room with nothing but state since it was made (no message yet) says its latest change the timeline words,
    // not an empty line.
    assert.equal(await item(quietRoom).locator('.roomlist-item-preview').innerText(), 'You joined the room');
    await sizedShots(page, (theme, size) => path.join('ui', `${theme}-${size}-previews.png`));
  });

  it('shows unread counts in the Ctrl+K switcher and keeps the highlighted room in sight on a short window', async () => {
    await page.setViewportSize({ width: 700, height: 300 });
    await page.keyboard.press('Control+k');
    const switcher = page.getByTestId('quick-switcher');
    await switcher.waitFor();
    // Bob's three messages in the Team Room are unread, as the room list says.
    assert.equal(await switcher.getByTestId('switcher-result').filter({ hasText: 'Team Room' }).getByTestId('switcher-unread').innerText(), '3');
    const results = switcher.getByTestId('switcher-result');
    const list = await switcher.locator('[role="listbox"]').boundingBox();
    assert.ok(list && (await results.last().boundingBox())!.y > list.y + list.height, 'the last room starts out of sight');
    // Up from the first wraps to the last: the list scrolls it into sight.
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => {
      const box = document.getElementById('switcher-results')!.getBoundingClientRect();
      const last = [...document.querySelectorAll('#switcher-results [data-testid="switcher-result"]')].at(-1)!.getBoundingClientRect();
      return last.top >= box.top - 0.5 && last.bottom <= box.bottom + 0.5;
    }, null, { timeout: 5_000 });
    await shot(page, path.join(ARTIFACTS, 'light-700x300-switcher.png'));
    await page.keyboard.press('Escape');
    await switcher.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('accepting an invitation to a space shows the space\'s rooms instead of opening the space as a chat', async () => {
    const before = page.url();
    assert.match(await invite(spaceInvite).innerText(), /Team Space\s+Space · invited by Bob/);
    await invite(spaceInvite).getByTestId('invite-accept').click();
    await invite(spaceInvite).waitFor({ state: 'detached', timeout: 45_000 });
    await page.locator(`[data-testid="space"][data-space-id="${spaceInvite}"][aria-pressed="true"]`).waitFor({ timeout: 45_000 });
    await item(team).waitFor();
    assert.equal(page.url(), before, 'the open room stays open');
    assert.equal(await header('Team Space').count(), 0);
    await page.getByTestId('space').first().click();
  });

  it('accepting an invitation to a space from its preview shows the space\'s rooms too, with no room open', async () => {
    await invite(previewedSpace).getByTestId('invite-open').click();
    const preview = page.getByTestId('room-preview');
    await preview.getByTestId('room-preview-accept').waitFor({ timeout: 45_000 });
    // Everything that renders from here on is recorded, however briefly: a chat view of the space is a flash too.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenChat: string[] }).seenChat = seen;
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) {
          if (n instanceof Element && (n.matches('.room:not(.room-preview)') || n.querySelector('.room:not(.room-preview)'))) seen.push(n.outerHTML.slice(0, 120));
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await preview.getByTestId('room-preview-accept').click();
    await page.locator(`[data-testid="space"][data-space-id="${previewedSpace}"][aria-pressed="true"]`).waitFor({ timeout: 45_000 });
    await item(leaveMe).waitFor();
    await page.getByTestId('empty-state').waitFor();
    assert.equal(await header('Design Space').count(), 0, 'the space is not opened as a chat');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { seenChat: string[] }).seenChat), [], 'not even for a moment');
    assert.equal(await page.getByTestId('composer').count(), 0);
    assert.equal(await item(team).count(), 0, 'the list shows the space\'s rooms only');
    await page.getByTestId('space').first().click();
  });

  it('declines an invitation', async () => {
    await invite(declineMe).getByTestId('invite-decline').click();
    await invite(declineMe).waitFor({ state: 'detached', timeout: 45_000 });
    assert.equal(await item(declineMe).count(), 0);
    const member = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(declineMe)}/state/m.room.member/${enc(alice.userId)}`) as { membership: string };
    assert.equal(member.membership, 'leave');
  });

  it('mutes a room from its menu', async () => {
    await openMenuByRightClick(team);
    assert.equal(await menu().getByTestId('room-menu-mute').getAttribute('aria-checked'), 'false');
    await menu().getByTestId('room-menu-mute').click();
    await menu().waitFor({ state: 'detached' });
    await item(team).getByTestId('room-muted').waitFor({ timeout: 45_000 });
    assert.match(await item(team).getAttribute('aria-label') ?? '', /muted/);
    const rule = await alicePeer.request('GET', `/_matrix/client/v3/pushrules/global/override/${enc(team)}`) as { actions: unknown[] };
    assert.deepEqual(rule.actions, []);
    await openMenuByRightClick(team);
    assert.equal(await menu().getByTestId('room-menu-mute').getAttribute('aria-checked'), 'true');
    await page.keyboard.press('Escape');
    await menu().waitFor({ state: 'detached' });
  });

  it('favourites a room from its menu: it moves to the favourites', async () => {
    await item(team).hover();
    await item(team).locator('xpath=..').getByTestId('room-menu-button').click();
    await menu().getByTestId('room-menu-favourite').click();
    await page.locator('[data-space-id="favourites"]').click();
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll('[data-testid="room-item"]')].map((e) => e.getAttribute('data-room-id'));
      return rows.length === 1 && rows[0] === id;
    }, team, { timeout: 45_000 });
    const tags = await alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/rooms/${enc(team)}/tags`) as { tags: Record<string, unknown> };
    assert.ok('m.favourite' in tags.tags);
    await page.locator('[data-space-id="home"]').click();
  });

  it('lists a low-priority room last, under a "Low priority" heading that says why it is there', async () => {
    await openMenuByRightClick(quietRoom);
    await menu().getByTestId('room-menu-low-priority').click();
    await menu().waitFor({ state: 'detached' });
    const list = page.locator('.roomlist-items');
    const heading = page.getByTestId('roomlist-low-priority');
    // It moved from the top to the end of the list: scrolled there, the heading sits right above it.
    await page.waitForFunction(() => {
      const scroller = document.querySelector('.roomlist-items')!;
      scroller.scrollTop = scroller.scrollHeight;
      return document.querySelector('[data-testid="roomlist-low-priority"]') !== null;
    }, null, { timeout: 45_000, polling: 200 });
    const rows = await page.getByTestId('room-item').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), e.getAttribute('data-room-id')] as const));
    assert.equal(rows.reduce((last, r) => (r[0] > last[0] ? r : last))[1], quietRoom, 'the low-priority room is last');
    const [h, row] = [await heading.boundingBox(), await item(quietRoom).boundingBox()];
    assert.ok(h && row && Math.abs(h.y + h.height - row.y) <= 2 && h.height >= 20, `the heading is right above the room (${JSON.stringify([h, row])})`);
    assert.match(await item(quietRoom).getAttribute('aria-label') ?? '', /low priority/);
    await themeShots(page, 'roomlist', 'low-priority');
    await list.evaluate((e) => { e.scrollTop = 0; });
  });

  it('opens the menu from the keyboard (Shift+F10), moves with the arrows and gives focus back on Esc', async () => {
    await item(leaveMe).focus();
    await page.keyboard.press('Shift+F10');
    await menu().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'menuitem', 'focus starts in the menu');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'room-menu-mute');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'room-menu-leave');
    await page.keyboard.press('Escape');
    await menu().waitFor({ state: 'detached' });
    await page.waitForFunction((id) => document.activeElement?.getAttribute('data-room-id') === id, leaveMe);
  });

  it('marks a room unread and read again, and copies its link', async () => {
    // Bob's message there is unread until the room is read, which the menu also does.
    await openMenuByRightClick(leaveMe);
    if (await menu().getByTestId('room-menu-mark-read').count()) {
      await menu().getByTestId('room-menu-mark-read').click();
      await item(leaveMe).getByTestId('room-unread').waitFor({ state: 'detached', timeout: 45_000 });
      await openMenuByRightClick(leaveMe);
    }
    await menu().getByTestId('room-menu-mark-unread').click();
    await item(leaveMe).getByTestId('room-unread').waitFor({ timeout: 45_000 });
    await openMenuByRightClick(leaveMe);
    await menu().getByTestId('room-menu-mark-read').click();
    await item(leaveMe).getByTestId('room-unread').waitFor({ state: 'detached', timeout: 45_000 });
    const flag = await alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/rooms/${enc(leaveMe)}/account_data/m.marked_unread`) as { unread: boolean };
    assert.equal(flag.unread, false);

    await openMenuByRightClick(leaveMe);
    await menu().getByTestId('room-menu-copy-link').click();
    await menu().getByTestId('room-menu-copy-link').filter({ hasText: 'Link copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, `https://matrix.to/#/${enc(leaveMe)}?via=${enc(hs.serverName)}`);
    await menu().waitFor({ state: 'detached' });
  });

  it('saves the room list with its menu open in both themes at 1280×800 and 800×600', async () => {
    for (const [w, h] of [[1280, 800], [800, 600]] as const) {
      for (const theme of ['light', 'dark'] as const) {
        const p = await context.newPage();
        await p.setViewportSize({ width: w, height: h });
        await p.addInitScript((t) => { localStorage.setItem('lattice.prefs', JSON.stringify({ theme: t })); }, theme);
        await p.goto(`${new URL(host.url).origin}/#/room/${enc(team)}`);
        const row = p.locator(`[data-testid="room-item"][data-room-id="${team}"]`);
        await row.waitFor({ timeout: 45_000 });
        await p.getByTestId('message').first().waitFor({ timeout: 45_000 });
        await row.hover();
        await row.locator('xpath=..').getByTestId('room-menu-button').click();
        await p.getByTestId('room-menu').waitFor();
        const box = await p.getByTestId('room-menu').boundingBox();
        assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= w && box.y + box.height <= h, `${theme} ${w}x${h}: the menu is inside the window`);
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${theme} ${w}x${h}: no horizontal overflow`);
        await shot(p, path.join(ARTIFACTS, `${theme}-${w}x${h}-roomlist-menu.png`));
        await p.close();
      }
    }
    await page.evaluate(() => { localStorage.removeItem('lattice.prefs'); });
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
