/**
 * Verifying with cross-signing as a person does it, in Chromium against Synapse through the web host, with
 * independent clients (matrix-js-sdk) on the other side. Alice's Lattice session sets up secure backup (so it
 * holds her cross-signing keys), then:
 * - "Verify with another session" in her own user info asks her other sessions (a to-device request to all of
 *   them); her phone (a js-sdk client signed in as Alice) accepts, both show the same seven emoji, both confirm,
 *   and the phone's session reads as verified in the panel, in Settings → Sessions and in the backend, while the
 *   phone trusts Lattice's session;
 * - "Verify Bob" in Bob's user info asks in their DM (an in-room m.key.verification.request); Bob (a js-sdk client
 *   with cross-signing) accepts, the emoji match, and Bob is verified: the panel says so, the backend reports his
 *   identity trusted and his session verified, Alice's signature on his key is on the homeserver, and Bob's client
 *   trusts Alice's identity in return; Bob then asks back at once in the DM, the request pops up and is accepted;
 * - the phone is signed out from Settings → Sessions without any password asked: this homeserver counts a recent
 *   sign-in as the confirmation (Synapse's ui_auth.session_timeout), as Element relies on;
 * - a second Lattice session (another web host and browser) signs in unverified and uses "Verify with another
 *   session" in Settings → Security: the first session's request popup (below its open Settings, not over them)
 *   accepts, both screens show the same emoji, both confirm, and the second session reads as verified, cross-signed
 *   on the homeserver.
 * Screenshots of the verification screens in both themes at 1280×800 and 800×600.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VerificationPhase } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Page } from 'playwright-core';
import { JsSdkPeer, loginNewDevice } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

describe('verification with cross-signing against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let aliceApi: MatrixPeer;
  let bob: JsSdkPeer;
  let phone: JsSdkPeer;
  let dmId: string;
  let latticeDevice: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    hs = await startSynapse({ uiAuthSessionTimeout: '15m' });
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    aliceApi = new MatrixPeer(hs.baseUrl, alice);
    bob = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    await bob.resetCrossSigning();
    dmId = await bob.createEncryptedDm(alice.userId);
    await aliceApi.join(dmId);
    // Alice's side of the DM, as a client accepting the invite records it.
    await aliceApi.request('PUT', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/account_data/m.direct`, { [bob.userId]: [dmId] });
    phone = await JsSdkPeer.start(hs.baseUrl, await loginNewDevice(hs.baseUrl, alice));
    ui = await startWebUi('verification', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    bob?.stop();
    phone?.stop();
    await hs?.stop();
  });

  const panel = () => page.getByTestId('user-info');
  const dialog = () => page.getByTestId('verification-dialog');
  const inPhase = (phase: string) => dialog().and(page.locator(`[data-phase="${phase}"]`));

  /** The page in both themes at both sizes; back to light at 1280×800 after. */
  /** The page in both themes at both sizes, each checked for what must hold at every size. */
  async function screenshots(name: string): Promise<void> {
    await sizedShots(page, (theme, size) => `${theme}-${size}-${name}.png`, async (label) => {
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${name} ${label}: no horizontal overflow`);
      const dialogFits = await page.evaluate(() => {
        const d = document.querySelector('[data-testid="verification-dialog"]');
        if (!d) return true;
        const r = d.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
      });
      assert.equal(dialogFits, true, `${name} ${label}: the dialog fits the window`);
      // A request that pops up while Settings is open sits below it, not over its corner.
      const covers = await page.evaluate(() => {
        const settings = document.querySelector('[data-testid="settings"]')?.getBoundingClientRect();
        const toasts = document.querySelector('.verification-toasts')?.getBoundingClientRect();
        if (!settings || !toasts) return false;
        return toasts.top < settings.bottom && toasts.bottom > settings.top && toasts.left < settings.right && toasts.right > settings.left;
      });
      assert.equal(covers, false, `${name} ${label}: the request popup covers part of Settings`);
    });
  }

  async function openMember(userId: string): Promise<void> {
    await page.locator(`[data-testid="room-item"][data-room-id="${dmId}"]`).click(WAIT);
    if (await page.getByTestId('member-list').count() === 0 && await panel().count() === 0) await page.getByTestId('open-members').click();
    if (await panel().count() > 0) await panel().getByTestId('user-info-back').click();
    await page.locator(`[data-testid="member"][data-user-id="${userId}"]`).click(WAIT);
    await panel().getByTestId('user-info-id').filter({ hasText: userId }).waitFor(WAIT);
  }

  /** The emoji the dialog shows, as [symbol, name] pairs (the peer's `emoji` has the same shape). */
  const dialogEmoji = () => page.getByTestId('sas-emoji').evaluateAll((els) => els.map((e) => [
    e.querySelector('.verification-emoji-symbol')?.textContent ?? '', e.getAttribute('data-description') ?? '']));

  interface CrossSigningKey { keys: Record<string, string>; signatures?: Record<string, Record<string, string>> }
  interface KeysQuery {
    master_keys?: Record<string, CrossSigningKey>;
    self_signing_keys?: Record<string, CrossSigningKey>;
    user_signing_keys?: Record<string, CrossSigningKey>;
    device_keys?: Record<string, Record<string, { signatures?: Record<string, Record<string, string>> }>>;
  }
  /** The homeserver's keys of a user as Alice sees them (her own signatures on others' keys included). */
  const queryKeys = (userId: string) => aliceApi.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [userId]: [] } }) as Promise<KeysQuery>;
  const keyIdOf = (k: CrossSigningKey | undefined) => (k ? Object.keys(k.keys)[0] : undefined);

  /** Polls the backend-fed UI or the peer until `ok`. */
  async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
    for (let i = 0; !(await ok()); i++) {
      assert.ok(i < 120, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('signs in and sets up secure backup, so this session holds Alice\'s cross-signing keys', async () => {
    await page.goto(ui.host.loginUrl);
    await page.getByTestId('login-userid').fill(alice.userId);
    await page.getByTestId('login-homeserver').fill(hs.baseUrl);
    await page.getByTestId('login-password').fill(alice.password);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="encryption-step"][data-step="setup"]').waitFor(WAIT);
    await page.getByTestId('recovery-generate').click();
    await page.getByTestId('recovery-key').waitFor(WAIT);
    await page.getByTestId('recovery-saved').check();
    await page.getByTestId('recovery-finish').click();
    // The homeserver may ask for the password to publish the cross-signing keys.
    const password = page.getByTestId('recovery-account-password');
    const settings = page.getByTestId('open-settings');
    await Promise.race([password.waitFor(WAIT), settings.waitFor(WAIT)]);
    if (await password.isVisible()) {
      await password.fill(alice.password);
      await page.getByTestId('recovery-finish').click();
    }
    await settings.waitFor(WAIT);
    const devices = await aliceApi.request('GET', '/_matrix/client/v3/devices') as { devices: { device_id: string }[] };
    latticeDevice = devices.devices.map((d) => d.device_id).find((d) => d !== alice.deviceId && d !== phone.client.getDeviceId())!;
    assert.ok(latticeDevice, 'Lattice signed in as a new device');
  });

  it('verifies the phone with "Verify with another session" in Alice\'s own user info', async () => {
    const phoneDevice = phone.client.getDeviceId()!;
    await phone.waitForDevice(alice.userId, latticeDevice);
    await openMember(alice.userId);
    const row = panel().locator(`[data-testid="user-device"][data-device-id="${phoneDevice}"]`);
    await row.waitFor(WAIT);
    assert.notEqual(await row.getAttribute('data-trust'), 'cross-signed-verified', 'the phone is not verified yet');
    await panel().getByTestId('user-verify').filter({ hasText: 'Verify with another session' }).click();
    await inPhase('created').waitFor(WAIT);
    assert.equal(await page.locator('#verification-title').innerText(), 'Verify your other session');
    await screenshots('verify-self-waiting');

    const theirs = await phone.waitForVerificationRequest(alice.userId);
    assert.equal(theirs.isSelfVerification, true);
    await theirs.accept();
    await inPhase('ready').waitFor(WAIT);
    await page.getByTestId('verification-start-sas').click();
    const shown = await phone.sas(theirs, false);
    await inPhase('sas').waitFor(WAIT);
    const ours = await dialogEmoji();
    assert.equal(ours.length, 7);
    assert.deepEqual(ours, shown.emoji, 'the same seven emoji on both sessions');
    await screenshots('verify-self-emoji');

    await page.getByTestId('verification-match').click();
    await shown.callbacks.confirm();
    await shown.done;
    await page.getByTestId('verification-done').filter({ hasText: 'Your sessions now trust each other' }).waitFor(WAIT);
    await screenshots('verify-self-done');
    await page.getByTestId('verification-ok').click();
    await dialog().waitFor({ state: 'detached', ...WAIT });

    // Trusted on both sides: the panel, the backend's device list, and the phone.
    await row.and(page.locator('[data-trust="cross-signed-verified"], [data-trust="verified"]')).waitFor(WAIT);
    assert.match(await row.getByTestId('user-device-trust').innerText(), /Verified/);
    await until('the phone trusting Lattice\'s session', () => phone.trustsDevice(alice.userId, latticeDevice));
    // The backend published the trust: the phone's device keys carry Alice's self-signing signature.
    await until('the phone cross-signed on the homeserver', async () => {
      const keys = await queryKeys(alice.userId);
      const selfSigning = keyIdOf(keys.self_signing_keys?.[alice.userId]);
      return selfSigning !== undefined && keys.device_keys?.[alice.userId]?.[phoneDevice]?.signatures?.[alice.userId]?.[selfSigning] !== undefined;
    });
  });

  it('shows the phone verified in Settings → Sessions', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-sessions').click();
    const row = page.locator(`[data-testid="session"][data-device-id="${phone.client.getDeviceId()!}"]`);
    await row.getByTestId('session-trust').filter({ hasText: /^Verified$/ }).waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
  });

  it('verifies Bob in their DM with "Verify Bob": an in-room request, the same emoji, and Bob\'s identity trusted', async () => {
    await bob.waitForDevice(alice.userId, latticeDevice);
    await openMember(bob.userId);
    await panel().getByTestId('user-trust').filter({ hasText: 'Bob is not verified yet.' }).waitFor(WAIT);
    await screenshots('verify-user-panel');
    await panel().getByTestId('user-verify').filter({ hasText: 'Verify Bob' }).click();
    await inPhase('created').waitFor(WAIT);
    assert.equal(await page.locator('#verification-title').innerText(), 'Verify Bob');

    const theirs = await bob.waitForVerificationRequest(alice.userId);
    assert.equal(theirs.roomId, dmId, 'asked in the DM');
    await theirs.accept();
    await inPhase('ready').waitFor(WAIT);
    await screenshots('verify-user-ready');
    await page.getByTestId('verification-start-sas').click();
    const shown = await bob.sas(theirs, false);
    await inPhase('sas').waitFor(WAIT);
    const ours = await dialogEmoji();
    assert.equal(ours.length, 7);
    assert.deepEqual(ours, shown.emoji, 'the same seven emoji on both sides');
    await screenshots('verify-user-emoji');

    await page.getByTestId('verification-match').click();
    await shown.callbacks.confirm();
    await shown.done;
    await page.getByTestId('verification-done').waitFor(WAIT);
    await screenshots('verify-user-done');
    await page.getByTestId('verification-ok').click();
    await dialog().waitFor({ state: 'detached', ...WAIT });

    await panel().getByTestId('user-trust').filter({ hasText: 'You have verified Bob.' }).waitFor(WAIT);
    const bobRow = panel().locator(`[data-testid="user-device"][data-device-id="${bob.client.getDeviceId()!}"]`);
    // The emoji check covered his device's key too, so it may read as verified directly rather than through his identity.
    await bobRow.and(page.locator('[data-trust="cross-signed-verified"], [data-trust="verified"]')).waitFor(WAIT);
    assert.equal(await panel().getByTestId('user-verify').count(), 0, 'nothing left to verify');
    await screenshots('verify-user-trusted');
    await until('Bob trusting Alice\'s identity', () => bob.trustsUser(alice.userId));
    // The backend signed Bob's master key with Alice's user-signing key and uploaded the signature.
    const keys = await queryKeys(bob.userId);
    const userSigning = keyIdOf((await queryKeys(alice.userId)).user_signing_keys?.[alice.userId]);
    assert.ok(userSigning, 'Alice has a user-signing key');
    assert.ok(keys.master_keys?.[bob.userId]?.signatures?.[alice.userId]?.[userSigning], 'Bob\'s master key signed by Alice');

    // Bob asks back at once in the same DM, while Lattice's engine may still hold the finished flow with him.
    await bob.syncOnce();
    const back = await bob.client.getCrypto()!.requestVerificationDM(alice.userId, dmId);
    const popup = page.getByTestId('verification-request');
    await popup.filter({ hasText: 'Bob' }).waitFor(WAIT);
    await popup.getByTestId('verification-accept').click();
    await inPhase('ready').waitFor(WAIT);
    await bob.waitForPhase(back, VerificationPhase.Ready);
    await page.getByTestId('verification-close').click();
    await bob.waitForPhase(back, VerificationPhase.Cancelled);
    assert.equal(back.cancellationCode, 'm.user');
    await dialog().waitFor({ state: 'detached', ...WAIT });
  });

  it('signs the phone out without a password: the homeserver counts the recent sign-in', async () => {
    const phoneDevice = phone.client.getDeviceId()!;
    // The phone's client stops first: signed out, it would only log refusals.
    phone.stop();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-sessions').click();
    const row = page.locator(`[data-testid="session"][data-device-id="${phoneDevice}"]`);
    await row.getByTestId('session-sign-out').click(WAIT);
    const confirm = page.getByTestId('sign-out-dialog');
    await confirm.getByTestId('dialog-submit').click();
    await row.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.getByTestId('sign-out-password').count(), 0, 'no password was asked');
    const left = (await aliceApi.request('GET', '/_matrix/client/v3/devices') as { devices: { device_id: string }[] }).devices.map((d) => d.device_id);
    assert.ok(!left.includes(phoneDevice), 'the phone is signed out on the server');
    assert.ok(left.includes(latticeDevice), 'this session stays');
  });

  it('verifies a second Lattice session from its Settings → Security with the first, both screens showing the same emoji', async () => {
    // The first session's Settings are open (the step before left them so) when the request comes.
    if (await page.getByTestId('settings').count() === 0) await page.getByTestId('open-settings').click();
    const second = await startWebUi('verification-second', { hs, context: { reducedMotion: 'reduce' } });
    try {
      const page2 = second.page;
      await second.signIn(alice, alice.password);
      await page2.locator(`[data-testid="room-item"][data-room-id="${dmId}"]`).waitFor(WAIT);
      await page2.getByTestId('open-settings').click();
      await page2.getByTestId('settings-tab-security').click();
      await page2.getByTestId('security-verified').filter({ hasText: /^Not verified$/ }).waitFor(WAIT);
      await page2.getByTestId('sec-action-verify-session').click();
      const dialog2 = page2.getByTestId('verification-dialog');
      await dialog2.and(page2.locator('[data-phase="created"]')).waitFor(WAIT);

      // The first session is asked: its request pops up (below its open Settings), and accepting opens its dialog.
      const popup = page.getByTestId('verification-request');
      await popup.filter({ hasText: 'wants to verify this session' }).waitFor(WAIT);
      // The asking session by the name it was given at sign-in, its ID beside it.
      await popup.filter({ hasText: /Your session “Lattice” \([A-Z0-9]+\) wants to verify this session/ }).waitFor(WAIT);
      await screenshots('verify-self-request');
      await popup.getByTestId('verification-accept').click();
      await inPhase('ready').waitFor(WAIT);
      await dialog2.and(page2.locator('[data-phase="ready"]')).waitFor(WAIT);
      await page2.getByTestId('verification-start-sas').click();
      await inPhase('sas').waitFor(WAIT);
      await dialog2.and(page2.locator('[data-phase="sas"]')).waitFor(WAIT);
      const first = await dialogEmoji();
      const secondEmoji = await page2.getByTestId('sas-emoji').evaluateAll((els) => els.map((e) => [
        e.querySelector('.verification-emoji-symbol')?.textContent ?? '', e.getAttribute('data-description') ?? '']));
      assert.equal(first.length, 7);
      assert.deepEqual(secondEmoji, first, 'both sessions show the same seven emoji');

      await page2.getByTestId('verification-match').click();
      await page.getByTestId('verification-match').click();
      await page.getByTestId('verification-done').waitFor(WAIT);
      await page2.getByTestId('verification-done').waitFor(WAIT);
      await page.getByTestId('verification-ok').click();
      await page2.getByTestId('verification-ok').click();
      // The second session now counts as verified, and the first session's signature on it is on the homeserver.
      await page2.getByTestId('security-verified').filter({ hasText: /^Verified$/ }).waitFor(WAIT);
      assert.equal(await page2.getByTestId('sec-action-verify-session').count(), 0, 'nothing left to verify');
      const secondDevice = (await aliceApi.request('GET', '/_matrix/client/v3/devices') as { devices: { device_id: string }[] }).devices
        .map((d) => d.device_id).filter((d) => d !== alice.deviceId && d !== latticeDevice);
      assert.equal(secondDevice.length, 1, 'one other Lattice session');
      await until('the second session cross-signed on the homeserver', async () => {
        const keys = await queryKeys(alice.userId);
        const selfSigning = keyIdOf(keys.self_signing_keys?.[alice.userId]);
        return selfSigning !== undefined && keys.device_keys?.[alice.userId]?.[secondDevice[0]]?.signatures?.[alice.userId]?.[selfSigning] !== undefined;
      });
    } finally {
      await second.stop();
    }
  });
});
