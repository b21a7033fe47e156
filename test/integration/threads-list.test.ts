/**
 * A room's list of threads (get_threads, the spec's GET /rooms/{roomId}/threads) against a real Synapse: every
 * thread newest activity first, only those Alice took part in, pages of a small limit, the reply count as the server
 * counts it now (also for a root stored earlier by sync), the latest reply stored and returned, errors in words; and
 * in an encrypted room, roots and latest replies come back decrypted. Bob acts through the homeserver API; in the
 * encrypted room (on the same Synapse), Ben writes to Amy as matrix-js-sdk with its Rust crypto.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MsgType } from 'matrix-js-sdk';
import type { Event } from '../../src/shared/rpc/index.ts';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';
import { gomuksCommands } from '../wire/gomuks-commands.ts';

/** The answer has paginate_manual's shape (gomuks' ManualPaginationResponse), whose shape get_threads borrows. */
function wireCheck(data: unknown): void {
  const r = gomuksCommands.paginate_manual.response.safeParse(data);
  assert.ok(r.success, `get_threads response differs from gomuks' pagination shape: ${r.success ? '' : JSON.stringify(r.error.issues)}`);
}

function threadCount(root: Event): unknown {
  const rel = root.unsigned?.['m.relations'] as Record<string, Record<string, unknown>> | undefined;
  return rel?.['m.thread']?.count;
}

const inThread = (root: string, body: string) => ({ msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root } });

// One Synapse for both rooms (a second one cost this file a few seconds): each suite has its own people.
let hs: SynapseServer;
before(async () => {
  hs = await startSynapse();
});
after(async () => {
  await hs?.stop();
});

