/**
 * A verification that ends, and a new request from the same user, in one /sync response of Lattice's, against
 * matrix-js-sdk through a real Synapse: in a room, to a device, and one in a room followed by one to a device.
 * Lattice's /sync goes through a proxy that holds it while the peer finishes one verification and asks for the
 * next, so the peer's `m.key.verification.done` and its new request arrive together. The engine cancels a new
 * request (and the one before) while it still holds an earlier one with the same user that it has not let go of
 * (it lets go of finished ones only at the start of a feed), so the new one must reach it only after the finished
 * one was dropped. Before that, a request in a room from a user whose devices Lattice never fetched (the engine
 * ignores a request from a device it does not know).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerificationPhase } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { VerificationRequest } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { SyncComplete, VerificationFlow } from '../../src/shared/rpc/index.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

const WAIT_MS = 60_000;
const SYNC = /\/_matrix\/client\/v3\/sync\b/;

describe('verification: one ending and the next request in one sync, with matrix-js-sdk', () => {
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
  const flowEvent = (txn: string, phase: VerificationFlow['phase'], since: number) =>
    c.waitForEvent('verification_update', (f) => f.transaction_id === txn && f.phase === phase, WAIT_MS, since);
  /** The flow ends done in Lattice (not cancelled, which used to happen to the one that had just finished). */
  async function endsDone(txn: string, since: number): Promise<void> {
    const end = await c.waitForEvent('verification_update',
      (f) => f.transaction_id === txn && (f.phase === 'done' || f.phase === 'cancelled'), WAIT_MS, since);
    assert.equal(end.phase, 'done', JSON.stringify(end.cancel));
  }

  /** Accepts the peer's request in Lattice; the peer starts the emoji comparison and both see the same emoji. */
  async function toEmoji(theirs: VerificationRequest, mark: number) {
    const txn = theirs.transactionId!;
    const accepted = await c.request('accept_verification', { user_id: bob.userId, transaction_id: txn });
    assert.equal(accepted.phase, 'ready');
    await bob.waitForPhase(theirs, VerificationPhase.Ready);
    const shown = await bob.sas(theirs, true);
    const ours = await flowEvent(txn, 'sas', mark);
    assert.deepEqual(ours.sas?.emoji.map((e) => [e.symbol, e.description]), shown.emoji);
    return shown;
  }

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

  it('in a room: shows the new request as incoming and completes it, not cancelled by the engine', async () => {
    const mark = c.mark();
    const first = await bob.requestRoomVerification(alice.userId, dm);
    const incoming = await firstUpdate(first, mark);
    assert.equal(incoming.phase, 'requested', JSON.stringify(incoming.cancel));
    const shown = await toEmoji(first, mark);

    // The peer confirms first, and Lattice sees its MAC; Lattice then confirms and sends its MAC and done at once.
    const macSeen = c.mark();
    await shown.callbacks.confirm();
    await c.waitForEvent('sync_complete', (d) => (d.rooms?.[dm]?.events ?? [])
      .some((e) => e.type === 'm.key.verification.mac' && e.sender === bob.userId), WAIT_MS, macSeen);
    // From here Lattice's /sync waits: the peer's done and its next request reach Lattice together.
    proxy.hold(SYNC);
    await proxy.held();
    const confirmed = await c.request('confirm_sas', { user_id: bob.userId, transaction_id: first.transactionId! });
    assert.equal(confirmed.phase, 'confirmed');
    await shown.done;
    await new MatrixPeer(hs.baseUrl, alice).waitForMessage(dm,
      (e) => e.type === 'm.key.verification.done' && e.sender === bob.userId, WAIT_MS);
    const second = await bob.requestRoomVerification(alice.userId, dm);
    const requestId = second.transactionId!;

    const mark2 = c.mark();
    proxy.release();
    const together = await c.waitForEvent('sync_complete', (d) => (d.rooms?.[dm]?.events ?? [])
      .some((e) => e.event_id === requestId), WAIT_MS, mark2);
    assert.ok(together.rooms?.[dm]?.events?.some((e) => e.type === 'm.key.verification.done' && e.sender === bob.userId),
      'the peer\'s done came in the same sync as its new request');
    await endsDone(first.transactionId!, mark);

    const next = await firstUpdate(second, mark);
    assert.equal(next.phase, 'requested', `the new request: ${JSON.stringify(next.cancel)}`);
    const shown2 = await toEmoji(second, mark2);
    await shown2.callbacks.confirm();
    const again = await c.request('confirm_sas', { user_id: bob.userId, transaction_id: requestId });
    assert.ok(['confirmed', 'done'].includes(again.phase), again.phase);
    await shown2.done;
    await endsDone(requestId, mark2);
    assert.equal(await bob.trustsUser(alice.userId), true, 'the peer trusts Lattice\'s identity');
  });

  it('to a device: the end of one and the next request in one sync', async () => {
    // The to-device events of each response reach the test in one sync_complete.
    await c.request('listen_to_device', true);
    const fromPeer = (d: SyncComplete, type: string) => (d.to_device ?? []).some((e) => e.type === type && e.sender === bob.userId);
    const deviceId = (await c.request('get_state', {})).device_id!;
    const mark = c.mark();
    const first = await bob.requestDeviceVerification(alice.userId, deviceId);
    const incoming = await firstUpdate(first, mark);
    assert.equal(incoming.phase, 'requested', JSON.stringify(incoming.cancel));
    const shown = await toEmoji(first, mark);

    const macSeen = c.mark();
    await shown.callbacks.confirm();
    await c.waitForEvent('sync_complete', (d) => fromPeer(d, 'm.key.verification.mac'), WAIT_MS, macSeen);
    proxy.hold(SYNC);
    await proxy.held();
    const confirmed = await c.request('confirm_sas', { user_id: bob.userId, transaction_id: first.transactionId! });
    assert.equal(confirmed.phase, 'confirmed');
    await shown.done;
    const second = await bob.requestDeviceVerification(alice.userId, deviceId);

    const mark2 = c.mark();
    proxy.release();
    const together = await c.waitForEvent('sync_complete', (d) => fromPeer(d, 'm.key.verification.request'), WAIT_MS, mark2);
    assert.ok(fromPeer(together, 'm.key.verification.done'), 'the peer\'s done came in the same sync as its new request');
    await endsDone(first.transactionId!, mark);

    const next = await firstUpdate(second, mark);
    assert.equal(next.phase, 'requested', `the new request: ${JSON.stringify(next.cancel)}`);
    const shown2 = await toEmoji(second, mark2);
    await shown2.callbacks.confirm();
    await c.request('confirm_sas', { user_id: bob.userId, transaction_id: second.transactionId! });
    await shown2.done;
    await endsDone(second.transactionId!, mark2);
  });

  it('in a room, then to a device: the end of one and the next request in one sync', async () => {
    const fromPeer = (d: SyncComplete, type: string) => (d.to_device ?? []).some((e) => e.type === type && e.sender === bob.userId);
    const inRoom = (d: SyncComplete, type: string) => (d.rooms?.[dm]?.events ?? []).some((e) => e.type === type && e.sender === bob.userId);
    await c.request('listen_to_device', true);
    const deviceId = (await c.request('get_state', {})).device_id!;
    const mark = c.mark();
    const first = await bob.requestRoomVerification(alice.userId, dm);
    assert.equal((await firstUpdate(first, mark)).phase, 'requested');
    const shown = await toEmoji(first, mark);

    const macSeen = c.mark();
    await shown.callbacks.confirm();
    await c.waitForEvent('sync_complete', (d) => inRoom(d, 'm.key.verification.mac'), WAIT_MS, macSeen);
    proxy.hold(SYNC);
    await proxy.held();
    await c.request('confirm_sas', { user_id: bob.userId, transaction_id: first.transactionId! });
    await shown.done;
    await new MatrixPeer(hs.baseUrl, alice).waitForMessage(dm,
      (e) => e.type === 'm.key.verification.done' && e.sender === bob.userId, WAIT_MS);
    const second = await bob.requestDeviceVerification(alice.userId, deviceId);

    const seen = c.events('sync_complete').length;
    const mark2 = c.mark();
    proxy.release();
    await c.waitForEvent('sync_complete', (d) => fromPeer(d, 'm.key.verification.request'), WAIT_MS, mark2);
    // One response gives the room's events, then its to-device events (the second is sent right after the first).
    const syncs = c.events('sync_complete').slice(seen);
    const at = syncs.findIndex((d) => fromPeer(d, 'm.key.verification.request'));
    assert.ok(at > 0 && inRoom(syncs[at - 1], 'm.key.verification.done'), 'the peer\'s done came in the same sync as its new request');
    await endsDone(first.transactionId!, mark);

    const next = await firstUpdate(second, mark);
    assert.equal(next.phase, 'requested', `the new request: ${JSON.stringify(next.cancel)}`);
    const shown2 = await toEmoji(second, mark2);
    await shown2.callbacks.confirm();
    await c.request('confirm_sas', { user_id: bob.userId, transaction_id: second.transactionId! });
    await shown2.done;
    await endsDone(second.transactionId!, mark2);
  });
});
