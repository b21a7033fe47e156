/**
 * The room list, as a person uses it: the real renderer in Chromium through the web host, against Synapse, with Bob
 * acting through the homeserver API (test/harness/roomlist-fixture.ts). Invitations listed above the rooms, previewed,
 * accepted and declined (accepting a space's, from the list or from its preview, shows the space's rooms instead of
 * opening the space as a chat); an unnamed invitation named after who sent it, and long names kept inside the
 * sidebar; who wrote a room's last message named after a reload, and a room with no message yet previewed by its
 * latest worded change; unread counts in the Ctrl+K switcher, which keeps the highlighted room in sight on a short
 * window; the room menu (right click, the "…" button and Shift+F10): mute, favourite, low priority (listed last, under
 * a heading), mark unread and read, copy link. Saves the invitations, the previews, the switcher and the room list with
 * its menu open (the previews and the menu in both themes at 1280×800 and 800×600) to test-artifacts/ui/, and the
 * low-priority heading in both themes to test-artifacts/ (with LATTICE_SHOTS=1). Entering rooms is room-entry-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { ARTIFACTS, startRoomListFixture, type RoomListFixture } from '../harness/roomlist-fixture.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { sizedShots, themeShots, type WebHost, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const enc = encodeURIComponent;

describe('room list against Synapse', () => {
  let fx: RoomListFixture | undefined;
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
  let ui: WebUi;
  let host: WebHost;
  let context: BrowserContext;
  let page: Page;
  let item: RoomListFixture['item'];
  let header: RoomListFixture['header'];
  let menu: RoomListFixture['menu'];
  let openMenuByRightClick: RoomListFixture['openMenuByRightClick'];

  const invite = (roomId: string) => page.locator(`[data-testid="invite"][data-room-id="${roomId}"]`);

  before(async () => {
    fx = await startRoomListFixture('roomlist');
    ({
      ui, hs, host, context, page, alice, alicePeer, bob, team, acceptMe, declineMe, dmInvite, longInvite, spaceInvite,
      previewedSpace, quietRoom, leaveMe, item, header, menu, openMenuByRightClick,
    } = fx);
    // For the copied room link, read back from the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host.url).origin });
  });
  after(async () => {
    await fx?.ui.stop();
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
});
