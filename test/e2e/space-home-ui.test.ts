/**
 * A space's home, as a person uses it to find the space's rooms they are not in yet: the real renderer in Chromium
 * through the web host, against Synapse, with Bob building a space over the homeserver API
 * (test/harness/space-fixture.ts). Opened from the spaces bar, it lists the space's hierarchy (get_space_hierarchy)
 * with names, topics and member counts, marks the suggested room and the one Alice is in, says why the invite-only room
 * cannot be joined, offers to ask to join the knock room, expands a sub-space, pages through a large space, joins rooms
 * (by mouse and by keyboard) which then show in the room list under the space, opens a sub-space Alice is not in as its
 * own home, and says in words why the server refused a join or a space cannot be read. Opened again, it shows what was
 * loaded and expanded before while it reads the space again in the background, and says in words (keeping the rows,
 * with a way to try again) when that read fails; reloaded on its address, it selects the space in the spaces bar. Its
 * filter narrows the rows by name, topic or address (keyboard: Enter to the first match, Esc clears), shows a match
 * inside a sub-space under it (whose toggle still opens and closes it), says when none match, and is still there when
 * the home is opened again. The page's hierarchy requests are held back (a slow server) to see the loading state and
 * that a reopened home does not wait for the server, or answered with an error to see a failed background read.
 * Screenshots of both themes at 1280×800 and 800×600 go to test-artifacts/space-home/ (with LATTICE_SHOTS=1). Managing
 * spaces is space-manage-ui's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { ARTIFACTS, startSpaceFixture, type SpaceFaults, type SpaceFixture } from '../harness/space-fixture.ts';
import type { TestUser } from '../harness/synapse.ts';
import type { WebUi } from '../harness/web-ui.ts';
import { shot, SHOTS } from '../harness/shots.ts';

const enc = encodeURIComponent;

describe('space home against Synapse', () => {
  let fx: SpaceFixture | undefined;
  let ui: WebUi;
  let alice: TestUser;
  let bob: MatrixPeer;
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
  let fillers: string[];
  let faults: SpaceFaults;
  let home: SpaceFixture['home'];
  let row: SpaceFixture['row'];
  let item: SpaceFixture['item'];

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
    fx = await startSpaceFixture('space-home');
    ({ ui, alice, bob, page, space, general, hiking, lounge, board, knock, climbing, bouldering, hidden, staff, quarry, fillers, faults, home, row, item } = fx);
  });
  after(async () => {
    await fx?.ui.stop();
  });

  it('opens the space home from the spaces bar and lists the space\'s rooms', async () => {
    await ui.signIn(alice, 'alice-password');
    await item(general).waitFor({ timeout: 45_000 });
    faults.holdHierarchy = true;
    await page.locator(`[data-testid="space"][data-space-id="${space}"]`).click();
    await home().waitFor({ timeout: 15_000 });
    assert.equal(await home().getByTestId('space-home-name').innerText(), 'Outdoor Club', 'the synced space\'s name while loading');
    await home().getByTestId('space-home-loading').waitFor();
    await shots('loading');
    faults.release();
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
    faults.holdHierarchy = true;
    try {
      await page.getByTestId('space-explore').click();
      await home().waitFor();
      await row(last).waitFor({ timeout: 5_000 });
      await row(bouldering).waitFor({ timeout: 5_000 });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'the sub-space is still expanded');
      assert.equal(await home().getByTestId('space-home-loading').count(), 0, 'no loading state over rows already known');
      await page.waitForFunction(() => document.querySelector('[data-testid="space-home"]')?.getAttribute('aria-busy') === 'true');
    } finally {
      faults.release();
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
    faults.failHierarchy = `Could not read the space ${space}: the homeserver could not be reached.`;
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
      faults.failHierarchy = null;
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
});
