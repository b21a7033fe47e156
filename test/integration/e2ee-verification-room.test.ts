/**
 * Verification requests made in a room, against matrix-js-sdk through a real Synapse (Lattice's requests go through
 * a proxy, for tests that choose what one /sync response carries): a request from a user whose devices Lattice never
 * fetched (the engine ignores a request from a device it does not know).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerificationPhase } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { VerificationRequest } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

const WAIT_MS = 60_000;

describe('verification requests in a room from a matrix-js-sdk peer', () => {
  let hs: SynapseServer;
  let proxy: TestProxy;
  let alice: TestUser;
  let bob: JsSdkPeer;
  let root: string;
  let worker: BackendWorker;
  let c: RpcTestClient;
  let dm: string;

  before(async () => {
    hs = await startSynapse();
    proxy = await startProxy(hs.baseUrl);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    const bobUser = await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' });
    bob = await JsSdkPeer.start(hs.baseUrl, bobUser);
    // A request in a room is made to a user's cross-signing identity: both sides have one.
    await bob.resetCrossSigning();
    root = mkdtempSync(path.join(tmpdir(), 'lattice-verify-one-sync-'));
    worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: root }) });
    c = RpcTestClient.inProcess(worker);
    await c.request('login', { homeserver_url: proxy.url, username: 'alice', password: 'alice-password' });
    const deviceId = (await c.waitForEvent('client_state', (s) => s.is_logged_in && !!s.device_id)).device_id!;
    await c.waitForEvent('init_complete', () => true, WAIT_MS);
    const { recovery_key } = await c.request('generate_recovery_key', {});
    assert.equal(await c.request('reset_encryption', { recovery_key, account_password: 'alice-password' }), true);

    dm = await bob.createEncryptedDm(alice.userId);
    await new MatrixPeer(hs.baseUrl, alice).join(dm);
    await bob.waitForJoin(dm, alice.userId);
    await bob.waitForDevice(alice.userId, deviceId);
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm], WAIT_MS);
  });
  after(async () => {
    proxy?.release();
    c?.close();
    await worker?.stop();
    bob?.stop();
    await proxy?.close();
    await hs?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Lattice's first update of the flow the peer's request started (the flow ID of a request in a room is its event ID). */
  const firstUpdate = (theirs: VerificationRequest, since: number) =>
    c.waitForEvent('verification_update', (f) => f.transaction_id === theirs.transactionId, WAIT_MS, since);

  it('shows a request in a room from a user whose devices Lattice has not fetched yet', async () => {
    // Lattice has sent nothing in the DM, so it has never asked for the peer's devices.
    const mark = c.mark();
    const theirs = await bob.requestRoomVerification(alice.userId, dm);
    const incoming = await firstUpdate(theirs, mark);
    assert.equal(incoming.phase, 'requested', JSON.stringify(incoming.cancel));
    assert.equal(incoming.room_id, dm);
    assert.equal(incoming.we_started, false);
    assert.equal(incoming.device_id, bob.client.getDeviceId());
    const cancelled = await c.request('cancel_verification', { user_id: bob.userId, transaction_id: theirs.transactionId! });
    assert.equal(cancelled.phase, 'cancelled');
    await bob.waitForPhase(theirs, VerificationPhase.Cancelled);
  });
});