describe('get_threads against Synapse', () => {
  let bob: MatrixPeer;
  let alicePeer: MatrixPeer;
  let s: BackendSession;
  let room: string;
  let r1: string; let r2: string; let r3: string; let r4: string;
  let r4Latest: string;

  before(async () => {
    const aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    alicePeer = new MatrixPeer(hs.baseUrl, aliceUser);
    room = await bob.createRoom({ name: 'Threads', invite: [aliceUser.userId] });
    await alicePeer.join(room);
    r1 = await bob.sendText(room, 'first thread');
    await bob.sendEvent(room, 'm.room.message', inThread(r1, 'bob in first'));
    r2 = await bob.sendText(room, 'second thread');
    await alicePeer.sendEvent(room, 'm.room.message', inThread(r2, 'alice in second'));
    r3 = await alicePeer.sendText(room, "alice's thread");
    await bob.sendEvent(room, 'm.room.message', inThread(r3, 'bob in alice\'s'));
    await bob.sendText(room, 'not in any thread');
    r4 = await bob.sendText(room, 'fourth thread');
    await bob.sendEvent(room, 'm.room.message', inThread(r4, 'bob in fourth'));
    r4Latest = await bob.sendEvent(room, 'm.room.message', inThread(r4, 'latest in fourth'));
    s = await signedInBackend(hs.baseUrl, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
  });

  it('lists every thread root, newest activity first, with its count and latest reply', async () => {
    const page = await s.client.request('get_threads', { room_id: room });
    wireCheck(page);
    assert.deepEqual(page.events.map((e) => e.event_id), [r4, r3, r2, r1]);
    const four = page.events[0];
    assert.equal(four.content.body, 'fourth thread');
    assert.equal(threadCount(four), 2);
    assert.ok(four.rowid > 0, 'the root is stored');
    const latest = page.related_events?.find((e) => e.event_id === r4Latest);
    assert.ok(latest, 'the latest reply comes with the page');
    assert.equal(latest.content.body, 'latest in fourth');
    assert.equal(latest.relates_to, r4);
    assert.ok(latest.rowid > 0, 'the latest reply is stored');
    assert.equal(page.next_batch, undefined, 'one page holds them all');
  });

  it('lists only the threads Alice started or replied in with include: participated', async () => {
    const page = await s.client.request('get_threads', { room_id: room, include: 'participated' });
    assert.deepEqual(page.events.map((e) => e.event_id), [r3, r2]);
  });

  it('pages with a small limit', async () => {
    const first = await s.client.request('get_threads', { room_id: room, limit: 2 });
    assert.deepEqual(first.events.map((e) => e.event_id), [r4, r3]);
    assert.ok(first.next_batch, 'a token for the rest');
    const rest = await s.client.request('get_threads', { room_id: room, limit: 2, from: first.next_batch });
    assert.deepEqual(rest.events.map((e) => e.event_id), [r2, r1]);
    const end = rest.next_batch ? await s.client.request('get_threads', { room_id: room, limit: 2, from: rest.next_batch }) : { events: [] };
    assert.deepEqual(end.events, [], 'nothing after the last page');
  });

  it('gives a root stored earlier the count the server has now, and moves the thread up', async () => {
    const stored = await s.client.request('get_event', { room_id: room, event_id: r1 });
    assert.notEqual(threadCount(stored), 2, 'the stored copy keeps the relations it came with (none, or one reply)');
    const newest = await bob.sendEvent(room, 'm.room.message', inThread(r1, 'bob again in first'));
    const page = await s.client.request('get_threads', { room_id: room });
    assert.equal(page.events[0].event_id, r1, 'the thread answered last comes first');
    assert.equal(threadCount(page.events[0]), 2);
    assert.ok(page.related_events?.some((e) => e.event_id === newest));
  });

  it('says in words why a list cannot be read', async () => {
    const outside = await bob.createRoom({ name: 'Elsewhere' });
    await assert.rejects(s.client.request('get_threads', { room_id: outside }),
      (e: Error) => /Could not get the threads of this room from the homeserver: not allowed/.test(e.message) && !/M_FORBIDDEN/.test(e.message));
    await assert.rejects(s.client.request('get_threads', { room_id: 'general' }), /room ID/i);
    await assert.rejects(s.client.request('get_threads', { room_id: room, limit: 0 }));
  });
});

describe('get_threads in an encrypted room', () => {
  let ben: JsSdkPeer;
  let s: BackendSession;

  before(async () => {
    await hs.registerUser('amy', 'amy-password', { displayname: 'Amy' });
    ben = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('ben', 'ben-password', { displayname: 'Ben' }));
    s = await signedInBackend(hs.baseUrl, 'amy', 'amy-password');
  });
  after(async () => {
    await s?.stop();
    ben?.stop();
  });

  it('returns the roots and latest replies decrypted', async () => {
    const state = await s.client.request('get_state', {});
    const dm = await ben.createEncryptedDm(state.user_id!);
    const since = s.client.mark();
    await s.client.request('join_room', { room_id_or_alias: dm });
    await ben.waitForJoin(dm, state.user_id!);
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm]?.meta?.encryption_event, 60_000, since);
    await ben.waitForDevice(state.user_id!, state.device_id!);
    const root = await ben.sendText(dm, 'a secret root');
    // With a thread ID the SDK sends the reply in that thread (rel_type m.thread), encrypted like any message.
    const reply = (await ben.client.sendMessage(dm, root, { msgtype: MsgType.Text, body: 'a secret reply' })).event_id;
    // Once the room key has come, both are readable (stored by sync, or decrypted when fetched).
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[dm]?.events?.some((e) => e.decrypted?.body === 'a secret reply'), 60_000, since);
    const page = await s.client.request('get_threads', { room_id: dm });
    assert.deepEqual(page.events.map((e) => e.event_id), [root]);
    assert.equal(page.events[0].type, 'm.room.encrypted');
    assert.equal(page.events[0].decrypted?.body, 'a secret root');
    assert.equal(threadCount(page.events[0]), 1);
    const latest = page.related_events?.find((e) => e.event_id === reply);
    assert.equal(latest?.decrypted?.body, 'a secret reply');
    assert.equal(latest?.relates_to, root);
  });
});
