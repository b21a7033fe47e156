/**
 * An account with a server-side key backup but no secret storage and no cross-signing (an older setup, as an old
 * Element made them) signs in with Lattice. The first-run state says a backup exists; setting up secure backup keeps
 * that backup when given its recovery key or passphrase (same version, its room keys restored here, its key in the
 * new secret storage so a later session opens it with the new recovery key), refuses to replace it without an
 * explicit "start over" (nothing changed on the server), and replaces it when told to. The old backup is made with
 * the raw API; its one room key is made and backed up by a separate crypto engine, as the old client would have.
 * A backup whose keys cannot be restored fails neither the setup nor a later `verify`, and `restore_key_backup`
 * tries again with the key the session holds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupDecryptionKey, DeviceId, EncryptionSettings, OlmMachine, RoomId, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { decryptKeyFile } from '../../src/main/backend/crypto/key-export-file.ts';
import type { KeyBackupRestore } from '../../src/shared/rpc/index.ts';
import { encodeRecoveryKey, keyFromPassphrase } from '../../src/main/backend/crypto/secret-storage-crypto.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { startWorkerBackend, type WorkerBackend } from '../harness/worker-backend.ts';

const WAIT_MS = 60_000;
const ALGORITHM = 'm.megolm_backup.v1.curve25519-aes-sha2';

async function api(hs: SynapseServer, user: TestUser, method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3${p}`, {
    method, headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function currentVersion(hs: SynapseServer, user: TestUser): Promise<string> {
  const { status, json } = await api(hs, user, 'GET', '/room_keys/version');
  assert.equal(status, 200);
  return json.version as string;
}

async function hasMasterKey(hs: SynapseServer, user: TestUser): Promise<boolean> {
  const { json } = await api(hs, user, 'POST', '/keys/query', { device_keys: { [user.userId]: [] } });
  return !!(json.master_keys as Record<string, unknown> | undefined)?.[user.userId];
}

/** An old-style backup version for `key` (no secret storage, no cross-signing), with extra auth_data fields. */
async function createOldBackup(hs: SynapseServer, user: TestUser, key: BackupDecryptionKey, extra: Record<string, unknown> = {}): Promise<string> {
  const { status, json } = await api(hs, user, 'POST', '/room_keys/version', {
    algorithm: ALGORITHM, auth_data: { public_key: key.megolmV1PublicKey.publicKeyBase64, ...extra },
  });
  assert.equal(status, 200);
  return json.version as string;
}

/** One room key, made by another engine of the account's and uploaded to `version`: answers its session id. */
async function backUpOneRoomKey(hs: SynapseServer, user: TestUser, key: BackupDecryptionKey, version: string): Promise<string> {
  const machine = await OlmMachine.initialize(new UserId(user.userId), new DeviceId('OLDCLIENT'));
  try {
    const room = new RoomId('!old:localhost');
    await machine.shareRoomKey(room, [], new EncryptionSettings());
    const sent = JSON.parse(await machine.encryptRoomEvent(room, 'm.room.message', JSON.stringify({ msgtype: 'm.text', body: 'old' }))) as { session_id: string };
    await machine.enableBackupV1(key.megolmV1PublicKey.publicKeyBase64, version);
    const req = await machine.backupRoomKeys();
    assert.ok(req, 'the old engine has a key to back up');
    const { status } = await api(hs, user, 'PUT', `/room_keys/keys?version=${encodeURIComponent(version)}`, JSON.parse(req.body) as unknown);
    assert.equal(status, 200);
    return sent.session_id;
  } finally {
    machine.close();
  }
}

