/**
 * The first-run encryption step in Chromium (web host, Synapse behind a loopback proxy typed in as the homeserver)
 * when the homeserver cannot say yet what the account has: the account already has secure backup (set up on another
 * device), the proxy holds every request but signing in and answers 502 for the key backup. The step must not offer
 * to set up secure backup (that would replace the account's recovery key and backup); it says, in words, that it
 * cannot check yet and why. Once the server answers, it asks to verify this session. The web host keeps its default
 * "no answer" bound, so the not-answering wording is tested in test/integration/encryption-check-unanswered.test.ts;
 * here the 502 gives the words at once. Screenshots (with LATTICE_SHOTS=1): test-artifacts/encryption-check-{light,dark}-waiting.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 60_000 };
/** Everything but what signing in needs (discovery, the login flows, the login itself). */
const ALL_BUT_LOGIN = /^(?!\/(?:\.well-known\/|_matrix\/client\/(?:versions|v3\/login)\b))/;

describe('first-run encryption step while the homeserver cannot say what the account has', () => {
  let ui: WebUi;
  let proxy: TestProxy;

  before(async () => {
    ui = await startWebUi('encryption-check');
    proxy = await startProxy(ui.hs.baseUrl);
  });
  after(async () => {
    await proxy?.close();
    await ui?.stop();
  });

  it('offers no setup while it cannot check, says why, then asks to verify once the server answers', async () => {
    const { page, hs, host } = ui;
    const lee = await hs.registerUser('lee', 'lee-password');
    // Secure backup set up on another device: secret storage's default key in the account data.
    const put = await fetch(`${hs.baseUrl}/_matrix/client/v3/user/${encodeURIComponent(lee.userId)}/account_data/m.secret_storage.default_key`, {
      method: 'PUT', headers: { Authorization: `Bearer ${lee.accessToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ key: 'elsewhere' }),
    });
    assert.equal(put.status, 200);
    // Any moment the setup step is on the page counts, not only the moments the test looks.
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="encryption-step"][data-step="setup"]')) (window as { setupOffered?: boolean }).setupOffered = true;
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });

    proxy.hold(ALL_BUT_LOGIN);
    proxy.inject(/\/room_keys\/version\b/, 502, {}, 1000);
    await page.goto(host.loginUrl);
    await page.getByTestId('login-userid').fill(lee.userId);
    await page.getByTestId('login-homeserver').fill(proxy.url);
    await page.getByTestId('login-password').fill('lee-password');
    await page.getByTestId('login-submit').click();

    // Whichever comes first: the reason it cannot check, or a step.
    const error = page.getByTestId('encryption-check-error');
    await error.or(page.getByTestId('encryption-step')).first().waitFor(WAIT);
    assert.equal(await page.getByTestId('encryption-step').count(), 0, 'no step while the account cannot be checked');
    const words = await error.innerText();
    assert.match(words, /cannot check yet whether this account already has secure backup/);
    assert.match(words, /answered with an error \(HTTP 502\)/);
    await themeShots(page, 'encryption-check', 'waiting');

    // The homeserver answers again: the account's secure backup is found, and the step asks to verify.
    proxy.clearInjections();
    proxy.release();
    await page.locator('[data-testid="encryption-step"][data-step="verify"]').waitFor(WAIT);
    assert.equal(await page.getByTestId('encryption-checking').count(), 0);
    assert.equal(await page.evaluate(() => (window as { setupOffered?: boolean }).setupOffered ?? false), false, 'setup was never offered');
  });
});
