/**
 * The user info panel and emoji verification as a person uses them, in Chromium against Synapse through the web
 * host (presence on): Alice opens Bob's info from the member list, sees each member's presence as a dot on their
 * avatar (online, away, offline) and in their info, ignores and unignores him, makes him a moderator, removes him
 * with a reason, bans and unbans him (each checked on the homeserver), and sees her own info; then verifies her
 * Lattice session with an independent client (matrix-js-sdk, as Carol) both ways: Carol asks, the request pops up,
 * and Alice says the emoji don't match; Lattice asks and both confirm the same seven emoji, ending with Carol's
 * device shown verified. Screenshots of the panel, the member list with its dots and the emoji dialog in both themes at
 * 1280×800 and 800×600.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VerificationPhase } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Page } from 'playwright-core';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { serverSays, sizedShots, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';
const WAIT = { timeout: 30_000 };

describe('user info panel and emoji verification against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let aliceApi: MatrixPeer;
  let bob: MatrixPeer;
  let dave: MatrixPeer;
  let carol: JsSdkPeer;
  let roomId: string;
  let dmId: string;
  let latticeDevice: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    hs = await startSynapse({ presence: true });
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    aliceApi = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    // Alice creates the room, so she may moderate Bob in it.
    roomId = await aliceApi.createRoom({ name: 'User Info E2E', invite: [bob.userId] });
    await bob.join(roomId);
    await bob.sendText(roomId, 'Hello from Bob');
    dave = new MatrixPeer(hs.baseUrl, await hs.registerUser('dave', 'dave-password', { displayname: 'Dave' }));
    await aliceApi.invite(roomId, dave.userId);
    await dave.join(roomId);
    carol = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    dmId = await carol.createEncryptedDm(alice.userId);
    await aliceApi.join(dmId);
    // Reduced motion: a theme switched for a screenshot shows at once, not halfway through its transition.
    ui = await startWebUi('userinfo', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    carol?.stop();
    await hs?.stop();
  });

  const roomItem = (id: string) => page.locator(`[data-testid="room-item"][data-room-id="${id}"]`);
  const panel = () => page.getByTestId('user-info');
  const dialog = () => page.getByTestId('verification-dialog');

  /** The page in both themes at both sizes; back to light at 1280×800 after. */
  /** The page in both themes at both sizes, each checked for what must hold at every size. */
  async function screenshots(name: string, check?: (label: string) => Promise<void>): Promise<void> {
    await sizedShots(page, (theme, size) => `${theme}-${size}-${name}.png`, async (label) => {
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${name} ${label}: no horizontal overflow`);
      await check?.(label);
    });
  }
  /** The colour a CSS expression (a theme variable) comes to now, as computed styles give colours. */
  const colour = (css: string) => page.evaluate((c) => {
    const probe = document.body.appendChild(document.createElement('span'));
    probe.style.color = c;
    const rgb = getComputedStyle(probe).color;
    probe.remove();
    return rgb;
  }, css);
  /** The danger buttons are red (the side panel's grey button rule outweighed theirs). */
  async function assertDangerRed(label: string): Promise<void> {
    const [text, border] = [await colour('var(--danger-text)'), await colour('var(--danger)')];
    for (const id of ['user-info-ignore', 'user-kick', 'user-ban']) {
      const style = await panel().getByTestId(id).evaluate((b) => ({ color: getComputedStyle(b).color, border: getComputedStyle(b).borderTopColor }));
      assert.deepEqual(style, { color: text, border }, `${id} red (${label})`);
    }
  }

  async function openMember(room: string, userId: string): Promise<void> {
    await roomItem(room).click();
    await page.getByTestId('open-members').click();
    await page.locator(`[data-testid="member"][data-user-id="${userId}"]`).click(WAIT);
    await panel().getByTestId('user-info-id').filter({ hasText: userId }).waitFor(WAIT);
  }

  const ignoredOnServer = () => aliceApi.request('GET',
    `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/account_data/m.ignored_user_list`)
    .then((c: { ignored_users?: Record<string, unknown> }) => Object.keys(c.ignored_users ?? {}), () => [] as string[]);
  const memberOnServer = () => aliceApi.request('GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(bob.userId)}`) as Promise<{ membership: string; reason?: string }>;

  it('logs in and opens Bob\'s user info from the member list', async () => {
    await ui.signIn(alice, 'alice-password');
    await roomItem(roomId).waitFor(WAIT);
    const devices = await aliceApi.request('GET', '/_matrix/client/v3/devices') as { devices: { device_id: string }[] };
    latticeDevice = devices.devices.map((d) => d.device_id).find((d) => d !== alice.deviceId)!;
    assert.ok(latticeDevice, 'Lattice signed in as a new device');

    await openMember(roomId, bob.userId);
    assert.equal(await panel().getByTestId('user-info-name').innerText(), 'Bob');
    assert.match(await panel().getByTestId('user-info-power').innerText(), /Power level 0/);
    for (const id of ['user-info-message', 'user-info-ignore', 'user-kick', 'user-ban', 'user-power-select']) {
      assert.equal(await panel().getByTestId(id).count(), 1, `${id} shown to the room's admin`);
    }
    assert.equal(await panel().getByTestId('user-unban').count(), 0, 'no unban for a member who is not banned');
    // Hovered, a danger button takes a red wash; focused from the keyboard, it shows the focus ring.
    const ban = panel().getByTestId('user-ban');
    const wash = await colour('var(--danger-soft)');
    await ban.hover();
    assert.equal(await ban.evaluate((b) => getComputedStyle(b).backgroundColor), wash, 'Ban hovered');
    await panel().getByTestId('user-kick').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'user-kick');
    assert.equal(await panel().getByTestId('user-kick').evaluate((b) => b.matches(':focus-visible') && getComputedStyle(b).outlineStyle), 'solid', 'Remove from room shows its focus');
    await screenshots('user-info', assertDangerRed);

    // Back returns to the member list; a sender's name in the timeline opens the panel too.
    await panel().getByTestId('user-info-back').click();
    await page.getByTestId('member-list').waitFor();
    await page.getByTestId('message').filter({ hasText: 'Hello from Bob' }).getByTestId('sender-button').click();
    await panel().getByTestId('user-info-id').filter({ hasText: bob.userId }).waitFor(WAIT);
  });

  it('shows each member\'s presence as a dot on their avatar, and in words in their info', async () => {
    const setPresence = (peer: MatrixPeer, presence: string) =>
      peer.request('PUT', `/_matrix/client/v3/presence/${encodeURIComponent(peer.userId)}/status`, { presence });
    // Each online first, which Synapse counts as activity: away or offline with none known, Synapse would take Bob
    // offline at once (nobody syncs for him), and Dave's info would have no last activity to tell.
    await setPresence(bob, 'online');
    await setPresence(bob, 'unavailable');
    await setPresence(dave, 'online');
    await setPresence(dave, 'offline');
    await panel().getByTestId('user-info-back').click();
    const member = (id: string) => page.locator(`[data-testid="member"][data-user-id="${id}"]`);
    const dot = (id: string, state: string) => member(id).locator(`[data-testid="member-presence"][data-presence="${state}"]`);
    // Alice's own from her syncs; Bob away; Dave offline.
    await dot(alice.userId, 'online').waitFor(WAIT);
    await dot(bob.userId, 'unavailable').waitFor(WAIT);
    await dot(dave.userId, 'offline').waitFor(WAIT);
    assert.equal(await dot(bob.userId, 'unavailable').getAttribute('aria-label'), 'Away');
    await member(bob.userId).click();
    await panel().getByTestId('user-info-presence').filter({ hasText: 'Away' }).waitFor(WAIT);
    await panel().getByTestId('user-info-back').click();
    await member(dave.userId).click();
    assert.match(await panel().getByTestId('user-info-presence').innerText(), /^Last seen (just now|\d+ minutes? ago)$/);
    await panel().getByTestId('user-info-back').click();
    await dot(dave.userId, 'offline').waitFor(WAIT);
    await screenshots('members-presence');
    await member(bob.userId).click();
    await panel().getByTestId('user-info-id').filter({ hasText: bob.userId }).waitFor(WAIT);
  });

  it('ignores and unignores Bob, as the account data on the server says', async () => {
    await panel().getByTestId('user-info-ignore').click();
    // A dialog's danger button: red, with white words.
    const submit = page.getByTestId('ignore-dialog').getByTestId('dialog-submit');
    assert.deepEqual(await submit.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]),
      [await colour('var(--danger)'), 'rgb(255, 255, 255)'], 'Ignore in the dialog is red');
    await themeShots(page, 'userinfo', 'ignore-dialog');
    await submit.click();
    await serverSays('Bob ignored', ignoredOnServer, (l) => l.includes(bob.userId));
    await panel().getByTestId('user-info-unignore').waitFor(WAIT);
    await panel().getByTestId('user-info-unignore').click();
    await serverSays('Bob no longer ignored', ignoredOnServer, (l) => !l.includes(bob.userId));
    await panel().getByTestId('user-info-ignore').waitFor(WAIT);
  });

  it('makes Bob a moderator, removes him from the room with a reason, bans and unbans him', async () => {
    await panel().getByTestId('user-power-select').selectOption('50');
    await panel().getByTestId('user-power-apply').click();
    await serverSays('Bob a moderator', () => aliceApi.request('GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`) as Promise<{ users: Record<string, number> }>,
    (pl) => pl.users[bob.userId] === 50);
    await panel().getByTestId('user-info-power').filter({ hasText: 'Moderator' }).waitFor(WAIT);

    await panel().getByTestId('user-kick').click();
    await page.getByTestId('moderation-reason').fill('Testing the panel');
    await page.getByTestId('moderation-dialog').getByTestId('dialog-submit').click();
    const member = await serverSays('Bob removed', memberOnServer, (m) => m.membership === 'leave');
    assert.equal(member.reason, 'Testing the panel');
    await panel().filter({ hasText: 'Left the room' }).waitFor(WAIT);
    assert.equal(await panel().getByTestId('user-kick').count(), 0, 'no kick for someone who left');
    assert.equal(await panel().getByTestId('user-info-name').innerText(), 'Bob', 'still named as before he left');

    // Ban (with a reason), then lift the ban.
    await panel().getByTestId('user-ban').click();
    await page.getByTestId('moderation-reason').fill('Banned by the test');
    await page.getByTestId('moderation-dialog').getByTestId('dialog-submit').click();
    const banned = await serverSays('Bob banned', memberOnServer, (m) => m.membership === 'ban');
    assert.equal(banned.reason, 'Banned by the test');
    await panel().getByTestId('user-unban').click();
    await page.getByTestId('moderation-dialog').getByTestId('dialog-submit').click();
    await serverSays('Bob unbanned', memberOnServer, (m) => m.membership === 'leave');
    await panel().getByTestId('user-ban').waitFor(WAIT);
  });

  it('shows our own info with this session marked, and no actions on ourselves', async () => {
    await panel().getByTestId('user-info-back').click();
    await page.locator(`[data-testid="member"][data-user-id="${alice.userId}"]`).click();
    await panel().getByTestId('user-info-id').filter({ hasText: alice.userId }).waitFor(WAIT);
    const own = panel().locator(`[data-testid="user-device"][data-device-id="${latticeDevice}"]`);
    await own.filter({ hasText: 'this session' }).waitFor(WAIT);
    assert.equal(await own.getByTestId('user-device-verify').count(), 0, 'no verifying this session with itself');
    for (const id of ['user-info-message', 'user-info-ignore', 'user-kick', 'user-ban']) {
      assert.equal(await panel().getByTestId(id).count(), 0, `no ${id} on ourselves`);
    }
  });

  it('pops up Carol\'s request anywhere, and cancels when the emoji do not match', async () => {
    await carol.waitForDevice(alice.userId, latticeDevice);
    const theirs = await carol.requestDeviceVerification(alice.userId, latticeDevice);
    const popup = page.getByTestId('verification-request');
    await popup.filter({ hasText: 'Carol' }).waitFor(WAIT);
    await screenshots('verification-request');
    await popup.getByTestId('verification-accept').click();
    await dialog().and(page.locator('[data-phase="ready"]')).waitFor(WAIT);
    assert.equal(await popup.count(), 0, 'the popup gives way to the dialog');
    await carol.waitForPhase(theirs, VerificationPhase.Ready);
    const shown = await carol.sas(theirs, true);
    await dialog().and(page.locator('[data-phase="sas"]')).waitFor(WAIT);
    const names = await page.getByTestId('sas-emoji').evaluateAll((els) => els.map((e) => e.getAttribute('data-description')));
    assert.deepEqual(names, shown.emoji.map(([, name]) => name));

    await page.getByTestId('verification-mismatch').click();
    await page.getByTestId('verification-cancelled').filter({ hasText: 'did not match' }).waitFor(WAIT);
    await assert.rejects(shown.done);
    await carol.waitForPhase(theirs, VerificationPhase.Cancelled);
    assert.equal(theirs.cancellationCode, 'm.mismatched_sas');
    await page.getByTestId('verification-close').click();
    await dialog().waitFor({ state: 'detached', ...WAIT });
  });
  it('verifies Carol\'s device when Lattice asks, the same emoji confirmed on both sides', async () => {
    await openMember(dmId, carol.userId);
    const carolDevice = carol.client.getDeviceId()!;
    const device = panel().locator(`[data-testid="user-device"][data-device-id="${carolDevice}"]`);
    await device.waitFor(WAIT);
    assert.equal(await device.getAttribute('data-trust'), 'unverified');
    await device.getByTestId('user-device-verify').click();
    await dialog().and(page.locator('[data-phase="created"]')).waitFor(WAIT);

    const theirs = await carol.waitForVerificationRequest(alice.userId);
    await theirs.accept();
    await dialog().and(page.locator('[data-phase="ready"]')).waitFor(WAIT);
    await page.getByTestId('verification-start-sas').click();
    const shown = await carol.sas(theirs, false);
    await dialog().and(page.locator('[data-phase="sas"]')).waitFor(WAIT);
    const ours = await page.getByTestId('sas-emoji').evaluateAll((els) => els.map((e) => [
      e.querySelector('.verification-emoji-symbol')?.textContent ?? '', e.getAttribute('data-description') ?? '']));
    assert.equal(ours.length, 7);
    assert.deepEqual(ours, shown.emoji);
    await screenshots('verification-emoji');

    await page.getByTestId('verification-match').click();
    await shown.callbacks.confirm();
    await shown.done;
    await page.getByTestId('verification-done').waitFor(WAIT);
    await page.getByTestId('verification-ok').click();
    await device.and(page.locator('[data-trust="verified"]')).waitFor(WAIT);
    assert.match(await device.getByTestId('user-device-trust').innerText(), /Verified/);
    assert.equal(await carol.trustsDevice(alice.userId, latticeDevice), true, 'Carol trusts Lattice\'s device');
  });

});
