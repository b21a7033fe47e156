/**
 * End-to-end encryption against an independent client: Lattice (the backend in its worker thread, keys in a real
 * Secret Service) and matrix-js-sdk with its Rust crypto exchange messages both ways in an encrypted DM through a
 * real Synapse, sends it encrypted to-device messages, and a backend restart mid-conversation loses nothing: the
 * same device keeps its keys, old messages stay readable, new ones decrypt on both sides.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { startWorkerBackend } from '../harness/worker-backend.ts';

const WAIT_MS = 60_000;

/** An event in a sync_complete diff whose decrypted body is `body`. */
const decryptedIn = (roomId: string, body: string) => (d: SyncComplete): boolean =>
  !!d.rooms?.[roomId]?.events?.some((e) => e.type === 'm.room.encrypted' && e.decrypted?.body === body);

function findDecrypted(events: Event[], body: string): Event | undefined {
  return events.find((e) => e.decrypted?.body === body);
}

describe('end-to-end encryption with matrix-js-sdk', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: JsSdkPeer;
  let root: string;

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    root = mkdtempSync(path.join(tmpdir(), 'lattice-e2ee-'));
  });
  after(async () => {
    bob?.stop();
    await hs?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('exchanges messages both ways in an encrypted DM, and a restart loses nothing', async () => {
    let b = await startWorkerBackend(root);
    try {
      await b.client.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
      const state = await b.client.waitForEvent('client_state', (s) => s.is_logged_in && !!s.device_id);
      const deviceId = state.device_id!;
      await b.client.waitForEvent('init_complete', () => true, WAIT_MS);

      const dm = await bob.createEncryptedDm(alice.userId);
      await new MatrixPeer(hs.baseUrl, alice).join(dm);
      await bob.waitForJoin(dm, alice.userId);
      await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm]?.meta?.encryption_event, WAIT_MS);
      // Lattice uploaded its device keys when its store opened; the peer encrypts for every device it knows.
      await bob.waitForDevice(alice.userId, deviceId);

      // The peer → Lattice: decrypted at ingest, stored with the ciphertext as content and the cleartext beside it.
      await bob.sendText(dm, 'hello from the peer');
      const got = await b.client.waitForEvent('sync_complete', decryptedIn(dm, 'hello from the peer'), WAIT_MS);
      const ev = findDecrypted(got.rooms![dm].events!, 'hello from the peer')!;
      assert.equal(ev.decrypted_type, 'm.room.message');
      assert.equal(typeof ev.content.ciphertext, 'string');
      assert.equal(ev.decryption_error, undefined);

      // Lattice → the peer: typing shares the key ahead, then the message goes out as m.room.encrypted.
      assert.equal(await b.client.request('ensure_group_session_shared', { room_id: dm }), true);
      await b.client.request('send_message', { room_id: dm, text: 'hello from **Lattice**' });
      const done = await b.client.waitForEvent('send_complete', (c) => c.event.room_id === dm, WAIT_MS);
      assert.equal(done.error, null);
      const seen = await bob.waitForDecrypted(dm, 'hello from **Lattice**');
      assert.equal(seen.isEncrypted(), true);
      assert.match(String(seen.getContent().formatted_body), /<strong>Lattice<\/strong>/);
      // The remote echo replaced the local echo's row: encrypted on the wire, readable here.
      await b.client.waitForEvent('sync_complete', decryptedIn(dm, 'hello from **Lattice**'), WAIT_MS);

      // An encrypted to-device message (gomuks' send_to_device with `encrypted`): Olm-encrypted for the peer's
      // device, which decrypts it; `*` reaches each of its devices; a device Lattice has no keys for is refused.
      const bobDevice = bob.client.getDeviceId()!;
      assert.deepEqual(await b.client.request('send_to_device', {
        event_type: 'org.lattice.secret', encrypted: true, messages: { [bob.userId]: { [bobDevice]: { n: 7 } } },
      }), {});
      const secret = await bob.waitForToDevice('org.lattice.secret');
      assert.deepEqual(secret.message.content, { n: 7 });
      assert.equal(secret.message.sender, alice.userId);
      assert.ok(secret.encryptionInfo, 'it travelled encrypted');
      await b.client.request('send_to_device', { event_type: 'org.lattice.everyone', encrypted: true, messages: { [bob.userId]: { '*': { n: 8 } } } });
      assert.deepEqual((await bob.waitForToDevice('org.lattice.everyone')).message.content, { n: 8 });
      await assert.rejects(b.client.request('send_to_device', { event_type: 'x.y', encrypted: true, messages: { [bob.userId]: { NOSUCHDEVICE: {} } } }),
        /no device NOSUCHDEVICE with encryption keys/);

      // `/unencrypted` sends in the clear even here.
      await b.client.request('send_message', { room_id: dm, text: '/unencrypted in the clear' });
      const clear = await b.client.waitForEvent('send_complete', (c) => c.event.content.body === 'in the clear', WAIT_MS);
      assert.equal(clear.error, null);
      await bob.waitForDecrypted(dm, 'in the clear');
      assert.equal(bob.client.getRoom(dm)!.getLiveTimeline().getEvents().find((e) => e.getContent().body === 'in the clear')!.isEncrypted(), false);

      // Restart mid-conversation; the peer writes while Lattice is down.
      await b.stop();
      await bob.sendText(dm, 'written while Lattice was down');
      b = await startWorkerBackend(root);
      const again = await b.client.waitForEvent('client_state', (s) => s.is_logged_in);
      assert.equal(again.device_id, deviceId, 'the same device after a restart');
      await b.client.waitForEvent('sync_complete', decryptedIn(dm, 'written while Lattice was down'), WAIT_MS);

      // Nothing stored was lost: history from the database still reads decrypted.
      const page = await b.client.request('paginate', { room_id: dm, limit: 50 });
      for (const body of ['hello from the peer', 'hello from **Lattice**', 'written while Lattice was down']) {
        assert.ok(findDecrypted(page.events, body), `"${body}" is stored decrypted`);
      }
      assert.ok(page.events.every((e) => e.type !== 'm.room.encrypted' || e.decryption_error === undefined));

      // The same identity keys: the peer still decrypts what Lattice sends.
      await b.client.request('send_message', { room_id: dm, text: 'after the restart' });
      await bob.waitForDecrypted(dm, 'after the restart');

      // Signing out deletes the device's keys with it.
      const data = resolveDataPaths({ LATTICE_ROOT: root }).data;
      assert.ok(existsSync(path.join(data, 'crypto.db')));
      assert.equal(await b.client.request('logout', {}), true);
      assert.equal(existsSync(path.join(data, 'crypto.db')), false, 'crypto.db deleted on sign-out');

    } finally {
      await b.stop();
    }
  });
});
