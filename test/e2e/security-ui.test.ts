/**
 * Encryption in the UI, in Chromium against Synapse through two web hosts (two devices of one account): the first
 * device sets up secure backup in the first-run step (the recovery key is shown, finishing needs "I saved it") and
 * sends an encrypted message; the second device gets "Verify this session", skips it knowingly (a reminder banner
 * stays), imports the first device's exported keys in Settings → Security (the count is shown, the message opens),
 * then verifies from the banner: a wrong key is an error in words, the right one verifies the session even though
 * the key backup's download fails (a proxy in front of the second device's homeserver answers 502): the outcome says
 * it is verified, why the keys did not come and what to do; *Try again* restores, showing the backup downloading (held
 * at the proxy), then how many keys came back (with nothing left to skip) until Continue; Settings' *Restore keys
 * from backup* does the same later. Last, the
 * first device replaces its recovery key from Settings (after the confirmation; a wrong account password is refused).
 * Screenshots of each screen in both themes at 1280×800 and 800×600 go to test-artifacts/security-*.png (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runWebHost } from '../../src/main/host/web-main.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';
import { shot } from '../harness/shots.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
const WAIT = { timeout: 30_000 };
const SECRET_TEXT = 'Sealed note from the first device';

describe('encryption screens against Synapse', () => {
  let hs: SynapseServer;
  /** In front of the homeserver for the second device: holds its key backup download while verifying. */
  let proxy: TestProxy;
  let alice: TestUser;
  let roomId: string;
  let hostA: Awaited<ReturnType<typeof runWebHost>>;
  let hostB: Awaited<ReturnType<typeof runWebHost>>;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;
  let recoveryKey = '';
  let exportPath = '';
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-security-'));

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hs = await startSynapse();
    proxy = await startProxy(hs.baseUrl);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    const api = new MatrixPeer(hs.baseUrl, alice);
    roomId = await api.createRoom({ name: 'Sealed Room' });
    await api.setState(roomId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    const quiet = { log: () => undefined, error: () => undefined };
    hostA = await runWebHost(['--port', '0'], { LATTICE_ROOT: path.join(root, 'a') }, quiet);
    hostB = await runWebHost(['--port', '0'], { LATTICE_ROOT: path.join(root, 'b') }, quiet);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    // Two contexts: two separate browsers' worth of storage, as two devices would have.
    pageA = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    pageB = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();
  });
  after(async () => {
    await browser?.close();
    await hostA?.stop();
    await hostB?.stop();
    await proxy?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function login(page: Page, loginUrl: string, homeserver = hs.baseUrl): Promise<void> {
    await page.goto(loginUrl);
    await page.getByTestId('login-userid').fill(alice.userId);
    await page.getByTestId('login-homeserver').fill(homeserver);
    await page.getByTestId('login-password').fill(alice.password);
    await page.getByTestId('login-submit').click();
  }

  /** The page in both themes and both window sizes; nothing may overflow sideways. */
  async function shoot(page: Page, name: string): Promise<void> {
    for (const [w, h] of [[1280, 800], [800, 600]] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForFunction((t) => document.documentElement.dataset.theme === t, scheme);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${name} overflows sideways by ${overflow}px at ${w}×${h}`);
        await shot(page, path.join(ARTIFACTS, `security-${name}-${scheme}-${w}x${h}.png`));
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
  }

  async function openSecurity(page: Page) {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-security').click();
    const section = page.getByTestId('security-section');
    await section.waitFor();
    await section.scrollIntoViewIfNeeded();
    return section;
  }

  it('first device: the first-run step sets up secure backup and shows the recovery key', async () => {
    await login(pageA, hostA.loginUrl);
    const step = pageA.locator('[data-testid="encryption-step"][data-step="setup"]');
    await step.waitFor(WAIT);
    await shoot(pageA, 'setup');

    await pageA.getByTestId('recovery-generate').click();
    const key = pageA.getByTestId('recovery-key');
    await key.waitFor(WAIT);
    recoveryKey = (await key.innerText()).trim();
    assert.match(recoveryKey, /^(?:[1-9A-HJ-NP-Za-km-z]{4} ){11}[1-9A-HJ-NP-Za-km-z]{4}$/, 'twelve groups of base58');
    assert.equal(await pageA.getByTestId('recovery-finish').isDisabled(), true, 'finishing needs "I have saved my recovery key"');
    await shoot(pageA, 'recovery-key');

    await pageA.getByTestId('recovery-saved').check();
    await pageA.getByTestId('recovery-finish').click();
    // The homeserver may ask for the password to publish the new cross-signing keys: the field appears then.
    const password = pageA.getByTestId('recovery-account-password');
    const settings = pageA.getByTestId('open-settings');
    await Promise.race([password.waitFor(WAIT), settings.waitFor(WAIT)]);
    if (await password.isVisible()) {
      await password.fill(alice.password);
      await pageA.getByTestId('recovery-finish').click();
    }
    await settings.waitFor(WAIT);
    assert.equal(await pageA.getByTestId('encryption-reminder').count(), 0, 'no reminder once set up');

    const section = await openSecurity(pageA);
    await section.getByTestId('security-verified').filter({ hasText: /^Verified$/ }).waitFor(WAIT);
    await section.getByTestId('security-backup').filter({ hasText: /^Set up$/ }).waitFor(WAIT);
    await section.getByTestId('security-key-backup').filter({ hasText: /Backup version \S+.*backs up its keys/ }).waitFor(WAIT);
    await pageA.getByTestId('settings-close').click();
  });

  it('first device: sends an encrypted message and exports its room keys from Settings → Security', async () => {
    await pageA.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await pageA.getByTestId('composer').fill(SECRET_TEXT);
    await pageA.getByTestId('composer').press('Enter');
    await pageA.getByTestId('message').and(pageA.locator('[data-send-state="sent"]')).filter({ hasText: SECRET_TEXT }).waitFor(WAIT);
    const sent = await new MatrixPeer(hs.baseUrl, alice).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=5`);
    assert.ok((sent.chunk as { type: string }[]).some((e) => e.type === 'm.room.encrypted'), 'the message went out encrypted');

    const section = await openSecurity(pageA);
    await section.getByTestId('sec-action-export').click();
    await section.getByTestId('export-passphrase').fill('export pass 1');
    await section.getByTestId('export-passphrase-again').fill('export pass 2');
    await section.getByTestId('export-submit').click();
    await section.getByTestId('export-error').filter({ hasText: 'not the same' }).waitFor();
    await section.getByTestId('export-passphrase-again').fill('export pass 1');
    await shoot(pageA, 'export');
    const download = pageA.waitForEvent('download', WAIT);
    await section.getByTestId('export-submit').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^lattice-keys-alice-\d{4}-\d{2}-\d{2}\.txt$/);
    exportPath = path.join(root, 'exported-keys.txt');
    await file.saveAs(exportPath);
    assert.match(readFileSync(exportPath, 'utf8'), /^-----BEGIN MEGOLM SESSION DATA-----\n[\s\S]+-----END MEGOLM SESSION DATA-----\n?$/);
    await section.getByTestId('export-done').waitFor();
    await pageA.getByTestId('settings-close').click();
  });

  it('second device: "Verify this session", skipped knowingly, leaves a reminder', async () => {
    await login(pageB, hostB.loginUrl, proxy.url);
    await pageB.locator('[data-testid="encryption-step"][data-step="verify"]').waitFor(WAIT);
    await shoot(pageB, 'verify');
    await pageB.getByTestId('encryption-skip').click();
    await pageB.getByTestId('skip-confirm').filter({ hasText: /cannot read encrypted messages sent before/ }).waitFor();
    await shoot(pageB, 'skip-confirm');
    await pageB.getByTestId('skip-confirm-button').click();
    await pageB.getByTestId('encryption-reminder').waitFor(WAIT);
    // Remembered for this device: a reload goes straight to the rooms, with the reminder.
    await pageB.reload();
    await pageB.getByTestId('encryption-reminder').waitFor(WAIT);
    assert.equal(await pageB.getByTestId('encryption-step').count(), 0);
    await pageB.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor(WAIT);
    await shoot(pageB, 'reminder');
  });

  it('second device: imports the exported keys in Settings → Security and shows the count', async () => {
    const section = await openSecurity(pageB);
    await section.getByTestId('security-verified').filter({ hasText: /^Not verified$/ }).waitFor(WAIT);
    await section.getByTestId('sec-action-import').click();
    await section.getByTestId('import-file').setInputFiles(exportPath);
    await section.getByTestId('import-passphrase').fill('not the passphrase');
    await section.getByTestId('import-submit').click();
    await section.getByTestId('import-error').filter({ hasText: /passphrase is wrong/ }).waitFor(WAIT);
    await section.getByTestId('import-passphrase').fill('export pass 1');
    await section.getByTestId('import-submit').click();
    const result = section.getByTestId('import-result');
    await result.waitFor(WAIT);
    const [, imported, total] = /Imported (\d+) of (\d+) key/.exec(await result.innerText()) ?? [];
    assert.ok(Number(total) >= 1, `the file's keys are counted: ${await result.innerText()}`);
    assert.ok(Number(imported) <= Number(total));
    await shoot(pageB, 'import');
    await pageB.getByTestId('settings-close').click();
    // With the key, the first device's message opens here.
    await pageB.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click();
    await pageB.getByTestId('message').filter({ hasText: SECRET_TEXT }).waitFor(WAIT);
  });

  it('second device: verifies from the reminder; a wrong key is refused in words, the right one verifies', async () => {
    await pageB.getByTestId('encryption-reminder-open').click();
    await pageB.locator('[data-testid="encryption-step"][data-step="verify"]').waitFor(WAIT);
    await pageB.getByText(/Prove this new session is yours/).waitFor();
    await pageB.getByTestId('verify-code').fill('EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d');
    await pageB.getByTestId('verify-submit').click();
    await pageB.getByTestId('verify-error').filter({ hasText: 'not right' }).waitFor(WAIT);
    await shoot(pageB, 'verify-error');
    await pageB.getByTestId('verify-code').fill(recoveryKey);
    // The backup's download fails (a proxy's bad gateway): the session is verified all the same, and the outcome
    // says that, why its keys did not come, how many did, and what to do.
    proxy.inject(/\/room_keys\/keys\?/, 502, { errcode: 'M_UNKNOWN', error: 'Bad gateway' }, 1);
    await pageB.getByTestId('verify-submit').click();
    const outcome = pageB.locator('[data-testid="verify-restore-outcome"][data-stage="failed"]');
    await outcome.waitFor(WAIT);
    assert.equal(await pageB.getByTestId('verify-error').count(), 0, 'not a failed verification');
    assert.match(await outcome.locator('.sec-success').innerText(), /^This session is verified\.$/);
    assert.match((await pageB.getByTestId('verify-restore-error').innerText()).replace(/\s+/g, ' '), new RegExp(
      '^The keys of your earlier encrypted messages could not be restored from your key backup \\(version \\S+\\): '
      + 'Your homeserver failed to send the key backup \\(HTTP 502\\); it may be busy or down for a moment\\. '
      + 'None of its keys were restored\\. Until they are, those messages stay unreadable on this session: try again now, '
      + 'or later with Restore keys from backup in Settings → Security\\.$'));
    assert.equal(await pageB.getByTestId('encryption-skip').count(), 0, 'verified: nothing is left to skip');
    assert.equal(await pageB.getByText(/Prove this new session is yours/).count(), 0, 'verified: not asked to prove it again');
    assert.equal(await pageB.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'verify-restore-continue');
    await shoot(pageB, 'verify-restore-failed');
    // Try again restores with the key the session now holds (no recovery key asked). The whole backup comes in one
    // request: held there, the outcome shows the restore under way, as setup does.
    proxy.hold(/\/room_keys\/keys\?/);
    await pageB.getByTestId('verify-restore-retry').click();
    await proxy.held();
    await pageB.locator('[data-testid="recovery-restore"][data-stage="downloading"]').filter({ hasText: /Downloading your key backup \(version \S+\)/ }).waitFor(WAIT);
    assert.match(await pageB.getByTestId('verify-restore-retry').innerText(), /Restoring…$/);
    assert.equal(await pageB.getByTestId('verify-restore-error').count(), 0, 'the old failure gives way to the restore under way');
    assert.equal(await pageB.getByTestId('verify-restore-outcome').getAttribute('data-stage'), 'retrying');
    assert.match(await pageB.getByTestId('verify-restore-outcome').locator('.sec-success').innerText(), /^This session is verified\.$/);
    await shoot(pageB, 'verify-restoring');
    proxy.release();
    // Then how many keys came back, until Continue: nothing is left to skip.
    const done = pageB.getByTestId('verify-restore-done');
    await done.filter({ hasText: /This session is verified\. \d+ keys? of \d+ restored from your key backup \(version \S+\)/ }).waitFor(WAIT);
    assert.equal(await pageB.getByTestId('verify-restore-error').count(), 0);
    assert.equal(await pageB.getByTestId('encryption-skip').count(), 0, 'no "I can’t do this now" under the result');
    assert.equal(await pageB.getByTestId('encryption-step').count(), 1, 'the step stays until the result is read');
    await shoot(pageB, 'verify-restored');
    await pageB.getByTestId('verify-restore-continue').click();
    await pageB.getByTestId('open-settings').waitFor(WAIT);
    assert.equal(await pageB.getByTestId('encryption-reminder').count(), 0, 'the reminder is gone once verified');
    const section = await openSecurity(pageB);
    await section.getByTestId('security-verified').filter({ hasText: /^Verified$/ }).waitFor(WAIT);
    await section.getByTestId('security-key-backup').filter({ hasText: 'backs up its keys' }).waitFor(WAIT);
    await shoot(pageB, 'settings');
    // Later, Settings restores the backup again; a failure says why and tries again in place.
    proxy.inject(/\/room_keys\/keys\?/, 502, { errcode: 'M_UNKNOWN', error: 'Bad gateway' }, 1);
    await section.getByTestId('sec-action-restore').click();
    const restore = section.getByTestId('restore-backup');
    await restore.getByTestId('restore-backup-error').filter({ hasText: /failed to send the key backup \(HTTP 502\).*None of its keys were restored\.$/ }).waitFor(WAIT);
    await shoot(pageB, 'settings-restore-failed');
    await restore.getByTestId('restore-backup-retry').click();
    await restore.getByTestId('restore-backup-done').filter({ hasText: /^\d+ keys? of \d+ restored from your key backup \(version \S+\)/ }).waitFor(WAIT);
    await restore.getByTestId('restore-backup-close').click();
    await section.getByTestId('sec-action-restore').waitFor();
  });

  it('first device: resets the recovery key from Settings → Security after a confirmation of what it does', async () => {
    const section = await openSecurity(pageA);
    await section.getByTestId('sec-action-reset').click();
    await section.getByTestId('reset-confirm').filter({ hasText: /old recovery key and passphrase stop working/ }).waitFor();
    await shoot(pageA, 'reset-confirm');
    await section.getByTestId('reset-confirm-button').click();
    await section.getByTestId('recovery-use-passphrase').check();
    await section.getByTestId('recovery-passphrase').fill('a long passphrase');
    await section.getByTestId('recovery-passphrase-again').fill('a long passphrase');
    await section.getByTestId('recovery-generate').click();
    const newKey = (await section.getByTestId('recovery-key').innerText()).trim();
    assert.notEqual(newKey, recoveryKey);
    // Replacing keys that exist needs the account password: the field is there from the start.
    await section.getByTestId('recovery-account-password').fill('not the password');
    await section.getByTestId('recovery-saved').check();
    await shoot(pageA, 'reset-key');
    await section.getByTestId('recovery-finish').click();
    await section.getByTestId('recovery-error').filter({ hasText: /refused that password/ }).waitFor(WAIT);
    await section.getByTestId('recovery-account-password').fill(alice.password);
    await section.getByTestId('recovery-finish').click();
    await section.getByTestId('sec-action-reset').waitFor(WAIT);
    await section.getByTestId('security-verified').filter({ hasText: /^Verified$/ }).waitFor(WAIT);
    await section.getByTestId('security-key-backup').filter({ hasText: /Backup version (?!1,)\S+.*backs up its keys/ }).waitFor(WAIT);
  });
});
