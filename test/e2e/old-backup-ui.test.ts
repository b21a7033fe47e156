/**
 * The first-run step on an account with an older key backup (no secret storage, no cross-signing), in Chromium
 * against Synapse: instead of setting up a new backup silently, it says a backup exists and asks for its recovery
 * key; "start over" needs a confirmation that says the old backup's messages become unreadable. A key that does not
 * open the backup is an error in words on that choice, at once, and nothing is replaced; the right one keeps the same
 * backup version and says what was restored from it.
 * Screenshots of the choice and the confirmation go to test-artifacts/old-backup-*.png.
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
import { CHROMIUM_ARGS } from '../harness/chromium.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
const WAIT = { timeout: 60_000 };

async function backupVersion(hs: SynapseServer, user: TestUser): Promise<string> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { version: string }).version;
}

describe('first-run step on an account with an older key backup', () => {
  let hs: SynapseServer;
  let eve: TestUser;
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
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
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
    await page.getByTestId('login-homeserver').fill(hs.baseUrl);
    await page.getByTestId('login-password').fill(eve.password);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="encryption-step"][data-step="setup"]').waitFor(WAIT);
    await page.getByTestId('backup-existing').filter({ hasText: /already has a key backup/ }).waitFor(WAIT);
    assert.equal(await page.getByTestId('recovery-generate').count(), 0, 'no new recovery key before the choice');
    await page.screenshot({ path: path.join(ARTIFACTS, 'old-backup-choice.png') });

    await page.getByTestId('backup-start-over').click();
    await page.getByTestId('backup-start-over-confirm').filter({ hasText: /can no longer be read/ }).waitFor(WAIT);
    await page.screenshot({ path: path.join(ARTIFACTS, 'old-backup-start-over.png') });
    await page.getByRole('button', { name: 'Go back' }).click();

    // A wrong key is refused on the choice itself, before a new recovery key is made.
    await page.getByTestId('backup-existing-key').fill(encodeRecoveryKey(Buffer.from(BackupDecryptionKey.createRandomKey().toBase64(), 'base64')));
    await page.getByTestId('backup-keep').click();
    await page.getByTestId('backup-existing-error').filter({ hasText: /does not open the account's existing key backup/ }).waitFor(WAIT);
    assert.equal(await page.getByTestId('recovery-generate').count(), 0, 'a key that does not match goes no further');
    assert.equal(await backupVersion(hs, eve), oldVersion, 'a wrong key replaces nothing');

    await setUpKeeping(oldRecoveryKey);
    await page.getByTestId('recovery-restore-done').filter({ hasText: /held no keys to restore/ }).waitFor(WAIT);
    await page.getByTestId('recovery-restore-continue').click();
    await page.getByTestId('open-settings').waitFor(WAIT);
    assert.equal(await backupVersion(hs, eve), oldVersion, 'the same backup version is kept');
  });
});
