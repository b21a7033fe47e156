/**
 * Bundled edits against a real Synapse, which bundles a message's latest m.replace (the whole event, Matrix 1.7)
 * with it. A loopback proxy holds Lattice's /sync while Bob writes a message, edits it and writes on, so the limited
 * sync that follows carries neither: the message comes later by get_event (as a reply's quote asks for it) or
 * get_event_context (a jump to it), with its edit only in the bundle. Lattice shows the edited text: the message is
 * answered with the bundled edit as its latest edit, stored (and listed among its edits), and a diff carries both so
 * the timeline has the edit. Another sender's replacement is not taken. In an encrypted DM with matrix-js-sdk as the
 * sender, the bundled edit comes decrypted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

const SYNC = /\/v3\/sync\b/;
const WAIT = 30_000;
/** More events than a sync's timeline holds (50): the ones before the last 50 fall into the gap. */
const GAP = 60;
/** Messages between a message and its edit, so a small context around the message leaves the edit out. */
const BETWEEN = 4;

describe('bundled edits against Synapse', () => {
  let hs: SynapseServer;
  let proxy: TestProxy;
  let s: BackendSession;
  let bob: MatrixPeer;
  let alicePeer: MatrixPeer;
  let room: string;

  const replace = (peer: MatrixPeer, target: string, body: string) => peer.sendEvent(room, 'm.room.message', {
    msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body },
    'm.relates_to': { rel_type: 'm.replace', event_id: target },
  });
  const fillers = async (send: (body: string) => Promise<string>, count: number, tag: string) => {
    let last = '';
    for (let i = 0; i < count; i++) last = await send(`${tag} ${i}`);
    return last;
  };
  /** The diff after `mark` that carries `eventId`'s message in `roomId`, if one came. */
  const diffWith = (roomId: string, eventId: string, mark: number) => s.client.received.slice(mark)
    .filter((env) => env.command === 'sync_complete')
    .map((env) => (env.data as SyncComplete).rooms?.[roomId]?.events ?? [])
    .find((events) => events.some((e) => e.event_id === eventId));

  /** While Lattice's /sync is held, `act` runs; the sync that follows carries only the last 50 events of the room. */
  async function inGap(roomId: string, act: () => Promise<string>): Promise<void> {
    proxy.hold(SYNC);
    await proxy.held();
    const last = await act();
    const mark = s.client.mark();
    proxy.release();
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[roomId]?.events?.some((e) => e.event_id === last), WAIT, mark);
  }
  const notStored = async (roomId: string, eventId: string) => {
    const related = await s.client.request('get_related_events', { room_id: roomId, event_id: eventId, relation_type: 'm.replace' });
    assert.deepEqual(related, [], 'the gap is real: no edit of the message is stored');
  };

  before(async () => {
    hs = await startSynapse();
    proxy = await startProxy(hs.baseUrl);
    const aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, aliceUser);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    await hs.disableRateLimits(bob.userId);
    room = await bob.createRoom({ name: 'Bundles', invite: [aliceUser.userId] });
    await alicePeer.join(room);
    s = await signedInBackend(proxy.url, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
    await proxy?.close();
    await hs?.stop();
  });

  let lunch: string;
  let lunchEdit: string;
  let tea: string;
  let teaEdit: string;
  let hijacked: string;

  it('fills the gap: messages whose edits Lattice never received as events', async () => {
    const send = (body: string) => bob.sendText(room, body);
    await inGap(room, async () => {
      lunch = await send('Lunch at noon');
      await fillers(send, BETWEEN, 'before lunch edit');
      lunchEdit = await replace(bob, lunch, 'Lunch at one');
      tea = await send('Tea at four');
      await fillers(send, BETWEEN, 'before tea edit');
      teaEdit = await replace(bob, tea, 'Tea at five');
      // Alice replacing Bob's message: no version of it (the server should not bundle it either).
      hijacked = await send('Dinner at six');
      await replace(alicePeer, hijacked, 'Dinner is cancelled');
      return fillers(send, GAP, 'filler');
    });
    await notStored(room, lunch);
    await notStored(room, tea);
  });

  it('get_event answers the message with its bundled edit as its latest, stored, and diffs both', async () => {
    const mark = s.client.mark();
    const msg = await s.client.request('get_event', { room_id: room, event_id: lunch });
    assert.ok(msg.last_edit_rowid, 'the message has a latest edit');
    const edit = await s.client.request('get_event_by_rowid', { event_rowid: msg.last_edit_rowid });
    assert.equal(edit.event_id, lunchEdit);
    assert.deepEqual(edit.content['m.new_content'], { msgtype: 'm.text', body: 'Lunch at one' });
    assert.equal(edit.timeline_rowid, 0, 'stored as fetched events are, in no timeline');
    assert.equal(edit.local_content?.was_plaintext, true);
    const related = await s.client.request('get_related_events', { room_id: room, event_id: lunch, relation_type: 'm.replace' });
    assert.deepEqual(related.map((e) => e.event_id), [lunchEdit]);

    const events = diffWith(room, lunch, mark);
    assert.ok(events, 'a diff carries the message, so the timeline shows it edited');
    assert.equal(events.find((e: Event) => e.event_id === lunch)?.last_edit_rowid, edit.rowid);
    assert.ok(events.some((e: Event) => e.event_id === lunchEdit), 'with its edit');
  });

  it('get_event_context answers the message with its bundled edit, though the edit is outside the context', async () => {
    const resp = await s.client.request('get_event_context', { room_id: room, event_id: tea, limit: 2 });
    const around = [...resp.before, ...resp.after].map((e) => e.event_id);
    assert.ok(!around.includes(teaEdit), 'the edit is not among the events around the message');
    assert.ok(resp.event?.last_edit_rowid);
    const edit = await s.client.request('get_event_by_rowid', { event_rowid: resp.event.last_edit_rowid });
    assert.equal(edit.event_id, teaEdit);
    assert.deepEqual(edit.content['m.new_content'], { msgtype: 'm.text', body: 'Tea at five' });
  });

  it('takes no other sender\'s replacement', async () => {
    const msg = await s.client.request('get_event', { room_id: room, event_id: hijacked });
    assert.equal(msg.last_edit_rowid, undefined);
    assert.equal(msg.content.body, 'Dinner at six');
  });

  it('decrypts the bundled edit of an encrypted message', async () => {
    const carol = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    try {
      const state = await s.client.request('get_state', {});
      const dm = await carol.createEncryptedDm(state.user_id!);
      await alicePeer.join(dm);
      await carol.waitForJoin(dm, state.user_id!);
      await carol.waitForDevice(state.user_id!, state.device_id!);
      let key = '';
      let drawer = '';
      await inGap(dm, async () => {
        key = await carol.sendText(dm, 'The key is at the desk');
        // Encrypted by the SDK, m.relates_to left in the clear as the spec has it (the server bundles by it).
        drawer = (await carol.client.sendEvent(dm, 'm.room.message' as never, {
          msgtype: 'm.text', body: '* The key is in the drawer', 'm.new_content': { msgtype: 'm.text', body: 'The key is in the drawer' },
          'm.relates_to': { rel_type: 'm.replace', event_id: key },
        } as never)).event_id;
        return fillers((body) => carol.sendText(dm, body), GAP, 'filler');
      });
      await notStored(dm, key);

      const mark = s.client.mark();
      const msg = await s.client.request('get_event', { room_id: dm, event_id: key });
      assert.equal(msg.decrypted?.body, 'The key is at the desk');
      assert.ok(msg.last_edit_rowid, 'the message has a latest edit');
      const edit = await s.client.request('get_event_by_rowid', { event_rowid: msg.last_edit_rowid });
      assert.equal(edit.event_id, drawer);
      assert.equal(edit.type, 'm.room.encrypted');
      assert.equal(typeof edit.content.ciphertext, 'string', 'stored as the server sent it');
      assert.deepEqual(edit.decrypted?.['m.new_content'], { msgtype: 'm.text', body: 'The key is in the drawer' });
      assert.equal(edit.decryption_error, undefined);
      const events = diffWith(dm, key, mark);
      assert.ok(events?.some((e: Event) => e.event_id === drawer && e.decrypted), 'the diff carries the edit decrypted');
    } finally {
      carol.stop();
    }
  });
});
