/**
 * Interactive emoji verification and device trust against an independent client (matrix-js-sdk with its Rust
 * crypto) through a real Synapse: Lattice verifies a peer's device and a peer verifies Lattice's, both sides show
 * the same seven emoji and end trusting each other; a cancel mid-way reaches both sides with its reason. Then the
 * backend in a child process is restarted and killed with SIGKILL mid-conversation, and every message written
 * before and after still decrypts on both sides.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerificationPhase } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { ClientState, Event, PaginationResponse, ProfileEncryptionInfo, UserIdentityUpdate, VerificationFlow } from '../../src/shared/rpc/index.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { ChildBackend } from '../harness/child-backend.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

const WAIT_MS = 60_000;

describe('emoji verification with matrix-js-sdk', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: JsSdkPeer;
  let carol: JsSdkPeer;
  let dave: JsSdkPeer;
  const roots: string[] = [];
  let worker: BackendWorker;
  let c: RpcTestClient;
  let deviceId: string;
  /** Each peer's encrypted DM with Lattice. */
  const dms = new Map<JsSdkPeer, string>();

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    carol = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    dave = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('dave', 'dave-password', { displayname: 'Dave' }));
    const root = mkdtempSync(path.join(tmpdir(), 'lattice-verify-'));
    roots.push(root);
    worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: root }) });
    c = RpcTestClient.inProcess(worker);
    await c.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
    deviceId = (await c.waitForEvent('client_state', (s) => s.is_logged_in && !!s.device_id)).device_id!;
    await c.waitForEvent('init_complete', () => true, WAIT_MS);
    // Each peer shares an encrypted DM with Lattice, so both sides follow each other's devices.
    const lattice = new MatrixPeer(hs.baseUrl, alice);
    for (const peer of [bob, carol, dave]) {
      const dm = await peer.createEncryptedDm(alice.userId);
      dms.set(peer, dm);
      await lattice.join(dm);
      await peer.waitForJoin(dm, alice.userId);
      await peer.waitForDevice(alice.userId, deviceId);
    }
  });
  after(async () => {
    c?.close();
    await worker?.stop();
    bob?.stop();
    carol?.stop();
    dave?.stop();
    await hs?.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  const flowEvent = (userId: string, phase: VerificationFlow['phase'], since: number) =>
    c.waitForEvent('verification_update', (f) => f.user_id === userId && f.phase === phase, WAIT_MS, since);

  function assertSameEmoji(ours: VerificationFlow, theirs: [string, string][]): void {
    assert.equal(ours.sas?.emoji.length, 7);
    assert.deepEqual(ours.sas.emoji.map((e) => [e.symbol, e.description]), theirs);
  }

  it('tracks a user\'s devices and reports them unverified before any verification', async () => {
    const before = await c.request('get_profile_encryption_info', { user_id: bob.userId });
    const info = before.devices_tracked ? before : await c.request('track_user_devices', { user_id: bob.userId });
    assert.equal(info.devices_tracked, true);
    const dev = info.devices.find((d) => d.device_id === bob.client.getDeviceId());
    assert.ok(dev, 'the peer\'s device is listed');
    assert.equal(dev.trust_state, 'unverified');
    assert.match(dev.fingerprint, /^(\S{4} )+\S{1,4}$/);
    assert.equal(info.user_trusted, false);

    const own = await c.request('get_own_devices', {});
    assert.equal(own.current_device?.device_id, deviceId);
    assert.ok(own.devices.some((d) => d.device_id === deviceId), 'the homeserver lists this device');
    assert.equal(own.encryption.devices_tracked, true);
  });

  it('verifies the peer\'s device when Lattice asks, both sides showing the same emoji and ending trusted', async () => {
    const bobDevice = bob.client.getDeviceId()!;
    const mark = c.mark();
    const asked = await c.request('request_verification', { user_id: bob.userId, device_id: bobDevice });
    assert.equal(asked.phase, 'created');
    assert.equal(asked.we_started, true);
    const txn = asked.transaction_id;

    const theirs = await bob.waitForVerificationRequest(alice.userId);
    assert.equal(theirs.transactionId, txn);
    await theirs.accept();
    await flowEvent(bob.userId, 'ready', mark);

    await c.request('start_sas', { user_id: bob.userId, transaction_id: txn });
    const shown = await bob.sas(theirs, false);
    const ours = await flowEvent(bob.userId, 'sas', mark);
    assertSameEmoji(ours, shown.emoji);
    assert.deepEqual(ours.sas!.decimals, shown.decimal);

    await c.request('confirm_sas', { user_id: bob.userId, transaction_id: txn });
    await shown.callbacks.confirm();
    await shown.done;
    await flowEvent(bob.userId, 'done', mark);

    const info = await c.request('get_profile_encryption_info', { user_id: bob.userId });
    assert.equal(info.devices.find((d) => d.device_id === bobDevice)?.trust_state, 'verified');
    assert.equal(await bob.trustsDevice(alice.userId, deviceId), true, 'the peer trusts Lattice\'s device');
  });

  it('verifies Lattice\'s device when the peer asks, Lattice accepting and confirming', async () => {
    const carolDevice = carol.client.getDeviceId()!;
    const mark = c.mark();
    const theirs = await carol.requestDeviceVerification(alice.userId, deviceId);
    const incoming = await flowEvent(carol.userId, 'requested', mark);
    assert.equal(incoming.we_started, false);
    assert.equal(incoming.device_id, carolDevice);
    assert.equal(incoming.transaction_id, theirs.transactionId);

    const accepted = await c.request('accept_verification', { user_id: carol.userId, transaction_id: incoming.transaction_id });
    assert.equal(accepted.phase, 'ready');
    await carol.waitForPhase(theirs, VerificationPhase.Ready);
    // The peer starts the comparison; Lattice accepts it by itself, as the user already accepted the request.
    const shown = await carol.sas(theirs, true);
    const ours = await flowEvent(carol.userId, 'sas', mark);
    assertSameEmoji(ours, shown.emoji);

    await shown.callbacks.confirm();
    const confirmed = await c.request('confirm_sas', { user_id: carol.userId, transaction_id: incoming.transaction_id });
    assert.ok(['confirmed', 'done'].includes(confirmed.phase), confirmed.phase);
    await shown.done;
    await flowEvent(carol.userId, 'done', mark);
    assert.equal(await carol.trustsDevice(alice.userId, deviceId), true);
    const info = await c.request('get_profile_encryption_info', { user_id: carol.userId });
    assert.equal(info.devices.find((d) => d.device_id === carolDevice)?.trust_state, 'verified');
  });

  it('verifies a device again right after a verification with it: the peer asking, then Lattice', async () => {
    const bobDevice = bob.client.getDeviceId()!;
    const mark = c.mark();
    const theirs = await bob.requestDeviceVerification(alice.userId, deviceId);
    const incoming = await flowEvent(bob.userId, 'requested', mark);
    assert.equal(incoming.device_id, bobDevice);
    await c.request('accept_verification', { user_id: bob.userId, transaction_id: incoming.transaction_id });
    await bob.waitForPhase(theirs, VerificationPhase.Ready);
    const shown = await bob.sas(theirs, true);
    const ours = await flowEvent(bob.userId, 'sas', mark);
    assertSameEmoji(ours, shown.emoji);
    await shown.callbacks.confirm();
    await c.request('confirm_sas', { user_id: bob.userId, transaction_id: incoming.transaction_id });
    await shown.done;
    await flowEvent(bob.userId, 'done', mark);

    // Lattice asks again straight after: its engine still holds the finished request (it lets go of it only when
    // it processes a sync), which used to cancel the new one at birth.
    const mark2 = c.mark();
    const asked = await c.request('request_verification', { user_id: bob.userId, device_id: bobDevice });
    assert.equal(asked.phase, 'created', JSON.stringify(asked.cancel));
    const again = await bob.waitForVerificationRequest(alice.userId);
    await again.accept();
    await flowEvent(bob.userId, 'ready', mark2);
    await c.request('cancel_verification', { user_id: bob.userId, transaction_id: asked.transaction_id });
    await bob.waitForPhase(again, VerificationPhase.Cancelled);
  });

  it('cancels mid-way with a reason both sides see', async () => {
    const mark = c.mark();
    const theirs = await dave.requestDeviceVerification(alice.userId, deviceId);
    const incoming = await flowEvent(dave.userId, 'requested', mark);
    await c.request('accept_verification', { user_id: dave.userId, transaction_id: incoming.transaction_id });
    await dave.waitForPhase(theirs, VerificationPhase.Ready);
    const shown = await dave.sas(theirs, true);
    await flowEvent(dave.userId, 'sas', mark);

    // The user says the emoji differ.
    const cancelled = await c.request('cancel_verification', { user_id: dave.userId, transaction_id: incoming.transaction_id, reason: 'mismatch' });
    assert.equal(cancelled.phase, 'cancelled');
    assert.equal(cancelled.cancel?.code, 'm.mismatched_sas');
    assert.equal(cancelled.cancel?.by_us, true);
    assert.ok(cancelled.cancel?.reason);
    await assert.rejects(shown.done);
    await dave.waitForPhase(theirs, VerificationPhase.Cancelled);
    assert.equal(theirs.cancellationCode, 'm.mismatched_sas');

    // And the other way: the peer cancels, Lattice is told why.
    const mark2 = c.mark();
    const again = await dave.requestDeviceVerification(alice.userId, deviceId);
    const second = await flowEvent(dave.userId, 'requested', mark2);
    await again.cancel();
    const theirCancel = await c.waitForEvent('verification_update',
      (f) => f.transaction_id === second.transaction_id && f.phase === 'cancelled', WAIT_MS, mark2);
    assert.equal(theirCancel.cancel?.by_us, false);
    assert.equal(theirCancel.cancel?.code, 'm.user');
  });

  it('reports a user\'s cross-signing identity, pushes a change of it, and accepts the new key on trust', async () => {
    const bobDevice = bob.client.getDeviceId()!;
    const poll = async (what: string, ok: (i: ProfileEncryptionInfo) => boolean): Promise<ProfileEncryptionInfo> => {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const info = await c.request('get_profile_encryption_info', { user_id: bob.userId });
        if (ok(info)) return info;
        if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(info)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const identityEvent = (since: number, ok: (u: UserIdentityUpdate) => boolean) =>
      c.waitForEvent('user_identity_update', (u) => u.user_id === bob.userId && ok(u), WAIT_MS, since);
    let mark = c.mark();
    await bob.resetCrossSigning();
    // First seen: trusted on first use; the device Lattice verified directly stays `verified`.
    const first = await poll('the first identity', (i) => i.master_key !== '');
    assert.equal(first.first_master_key, first.master_key);
    assert.equal(first.identity_changed, false);
    assert.equal(first.errors, null);
    assert.equal(first.devices.find((d) => d.device_id === bobDevice)?.trust_state, 'verified');
    const seen = await identityEvent(mark, (u) => u.master_key === first.master_key);
    assert.equal(seen.identity_changed, false);

    // A new identity: pushed to the frontend and reported as changed until accepted.
    mark = c.mark();
    await bob.resetCrossSigning();
    const pushed = await identityEvent(mark, (u) => u.identity_changed);
    assert.notEqual(pushed.master_key, first.master_key);
    assert.equal(pushed.user_trusted, false);
    const changed = await c.request('get_profile_encryption_info', { user_id: bob.userId });
    assert.equal(changed.master_key, pushed.master_key);
    assert.equal(changed.identity_changed, true);
    assert.equal(changed.first_master_key, '');
    assert.ok(changed.errors?.some((e) => /identity has changed/.test(e)), String(changed.errors));

    // gomuks' reset_master_key_tofu: the key the user was shown is accepted; an older one is refused in words.
    await assert.rejects(c.request('reset_master_key_tofu', { user_id: bob.userId, master_key: first.master_key }), /changed again/);
    assert.equal((await c.request('get_profile_encryption_info', { user_id: bob.userId })).identity_changed, true, 'nothing accepted');
    const accepted = await c.request('reset_master_key_tofu', { user_id: bob.userId, master_key: changed.master_key });
    assert.equal(accepted.identity_changed, false);
    assert.equal(accepted.master_key, changed.master_key);
    assert.equal(accepted.first_master_key, accepted.master_key);
    assert.equal(accepted.errors, null);
    assert.equal(accepted.devices.find((d) => d.device_id === bobDevice)?.trust_state, 'verified', 'verified directly, so still verified');

    // Once more, accepted with Lattice's own command (which needs no key).
    mark = c.mark();
    await bob.resetCrossSigning();
    await identityEvent(mark, (u) => u.identity_changed && u.master_key !== accepted.master_key);
    assert.equal(await c.request('pin_user_identity', { user_id: bob.userId }), true);
    const pinned = await c.request('get_profile_encryption_info', { user_id: bob.userId });
    assert.equal(pinned.identity_changed, false);
    assert.equal(pinned.first_master_key, pinned.master_key);
    assert.equal(pinned.errors, null);
  });

  it('verifies a user in their DM', async () => {
    const dm = dms.get(bob)!;
    // The room is known to Lattice (its DM list may not say so yet, so it is named).
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm], WAIT_MS);
    const mark = c.mark();
    const asked = await c.request('request_verification', { user_id: bob.userId, room_id: dm });
    assert.equal(asked.room_id, dm);
    const theirs = await bob.waitForVerificationRequest(alice.userId);
    assert.equal(theirs.roomId, dm);
    await theirs.accept();
    await flowEvent(bob.userId, 'ready', mark);
    await c.request('start_sas', { user_id: bob.userId, transaction_id: asked.transaction_id });
    const shown = await bob.sas(theirs, false);
    const ours = await flowEvent(bob.userId, 'sas', mark);
    assertSameEmoji(ours, shown.emoji);
    await c.request('confirm_sas', { user_id: bob.userId, transaction_id: asked.transaction_id });
    await shown.callbacks.confirm();
    await shown.done;
    await flowEvent(bob.userId, 'done', mark);
    assert.equal(await bob.trustsDevice(alice.userId, deviceId), true);
  });

  it('refuses commands on unknown flows and devices in words', async () => {
    await assert.rejects(c.request('confirm_sas', { user_id: bob.userId, transaction_id: 'nope' }), /no verification nope/);
    await assert.rejects(c.request('request_verification', { user_id: bob.userId, device_id: 'NOSUCHDEVICE' }), /no device NOSUCHDEVICE/);
  });

  it('loses nothing across a restart and a kill -9 mid-conversation', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lattice-verify-crash-'));
    roots.push(root);
    // A second Lattice device of alice's, in its own process.
    let child = new ChildBackend(root);
    const started: ChildBackend[] = [child];
    try {
      await child.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
      const state = (await child.waitFor((e) => e.command === 'client_state' && !!(e.data as ClientState).device_id, WAIT_MS, 'login')).data as ClientState;
      const childDevice = state.device_id!;
      const dm = await bob.createEncryptedDm(alice.userId);
      await new MatrixPeer(hs.baseUrl, alice).join(dm);
      await bob.waitForJoin(dm, alice.userId);
      await bob.waitForDevice(alice.userId, childDevice);

      const fromPeer: string[] = [];
      const fromLattice: string[] = [];
      const peerSays = async (body: string) => { fromPeer.push(body); await bob.sendText(dm, body); };
      const latticeSays = async (b: ChildBackend, body: string) => {
        fromLattice.push(body);
        await b.request('send_message', { room_id: dm, text: body }, WAIT_MS);
      };
      /** Every message so far, read back from Lattice's database decrypted, and from the peer. */
      const allReadable = async (b: ChildBackend) => {
        const deadline = Date.now() + WAIT_MS;
        let missing: string[] = [];
        for (;;) {
          const page = await b.request('paginate', { room_id: dm, limit: 200 }) as PaginationResponse;
          const bodies = new Set(page.events.map((e: Event) => e.decrypted?.body));
          missing = [...fromPeer, ...fromLattice].filter((m) => !bodies.has(m));
          if (missing.length === 0) break;
          if (Date.now() > deadline) assert.fail(`not readable in Lattice: ${missing.join(', ')}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        for (const m of fromLattice) await bob.waitForDecrypted(dm, m);
      };

      await child.waitFor((e) => e.command === 'sync_complete' && !!(e.data as { rooms?: Record<string, unknown> }).rooms?.[dm], WAIT_MS, 'the DM in Lattice');
      await peerSays('before 1');
      await latticeSays(child, 'before 2');
      await allReadable(child);

      // A normal restart, with the peer writing while Lattice is down.
      await child.stop();
      await peerSays('while stopped');
      child = new ChildBackend(root);
      started.push(child);
      await latticeSays(child, 'after the restart');
      await allReadable(child);

      // A crash in the middle of traffic both ways: messages in flight from both sides, then SIGKILL.
      const burst = [peerSays('burst 1'), peerSays('burst 2'), latticeSays(child, 'burst 3'), latticeSays(child, 'burst 4'), peerSays('burst 5')];
      await Promise.all(burst);
      await child.kill();
      await peerSays('while crashed');
      child = new ChildBackend(root);
      started.push(child);
      const again = (await child.waitFor((e) => e.command === 'client_state' && (e.data as ClientState).is_logged_in, WAIT_MS, 'session')).data as ClientState;
      assert.equal(again.device_id, childDevice, 'the same device after the crash');
      await latticeSays(child, 'after the crash');
      await peerSays('after the crash too');
      await allReadable(child);
      const page = await child.request('paginate', { room_id: dm, limit: 200 }) as PaginationResponse;
      assert.deepEqual(page.events.filter((e) => e.type === 'm.room.encrypted' && e.decryption_error).map((e) => e.decryption_error), []);
    } finally {
      for (const b of started) if (b.proc.exitCode === null && b.proc.signalCode === null) await b.kill();
    }
  });
});
