/**
 * Verification and recovery against an independent client, through a real Synapse: matrix-js-sdk (Rust crypto)
 * sets up cross-signing, secret storage and key backup; Lattice, signed in as a new device of the same account,
 * verifies with the recovery key, is cross-signed (the SDK sees it signed by its owner), restores the room keys of
 * messages sent before it existed from the backup, imports keys the SDK exported, and stays verified after a
 * restart. Then Lattice sets all of it up from scratch (recovery key from a passphrase, user-interactive auth by
 * password), a second Lattice device verifies with the passphrase, and keys Lattice exports decrypt in the SDK.
 *
 * Whether a restored key opens a message is checked twice: by decrypting the stored ciphertext with exactly the
 * keys Lattice exports (in a separate in-memory engine), which shows what Lattice holds, and by the stored event
 * itself being decrypted in place once the key arrived (by import, or from the key backup), with `events_decrypted`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DecryptionSettings, DeviceId, OlmMachine, RoomId, TrustRequirement, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { GeneratedSecretStorageKey } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import { decryptKeyFile, encryptKeyFile } from '../../src/main/backend/crypto/key-export-file.ts';
import { decodeRecoveryKey } from '../../src/main/backend/crypto/secret-storage-crypto.ts';
import { JsSdkPeer, loginNewDevice } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { startWorkerBackend, type WorkerBackend } from '../harness/worker-backend.ts';

const WAIT_MS = 60_000;

type Lattice = WorkerBackend;

async function loginLattice(hs: SynapseServer, root: string, user: TestUser): Promise<{ b: Lattice; deviceId: string }> {
  const b = await startWorkerBackend(root);
  await b.client.request('login', { homeserver_url: hs.baseUrl, username: user.userId, password: user.password });
  const state = await b.client.waitForEvent('client_state', (s) => s.is_logged_in && !!s.device_id);
  await b.client.waitForEvent('init_complete', () => true, WAIT_MS);
  return { b, deviceId: state.device_id! };
}

/** How many keys the account's current backup holds (0 without one). */
async function backupCount(hs: SynapseServer, user: TestUser): Promise<number> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  if (res.status === 404) return 0;
  return ((await res.json()) as { count?: number }).count ?? 0;
}

