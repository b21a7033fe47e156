/**
 * A verification request that arrives while Settings is open, answered with the keyboard alone, in Chromium against
 * Synapse through the web host, with Alice's other session (a matrix-js-sdk client) asking: a screen reader is told
 * of it as it arrives; Tab goes from Settings on to the request popup beside it and around back into Settings (never
 * out to the page behind); the popup is in the accessibility tree inside the modal Settings; Esc in the popup goes
 * back to Settings (which stay open, the request unanswered); and Enter on Accept accepts it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VerificationPhase, type VerificationRequest } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Page } from 'playwright-core';
import { JsSdkPeer, loginNewDevice } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

/** What has the focus, in words for an assertion message. */
function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return 'nothing';
    return `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').slice(0, 40)}”`;
  });
}

/** Where the focus is: in Settings, in the request popup, or elsewhere on the page. */
const focusIn = (page: Page): Promise<'settings' | 'popup' | 'page'> => page.evaluate(() => {
  const el = document.activeElement;
  if (el?.closest('[data-testid="settings"]')) return 'settings';
  if (el?.closest('[data-testid="verification-request"]')) return 'popup';
  return 'page';
});

describe('a verification request beside Settings, by keyboard', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let phone: JsSdkPeer;
  let request: VerificationRequest;

  before(async () => {
    ui = await startWebUi('verification-keys', { context: { reducedMotion: 'reduce' } });
    page = ui.page;
    alice = await ui.hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    phone = await JsSdkPeer.start(ui.hs.baseUrl, await loginNewDevice(ui.hs.baseUrl, alice));
  });
  after(async () => {
    phone?.stop();
    await ui?.stop();
  });

  it('shows the request of Alice\'s other session while her Settings are open', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.getByTestId('open-settings').waitFor(WAIT);
    const devices = await new MatrixPeer(ui.hs.baseUrl, alice).request('GET', '/_matrix/client/v3/devices') as { devices: { device_id: string }[] };
    const lattice = devices.devices.map((d) => d.device_id).find((d) => d !== alice.deviceId && d !== phone.client.getDeviceId());
    assert.ok(lattice, 'Lattice signed in as a device of its own');
    await phone.waitForDevice(alice.userId, lattice);
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
    await page.getByTestId('settings-tab-profile').focus();
    request = await phone.requestDeviceVerification(alice.userId, lattice);
    await page.getByTestId('verification-request').waitFor(WAIT);
    assert.equal(await focusIn(page), 'settings', 'the popup does not take the focus from what Alice is doing');
    assert.match(await page.getByRole('status').filter({ hasText: 'verification request' }).innerText(), /A verification request is waiting/,
      'a screen reader is told of it');
  });

  it('reaches the popup with Tab from Settings and goes around back into Settings', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 60 && (await focusIn(page)) !== 'popup'; i++) {
      await page.keyboard.press('Tab');
      seen.push(`${await focusIn(page)}: ${await describeFocus(page)}`);
    }
    assert.equal(await focusIn(page), 'popup', `Tab reaches the request popup; it went through ${seen.join(', ')}`);
    await themeShots(page, 'verification-keys', 'popup-focused');
    seen.length = 0;
    for (let i = 0; i < 5 && (await focusIn(page)) === 'popup'; i++) {
      await page.keyboard.press('Tab');
      seen.push(`${await focusIn(page)}: ${await describeFocus(page)}`);
    }
    assert.equal(await focusIn(page), 'settings', `Tab goes on from the popup back into Settings, not to the page behind: ${seen.join(', ')}`);
    // And backwards: Shift+Tab from Settings' first stop goes to the popup's last button.
    await page.getByTestId('settings-tab-profile').focus();
    await page.keyboard.press('Shift+Tab');
    assert.ok(await page.getByTestId('verification-accept').evaluate((el) => el === document.activeElement),
      `Shift+Tab from Settings' first stop goes to the popup's Accept, not ${await describeFocus(page)}`);
  });

  it('has the popup in the accessibility tree while the modal Settings are open', async () => {
    const cdp = await ui.context.newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[] };
    const accept = nodes.filter((n) => n.role?.value === 'button' && n.name?.value === 'Accept');
    assert.ok(accept.length > 0 && accept.every((n) => !n.ignored), 'a screen reader finds the popup\'s Accept');
    const settingsTab = nodes.find((n) => n.role?.value === 'tab' && n.name?.value === 'Profile');
    assert.ok(settingsTab && !settingsTab.ignored, 'and still Settings');
    await cdp.detach();
  });

  it('goes back to Settings on Esc in the popup, leaving both open', async () => {
    await page.getByTestId('verification-accept').focus();
    await page.keyboard.press('Escape');
    assert.equal(await focusIn(page), 'settings', `Esc goes back to Settings, not to ${await describeFocus(page)}`);
    assert.equal(await page.getByTestId('settings').count(), 1, 'Settings stay open');
    assert.equal(await page.getByTestId('verification-request').count(), 1, 'the request is still there to answer');
    // Esc in Settings still closes them.
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
  });

  it('accepts the request with Enter on Accept', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
    await page.getByTestId('verification-accept').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('verification-dialog').waitFor(WAIT);
    await phone.waitForPhase(request, VerificationPhase.Ready);
    assert.ok(await page.evaluate(() => document.activeElement?.closest('[data-testid="verification-dialog"]') !== null),
      `the verification dialog has the focus, not ${await describeFocus(page)}`);
  });
});
