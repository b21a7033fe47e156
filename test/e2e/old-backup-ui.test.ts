/**
 * The first-run step on an account with an older key backup (no secret storage, no cross-signing), in Chromium
 * against Synapse: instead of setting up a new backup silently, it says a backup exists and asks for its recovery
 * key; "start over" needs a confirmation that says the old backup's messages become unreadable. A key that does not
 * open the backup is an error in words on that choice, at once, and nothing is replaced; the right one keeps the same
 * backup version and says what was restored from it. When restoring the kept backup fails (a proxy in front of the
 * homeserver answers 502), setup is done all the same and *Try again* restores only the backup
 * (`restore_key_backup`, never `verify` or setup again), its progress in place of the old failure, then the new
 * outcome: failed again, then restored.
 * Screenshots of the choice, the confirmation and the restore's failure and retry go to test-artifacts/old-backup-*.png (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupDecryptionKey, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeRecoveryKey } from '../../src/main/backend/crypto/secret-storage-crypto.ts';
import { runWebHost } from '../../src/main/host/web-main.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { sizedShots } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
const WAIT = { timeout: 60_000 };

async function backupVersion(hs: SynapseServer, user: TestUser): Promise<string> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { version: string }).version;
}

describe('first-run step on an account with an older key backup', () => {
  let hs: SynapseServer;
  /** In front of the homeserver: fails or holds the backup's download. */
  let proxy: TestProxy;
  let eve: TestUser;
  /** The commands the page sent the backend, in order. */
  const sent: string[] = [];
  let oldVersion: string;
  let oldRecoveryKey: string;
  let host: Awaited<ReturnType<typeof runWebHost>>;
  let browser: Browser;
  let page: Page;
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-old-backup-ui-'));

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await initAsync();
    hs = await startSynapse();
    proxy = await startProxy(hs.baseUrl);
    eve = await hs.registerUser('eve', 'eve-password');
    const key = BackupDecryptionKey.createRandomKey();
    oldRecoveryKey = encodeRecoveryKey(Buffer.from(key.toBase64(), 'base64'));
    const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, {
      method: 'POST', headers: { authorization: `Bearer ${eve.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: { public_key: key.megolmV1PublicKey.publicKeyBase64 } }),
    });
    assert.equal(res.status, 200);
    oldVersion = ((await res.json()) as { version: string }).version;
    host = await runWebHost(['--port', '0'], { LATTICE_ROOT: root }, { log: () => undefined, error: () => undefined });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
      const command = typeof payload === 'string' ? (JSON.parse(payload) as { command?: unknown }).command : undefined;
      if (typeof command === 'string') sent.push(command);
    }));
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    await proxy?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** From the choice about the existing backup to "Finish setup" with `backupKey`; answers after the click. */
  async function setUpKeeping(backupKey: string): Promise<void> {
    await page.getByTestId('backup-existing-key').fill(backupKey);
    await page.getByTestId('backup-keep').click();
    await page.getByTestId('recovery-generate').click();
    await page.getByTestId('recovery-key').waitFor(WAIT);
    await page.getByTestId('recovery-saved').check();
    await page.getByTestId('recovery-finish').click();
  }

  it('says a backup exists, warns before starting over, refuses a wrong key and keeps the backup with the right one', async () => {
    await page.goto(host.loginUrl);
    await page.getByTestId('login-userid').fill(eve.userId);
    await page.getByTestId('login-homeserver').fill(proxy.url);
    await page.getByTestId('login-password').fill(eve.password);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="encryption-step"][data-step="setup"]').waitFor(WAIT);
    await page.getByTestId('backup-existing').filter({ hasText: /already has a key backup/ }).waitFor(WAIT);
    assert.equal(await page.getByTestId('recovery-generate').count(), 0, 'no new recovery key before the choice');
    await shot(page, path.join(ARTIFACTS, 'old-backup-choice.png'));

    await page.getByTestId('backup-start-over').click();
    await page.getByTestId('backup-start-over-confirm').filter({ hasText: /can no longer be read/ }).waitFor(WAIT);
    await shot(page, path.join(ARTIFACTS, 'old-backup-start-over.png'));
    await page.getByRole('button', { name: 'Go back' }).click();

    // A wrong key is refused on the choice itself, before a new recovery key is made.
    await page.getByTestId('backup-existing-key').fill(encodeRecoveryKey(Buffer.from(BackupDecryptionKey.createRandomKey().toBase64(), 'base64')));
    await page.getByTestId('backup-keep').click();
    await page.getByTestId('backup-existing-error').filter({ hasText: /does not open the account's existing key backup/ }).waitFor(WAIT);
    assert.equal(await page.getByTestId('recovery-generate').count(), 0, 'a key that does not match goes no further');
    assert.equal(await backupVersion(hs, eve), oldVersion, 'a wrong key replaces nothing');

    // The kept backup's download fails: setup is done all the same, and the outcome says why the keys did not come.
    proxy.inject(/\/room_keys\/keys\?/, 502, { errcode: 'M_UNKNOWN', error: 'Bad gateway' }, 1);
    await setUpKeeping(oldRecoveryKey);
    const outcome = page.getByTestId('recovery-restore-outcome');
    const error = page.getByTestId('recovery-restore-error');
    await error.filter({ hasText: /^Its keys could not be restored here: .*\(HTTP 502\).* None of its keys were restored\./ }).waitFor(WAIT);
    assert.match(await outcome.locator('.sec-success').innerText(), /^Secure backup is set up, keeping your existing backup \(version \S+\)\.$/);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'recovery-restore-continue');
    await sizedShots(page, (theme, size) => `old-backup-${theme}-${size}-restore-failed.png`);

    // Try again restores the backup only: no verification, no setup again. It fails once more, and says so anew.
    sent.length = 0;
    proxy.inject(/\/room_keys\/keys\?/, 502, { errcode: 'M_UNKNOWN', error: 'Bad gateway' }, 1);
    await page.getByTestId('recovery-restore-retry').click();
    await page.getByTestId('recovery-restore-retry').filter({ hasText: /^Try again$/ }).waitFor(WAIT);
    await error.filter({ hasText: /HTTP 502/ }).waitFor(WAIT);
    assert.equal(await outcome.getAttribute('data-stage'), 'failed');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'recovery-restore-continue',
      'the new outcome is news: Continue has the focus again');

    // Held at the proxy, the restore under way takes the old failure's place until the new outcome.
    proxy.hold(/\/room_keys\/keys\?/);
    await page.getByTestId('recovery-restore-retry').click();
    await proxy.held();
    await page.locator('[data-testid="recovery-restore"][data-stage="downloading"]').filter({ hasText: /Downloading your existing backup \(version \S+\)/ }).waitFor(WAIT);
    assert.equal(await error.count(), 0, 'the old failure gives way to the restore under way');
    assert.equal(await outcome.getAttribute('data-stage'), 'retrying');
    await sizedShots(page, (theme, size) => `old-backup-${theme}-${size}-restore-retrying.png`);
    proxy.release();
    await page.getByTestId('recovery-restore-done').filter({ hasText: /held no keys to restore/ }).waitFor(WAIT);
    await sizedShots(page, (theme, size) => `old-backup-${theme}-${size}-restore-done.png`);
    assert.deepEqual(sent.filter((c) => ['verify', 'reset_encryption', 'restore_key_backup'].includes(c)), ['restore_key_backup', 'restore_key_backup'],
      'each Try again restored the backup, and only that');
    await page.getByTestId('recovery-restore-continue').click();
    await page.getByTestId('open-settings').waitFor(WAIT);
    assert.equal(await backupVersion(hs, eve), oldVersion, 'the same backup version is kept');
  });
});
