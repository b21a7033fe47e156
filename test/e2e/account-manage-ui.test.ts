/**
 * Settings → Profile's account section as a person uses it, in Chromium against Synapse through the web host:
 * changing the password in its dialog (a mismatch said before anything is sent, a wrong current password refused
 * in words, then the change, checked by signing in on the homeserver) and deactivating the account in its dialog,
 * which lands on the login screen with the sentence saying why. Screenshots of both dialogs in both themes at
 * 1280×800 and 800×600 (and of the section) go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

describe('changing the password and deactivating the account from the settings', () => {
  let ui: WebUi;
  let hs: SynapseServer;
  let alice: TestUser;
  let page: Page;

  const loginStatus = async (password: string) => (await fetch(`${hs.baseUrl}/_matrix/client/v3/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password }),
  })).status;
  const dialog = (id: string) => page.getByTestId(id);

  before(async () => {
    ui = await startWebUi('account');
    ({ hs, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
  });
  after(async () => {
    await ui?.stop();
  });

  async function openProfile(): Promise<void> {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-panel-profile').waitFor();
  }

  it('changes the password through the dialog, after catching a mismatch and a wrong current password', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.getByTestId('open-settings').waitFor({ timeout: 30_000 });
    await openProfile();
    await page.getByTestId('account-deactivate').scrollIntoViewIfNeeded();
    await sizedShots(page, (theme, size) => `account-section-${theme}-${size}.png`);
    await page.getByTestId('account-change-password').click();
    const d = dialog('change-password-dialog');
    await d.waitFor();
    await d.getByTestId('change-password-current').fill('alice-password');
    await d.getByTestId('change-password-new').fill('a-new-password');
    await d.getByTestId('change-password-confirm').fill('a-new-passwrod');
    await d.getByTestId('change-password-mismatch').waitFor();
    await d.getByTestId('dialog-submit').click();
    await d.getByTestId('dialog-error').filter({ hasText: 'The new passwords do not match' }).waitFor();
    assert.equal(await loginStatus('alice-password'), 200, 'nothing was sent');

    await d.getByTestId('change-password-confirm').fill('a-new-password');
    await d.getByTestId('change-password-sign-out-others').check();
    await d.getByTestId('change-password-warning').filter({ hasText: 'unless your keys are backed up' }).waitFor();
    await sizedShots(page, (theme, size) => `account-change-password-${theme}-${size}.png`);

    await d.getByTestId('change-password-current').fill('not-the-password');
    await d.getByTestId('dialog-submit').click();
    await d.getByTestId('dialog-error').filter({ hasText: 'Your current password is not right' }).waitFor({ timeout: 30_000 });
    await d.getByTestId('change-password-current').fill('alice-password');
    await d.getByTestId('dialog-submit').click();
    await d.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('account-password-changed').waitFor();
    assert.equal(await loginStatus('a-new-password'), 200, 'the new password signs in');
    assert.equal(await loginStatus('alice-password'), 403, 'the old one no longer does');
    // This session stayed signed in.
    await page.getByTestId('settings-tab-sessions').click();
    await page.locator('[data-testid="session"]').first().waitFor({ timeout: 30_000 });
  });

  it('deactivates the account through the dialog and lands on the login screen, which says so', async () => {
    await page.getByTestId('settings-tab-profile').click();
    await page.getByTestId('account-deactivate').click();
    const d = dialog('deactivate-dialog');
    await d.waitFor();
    await d.getByTestId('deactivate-erase').check();
    await d.getByTestId('deactivate-password').fill('a-new-password');
    await sizedShots(page, (theme, size) => `account-deactivate-${theme}-${size}.png`);
    await d.getByTestId('dialog-submit').click();
    const notice = page.getByTestId('signed-out-notice');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), new RegExp(`The account ${alice.userId.replace(/[.]/g, '\\.')} was deactivated`));
    await page.getByTestId('login-userid').waitFor();
    assert.equal(await loginStatus('a-new-password'), 403, 'the account no longer signs in');
    await sizedShots(page, (theme, size) => `account-deactivated-login-${theme}-${size}.png`);
  });
});