async function backupVersion(hs: SynapseServer, user: TestUser): Promise<string> {
  const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  return ((await res.json()) as { version: string }).version;
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The stored, undecryptable event in `roomId` (a message Lattice's device had no key for when it arrived). */
async function undecryptable(b: Lattice, roomId: string): Promise<Event> {
  const has = (d: SyncComplete) => !!d.rooms?.[roomId]?.events?.some((e) => e.type === 'm.room.encrypted' && e.decryption_error);
  await b.client.waitForEvent('sync_complete', has, WAIT_MS);
  const page = await b.client.request('paginate', { room_id: roomId, limit: 50 });
  const ev = page.events.find((e) => e.type === 'm.room.encrypted' && e.decryption_error);
  assert.ok(ev, `an undecryptable event in ${roomId}`);
  return ev;
}

/**
 * Waits for `events_decrypted` (since `mark`) to carry the stored undecryptable event `ev`, decrypted to `body`,
 * then reads it back from history: updated in place, no error left.
 */
async function decryptedInPlace(b: Lattice, ev: Event, body: string, mark: number): Promise<void> {
  const pushed = await b.client.waitForEvent('events_decrypted',
    (d) => d.room_id === ev.room_id && d.events.some((e) => e.rowid === ev.rowid && e.decrypted?.body === body), WAIT_MS, mark);
  const got = pushed.events.find((e) => e.rowid === ev.rowid)!;
  assert.equal(got.decryption_error, undefined);
  assert.equal(got.timeline_rowid, ev.timeline_rowid, 'updated in place');
  const page = await b.client.request('paginate', { room_id: ev.room_id, limit: 50 });
  const stored = page.events.find((e) => e.rowid === ev.rowid);
  assert.equal(stored?.decrypted?.body, body);
  assert.equal(stored.decryption_error, undefined);
}

/** The session IDs in an export file of Lattice's, and the file's JSON. */
async function exported(b: Lattice, passphrase: string, roomId?: string): Promise<{ json: string; sessions: Set<string> }> {
  const file = await b.client.request('export_keys', { passphrase, ...(roomId ? { room_id: roomId } : {}) });
  assert.match(file, /^-----BEGIN MEGOLM SESSION DATA-----\n/);
  const json = await decryptKeyFile(file, passphrase);
  const list = JSON.parse(json) as { room_id: string; session_id: string }[];
  if (roomId) assert.ok(list.every((k) => k.room_id === roomId));
  return { json, sessions: new Set(list.map((k) => k.session_id)) };
}

/** Decrypts a stored ciphertext with exactly the keys of an export, in a fresh in-memory engine. */
async function decryptWith(json: string, ev: Event): Promise<unknown> {
  await initAsync();
  const machine = await OlmMachine.initialize(new UserId('@checker:localhost'), new DeviceId('CHECKER'));
  try {
    await machine.importExportedRoomKeys(json, () => undefined);
    const raw = { type: ev.type, event_id: ev.event_id, sender: ev.sender, origin_server_ts: ev.timestamp, content: ev.content, room_id: ev.room_id };
    const res = await machine.decryptRoomEvent(JSON.stringify(raw), new RoomId(ev.room_id), new DecryptionSettings(TrustRequirement.Untrusted));
    return (JSON.parse(res.event) as { content: { body?: unknown } }).content.body;
  } finally {
    machine.close();
  }
}

describe('verification and recovery with matrix-js-sdk', () => {
  let hs: SynapseServer;
  let bob: JsSdkPeer;
  const roots: string[] = [];
  const peers: JsSdkPeer[] = [];
  const root = () => {
    const r = mkdtempSync(path.join(tmpdir(), 'lattice-recovery-'));
    roots.push(r);
    return r;
  };

  before(async () => {
    hs = await startSynapse();
    bob = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    peers.push(bob);
  });
  after(async () => {
    for (const p of peers) p.stop();
    await hs?.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('a new device verifies with the recovery key the SDK set up: cross-signed, backup restored, import works, still verified after a restart', async () => {
    const alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    let ssKey: Uint8Array<ArrayBuffer> | undefined;
    const aliceSdk = await JsSdkPeer.start(hs.baseUrl, alice, {
      getSecretStorageKey: ({ keys }) => Promise.resolve(ssKey ? [Object.keys(keys)[0], ssKey] : null),
    });
    peers.push(aliceSdk);
    const crypto = aliceSdk.client.getCrypto()!;
    await crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: alice.password });
      },
    });
    const recovery: GeneratedSecretStorageKey = await crypto.createRecoveryKeyFromPassphrase();
    ssKey = recovery.privateKey;
    await crypto.bootstrapSecretStorage({ createSecretStorageKey: () => Promise.resolve(recovery), setupNewSecretStorage: true, setupNewKeyBackup: true });

    // Two DMs, one message each, written before Lattice's device exists; the SDK backs their keys up.
    const dm1 = await bob.createEncryptedDm(alice.userId);
    const dm2 = await bob.createEncryptedDm(alice.userId);
    await new MatrixPeer(hs.baseUrl, alice).join(dm1);
    await new MatrixPeer(hs.baseUrl, alice).join(dm2);
    await bob.waitForJoin(dm1, alice.userId);
    await bob.waitForJoin(dm2, alice.userId);
    await bob.sendText(dm1, 'before Lattice, from the backup');
    await bob.sendText(dm2, 'before Lattice, from an export');
    await aliceSdk.waitForDecrypted(dm1, 'before Lattice, from the backup');
    await aliceSdk.waitForDecrypted(dm2, 'before Lattice, from an export');
    await until(async () => (await backupCount(hs, alice)) >= 2, 'the SDK backing up both keys');

    const { b, deviceId } = await loginLattice(hs, root(), alice);
    try {
      const ev1 = await undecryptable(b, dm1);
      const ev2 = await undecryptable(b, dm2);
      const before = await b.client.waitForEvent('client_state', (s) => s.verification_state.state_checked && s.verification_state.has_cross_signing, WAIT_MS);
      assert.deepEqual(before.verification_state, { is_verified: false, state_checked: true, has_cross_signing: true, has_ssss: true });
      assert.equal(before.is_verified, false);

      // Keys exported by the SDK (dm2's only), in the spec's file format, import into Lattice.
      const sdkKeys = (JSON.parse(await crypto.exportRoomKeysAsJson()) as { room_id: string }[]).filter((k) => k.room_id === dm2);
      const file = await encryptKeyFile(JSON.stringify(sdkKeys), 'sdk export', 1000);
      await assert.rejects(b.client.request('import_keys', { passphrase: 'not it', data: file }), /passphrase is wrong/);
      const importMark = b.client.mark();
      const imported = await b.client.request('import_keys', { passphrase: 'sdk export', data: file });
      assert.deepEqual(imported, { imported_count: sdkKeys.length, total_count: sdkKeys.length });
      // The stored event of that session is decrypted in place, and the frontends are told.
      await decryptedInPlace(b, ev2, 'before Lattice, from an export', importMark);
      const afterImport = await exported(b, 'lattice export', dm2);
      assert.equal(await decryptWith(afterImport.json, ev2), 'before Lattice, from an export');
      assert.equal((await exported(b, 'lattice export', dm1)).sessions.size, 0, 'no key for dm1 yet');

      // A wrong key is refused in words; the right one verifies.
      await assert.rejects(b.client.request('verify', { recovery_key: 'EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d' }),
        /recovery key|passphrase|does not match/);
      const mark = b.client.mark();
      assert.equal(await b.client.request('verify', { recovery_key: recovery.encodedPrivateKey! }), true);
      const verified = await b.client.waitForEvent('client_state', (s) => s.is_verified, WAIT_MS, mark);
      assert.deepEqual(verified.verification_state, { is_verified: true, state_checked: true, has_cross_signing: true, has_ssss: true });

      // The backup restored dm1's key: the message written before this device existed opens with what it holds.
      const afterVerify = await exported(b, 'lattice export', dm1);
      assert.equal(afterVerify.sessions.size, 1);
      assert.equal(await decryptWith(afterVerify.json, ev1), 'before Lattice, from the backup');
      // And the event stored undecryptable is decrypted in place from the restored key (events_decrypted).
      await decryptedInPlace(b, ev1, 'before Lattice, from the backup', mark);

      // The SDK sees Lattice's device cross-signed by its owner.
      await until(async () => {
        await crypto.getUserDeviceInfo([alice.userId], true);
        return (await crypto.getDeviceVerificationStatus(alice.userId, deviceId))?.signedByOwner === true;
      }, 'the SDK seeing the Lattice device signed by alice');

      // After a restart the state is checked again from the engine's store, and is still true.
      await b.stop();
      const again = await startWorkerBackend(roots.at(-1)!);
      try {
        const s = await again.client.waitForEvent('client_state', (c) => c.verification_state.state_checked, WAIT_MS);
        assert.deepEqual(s.verification_state, { is_verified: true, state_checked: true, has_cross_signing: true, has_ssss: true });
        assert.equal(s.is_verified, true);
      } finally {
        await again.stop();
      }
    } finally {
      await b.stop().catch(() => undefined);
    }
  });

  it('sets up recovery from scratch, a second device verifies with the passphrase, and its export decrypts in the SDK', async () => {
    const carol = await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' });
    const firstRoot = root();
    const first = await loginLattice(hs, firstRoot, carol);
    let second: Lattice | undefined;
    let restarted: Lattice | undefined;
    try {
      const c1 = first.b.client;
      // No backup yet: the status says so instead of failing.
      const none = await c1.request('get_key_backup_status', {});
      assert.equal(none.version, null);
      assert.equal(none.enabled, false);
      const plain = await c1.request('generate_recovery_key', {});
      assert.ok(decodeRecoveryKey(plain.recovery_key), 'a well-formed recovery key');
      assert.equal(plain.passphrase_meta, undefined);
      const gen = await c1.request('generate_recovery_key', { passphrase: 'correct horse battery' });
      assert.equal(gen.passphrase_meta?.algorithm, 'm.pbkdf2');
      assert.ok(!('cross_signing_keys' in gen), 'no private keys leave the backend');

      assert.equal(await c1.request('reset_encryption', { recovery_key: plain.recovery_key, account_password: carol.password }), true);
      await c1.waitForEvent('client_state', (s) => s.is_verified && s.verification_state.has_ssss, WAIT_MS);
      // Replacing existing cross-signing keys needs the password: a wrong one is refused, in words.
      await assert.rejects(c1.request('reset_encryption', { recovery_key: gen.recovery_key, passphrase_meta: gen.passphrase_meta, account_password: 'wrong' }),
        /refused the account password/);
      assert.equal(await c1.request('reset_encryption', { recovery_key: gen.recovery_key, passphrase_meta: gen.passphrase_meta, account_password: carol.password }), true);
      assert.equal((await c1.request('get_state', {})).is_verified, true);

      // Bob writes; Lattice's first device decrypts it and backs its key up.
      const dm = await bob.createEncryptedDm(carol.userId);
      await new MatrixPeer(hs.baseUrl, carol).join(dm);
      await bob.waitForJoin(dm, carol.userId);
      await bob.waitForDevice(carol.userId, first.deviceId);
      await bob.sendText(dm, 'for the backup Lattice made');
      await c1.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm]?.events?.some((e) => e.decrypted?.body === 'for the backup Lattice made'), WAIT_MS);
      await until(async () => (await backupCount(hs, carol)) >= 1, 'Lattice backing the key up');
      const status = await c1.request('get_key_backup_status', {});
      assert.equal(status.version, await backupVersion(hs, carol));
      assert.equal(status.enabled, true);
      assert.ok((status.server_key_count ?? 0) >= 1, `the server's count: ${JSON.stringify(status)}`);
      assert.ok(status.device_backed_up_count >= 1 && status.device_backed_up_count <= status.device_key_count, JSON.stringify(status));

      // A second Lattice device: the message is undecryptable there until it verifies with the passphrase.
      const other = await loginLattice(hs, root(), carol);
      second = other.b;
      const ev = await undecryptable(second, dm);
      const unverified = await second.client.request('get_key_backup_status', {});
      assert.equal(unverified.version, status.version, 'the server\'s backup is seen before this device can use it');
      assert.equal(unverified.enabled, false);
      await assert.rejects(second.client.request('verify', { recovery_key: 'not the passphrase' }), /does not match/);
      assert.equal(await second.client.request('verify', { recovery_key: 'correct horse battery' }), true);
      await second.client.waitForEvent('client_state', (s) => s.is_verified, WAIT_MS);
      assert.equal((await second.client.request('get_key_backup_status', {})).enabled, true, 'verify turns the backup on');
      const restored = await exported(second, 'pass', dm);
      assert.equal(await decryptWith(restored.json, ev), 'for the backup Lattice made');
      await until(async () => {
        await bob.client.getCrypto()!.getUserDeviceInfo([carol.userId], true);
        return (await bob.client.getCrypto()!.getDeviceVerificationStatus(carol.userId, other.deviceId))?.signedByOwner === true;
      }, 'bob seeing the second Lattice device signed by carol');

      // Keys exported by Lattice import into a new SDK device of carol's, which then decrypts the message.
      const carolSdk = await JsSdkPeer.start(hs.baseUrl, await loginNewDevice(hs.baseUrl, carol));
      peers.push(carolSdk);
      await until(() => carolSdk.client.getRoom(dm)?.getLiveTimeline().getEvents().some((e) => e.isDecryptionFailure()) === true,
        'the SDK device holding the message undecrypted');
      await carolSdk.client.getCrypto()!.importRoomKeysAsJson((await exported(first.b, 'pass')).json);
      await carolSdk.waitForDecrypted(dm, 'for the backup Lattice made');

      // After a restart the first device turns its backup back on: a new key is backed up too.
      await first.b.stop();
      restarted = await startWorkerBackend(firstRoot);
      await restarted.client.waitForEvent('client_state', (c) => c.is_verified, WAIT_MS);
      // A new session, so that its key is one only the restarted device can have backed up.
      await bob.client.getCrypto()!.forceDiscardSession(dm);
      await bob.sendText(dm, 'after the restart');
      const got = await restarted.client.waitForEvent('sync_complete',
        (d) => !!d.rooms?.[dm]?.events?.some((e) => e.decrypted?.body === 'after the restart'), WAIT_MS);
      const sessionId = got.rooms![dm].events!.find((e) => e.decrypted?.body === 'after the restart')!.content.session_id;
      assert.equal(typeof sessionId, 'string');
      assert.notEqual(sessionId, ev.content.session_id);
      const version = await backupVersion(hs, carol);
      await until(async () => (await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/keys/${encodeURIComponent(dm)}/${encodeURIComponent(sessionId as string)}?version=${version}`,
        { headers: { authorization: `Bearer ${carol.accessToken}` } })).status === 200, 'the restarted device backing up the new key');
    } finally {
      await restarted?.stop();
      await second?.stop();
      await first.b.stop().catch(() => undefined);
    }
  });
});
