/**
 * The first-run step on an account whose only key backup an older client made with a passphrase (as an old Element
 * did: the key derived from the passphrase, its salt and iterations in the backup's auth_data), in Chromium against
 * Synapse. matrix-js-sdk (Rust crypto) is that older client: it makes the backup version, sends an encrypted message
 * and backs its key up. A wrong passphrase is refused on the backup step itself, at once, in words; the right one
 * moves on; finishing shows the keys being restored (held at the proxy while downloading) and then how many of how
 * many came back, with no "Not now" left under it; the old message then reads in the room. Screenshots of the mismatch, the progress and the outcome
 * in both themes go to test-artifacts/old-backup-passphrase-*.png (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BackupDecryptionKey, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import * as sdk from 'matrix-js-sdk';
import { deriveRecoveryKeyFromPassphrase } from 'matrix-js-sdk/lib/crypto-api/key-passphrase.js';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { JsSdkPeer, loginNewDevice } from '../harness/js-sdk-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { serverSays, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 60_000 };
const PASSPHRASE = 'correct horse battery staple';
const OLD_MESSAGE = 'Sent before Lattice, readable only from the old backup';

async function backupInfo(hs: SynapseServer, user: TestUser): Promise<{ version: string; count: number }> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as { version: string; count: number };
}

describe('first-run step keeping an older key backup made with a passphrase', () => {
  let hs: SynapseServer;
  let proxy: TestProxy;
  let ui: WebUi;
  let eve: TestUser;
  let oldVersion: string;
  let roomId: string;

  before(async () => {
    await initAsync();
    hs = await startSynapse();
    proxy = await startProxy(hs.baseUrl);
    eve = await hs.registerUser('eve', 'eve-password');
    // The older client: a backup whose key comes from a passphrase, made and filled by matrix-js-sdk.
    const peer = await JsSdkPeer.start(hs.baseUrl, await loginNewDevice(hs.baseUrl, eve));
    try {
      const salt = 'old-element-salt-0123456789abcdef';
      const iterations = 100_000;
      const key = await deriveRecoveryKeyFromPassphrase(PASSPHRASE, salt, iterations);
      const publicKey = BackupDecryptionKey.fromBase64(Buffer.from(key).toString('base64')).megolmV1PublicKey.publicKeyBase64;
      const made = await peer.client.http.authedRequest<{ version: string }>(sdk.Method.Post, '/room_keys/version', undefined, {
        algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
        auth_data: { public_key: publicKey, private_key_salt: salt, private_key_iterations: iterations },
      }, { prefix: sdk.ClientPrefix.V3 });
      oldVersion = made.version;
      ({ room_id: roomId } = await peer.client.createRoom({
        name: 'Old notes', initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
      }));
      await peer.waitForJoin(roomId, eve.userId);
      const crypto = peer.client.getCrypto()!;
      // Sent before the SDK has seen the room's encryption event, the message would go out in the clear.
      await serverSays('the SDK sees the room encrypted', () => crypto.isEncryptionEnabledInRoom(roomId), (on) => on);
      const eventId = await peer.sendText(roomId, OLD_MESSAGE);
      assert.equal((await peer.client.fetchRoomEvent(roomId, eventId)).type, 'm.room.encrypted');
      // Enabled once the key exists: the SDK's backup loop then uploads the keys it holds.
      await crypto.storeSessionBackupPrivateKey(key, oldVersion);
      await crypto.checkKeyBackupAndEnable();
      await serverSays('the SDK backed its room key up', () => backupInfo(hs, eve), (b) => b.version === oldVersion && b.count >= 1);
    } finally {
      // Gone before Lattice signs in: the key can only come from the backup.
      peer.stop();
    }
    ui = await startWebUi('old-backup-passphrase', { hs });
  });
  after(async () => {
    await ui?.stop();
    await proxy?.close();
    await hs?.stop();
  });

  it('refuses a wrong passphrase at once, keeps the backup with the right one and shows its keys restored', async () => {
    const { page } = ui;
    await page.goto(ui.host.loginUrl);
    await page.getByTestId('login-userid').fill(eve.userId);
    await page.getByTestId('login-homeserver').fill(proxy.url);
    await page.getByTestId('login-password').fill(eve.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('backup-existing').filter({ hasText: /already has a key backup/ }).waitFor(WAIT);

    await page.getByTestId('backup-existing-key').fill('correct horse battery stable');
    await page.getByTestId('backup-keep').click();
    const mismatch = page.getByTestId('backup-existing-error');
    await mismatch.filter({ hasText: new RegExp(`does not open the account's existing key backup \\(version ${oldVersion}\\): it does not match that backup`) })
      .waitFor(WAIT);
    assert.match(await mismatch.innerText(), /Check it for typing mistakes/, 'the error says what to try');
    assert.equal(await page.getByTestId('recovery-generate').count(), 0, 'the step does not move on with a key that does not match');
    assert.equal(await page.getByTestId('backup-existing-key').inputValue(), 'correct horse battery stable', 'what was typed stays to be corrected');
    await themeShots(page, 'old-backup-passphrase', 'mismatch');

    await page.getByTestId('backup-existing-key').fill(PASSPHRASE);
    await page.getByTestId('backup-keep').click();
    await page.getByTestId('recovery-generate').click(WAIT);
    await page.getByTestId('recovery-key').waitFor(WAIT);
    await page.getByTestId('recovery-saved').check();
    // The whole backup is fetched in one request: held there, the step shows the restore under way.
    proxy.hold(/\/room_keys\/keys\?/);
    await page.getByTestId('recovery-finish').click();
    await proxy.held();
    await page.locator('[data-testid="recovery-restore"][data-stage="downloading"]').filter({ hasText: `version ${oldVersion}` }).waitFor(WAIT);
    await themeShots(page, 'old-backup-passphrase', 'restoring');
    proxy.release();

    const done = page.getByTestId('recovery-restore-done');
    await done.filter({ hasText: /1 key of 1 restored/ }).waitFor(WAIT);
    assert.match(await done.innerText(), new RegExp(`keeping your existing backup \\(version ${oldVersion}\\)`));
    // Setup is finished: nothing is left to put off, so "Not now" is gone; Continue is the way on.
    assert.equal(await page.getByTestId('encryption-skip').count(), 0, 'no "Not now" under the outcome');
    await themeShots(page, 'old-backup-passphrase', 'restored');
    assert.equal((await backupInfo(hs, eve)).version, oldVersion, 'the same backup version is kept');

    await page.getByTestId('recovery-restore-continue').click();
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await page.getByTestId('message').filter({ hasText: OLD_MESSAGE }).waitFor(WAIT);
  });
});
