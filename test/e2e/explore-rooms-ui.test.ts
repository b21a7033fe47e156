/**
 * "Explore public rooms" as a person uses it to find a room without knowing its address: the real renderer in
 * Chromium through the web host, against Synapse, with Bob publishing rooms to the directory over the homeserver API.
 * Opened from the sidebar (and from the Join dialog), it lists our server's public rooms with name, address, topic as
 * plain text and member count, marks the room Alice is in with View, searches as she types, pages by scrolling and
 * with Load more, says in words when nothing matches and when another server cannot be asked (and, while a new search
 * is under way, shows that rather than what the last one found: its rows dimmed, or that it is looking), joins a room (which
 * then offers View and opens it), asks to join a knock room, is offered on a new account's first screen, and offers
 * a room address or ID typed into the search box (Join this address, or View once joined), also for rooms it does
 * not list.
 * Screenshots of both themes at 1280×800 and 800×600 go to test-artifacts/explore-rooms/ (with LATTICE_SHOTS=1).
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

const ARTIFACTS = path.join(ALL_ARTIFACTS, 'explore-rooms');
/** More matching rooms than one page holds (20), so the list has to page. */
const CLUBS = 23;

describe('exploring public rooms against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let ui: WebUi;
  let page: Page;
  let lobby: string;
  let astronomy: string;
  let knock: string;
  const clubs: string[] = [];
  /** While set, get_public_rooms requests wait in `held` (a search's answer on its way) until `release()`. */
  let holdSearches = false;
  const held: (() => void)[] = [];
  const release = () => {
    holdSearches = false;
    for (const send of held.splice(0)) send();
  };

  const dialog = () => page.getByTestId('explore-rooms-dialog');
  const row = (roomId: string) => dialog().locator(`[data-testid="explore-room"][data-room-id="${roomId}"]`);
  const rows = () => dialog().getByTestId('explore-room');

  async function createRoom(body: Record<string, unknown>): Promise<string> {
    return (await bob.request('POST', '/_matrix/client/v3/createRoom', body) as { room_id: string }).room_id;
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

  /** Waits until the dialog has answered the search in its boxes (nothing loading, no search waiting to start). */
  async function settled(): Promise<void> {
    await page.waitForFunction(() => document.querySelector('[data-testid="explore-results"]')?.getAttribute('aria-busy') === 'false',
      undefined, { timeout: 45_000 });
  }

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ui = await startWebUi('explore-rooms');
    ({ hs, page } = ui);
    await page.routeWebSocket(/\/_gomuks\/websocket/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (holdSearches && typeof m === 'string' && m.includes('"get_public_rooms"')) held.push(() => server.send(m));
        else server.send(m);
      });
    });
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    await hs.disableRateLimits(bob.userId);
    // Carol is in the rooms the first screen looks at: the directory lists the rooms with more members first.
    const carol = new MatrixPeer(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    lobby = await createRoom({ name: 'Lobby', topic: 'Say hello', visibility: 'public', preset: 'public_chat', room_alias_name: 'lobby' });
    await new MatrixPeer(hs.baseUrl, alice).join(lobby);
    astronomy = await createRoom({
      name: 'Astronomy', visibility: 'public', preset: 'public_chat', room_alias_name: 'astronomy',
      // A topic is plain text: markup in it is shown as typed, never rendered.
      topic: 'Stars <b>and</b> planets & the occasional comet, seen from the backyard on clear nights',
    });
    await carol.join(astronomy);
    knock = await createRoom({
      name: 'Observatory', room_version: '10', visibility: 'public', preset: 'private_chat', topic: 'Members only, ask to come in',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }], invite: [carol.userId],
    });
    await carol.join(knock);
    for (let i = 1; i <= CLUBS; i++) {
      clubs.push(await createRoom({
        name: `Book club ${String(i).padStart(2, '0')}`, visibility: 'public', preset: 'public_chat', topic: 'One book a month',
      }));
    }
  });
  after(async () => {
    await ui?.stop();
  });

  it('opens from the sidebar and lists our server\'s public rooms with what the directory says of them', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${lobby}"]`).waitFor({ timeout: 45_000 });
    await shots('sidebar');
    await page.getByTestId('open-explore-rooms').click();
    await dialog().waitFor();
    await row(astronomy).waitFor({ timeout: 45_000 });
    await settled();
    const astro = await row(astronomy).innerText();
    assert.match(astro, /Astronomy/);
    assert.match(astro, new RegExp(`#astronomy:${hs.serverName}`));
    assert.match(astro, /2 members/);
    assert.equal(await row(astronomy).getByTestId('explore-room-topic').innerText(),
      'Stars <b>and</b> planets & the occasional comet, seen from the backyard on clear nights', 'the topic as plain text');
    assert.equal(await row(astronomy).locator('b').count(), 0);
    assert.equal(await row(astronomy).getByTestId('explore-room-join').innerText(), 'Join');
    // The room Alice is in offers View instead; the knock room offers Ask to join.
    await row(lobby).waitFor();
    assert.equal(await row(lobby).getByTestId('explore-room-join').count(), 0);
    assert.equal(await row(lobby).getByTestId('explore-room-view').innerText(), 'View');
    assert.match(await row(lobby).innerText(), /Joined/);
    assert.equal(await row(knock).getByTestId('explore-room-knock').innerText(), 'Ask to join');
    assert.equal(await rows().count(), 20, 'one page');
    await dialog().getByTestId('explore-more').waitFor();
    await shots('directory');
  });

  it('reads the next page when the list is scrolled to its end', async () => {
    await dialog().getByTestId('explore-results').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="explore-room"]').length === n, CLUBS + 3, { timeout: 45_000 });
    await settled();
    assert.equal(await dialog().getByTestId('explore-more').count(), 0, 'the end of the directory');
  });

  it('searches as one types and pages through the matches with Load more', async () => {
    await dialog().getByTestId('explore-search').fill('book club');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="explore-room"]')]
      .every((r) => r.textContent?.includes('Book club')), undefined, { timeout: 45_000 });
    await settled();
    assert.equal(await rows().count(), 20);
    await dialog().getByTestId('explore-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="explore-room"]').length === n, CLUBS, { timeout: 45_000 });
    await settled();
    const ids = await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')));
    assert.deepEqual([...ids].sort(), [...clubs].sort(), 'every club once, and nothing else');
    assert.equal(await dialog().getByTestId('explore-more').count(), 0, 'the end of the directory');
  });

  it('dims the rows of the last search while a new one is under way', async (t) => {
    t.after(release);
    holdSearches = true;
    await dialog().getByTestId('explore-search').fill('book club 0');
    await dialog().getByTestId('explore-searching').waitFor();
    assert.equal((await dialog().getByTestId('explore-searching').innerText()).trim(), `Searching ${hs.serverName}…`);
    assert.equal(await rows().count(), CLUBS, 'the last search\'s rows stay until the answer replaces them');
    assert.match(await dialog().getByTestId('explore-list').getAttribute('class') ?? '', /\bis-stale\b/);
    assert.equal(await dialog().getByTestId('explore-more').count(), 0, 'no more pages of the last search meanwhile');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.explore-list')!).opacity === '0.45');
    await shots('searching');
    await page.setViewportSize({ width: 800, height: 600 });
    await shots('searching');
    await page.setViewportSize({ width: 1280, height: 800 });
    release();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="explore-room"]')]
      .every((r) => r.textContent?.includes('Book club 0')), undefined, { timeout: 45_000 });
    await settled();
    assert.equal(await dialog().getByTestId('explore-searching').count(), 0);
    assert.doesNotMatch(await dialog().getByTestId('explore-list').getAttribute('class') ?? '', /is-stale/);
  });

  it('says in words when nothing matches, and when another server cannot be asked', async (t) => {
    t.after(release);
    await dialog().getByTestId('explore-search').fill('knitting');
    await dialog().getByTestId('explore-empty').waitFor({ timeout: 45_000 });
    assert.equal(await dialog().getByTestId('explore-empty').innerText(), `No public rooms on ${hs.serverName} match “knitting”.`);
    assert.equal(await rows().count(), 0);
    // Typing a new search: from the first key until its answer, the line about “knitting” is not shown as if it
    // answered it. Every change of the results while busy is looked at as it happens (the pause is short).
    await page.evaluate(() => {
      const results = document.querySelector('[data-testid="explore-results"]')!;
      const seen: string[] = [];
      (window as unknown as { seenWhileBusy: string[] }).seenWhileBusy = seen;
      new MutationObserver(() => {
        if (results.getAttribute('aria-busy') === 'true') seen.push(results.querySelector('[data-testid="explore-empty"], [data-testid="explore-loading"]')?.textContent?.trim() ?? '');
      }).observe(results, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    holdSearches = true;
    await dialog().getByTestId('explore-search').fill('knitting circle');
    await dialog().getByTestId('explore-loading').waitFor();
    assert.equal((await dialog().getByTestId('explore-loading').innerText()).trim(), `Looking for public rooms on ${hs.serverName}…`);
    await shots('searching-none');
    release();
    await page.waitForFunction(() => /“knitting circle”/.test(document.querySelector('[data-testid="explore-empty"]')?.textContent ?? ''),
      undefined, { timeout: 45_000 });
    const seen = await page.evaluate(() => (window as unknown as { seenWhileBusy: string[] }).seenWhileBusy);
    assert.ok(seen.length > 0, 'the search was seen under way');
    assert.deepEqual(seen.filter((t) => !t.startsWith('Looking for public rooms')), [], 'only "Looking for…" while busy');

    await dialog().getByTestId('explore-search').fill('');
    await dialog().getByTestId('explore-server').fill('elsewhere.example');
    await dialog().getByTestId('explore-error').waitFor({ timeout: 45_000 });
    assert.match(await dialog().getByTestId('explore-error').innerText(),
      /The public rooms could not be listed\.\s+Your homeserver does not talk to elsewhere\.example/);
    await shots('server-error');

    await dialog().getByTestId('explore-server').fill('not a server');
    await page.waitForFunction(() => /is not a server name/.test(document.querySelector('[data-testid="explore-error"]')?.textContent ?? ''),
      undefined, { timeout: 45_000 });
    // Our own server by name lists the same rooms as with the box empty.
    await dialog().getByTestId('explore-server').fill(hs.serverName);
    await dialog().getByTestId('explore-search').fill('astronomy');
    await row(astronomy).waitFor({ timeout: 45_000 });
    await settled();
    assert.equal(await rows().count(), 1);
    assert.equal(await dialog().getByTestId('explore-error').count(), 0);
  });

  it('joins a room, which then offers View and opens it', async () => {
    await row(astronomy).getByTestId('explore-room-join').click();
    await row(astronomy).getByTestId('explore-room-view').waitFor({ timeout: 45_000 });
    assert.match(await row(astronomy).innerText(), /Joined/);
    await page.locator(`[data-testid="room-item"][data-room-id="${astronomy}"]`).waitFor({ timeout: 45_000 });
    await row(astronomy).getByTestId('explore-room-view').click();
    await dialog().waitFor({ state: 'detached' });
    await page.getByTestId('room-header').filter({ hasText: 'Astronomy' }).waitFor({ timeout: 45_000 });
  });

  it('asks to join a knock room, reached from the Join dialog', async () => {
    await page.getByTestId('open-join-room').click();
    await page.getByTestId('join-room-explore').waitFor();
    await shots('join-dialog');
    await page.getByTestId('join-room-explore').click();
    await dialog().waitFor();
    assert.equal(await page.getByTestId('join-room-dialog').count(), 0, 'the join dialog gave way');
    assert.equal(await dialog().getByTestId('explore-search').inputValue(), '', 'a fresh search');
    await dialog().getByTestId('explore-search').fill('observatory');
    await row(knock).getByTestId('explore-room-knock').click();
    await row(knock).getByTestId('explore-room-note').waitFor({ timeout: 45_000 });
    assert.equal(await row(knock).getByTestId('explore-room-note').innerText(), 'You asked to join. A member has to let you in.');
    const member = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(knock)}/state/m.room.member/${encodeURIComponent(alice.userId)}`) as { membership: string };
    assert.equal(member.membership, 'knock');
  });

  it('is offered to a new account on its first screen', async () => {
    const dave = await hs.registerUser('dave', 'dave-password', { displayname: 'Dave' });
    // A backend of its own: the web host serves one account.
    const fresh = await startWebUi('explore-new-account', { hs });
    try {
      const p = fresh.page;
      await fresh.signIn(dave, 'dave-password');
      const welcome = p.getByTestId('welcome');
      await welcome.waitFor({ timeout: 45_000 });
      assert.match(await welcome.innerText(), /find one among your server's public rooms/);
      for (const size of [{ width: 1280, height: 800 }, { width: 800, height: 600 }]) {
        await p.setViewportSize(size);
        await p.emulateMedia({ reducedMotion: 'reduce' });
        for (const theme of ['light', 'dark'] as const) {
          await p.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
          await shot(p, path.join(ARTIFACTS, `${theme}-${size.width}x${size.height}-welcome.png`));
        }
      }
      await p.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
      await welcome.getByTestId('welcome-explore-rooms').click();
      const found = p.getByTestId('explore-rooms-dialog').locator(`[data-testid="explore-room"][data-room-id="${lobby}"]`);
      await found.getByTestId('explore-room-join').waitFor({ timeout: 45_000 });
    } finally {
      await fresh.stop();
    }
  });

  it('fits a small window', async () => {
    await dialog().getByTestId('explore-search').fill('');
    await page.setViewportSize({ width: 800, height: 600 });
    await row(astronomy).waitFor({ timeout: 45_000 });
    await settled();
    await shots('directory');
    await dialog().getByTestId('explore-search').fill('nothing like this');
    await dialog().getByTestId('explore-empty').waitFor({ timeout: 45_000 });
    await shots('no-match');
    // Every row's buttons stay inside the dialog.
    const overflow = await dialog().evaluate((d) => {
      const box = d.getBoundingClientRect();
      return [...d.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().right > box.right + 0.5).length;
    });
    assert.equal(overflow, 0);
    // Esc first clears the search (and lists every room again), then closes.
    await dialog().getByTestId('explore-search').press('Escape');
    assert.equal(await dialog().getByTestId('explore-search').inputValue(), '');
    await row(astronomy).waitFor({ timeout: 45_000 });
    assert.equal(await dialog().count(), 1);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await shots('sidebar');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('offers a room address or ID typed into the search box: Join this address, or View when already joined', async () => {
    // Rooms the directory does not list: only their address or ID leads to them.
    const garden = await createRoom({ name: 'Hidden garden', preset: 'public_chat', room_alias_name: 'hidden-garden', topic: 'Not listed' });
    const annex = await createRoom({ name: 'Annex', preset: 'public_chat' });
    const address = () => dialog().getByTestId('explore-address');
    const explore = async (typed: string) => {
      await page.getByTestId('open-explore-rooms').click();
      await dialog().waitFor();
      await dialog().getByTestId('explore-search').fill(typed);
      await settled();
    };
    const opened = async (name: string) => {
      await dialog().waitFor({ state: 'detached' });
      await page.getByTestId('room-header').filter({ hasText: name }).waitFor({ timeout: 45_000 });
    };
    const membership = async (roomId: string) => (await bob.request('GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(alice.userId)}`) as { membership: string }).membership;

    await explore(`#hidden-garden:${hs.serverName}`);
    await dialog().getByTestId('explore-empty').waitFor({ timeout: 45_000 });
    assert.equal(await address().getByTestId('explore-address-join').innerText(), 'Join this address');
    assert.match(await address().innerText(), new RegExp(`#hidden-garden:${hs.serverName}`));
    // At the top of the results, above what the directory answered.
    assert.equal(await dialog().getByTestId('explore-results').evaluate((el) => el.querySelector('[data-testid]')?.getAttribute('data-testid')),
      'explore-address');
    await sizedShots(page, (theme, size) => path.join('explore-rooms', `${theme}-${size}-address.png`), async (label) => {
      assert.equal(await address().getByTestId('explore-address-join').isVisible(), true, label);
    });
    await address().getByTestId('explore-address-join').click();
    await opened('Hidden garden');
    assert.equal(await membership(garden), 'join');

    // By room ID.
    await explore(annex);
    assert.match(await address().innerText(), /Room ID/);
    await address().getByTestId('explore-address-join').click();
    await opened('Annex');
    assert.equal(await membership(annex), 'join');

    // A room Alice is in, by its address: View opens it.
    await explore(`#hidden-garden:${hs.serverName}`);
    assert.equal(await address().getByTestId('explore-address-join').count(), 0);
    assert.equal(await address().getByTestId('explore-address-view').innerText(), 'View');
    assert.match(await address().innerText(), /Hidden garden[\s\S]*Joined/);
    await shots('address-joined');
    await address().getByTestId('explore-address-view').click();
    await opened('Hidden garden');
    // And by its ID.
    await explore(annex);
    await address().getByTestId('explore-address-view').click();
    await opened('Annex');
    // By another of its addresses (not the one its state names): the homeserver is asked what it names.
    const side = `#garden-side:${hs.serverName}`;
    await bob.request('PUT', `/_matrix/client/v3/directory/room/${encodeURIComponent(side)}`, { room_id: garden });
    await explore(side);
    await address().getByTestId('explore-address-view').waitFor({ timeout: 45_000 });
    assert.match(await address().innerText(), /Hidden garden[\s\S]*Joined/);
    await address().getByTestId('explore-address-view').click();
    await opened('Hidden garden');

    // A room the directory lists, by its address: its row in the answer is enough, with what the directory says.
    await explore(`#lobby:${hs.serverName}`);
    await row(lobby).getByTestId('explore-room-view').waitFor({ timeout: 45_000 });
    assert.equal(await address().count(), 0);

    // Text that is no room address is searched for, not offered.
    for (const typed of ['#hidden-garden', 'hidden garden', '#hidden garden:localhost']) {
      await dialog().getByTestId('explore-search').fill(typed);
      await settled();
      assert.equal(await address().count(), 0, typed);
    }

    // An address that leads nowhere: the row says why, in words.
    await dialog().getByTestId('explore-search').fill(`#nowhere:${hs.serverName}`);
    await settled();
    await address().getByTestId('explore-address-join').click();
    await address().getByTestId('explore-address-error').waitFor({ timeout: 45_000 });
    assert.match(await address().getByTestId('explore-address-error').innerText(), /^Could not join: \S/);
    await sizedShots(page, (theme, size) => path.join('explore-rooms', `${theme}-${size}-address-error.png`));
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });
});