describe('an account with an older key backup and no secret storage', () => {
  let hs: SynapseServer;
  const roots: string[] = [];
  const backends: WorkerBackend[] = [];

  async function signIn(user: TestUser): Promise<WorkerBackend> {
    const root = mkdtempSync(path.join(tmpdir(), 'lattice-old-backup-'));
    roots.push(root);
    const b = await startWorkerBackend(root);
    backends.push(b);
    await b.client.request('login', { homeserver_url: hs.baseUrl, username: user.userId, password: user.password });
    await b.client.waitForEvent('init_complete', () => true, WAIT_MS);
    return b;
  }

  before(async () => {
    await initAsync();
    hs = await startSynapse();
  });
  after(async () => {
    for (const b of backends) await b.stop().catch(() => undefined);
    await hs?.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('is told a backup exists, refuses to replace it silently, and keeps it with its recovery key', { timeout: 300_000 }, async () => {
    const ann = await hs.registerUser('ann', 'ann-password');
    const oldKey = BackupDecryptionKey.createRandomKey();
    const version = await createOldBackup(hs, ann, oldKey);
    const sessionId = await backUpOneRoomKey(hs, ann, oldKey, version);

    const b = await signIn(ann);
    const c = b.client;
    const checked = await c.waitForEvent('client_state', (s) => s.is_logged_in && s.verification_state.state_checked, WAIT_MS);
    assert.deepEqual(checked.verification_state, { is_verified: false, state_checked: true, has_cross_signing: false, has_ssss: false, has_key_backup: true },
      'the step knows the account has a backup though it has no secure storage');

    const gen = await c.request('generate_recovery_key', {});
    await assert.rejects(c.request('reset_encryption', { recovery_key: gen.recovery_key, account_password: ann.password }),
      /already has a key backup \(version \d+\).*start over/s, 'no silent replacement');
    assert.equal(await currentVersion(hs, ann), version, 'the old backup is still the current one');
    assert.equal(await hasMasterKey(hs, ann), false, 'nothing was published before refusing');

    const wrong = encodeRecoveryKey(Buffer.from(BackupDecryptionKey.createRandomKey().toBase64(), 'base64'));
    // Checked on its own first, as the step does when the key is typed: refused in words, nothing changed.
    await assert.rejects(c.request('check_backup_key', { backup_key: wrong }),
      new RegExp(`does not open the account's existing key backup \\(version ${version}\\): it does not match that backup\\. Check it for typing mistakes`));
    await assert.rejects(c.request('check_backup_key', { backup_key: 'not a key' }),
      /That is not a recovery key .*was not set up with a passphrase: give its recovery key/);
    await assert.rejects(c.request('reset_encryption', { recovery_key: gen.recovery_key, account_password: ann.password, backup_key: wrong }),
      /does not open the account's existing key backup/);
    assert.equal(await hasMasterKey(hs, ann), false);

    const oldRecoveryKey = encodeRecoveryKey(Buffer.from(oldKey.toBase64(), 'base64'));
    assert.deepEqual(await c.request('check_backup_key', { backup_key: oldRecoveryKey }), { version, key_count: 1 });
    assert.equal(await hasMasterKey(hs, ann), false, 'checking the key publishes nothing');
    const since = c.mark();
    assert.equal(await c.request('reset_encryption', { recovery_key: gen.recovery_key, account_password: ann.password, backup_key: oldRecoveryKey }), true);
    const restore = c.received.slice(since).filter((e) => e.command === 'key_backup_restore').map((e) => e.data as KeyBackupRestore);
    assert.deepEqual(restore.map((r) => r.stage), ['downloading', 'importing', 'done'], 'the restore told how it went');
    assert.deepEqual(restore.at(-1), { version, stage: 'done', restored: 1, total: 1 });
    assert.deepEqual(restore[1], { version, stage: 'importing', restored: 0, total: 1 });
    assert.equal(await currentVersion(hs, ann), version, 'no new backup version');
    const status = await c.request('get_key_backup_status', {});
    assert.equal(status.version, version);
    assert.equal(status.enabled, true, 'this session backs up to the kept backup');
    const exported = JSON.parse(await decryptKeyFile(await c.request('export_keys', { passphrase: 'pass' }), 'pass')) as { session_id: string }[];
    assert.ok(exported.some((k) => k.session_id === sessionId), 'the old backup\'s room key was restored here');

    // A later session opens the same backup with the new recovery key: its key is in the new secret storage.
    const later = await signIn(ann);
    await later.client.waitForEvent('client_state', (s) => s.is_logged_in && s.verification_state.has_ssss, WAIT_MS);
    assert.equal(await later.client.request('verify', { recovery_key: gen.recovery_key }), true);
    const laterStatus = await later.client.request('get_key_backup_status', {});
    assert.equal(laterStatus.version, version);
    assert.equal(laterStatus.enabled, true);
  });

  it('keeps a backup made with a passphrase from that passphrase, and starts over only when told to', { timeout: 300_000 }, async () => {
    const bea = await hs.registerUser('bea', 'bea-password');
    const info = { algorithm: 'm.pbkdf2' as const, salt: 'old-element-salt', iterations: 1000 };
    const derived = await keyFromPassphrase('old backup passphrase', info);
    const oldKey = BackupDecryptionKey.fromBase64(Buffer.from(derived).toString('base64'));
    const version = await createOldBackup(hs, bea, oldKey, { private_key_salt: info.salt, private_key_iterations: info.iterations });

    const b = await signIn(bea);
    const c = b.client;
    await c.waitForEvent('client_state', (s) => s.is_logged_in && s.verification_state.has_key_backup === true, WAIT_MS);
    await assert.rejects(c.request('check_backup_key', { backup_key: 'old backup passphrase!' }),
      new RegExp(`does not open the account's existing key backup \\(version ${version}\\): it does not match that backup`));
    assert.deepEqual(await c.request('check_backup_key', { backup_key: '  old backup passphrase ' }), { version, key_count: 0 },
      'the passphrase derives the key with the backup\'s salt and iterations');
    const gen = await c.request('generate_recovery_key', {});
    assert.equal(await c.request('reset_encryption', { recovery_key: gen.recovery_key, account_password: bea.password, backup_key: 'old backup passphrase' }), true);
    assert.equal(await currentVersion(hs, bea), version, 'kept from its passphrase');

    // Starting over from a session that does not hold the backup's key: only with replace_backup.
    const dan = await hs.registerUser('dan', 'dan-password');
    const danVersion = await createOldBackup(hs, dan, BackupDecryptionKey.createRandomKey());
    const d = (await signIn(dan)).client;
    await d.waitForEvent('client_state', (s) => s.is_logged_in && s.verification_state.has_key_backup === true, WAIT_MS);
    const dGen = await d.request('generate_recovery_key', {});
    assert.equal(await d.request('reset_encryption', { recovery_key: dGen.recovery_key, account_password: dan.password, replace_backup: true }), true);
    assert.notEqual(await currentVersion(hs, dan), danVersion, 'a new backup version when told to start over');
  });

  it('keeps the backup and says why when restoring its keys fails', { timeout: 300_000 }, async () => {
    const cal = await hs.registerUser('cal', 'cal-password');
    const oldKey = BackupDecryptionKey.createRandomKey();
    const version = await createOldBackup(hs, cal, oldKey);
    // A session no key can decrypt (damaged in the backup): the restore finds nothing it can import and fails.
    const damaged = { ephemeral: 'AAAA', mac: 'AAAA', ciphertext: 'AAAA' };
    const put = await api(hs, cal, 'PUT', `/room_keys/keys?version=${encodeURIComponent(version)}`, {
      rooms: { '!damaged:localhost': { sessions: { DAMAGED: { first_message_index: 0, forwarded_count: 0, is_verified: false, session_data: damaged } } } },
    });
    assert.equal(put.status, 200);

    const c = (await signIn(cal)).client;
    await c.waitForEvent('client_state', (s) => s.is_logged_in && s.verification_state.has_key_backup === true, WAIT_MS);
    const gen = await c.request('generate_recovery_key', {});
    const since = c.mark();
    const oldRecoveryKey = encodeRecoveryKey(Buffer.from(oldKey.toBase64(), 'base64'));
    assert.equal(await c.request('reset_encryption', { recovery_key: gen.recovery_key, account_password: cal.password, backup_key: oldRecoveryKey }), true,
      'the setup itself is done though its keys could not be restored');
    const failed = await c.waitForEvent('key_backup_restore', (r) => r.stage === 'failed', WAIT_MS, since);
    assert.equal(failed.version, version);
    assert.match(failed.error ?? '', /None of the 1 keys in backup version \d+ could be decrypted/);
    assert.equal(await currentVersion(hs, cal), version, 'the backup is kept');
    const status = await c.request('get_key_backup_status', {});
    assert.equal(status.version, version);
    assert.equal(status.enabled, true, 'and this session backs up to it');
    const state = await c.request('get_state', {});
    assert.equal(state.is_logged_in && state.verification_state.is_verified, true);

    // Verifying with the new key restores again: its failure is told, and the verification holds all the same.
    const again = c.mark();
    assert.equal(await c.request('verify', { recovery_key: gen.recovery_key }), true, 'verified though the restore failed');
    const failedAgain = await c.waitForEvent('key_backup_restore', (r) => r.stage === 'failed', WAIT_MS, again);
    assert.match(failedAgain.error ?? '', /None of the 1 keys in backup version \d+ could be decrypted/);
    // restore_key_backup tries once more with the key the session holds (no recovery key), failing in the same words.
    const third = c.mark();
    await assert.rejects(c.request('restore_key_backup', {}), /None of the 1 keys in backup version \d+ could be decrypted/);
    assert.equal((await c.waitForEvent('key_backup_restore', (r) => r.stage === 'failed', WAIT_MS, third)).version, version);
  });
});
