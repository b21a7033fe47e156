/**
 * A space's home, as a person uses it to find the space's rooms they are not in yet: the real renderer in Chromium
 * through the web host, against Synapse, with Bob building a space over the homeserver API. Opened from the spaces
 * bar, it lists the space's hierarchy (get_space_hierarchy) with names, topics and member counts, marks the
 * suggested room and the one Alice is in, says why the invite-only room cannot be joined, offers to ask to join the
 * knock room, expands a sub-space, pages through a large space, joins rooms (by mouse and by keyboard) which then
 * show in the room list under the space, opens a sub-space Alice is not in as its own home, and says in words why the
 * server refused a join or a space cannot be read. Opened again, it shows what was loaded and expanded before while
 * it reads the space again in the background, and says in words (keeping the rows, with a way to try again) when that
 * read fails; reloaded on its address, it selects the space in the spaces bar. Its filter narrows the rows by name,
 * topic or address (keyboard: Enter to the first match, Esc clears), shows a match inside a sub-space under it (whose
 * toggle still opens and closes it), says when none match, and is still there when the home is opened again. The
 * page's hierarchy requests are held back (a slow server) to see the loading state and that a reopened home does not
 * wait for the server, or answered with an error to see a failed background read. Managing spaces: Alice, a plain
 * member of Bob's space, gets no way to change it (its settings read-only); she creates her own public space from the
 * spaces bar's "+" (picture, address), adds existing rooms to it (her own room then names the space as its parent,
 * Bob's does not), creates a room in it restricted to its members, removes rooms from it and changes its topic in its
 * settings; the page's set_state requests are answered with a refusal to see it said in words. Screenshots of both
 * themes at 1280×800 and 800×600 go to test-artifacts/space-home/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS as ALL_ARTIFACTS, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot, SHOTS } from '../harness/shots.ts';

const ARTIFACTS = path.join(ALL_ARTIFACTS, 'space-home');
const enc = encodeURIComponent;
/** More rooms than one page of the hierarchy holds, so the home has to page. */
const FILLERS = 24;

