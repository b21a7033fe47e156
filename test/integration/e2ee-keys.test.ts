/**
 * Keys that arrive late, group rooms, history visibility and encrypted attachments, against independent clients:
 * Lattice (a backend in this process) and matrix-js-sdk peers with their Rust crypto, through a real Synapse.
 *
 * The late key is engineered without timing: Lattice's homeserver traffic goes through a fetch that can hold back
 * the encrypted to-device events of /sync responses (where room keys travel) and hand them over in a later
 * response (test/harness/to-device-gate.ts), so Lattice stores the peer's message before it has the key, exactly as
 * when a key is slow to come.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as sdk from 'matrix-js-sdk';
import { logger as sdkGlobalLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Event, EventsDecrypted, SyncComplete } from '../../src/shared/rpc/index.ts';
import { mxcToPath, parseMediaPath } from '../../src/shared/rpc/media.ts';
import type { EncryptedFileInfo } from '../../src/main/backend/media/attachment-crypto.ts';
import { decodeRecoveryKey } from '../../src/main/backend/crypto/secret-storage-crypto.ts';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { JsSdkPeer, loginNewDevice } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import { toDeviceGate, type ToDeviceEvent } from '../harness/to-device-gate.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { webDecrypt, webEncrypt } from '../harness/web-attachments.ts';

const WAIT_MS = 60_000;
// Parts of the SDK log every send through its global logger (a loglevel instance), not the client's own.
(sdkGlobalLogger as unknown as { setLevel(level: string): void }).setLevel('error');


/** The to-device events waiting for a device that has never synced (its first /sync hands them all over). */
async function pendingToDevice(baseUrl: string, user: TestUser): Promise<ToDeviceEvent[]> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3/sync?timeout=0`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { to_device?: { events?: ToDeviceEvent[] } }).to_device?.events ?? [];
}

const eventIn = (roomId: string, pred: (e: Event) => boolean) => (d: SyncComplete): boolean =>
  !!d.rooms?.[roomId]?.events?.some(pred);
const decryptedBody = (body: string) => (e: Event): boolean => e.type === 'm.room.encrypted' && e.decrypted?.body === body;

/** An encrypted room the peer creates, with these members invited. */
async function createEncryptedRoom(peer: JsSdkPeer, invite: string[], historyVisibility: string): Promise<string> {
  const { room_id: roomId } = await peer.client.createRoom({
    invite, preset: sdk.Preset.PrivateChat, name: `group ${historyVisibility}`,
    initial_state: [
      { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
      { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: historyVisibility } },
    ],
  });
  return roomId;
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('end-to-end encryption: late keys, group rooms, attachments', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: JsSdkPeer;
  let carol: JsSdkPeer;
  let lattice: BackendSession;
  const gate = toDeviceGate();
  let deviceId: string;
  let group: string;

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    carol = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    lattice = await signedInBackend(hs.baseUrl, 'alice', 'alice-password', { fetch: gate.fetch });
    deviceId = (await lattice.client.waitForEvent('client_state', (s) => !!s.device_id)).device_id!;

    // The group: Bob creates it, Lattice (Alice) and Carol join; everyone's devices known to everyone.
    group = await createEncryptedRoom(bob, [alice.userId, carol.userId], 'shared');
    await new MatrixPeer(hs.baseUrl, alice).join(group);
    await carol.client.joinRoom(group);
    await bob.waitForJoin(group, alice.userId);
    await bob.waitForJoin(group, carol.userId);
    await lattice.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[group]?.meta?.encryption_event, WAIT_MS);
    await bob.waitForDevice(alice.userId, deviceId);
    await carol.waitForDevice(alice.userId, deviceId);
  });
  after(async () => {
    await lattice?.stop();
    bob?.stop();
    carol?.stop();
    await hs?.stop();
  });

  it('exchanges messages both ways in a group room of three, and push rules see the cleartext', async () => {
    await lattice.client.request('send_message', { room_id: group, text: 'hello group from Lattice' });
    const sent = await lattice.client.waitForEvent('send_complete', (c) => c.event.room_id === group, WAIT_MS);
    assert.equal(sent.error, null);
    await bob.waitForDecrypted(group, 'hello group from Lattice');
    await carol.waitForDecrypted(group, 'hello group from Lattice');

    await bob.sendText(group, 'hello from Bob');
    // Mentioning Alice by her display name: only the decrypted text can say so, so a highlight proves the push
    // rules saw the cleartext at sync.
    await carol.sendText(group, 'Alice, hello from Carol');
    const fromBob = await lattice.client.waitForEvent('sync_complete', eventIn(group, decryptedBody('hello from Bob')), WAIT_MS);
    assert.equal(fromBob.rooms![group].events!.find(decryptedBody('hello from Bob'))!.decryption_error, undefined);
    const fromCarol = await lattice.client.waitForEvent('sync_complete', eventIn(group, decryptedBody('Alice, hello from Carol')), WAIT_MS);
    const mention = fromCarol.rooms![group].events!.find(decryptedBody('Alice, hello from Carol'))!;
    assert.ok(((mention.unread_type ?? 0) & 4) !== 0, `highlighted (unread_type ${mention.unread_type})`);
  });

  it('stores a message whose key is late with its error, and decrypts it in place when the key arrives', async () => {
    // A new megolm session, so its key has to travel to Lattice's device again (and is held back on the way).
    await bob.client.getCrypto()!.forceDiscardSession(group);
    gate.hold();
    try {
      await lateKey();
    } finally {
      gate.release();
    }
  });

  async function lateKey(): Promise<void> {
    await bob.sendText(group, 'Alice, this came before its key');
    const failed = await lattice.client.waitForEvent('sync_complete',
      eventIn(group, (e) => e.type === 'm.room.encrypted' && e.sender === bob.userId && !!e.decryption_error), WAIT_MS);
    const stored = failed.rooms![group].events!.find((e) => e.sender === bob.userId && !!e.decryption_error)!;
    assert.match(stored.decryption_error!, /has not arrived/);
    assert.equal(stored.decrypted, undefined);
    assert.ok(gate.heldCount > 0, 'the room key was held back');
    const search = { search_term: 'before its key', room_ids: [group] };
    assert.equal((await lattice.client.request('search_local', search)).events.length, 0);

    // Asking again (only this account's verified devices are asked, when it has any; here it has none).
    const sessionId = (stored.content as { session_id: string }).session_id;
    assert.equal(await lattice.client.request('rerequest_session', { room_id: group, session_id: sessionId, sender: bob.userId }), true);
    assert.equal((await lattice.client.request('get_event', { room_id: group, event_id: stored.event_id })).decryption_error,
      stored.decryption_error, 'still waiting for the key');

    // The key arrives (the next /sync response carries it; Carol's message wakes the long poll).
    const mark = lattice.client.mark();
    gate.release();
    await carol.sendText(group, 'waking the sync');
    const done = await lattice.client.waitForEvent('events_decrypted',
      (d: EventsDecrypted) => d.room_id === group && d.events.some((e) => e.rowid === stored.rowid && !!e.decrypted), WAIT_MS, mark);
    const ev = done.events.find((e) => e.rowid === stored.rowid)!;
    assert.equal(ev.decrypted?.body, 'Alice, this came before its key');
    assert.equal(ev.decrypted_type, 'm.room.message');
    assert.equal(ev.decryption_error, undefined);
    assert.equal(ev.timeline_rowid, stored.timeline_rowid, 'updated in place');
    assert.ok(((ev.unread_type ?? 0) & 4) !== 0, `the mention now highlights (unread_type ${ev.unread_type})`);
    // The room's counters follow, in a sync_complete carrying the room row.
    await lattice.client.waitForEvent('sync_complete', (d) => (d.rooms?.[group]?.meta?.unread_highlights ?? 0) > 0, WAIT_MS, mark);

    // Stored that way: history, search and the single-event read all see the cleartext.
    const page = await lattice.client.request('paginate', { room_id: group, limit: 50 });
    assert.equal(page.events.find((e) => e.rowid === stored.rowid)?.decrypted?.body, 'Alice, this came before its key');
    const found = await lattice.client.request('search_local', search);
    assert.deepEqual(found.events.map((e) => e.rowid), [stored.rowid]);
    const one = await lattice.client.request('get_event', { room_id: group, event_id: stored.event_id });
    assert.equal(one.decryption_error, undefined);
    // Asking again for a key that is here now is harmless.
    assert.equal(await lattice.client.request('rerequest_session', { room_id: group, session_id: sessionId, sender: bob.userId }), true);
  }

  it('asks only this account\'s verified devices for a missing key, and decrypts with the key one of them forwards', async () => {
    // Cross-signing for Alice, set up by Lattice; a second device of hers (the SDK) cross-signs itself from secret
    // storage, so each trusts the other. A third device of hers is never verified.
    const gen = await lattice.client.request('generate_recovery_key', {});
    await lattice.client.request('reset_encryption', { recovery_key: gen.recovery_key, account_password: alice.password });
    const key = new Uint8Array(decodeRecoveryKey(gen.recovery_key)!);
    const other = await JsSdkPeer.start(hs.baseUrl, await loginNewDevice(hs.baseUrl, alice), {
      getSecretStorageKey: ({ keys }) => Promise.resolve([Object.keys(keys)[0], key]),
    });
    const unverified = await loginNewDevice(hs.baseUrl, alice);
    try {
      await other.crossSignFromSecretStorage();
      const otherDevice = other.client.getDeviceId()!;
      await until(async () => (await lattice.client.request('get_own_devices', {})).encryption.devices
        .find((d) => d.device_id === otherDevice)?.trust_state === 'cross-signed-verified', 'Lattice trusting Alice\'s other device');
      await bob.waitForDevice(alice.userId, otherDevice);

      // Bob's key for a new session reaches Alice's other device but not Lattice's.
      await bob.client.getCrypto()!.forceDiscardSession(group);
      gate.hold(bob.userId);
      const mark = lattice.client.mark();
      await bob.sendText(group, 'Alice, your other device has the key');
      await other.waitForDecrypted(group, 'Alice, your other device has the key');
      const failed = await lattice.client.waitForEvent('sync_complete',
        eventIn(group, (e) => e.sender === bob.userId && !!e.decryption_error), WAIT_MS, mark);
      const stored = failed.rooms![group].events!.find((e) => e.sender === bob.userId && !!e.decryption_error)!;
      const sessionId = (stored.content as { session_id: string }).session_id;
      assert.equal(await lattice.client.request('rerequest_session', { room_id: group, session_id: sessionId, sender: bob.userId }), true);

      // The verified device forwards it, and the stored event is decrypted in place.
      const done = await lattice.client.waitForEvent('events_decrypted',
        (d) => d.room_id === group && d.events.some((e) => e.rowid === stored.rowid && !!e.decrypted), WAIT_MS, mark);
      assert.equal(done.events.find((e) => e.rowid === stored.rowid)!.decrypted?.body, 'Alice, your other device has the key');
      assert.ok(gate.heldCount > 0, 'Bob\'s own key was held back all along');
      // The unverified device was never asked (the engine would have asked every device of Alice's).
      const toUnverified = await pendingToDevice(hs.baseUrl, unverified);
      assert.deepEqual(toUnverified.filter((e) => e.type === 'm.room_key_request'), []);
    } finally {
      gate.release();
      other.stop();
    }
  });

  it('lets a member who joins later read only what history visibility allows', async () => {
    const dave = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('dave', 'dave-password', { displayname: 'Dave' }));
    try {
      const room = await createEncryptedRoom(bob, [alice.userId], 'joined');
      await new MatrixPeer(hs.baseUrl, alice).join(room);
      await bob.waitForJoin(room, alice.userId);
      await lattice.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.meta?.encryption_event, WAIT_MS);
      await lattice.client.request('send_message', { room_id: room, text: 'before Dave joined' });
      await bob.waitForDecrypted(room, 'before Dave joined');

      await bob.client.invite(room, dave.userId);
      await dave.client.joinRoom(room);
      await bob.waitForJoin(room, dave.userId);
      await lattice.client.waitForEvent('sync_complete', eventIn(room, (e) => e.type === 'm.room.member' && e.state_key === dave.userId && e.content.membership === 'join'), WAIT_MS);
      await lattice.client.request('send_message', { room_id: room, text: 'after Dave joined' });
      await dave.waitForDecrypted(room, 'after Dave joined');

      // What was said before he joined stays unreadable to him, even after asking the server for history.
      const timeline = dave.client.getRoom(room)!.getLiveTimeline();
      while (await dave.client.paginateEventTimeline(timeline, { backwards: true, limit: 50 })) { /* to the start he may see */ }
      const events = dave.client.getRoom(room)!.getLiveTimeline().getEvents();
      assert.ok(!events.some((e) => e.getContent().body === 'before Dave joined'), 'the earlier message is not readable');
      assert.ok(events.some((e) => e.getContent().body === 'after Dave joined'));
    } finally {
      dave.stop();
    }
  });

  it('decrypts an image the peer sent through the media route, and the peer decrypts one Lattice uploaded', async () => {
    // The peer → Lattice: encrypted with WebCrypto, uploaded as opaque bytes, the key only inside the message.
    const png = solidPng(4, 3, [200, 30, 60]);
    const { ciphertext, file } = await webEncrypt(png);
    const { content_uri: url } = await bob.client.uploadContent(new Blob([new Uint8Array(ciphertext)]), { type: 'application/octet-stream', includeFilename: false });
    await bob.client.sendMessage(group, {
      msgtype: 'm.image', body: 'red.png', info: { mimetype: 'image/png', size: png.length, w: 4, h: 3 }, file: { ...file, url },
    } as never);
    await lattice.client.waitForEvent('sync_complete', eventIn(group, (e) => e.decrypted?.body === 'red.png'), WAIT_MS);

    const req = parseMediaPath(mxcToPath(url)!, new URLSearchParams('encrypted=true'));
    assert.ok(!('error' in req));
    const served = await lattice.backend.fetchMedia(req);
    assert.equal(served.status, 200, served.error);
    assert.equal(served.contentType, 'image/png');
    assert.deepEqual(Buffer.from(served.body), png);
    // Without encrypted=true the same URL is the ciphertext, never the image.
    const raw = await lattice.backend.fetchMedia(parseMediaPath(mxcToPath(url)!, new URLSearchParams()) as { server: string; mediaId: string });
    assert.deepEqual(Buffer.from(raw.body), ciphertext);
    const downloaded = await lattice.client.request('download_media', { mxc: url, encrypted: true });
    assert.deepEqual(readFileSync(downloaded.path), png);
    // As a chat export asks for it: decrypted, as an image (a fit is for thumbnails, which ciphertext has none of).
    const picture = await lattice.client.request('get_picture', { mxc: url, encrypted: true });
    assert.equal(picture.mimetype, 'image/png');
    assert.deepEqual(Buffer.from(picture.data, 'base64'), png);

    // Lattice → the peer: uploaded encrypted, sent in the encrypted room, decrypted by the peer on its own.
    const mine = solidPng(2, 2, [10, 220, 40]);
    const uploaded = await lattice.backend.uploadMedia(mine, { filename: 'green.png', contentType: 'image/png', encrypt: true });
    assert.equal(uploaded.url, undefined, 'no plain URL for an encrypted upload');
    assert.ok(uploaded.file);
    await lattice.client.request('send_message', { room_id: group, base_content: uploaded });
    let seen: sdk.MatrixEvent | undefined;
    await until(() => {
      seen = bob.client.getRoom(group)?.getLiveTimeline().getEvents().find((e) => e.getContent().body === 'green.png');
      return seen !== undefined;
    }, 'the image at the peer');
    assert.equal(seen!.isEncrypted(), true);
    const sentFile = seen!.getContent().file as EncryptedFileInfo & { url: string };
    const http = bob.client.mxcUrlToHttp(sentFile.url, undefined, undefined, undefined, false, true, true)!;
    const got = await fetch(http, { headers: { Authorization: `Bearer ${bob.client.getAccessToken()}` } });
    assert.equal(got.status, 200);
    const bytes = Buffer.from(await got.arrayBuffer());
    assert.notDeepEqual(bytes, mine, 'the server holds only ciphertext');
    assert.deepEqual(await webDecrypt(bytes, sentFile), mine);
  });
});
