/**
 * get_edit_history against a real Synapse, behind a loopback proxy that holds Lattice's /sync while Bob edits, so the
 * next sync is limited and its gap swallows edits: the store lacks them (get_related_events shows it), and the edit
 * history still lists every one of Bob's, from the server's /relations (two pages of them), stored and deduplicated,
 * without Alice's replacement of his message. When the newest edit is the one in the gap, the message comes in a
 * diff with it, so the timeline shows its latest text. When the server cannot be reached (or does not offer
 * /relations), the stored edits are answered with the reason in words. In an encrypted DM with matrix-js-sdk, an
 * edit in the gap comes decrypted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import type { BackendSession } from '../harness/backend-session.ts';
import type { TestProxy } from '../harness/http-proxy.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { GAP, sendEdit, startSyncGapWorld, type SyncGapWorld } from '../harness/sync-gap.ts';
import type { SynapseServer } from '../harness/synapse.ts';

const WAIT = 30_000;

describe('edit history against Synapse, with a sync gap', () => {
  let hs: SynapseServer;
  let proxy: TestProxy;
  let s: BackendSession;
  let bob: MatrixPeer;
  let alicePeer: MatrixPeer;
  let room: string;
  let world: SyncGapWorld;

  const replace = (peer: MatrixPeer, target: string, body: string) => sendEdit(peer, room, target, body);
  const stored = async (target: string) => (await s.client.request('get_related_events', {
    room_id: room, event_id: target, relation_type: 'm.replace',
  })).map((e) => e.event_id);
  const hasEvent = (id: string) => (d: SyncComplete) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === id);
  const inGap = (act: () => Promise<string>, roomId?: string) => world.inGap(act, roomId);

  before(async () => {
    world = await startSyncGapWorld('Edits');
    ({ hs, proxy, s, alicePeer, bob, room } = world);
  });
  after(async () => {
    await world?.stop();
  });

  let lunch: string;
  let bobsEdits: string[];
  let hijack: string;

  it('lists the edits a limited sync skipped, from both pages of /relations, without Alice\'s, and stores them', async () => {
    const mark = s.client.mark();
    lunch = await bob.sendText(room, 'Lunch at noon');
    const first = await replace(bob, lunch, 'Lunch at one');
    await s.client.waitForEvent('sync_complete', hasEvent(first), WAIT, mark);
    bobsEdits = [first];
    await inGap(async () => {
      bobsEdits.push(await replace(bob, lunch, 'Lunch at two'));
      // By the spec no version of Bob's message: the server lists it, Lattice leaves it out.
      hijack = await replace(alicePeer, lunch, 'Lunch is cancelled');
      for (let i = 0; i < GAP; i++) bobsEdits.push(await replace(bob, lunch, `Lunch at two past ${i}`));
      return bobsEdits.at(-1)!;
    });
    const local = await stored(lunch);
    assert.ok(!local.includes(bobsEdits[1]), 'the gap is real: "Lunch at two" is not stored');
    assert.ok(local.length < bobsEdits.length);

    const relationsBefore = proxy.log.filter((l) => l.path.includes('/relations/')).length;
    const resp = await s.client.request('get_edit_history', { room_id: room, event_id: lunch });
    assert.equal(resp.from_server, true);
    assert.equal(resp.server_problem, undefined);
    const ids = resp.edits.map((e) => e.event_id);
    assert.deepEqual([...ids].sort(), [...bobsEdits].sort(), 'every edit of Bob\'s, each once, none of Alice\'s');
    assert.ok(!ids.includes(hijack));
    assert.deepEqual(resp.edits.map((e) => e.timestamp), resp.edits.map((e) => e.timestamp).sort((a, b) => a - b), 'oldest first');
    const two = resp.edits.find((e) => e.event_id === bobsEdits[1])!;
    assert.deepEqual(two.content['m.new_content'], { msgtype: 'm.text', body: 'Lunch at two' });
    assert.equal(two.timeline_rowid, 0, 'stored in no timeline, as fetched events are');
    const pages = proxy.log.filter((l) => l.path.includes('/relations/')).slice(relationsBefore);
    assert.ok(pages.length >= 2 && pages.slice(1).every((p) => /[?&]from=/.test(p.path)), `followed next_batch: ${pages.map((p) => p.path).join(', ')}`);

    // Stored: the database now has them, and asking again gives the same list.
    assert.ok((await stored(lunch)).includes(bobsEdits[1]));
    assert.equal((await s.client.request('get_event_by_rowid', { event_rowid: two.rowid })).event_id, bobsEdits[1]);
    const again = await s.client.request('get_edit_history', { room_id: room, event_id: lunch });
    assert.deepEqual(again.edits.map((e) => e.rowid), resp.edits.map((e) => e.rowid));
  });

  it('sends the message with its newest edit when that edit was in the gap', async () => {
    let mark = s.client.mark();
    const dinner = await bob.sendText(room, 'Dinner at six');
    await s.client.waitForEvent('sync_complete', hasEvent(dinner), WAIT, mark);
    let seven = '';
    await inGap(async () => {
      seven = await replace(bob, dinner, 'Dinner at seven');
      let last = '';
      for (let i = 0; i < GAP; i++) last = await bob.sendText(room, `filler ${i}`);
      return last;
    });
    assert.deepEqual(await stored(dinner), [], 'the edit fell into the gap');
    const before = await s.client.request('get_event', { room_id: room, event_id: dinner });
    assert.equal(before.last_edit_rowid, undefined);

    mark = s.client.mark();
    const resp = await s.client.request('get_edit_history', { room_id: room, event_id: dinner });
    assert.deepEqual(resp.edits.map((e) => e.event_id), [seven]);
    const diff = s.client.received.slice(mark).find((env) => env.command === 'sync_complete'
      && hasEvent(dinner)(env.data as SyncComplete))?.data as SyncComplete | undefined;
    assert.ok(diff, 'a diff carries the message, before the answer');
    const events = diff.rooms?.[room]?.events ?? [];
    const message = events.find((e: Event) => e.event_id === dinner)!;
    assert.equal(message.last_edit_rowid, resp.edits[0].rowid, 'its latest edit is the one fetched');
    assert.ok(events.some((e: Event) => e.event_id === seven), 'with the edit, so the timeline can show its text');

    // Nothing new the second time: no diff.
    mark = s.client.mark();
    await s.client.request('get_edit_history', { room_id: room, event_id: dinner });
    assert.equal(s.client.received.slice(mark).filter((env) => env.command === 'sync_complete' && hasEvent(dinner)(env.data as SyncComplete)).length, 0);
  });

  it('answers the stored edits, saying why, when the server cannot be reached or has no /relations', async () => {
    const local = await stored(lunch);
    proxy.setDown(true);
    let resp;
    try {
      resp = await s.client.request('get_edit_history', { room_id: room, event_id: lunch });
    } finally {
      proxy.setDown(false);
    }
    assert.equal(resp.from_server, false);
    assert.match(resp.server_problem ?? '', /Could not reach the homeserver/);
    assert.deepEqual(resp.edits.map((e) => e.event_id).sort(), [...local].filter((id) => id !== hijack).sort());

    proxy.inject(/\/relations\//, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }, 1);
    resp = await s.client.request('get_edit_history', { room_id: room, event_id: lunch });
    assert.equal(resp.from_server, false);
    assert.match(resp.server_problem ?? '', /does not list the edits of a message \(it needs Matrix 1\.3 or newer\)/);
    assert.equal(resp.edits.length, bobsEdits.length);
  });

  it('decrypts an encrypted edit the gap skipped', async () => {
    const carol = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    try {
      const state = await s.client.request('get_state', {});
      const aliceId = state.user_id!;
      const deviceId = state.device_id!;
      const dm = await carol.createEncryptedDm(aliceId);
      await alicePeer.join(dm);
      await carol.waitForJoin(dm, aliceId);
      await carol.waitForDevice(aliceId, deviceId);
      const mark = s.client.mark();
      const key = await carol.sendText(dm, 'The key is at the desk');
      await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm]?.events?.some((e) => e.event_id === key && e.decrypted), WAIT, mark);
      let drawer = '';
      await inGap(async () => {
        // Encrypted by the SDK, m.relates_to left in the clear as the spec has it (the server lists it by that).
        drawer = (await carol.client.sendEvent(dm, 'm.room.message' as never, {
          msgtype: 'm.text', body: '* The key is in the drawer', 'm.new_content': { msgtype: 'm.text', body: 'The key is in the drawer' },
          'm.relates_to': { rel_type: 'm.replace', event_id: key },
        } as never)).event_id;
        let last = '';
        for (let i = 0; i < GAP; i++) last = await carol.sendText(dm, `filler ${i}`);
        return last;
      }, dm);
      assert.deepEqual((await s.client.request('get_related_events', { room_id: dm, event_id: key, relation_type: 'm.replace' })), []);

      const resp = await s.client.request('get_edit_history', { room_id: dm, event_id: key });
      assert.deepEqual(resp.edits.map((e) => e.event_id), [drawer]);
      const [edit] = resp.edits;
      assert.equal(edit.type, 'm.room.encrypted');
      assert.equal(typeof edit.content.ciphertext, 'string', 'stored as the server sent it');
      assert.deepEqual(edit.decrypted?.['m.new_content'], { msgtype: 'm.text', body: 'The key is in the drawer' });
      assert.equal(edit.decryption_error, undefined);
    } finally {
      carol.stop();
    }
  });

  it('refuses an event of another room, as the other reading commands do', async () => {
    const other = await bob.createRoom({ name: 'Other', invite: [] });
    await assert.rejects(s.client.request('get_edit_history', { room_id: other, event_id: lunch }), /is not in room/);
  });
});
