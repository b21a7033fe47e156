/**
 * timestamp_to_event against a real Synapse: the event at or after a time (and before it, going back), a reaction
 * found there passed over for the next event with a row in the timeline, null once nothing was said after the
 * time, and a room this account is not in refused. Times are the real timestamps of sent events, asked for between
 * two of them (a short pause between sends keeps them apart).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

const enc = encodeURIComponent;

describe('timestamp_to_event against Synapse', () => {
  let hs: SynapseServer;
  let bob: MatrixPeer;
  let s: BackendSession;
  let room: string;
  let elsewhere: string;
  const ids: Record<string, string> = {};
  const ts: Record<string, number> = {};

  async function send(name: string, type: string, content: Record<string, unknown>): Promise<void> {
    // Timestamps are milliseconds: a pause keeps each event on a time of its own.
    await sleep(25);
    ids[name] = await bob.sendEvent(room, type, content);
    const ev = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(ids[name])}`) as { origin_server_ts: number };
    ts[name] = ev.origin_server_ts;
  }

  before(async () => {
    hs = await startSynapse();
    const aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    room = await bob.createRoom({ name: 'Dates', invite: [aliceUser.userId] });
    await new MatrixPeer(hs.baseUrl, aliceUser).join(room);
    elsewhere = await bob.createRoom({ name: 'Not for Alice' });
    await send('first', 'm.room.message', { msgtype: 'm.text', body: 'the first message' });
    await send('second', 'm.room.message', { msgtype: 'm.text', body: 'the second message' });
    await send('reaction', 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: ids.second, key: '👍' } });
    await send('third', 'm.room.message', { msgtype: 'm.text', body: 'the third message' });
    s = await signedInBackend(hs.baseUrl, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
  });

  it('finds the first event at or after a time, and the last before it going back', async () => {
    assert.ok(ts.first < ts.second, 'the two messages have times apart');
    const between = ts.first + 1;
    const forward = await s.client.request('timestamp_to_event', { room_id: room, timestamp: between });
    assert.deepEqual(forward, { event_id: ids.second, origin_server_ts: ts.second });
    const back = await s.client.request('timestamp_to_event', { room_id: room, timestamp: ts.second - 1, direction: 'b' });
    assert.deepEqual(back, { event_id: ids.first, origin_server_ts: ts.first });
  });

  it('passes over a reaction to the next event that has a row in the timeline', async () => {
    const found = await s.client.request('timestamp_to_event', { room_id: room, timestamp: ts.second + 1 });
    assert.deepEqual(found, { event_id: ids.third, origin_server_ts: ts.third });
  });

  it('answers null when nothing was said after the time', async () => {
    const found = await s.client.request('timestamp_to_event', { room_id: room, timestamp: ts.third + 60_000 });
    assert.equal(found, null);
  });

  it('refuses a room this account is not in, in words', async () => {
    await assert.rejects(s.client.request('timestamp_to_event', { room_id: elsewhere, timestamp: ts.first }), /not a room this account has joined/);
  });
});