describe('space home against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let ui: WebUi;
  let page: Page;
  let space: string;
  let general: string;
  let hiking: string;
  let lounge: string;
  let board: string;
  let knock: string;
  let climbing: string;
  let bouldering: string;
  let hidden: string;
  let staff: string;
  let quarry: string;
  const fillers: string[] = [];
  /** While set, the page's get_space_hierarchy requests wait in `held` (a slow homeserver, as the page sees it). */
  let holdHierarchy = false;
  const held: (() => void)[] = [];
  /** While set, the page's get_space_hierarchy requests are answered with this error (a server that cannot be reached). */
  let failHierarchy: string | null = null;
  /** While set, the page's set_state requests are answered with this error (a homeserver that refuses). */
  let failSetState: string | null = null;
  /** While set, the page's check_alias requests are answered with this error (a homeserver that cannot be asked). */
  let failCheckAlias: string | null = null;
  const release = (): void => { holdHierarchy = false; for (const send of held.splice(0)) send(); };

  const home = () => page.getByTestId('space-home');
  const row = (roomId: string) => home().locator(`[data-testid="space-room"][data-room-id="${roomId}"]`);
  const item = (roomId: string) => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);

  async function createRoom(body: Record<string, unknown>): Promise<string> {
    return (await bob.request('POST', '/_matrix/client/v3/createRoom', body) as { room_id: string }).room_id;
  }

  /** Makes `child` a child of `parent` (the space's m.space.child state), in the order they are added. */
  async function addChild(parent: string, child: string, extra: Record<string, unknown> = {}): Promise<void> {
    await bob.setState(parent, 'm.space.child', child, { via: [hs.serverName], ...extra });
  }

  async function membership(roomId: string): Promise<string | undefined> {
    const r = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(alice.userId)}`)
      .catch(() => ({})) as { membership?: string };
    return r.membership;
  }

  async function shots(name: string): Promise<void> {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    if (!SHOTS) return;
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
      await shot(page, path.join(ARTIFACTS, `${theme}-${width}x${height}-${name}.png`));
    }
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  }

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ui = await startWebUi('space-home');
    ({ hs, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    await hs.disableRateLimits(bob.userId);
    space = await createRoom({
      name: 'Outdoor Club', topic: 'Everything outside', preset: 'public_chat', creation_content: { type: 'm.space' },
    });
    await alicePeer.join(space);
    general = await createRoom({ name: 'General', preset: 'public_chat', topic: 'Say hello' });
    await alicePeer.join(general);
    hiking = await createRoom({ name: 'Hiking', preset: 'public_chat', topic: 'Trails and trips' });
    lounge = await createRoom({
      name: 'Members Lounge', room_version: '10', preset: 'private_chat',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } }],
    });
    // Synapse lists an invite-only room in a hierarchy only when its history is world-readable.
    board = await createRoom({
      name: 'Board', preset: 'private_chat', topic: 'Decisions',
      initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
    });
    knock = await createRoom({
      name: 'Knock Knock', room_version: '10', preset: 'private_chat',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
    });
    climbing = await createRoom({ name: 'Climbing Section', preset: 'public_chat', creation_content: { type: 'm.space' } });
    bouldering = await createRoom({ name: 'Bouldering', preset: 'public_chat' });
    // Restricted to a space Alice is not in; world-readable, so the hierarchy lists it (and the server says no).
    const otherSpace = await createRoom({ name: 'Staff Space', preset: 'private_chat', creation_content: { type: 'm.space' } });
    staff = await createRoom({
      name: 'Staff Room', room_version: '10', preset: 'private_chat',
      initial_state: [
        { type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: otherSpace }] } },
        { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } },
      ],
    });
    // Public, but Alice is banned from it: the list offers Join, the server says no.
    quarry = await createRoom({ name: 'Quarry', preset: 'public_chat' });
    await bob.request('POST', `/_matrix/client/v3/rooms/${enc(quarry)}/ban`, { user_id: alice.userId, reason: 'test' });
    await addChild(space, general);
    await addChild(space, hiking, { suggested: true });
    await addChild(space, lounge);
    await addChild(space, board);
    await addChild(space, knock);
    await addChild(space, climbing);
    await addChild(space, staff);
    await addChild(space, quarry);
    await addChild(climbing, bouldering);
    for (let i = 1; i <= FILLERS; i++) {
      const id = await createRoom({ name: `Archive ${String(i).padStart(2, '0')}`, preset: 'public_chat' });
      fillers.push(id);
      await addChild(space, id);
    }
    // A space Alice is not in and may not read.
    hidden = await createRoom({ name: 'Secret Space', preset: 'private_chat', creation_content: { type: 'm.space' } });
    await page.routeWebSocket(/\/_gomuks\/websocket/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (failSetState !== null && typeof m === 'string' && m.includes('"command":"set_state"')) {
          const { request_id: id } = JSON.parse(m) as { request_id: number };
          ws.send(JSON.stringify({ command: 'error', request_id: id, data: failSetState }));
        } else if (failCheckAlias !== null && typeof m === 'string' && m.includes('"command":"check_alias"')) {
          const { request_id: id } = JSON.parse(m) as { request_id: number };
          ws.send(JSON.stringify({ command: 'error', request_id: id, data: failCheckAlias }));
        } else if (failHierarchy !== null && typeof m === 'string' && m.includes('"get_space_hierarchy"')) {
          const { request_id: id } = JSON.parse(m) as { request_id: number };
          ws.send(JSON.stringify({ command: 'error', request_id: id, data: failHierarchy }));
        } else if (holdHierarchy && typeof m === 'string' && m.includes('"get_space_hierarchy"')) held.push(() => server.send(m));
        else server.send(m);
      });
    });
  });
  after(async () => {
    await ui?.stop();
  });

  it('opens the space home from the spaces bar and lists the space\'s rooms', async () => {
    await ui.signIn(alice, 'alice-password');
    await item(general).waitFor({ timeout: 45_000 });
    holdHierarchy = true;
    await page.locator(`[data-testid="space"][data-space-id="${space}"]`).click();
    await home().waitFor({ timeout: 15_000 });
    assert.equal(await home().getByTestId('space-home-name').innerText(), 'Outdoor Club', 'the synced space\'s name while loading');
    await home().getByTestId('space-home-loading').waitFor();
    await shots('loading');
    release();
    await row(hiking).waitFor({ timeout: 45_000 });
    assert.equal(await home().getByTestId('space-home-loading').count(), 0);
    assert.match(await home().innerText(), /Everything outside/, 'the space\'s topic');

    assert.match(await row(hiking).innerText(), /Hiking[\s\S]*Trails and trips/);
    assert.equal(await row(hiking).getByTestId('space-room-suggested').count(), 1, 'the suggested room is marked');
    assert.equal(await row(general).getByTestId('space-room-suggested').count(), 0);
    assert.match(await row(hiking).innerText(), /1 member/);
    assert.equal(await row(hiking).getByTestId('space-room-join').innerText(), 'Join');

    assert.match(await row(general).innerText(), /Joined/);
    assert.match(await row(general).innerText(), /2 members/);
    assert.equal(await row(general).getByTestId('space-room-open').innerText(), 'Open');
    assert.equal(await row(general).getByTestId('space-room-join').count(), 0);

    assert.equal(await row(board).getByTestId('space-room-join').count(), 0, 'no way into an invite-only room');
    assert.match(await row(board).getByTestId('space-room-note').innerText(), /invite/i);
    assert.equal(await row(knock).getByTestId('space-room-knock').innerText(), 'Ask to join');
    assert.equal(await row(lounge).getByTestId('space-room-join').count(), 1, 'members of the space may join the restricted room');
    await shots('list');
  });

  it('expands a sub-space to show its rooms', async () => {
    const toggle = row(climbing).getByTestId('space-room-expand');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await row(bouldering).count(), 0);
    await toggle.click();
    await row(bouldering).waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();
    await row(bouldering).waitFor({ state: 'detached' });
  });

  it('loads the rest of a large space a page at a time', async () => {
    const last = fillers[fillers.length - 1];
    assert.equal(await row(last).count(), 0, 'the last room is on a later page');
    const more = home().getByTestId('space-home-more');
    // Each click loads one more page; a space this size takes at most a few.
    for (let i = 0; i < 5 && await row(last).count() === 0; i++) {
      await more.click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="space-home-more"][aria-busy="true"]'));
    }
    await row(last).waitFor();
    assert.equal(await more.count(), 0, 'nothing more to load once the space is all there');
  });

  it('keeps what was loaded and expanded when the home is opened again, and refreshes it in the background', async () => {
    const last = fillers[fillers.length - 1];
    const toggle = row(climbing).getByTestId('space-room-expand');
    await toggle.click();
    await row(bouldering).waitFor();
    await row(general).getByTestId('space-room-open').click();
    await page.getByTestId('room-header').filter({ hasText: 'General' }).waitFor({ timeout: 45_000 });
    // A slow server: the home comes back from what was read before, not after the server answers.
    holdHierarchy = true;
    try {
      await page.getByTestId('space-explore').click();
      await home().waitFor();
      await row(last).waitFor({ timeout: 5_000 });
      await row(bouldering).waitFor({ timeout: 5_000 });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'the sub-space is still expanded');
      assert.equal(await home().getByTestId('space-home-loading').count(), 0, 'no loading state over rows already known');
      await page.waitForFunction(() => document.querySelector('[data-testid="space-home"]')?.getAttribute('aria-busy') === 'true');
    } finally {
      release();
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="space-home"]')?.getAttribute('aria-busy') === 'false',
      undefined, { timeout: 45_000 });
    assert.equal(await row(last).count(), 1, 'every page read before is read again, not only the first');
    assert.equal(await row(bouldering).count(), 1);
    assert.equal(await home().getByTestId('space-home-more').count(), 0);
    await toggle.click();
    await row(bouldering).waitFor({ state: 'detached' });
  });

  it('says in words when reading the space again in the background fails, keeps the rows, and can try again', async () => {
    const last = fillers[fillers.length - 1];
    await row(general).getByTestId('space-room-open').click();
    await page.getByTestId('room-header').filter({ hasText: 'General' }).waitFor({ timeout: 45_000 });
    failHierarchy = `Could not read the space ${space}: the homeserver could not be reached.`;
    try {
      await page.getByTestId('space-explore').click();
      const problem = home().getByTestId('space-home-refresh-error');
      await problem.waitFor({ timeout: 15_000 });
      const said = await problem.innerText();
      assert.match(said, /could not check this space for changes/i);
      assert.match(said, /The homeserver could not be reached\./, 'the reason, without the space\'s ID');
      assert.doesNotMatch(said, /!/, 'no room ID');
      assert.equal(await row(last).count(), 1, 'the rows read before stay');
      assert.equal(await row(general).count(), 1);
      assert.equal(await home().getByTestId('space-home-error').count(), 0, 'not the error of a space that cannot be listed');
      await page.mouse.move(0, 0);
      await shots('refresh-failed');
    } finally {
      failHierarchy = null;
    }
    await home().getByTestId('space-home-refresh-retry').click();
    await home().getByTestId('space-home-refresh-error').waitFor({ state: 'detached', timeout: 45_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="space-home"]')?.getAttribute('aria-busy') === 'false',
      undefined, { timeout: 45_000 });
    assert.equal(await row(last).count(), 1);
  });

  it('joins a room from the space home, which then shows in the space\'s room list', async () => {
    await row(hiking).getByTestId('space-room-join').click();
    await row(hiking).getByTestId('space-room-open').waitFor({ timeout: 45_000 });
    assert.match(await row(hiking).innerText(), /Joined/);
    assert.equal(await membership(hiking), 'join');
    assert.equal(await page.locator(`[data-testid="space"][data-space-id="${space}"]`).getAttribute('aria-pressed'), 'true');
    await item(hiking).waitFor({ timeout: 45_000 });
    assert.equal(await item(bouldering).count(), 0, 'rooms not joined are not in the room list');
    await row(hiking).getByTestId('space-room-open').click();
    await page.getByTestId('room-header').filter({ hasText: 'Hiking' }).waitFor({ timeout: 45_000 });
  });

  it('is reached and used with the keyboard', async () => {
    // The room list's "Explore rooms" entry brings the home back while a room is open.
    const explore = page.getByTestId('space-explore');
    await explore.focus();
    await page.keyboard.press('Enter');
    await home().waitFor();
    await row(lounge).waitFor({ timeout: 45_000 });
    await home().getByTestId('space-home-name').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate((id) => document.activeElement?.closest(`[data-room-id="${id}"]`) !== null
        && document.activeElement?.getAttribute('data-testid') === 'space-room-join', lounge);
    }
    assert.ok(reached, 'Tab reaches the restricted room\'s Join button');
    await page.keyboard.press('Enter');
    await row(lounge).getByTestId('space-room-open').waitFor({ timeout: 45_000 });
    assert.equal(await membership(lounge), 'join');
    await item(lounge).waitFor({ timeout: 45_000 });
    // The hierarchy counted members before Alice joined; the row counts her now.
    await row(lounge).filter({ hasText: /2 members · Joined/ }).waitFor({ timeout: 45_000 });
  });

  it('says in words why a room cannot be joined, and why the server refused a join', async () => {
    // Synapse tells which rooms' members may join a restricted room; Alice is in none of them.
    assert.equal(await row(staff).getByTestId('space-room-join').count(), 0);
    assert.match(await row(staff).getByTestId('space-room-note').innerText(), /Only members of certain other rooms or spaces/);
    await row(quarry).getByTestId('space-room-join').click();
    const error = row(quarry).getByTestId('space-room-error');
    await error.waitFor({ timeout: 45_000 });
    assert.match(await error.innerText(), /^Could not join: .*banned/i);
    assert.equal(await row(quarry).getByTestId('space-room-join').isEnabled(), true, 'it can be tried again');
    assert.equal(await membership(quarry), 'ban');
    await row(quarry).scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await shots('refused');
  });

  it('asks to join a knock room', async () => {
    await row(knock).getByTestId('space-room-knock').click();
    await row(knock).getByTestId('space-room-note').filter({ hasText: /asked to join/i }).waitFor({ timeout: 45_000 });
    assert.equal(await membership(knock), 'knock');
  });

  it('filters the rooms read by name, topic or address, with the keyboard, and says when none match', async () => {
    const filter = home().getByTestId('space-home-filter');
    await filter.focus();
    await page.keyboard.type('archive 2');
    await row(fillers[23]).waitFor();
    const shown = await home().locator('[data-testid="space-room"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')));
    assert.deepEqual(shown, fillers.slice(19), 'only the rooms whose name matches (Archive 20 to 24)');
    await filter.fill('');
    await page.keyboard.type('TRAILS');
    await row(hiking).waitFor();
    assert.equal(await home().locator('[data-testid="space-room"]').count(), 1, 'the topic matches, whatever the case');
    // A room inside a sub-space that is not expanded is found too.
    await filter.fill('boulder');
    await row(bouldering).waitFor();
    // Enter goes to the first match's button; Esc there is the list's, so back to the filter with Shift+Tab.
    await filter.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid="space-room"]')?.getAttribute('data-room-id')),
      bouldering, 'Enter moves to the first matching room');
    await filter.fill('no such room here');
    const none = home().getByTestId('space-home-no-match');
    await none.waitFor();
    assert.match(await none.innerText(), /No rooms match “no such room here”/);
    await page.mouse.move(0, 0);
    await shots('no-match');
    await filter.focus();
    await page.keyboard.press('Escape');
    assert.equal(await filter.inputValue(), '', 'Esc clears the filter');
    await row(general).waitFor();
    await row(fillers[0]).waitFor();
    assert.equal(await none.count(), 0);
  });

  it('shows a match inside a sub-space under its sub-space, whose toggle still works while filtering', async () => {
    const filter = home().getByTestId('space-home-filter');
    await filter.fill('boulder');
    await row(bouldering).waitFor();
    const shown = await home().locator('[data-testid="space-room"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')));
    assert.deepEqual(shown, [climbing, bouldering], 'the sub-space the match is in, then the match');
    const toggle = row(climbing).getByTestId('space-room-expand');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'opened to show the match');
    await toggle.click();
    await row(bouldering).waitFor({ state: 'detached' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await row(bouldering).waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // Enter still goes to the match, not to the sub-space shown around it.
    await filter.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid="space-room"]')?.getAttribute('data-room-id')),
      bouldering, 'Enter moves to the first matching room');
    await page.mouse.move(0, 0);
    await shots('filter-sub-space');
    await filter.fill('');
    await row(bouldering).waitFor({ state: 'detached' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'without a filter, the sub-space is as the user left it');
  });

  it('keeps the filter when the home is left and opened again', async () => {
    const filter = home().getByTestId('space-home-filter');
    await filter.fill('hik');
    await row(general).waitFor({ state: 'detached' });
    await row(hiking).getByTestId('space-room-open').click();
    await page.getByTestId('room-header').filter({ hasText: 'Hiking' }).waitFor({ timeout: 45_000 });
    await page.getByTestId('space-explore').click();
    await home().waitFor();
    assert.equal(await home().getByTestId('space-home-filter').inputValue(), 'hik', 'the filter typed before');
    await row(hiking).waitFor();
    assert.equal(await home().locator('[data-testid="space-room"]').count(), 1, 'still filtered');
    await home().getByTestId('space-home-filter').focus();
    await page.keyboard.press('Escape');
    await row(general).waitFor();
  });

  it('opens the home of a sub-space Alice is not in, from its row', async () => {
    assert.equal(await membership(climbing), undefined, 'Alice is not in the sub-space');
    await row(climbing).getByTestId('space-room-explore').click();
    await page.locator(`[data-testid="space-home"][data-space-id="${climbing}"]`).waitFor({ timeout: 15_000 });
    await row(bouldering).waitFor({ timeout: 45_000 });
    assert.equal(await home().getByTestId('space-home-name').innerText(), 'Climbing Section');
    assert.equal(await row(bouldering).getByTestId('space-room-join').count(), 1);
    assert.equal(await page.evaluate(() => location.hash), `#/space/${enc(climbing)}`);
    await page.mouse.move(0, 0);
    await shots('sub-space');
    // Back to the club's home from the spaces bar.
    await page.locator(`[data-testid="space"][data-space-id="${space}"]`).click();
    await page.locator(`[data-testid="space-home"][data-space-id="${space}"]`).waitFor();
  });

  it('looks right in both themes on a small window', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    await row(hiking).waitFor();
    await shots('list');
    const overflow = await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('[data-testid="space-home"]')!;
      return el.scrollWidth - el.clientWidth;
    });
    assert.ok(overflow <= 0, `the home fits the narrow window (overflows by ${overflow}px)`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('selects the space in the spaces bar when its home is reloaded', async () => {
    await page.evaluate((h) => { window.location.hash = h; }, `#/space/${enc(space)}`);
    await home().waitFor();
    await page.reload();
    await home().waitFor({ timeout: 45_000 });
    const button = page.locator(`[data-testid="space"][data-space-id="${space}"]`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="space"][data-space-id="${id}"]`)
      ?.getAttribute('aria-pressed') === 'true', space, { timeout: 45_000 }).catch(() => undefined);
    assert.equal(await button.getAttribute('aria-pressed'), 'true', 'the space is selected after the reload');
    await page.getByTestId('space-list-header').filter({ hasText: 'Outdoor Club' }).waitFor({ timeout: 5_000 });
    await item(general).waitFor({ timeout: 45_000 });
    await row(hiking).waitFor({ timeout: 45_000 });
  });

  it('says in words when a space cannot be read, and can try again', async () => {
    await page.evaluate((h) => { window.location.hash = h; }, `#/space/${enc(hidden)}`);
    const error = home().getByTestId('space-home-error');
    await error.waitFor({ timeout: 45_000 });
    assert.match(await error.innerText(), /cannot (be )?(list|read|reach)|could not/i);
    assert.doesNotMatch(await error.innerText(), /M_FORBIDDEN|\{/, 'no raw error codes');
    assert.equal(await home().getByTestId('space-home-retry').count(), 1);
    await shots('error');
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
    failSetState = 'Could not set the m.space.child state: the homeserver refused: You don\'t have permission to post that to the room.';
    try {
      await dialog.getByTestId('dialog-submit').click();
      const error = dialog.getByTestId('dialog-error');
      await error.waitFor({ timeout: 15_000 });
      assert.match(await error.innerText(), /^Could not add (General|Alice Notes) to the space: the homeserver refused: You don't have permission/);
    } finally {
      failSetState = null;
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
    failCheckAlias = 'Could not check whether #garden-club is free: Could not reach the homeserver';
    try {
      await dialog.getByTestId('create-room-alias').fill('garden-club');
      await dialog.getByTestId('create-room-alias-unknown').waitFor({ timeout: 15_000 });
      assert.equal(await problem.count(), 0, 'not said to be taken');
      await dialog.getByTestId('dialog-submit').click();
    } finally {
      failCheckAlias = null;
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
    failSetState = 'Could not set the m.space.child state: the homeserver refused: You don\'t have permission to post that to the room.';
    try {
      await row(general).getByTestId('space-room-remove').click();
      const error = row(general).getByTestId('space-room-remove-error');
      await error.waitFor({ timeout: 15_000 });
      assert.match(await error.innerText(), /^Could not remove General from the space: the homeserver refused: You don't have permission/);
    } finally {
      failSetState = null;
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
