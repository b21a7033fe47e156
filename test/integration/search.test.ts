/**
 * Search against a real Synapse: search_local over what sync stored (edits and redactions from Bob update it)
 * and search_server through /search, answers checked against gomuks' wire schemas.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SyncComplete } from '../../src/shared/rpc/index.ts';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';
import { gomuksCommands } from '../wire/gomuks-commands.ts';

const enc = encodeURIComponent;

function wireCheck(command: string, data: unknown): void {
  const r = gomuksCommands[command].response.safeParse(data);
  assert.ok(r.success, `${command} response differs from gomuks': ${r.success ? '' : JSON.stringify(r.error.issues)}`);
}

describe('search against Synapse', () => {
  let hs: SynapseServer;
  let bob: MatrixPeer;
  let s: BackendSession;
  let general: string;
  let other: string;
  let typo: string;
  let secret: string;

  before(async () => {
    hs = await startSynapse();
    const aliceUser = await hs.registerUser('alice', 'alice-password');
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password'));
    general = await bob.createRoom({ name: 'General', invite: [aliceUser.userId] });
    other = await bob.createRoom({ name: 'Other', invite: [aliceUser.userId] });
    const alice = new MatrixPeer(hs.baseUrl, aliceUser);
    await alice.join(general);
    await alice.join(other);
    await bob.sendText(general, 'the giraffe escaped from the zoo');
    await bob.sendText(other, 'a giraffe in the other room');
    typo = await bob.sendText(general, 'meet at the trian station');
    secret = await bob.sendText(general, 'the vault code is banana');
    s = await signedInBackend(hs.baseUrl, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
  });

  it('search_local finds synced messages, in all rooms or chosen ones', async () => {
    const all = await s.client.request('search_local', { search_term: 'giraffe' });
    wireCheck('search_local', all);
    assert.deepEqual(new Set(all.events.map((e) => e.room_id)), new Set([general, other]));
    const one = await s.client.request('search_local', { search_term: 'GIRAFFES', room_ids: [other] });
    assert.deepEqual(one.events.map((e) => e.content.body), ['a giraffe in the other room']);
    const paged = await s.client.request('search_local', { search_term: 'giraffe', limit: 1, sort_by_time: true });
    assert.equal(paged.events[0].room_id, other, 'newest first');
    assert.equal(paged.next_batch, '1');
    const rest = await s.client.request('search_local', { search_term: 'giraffe', limit: 1, sort_by_time: true, next_batch: paged.next_batch });
    assert.equal(rest.events[0].room_id, general);
  });

  it('search_local follows edits and redactions as they sync', async () => {
    const synced = (pred: (d: SyncComplete) => boolean) => s.client.waitForEvent('sync_complete', pred, 30_000, s.client.mark());
    let wait = synced((d) => !!d.rooms?.[general]?.events?.some((e) => e.relation_type === 'm.replace'));
    await bob.sendEvent(general, 'm.room.message', {
      msgtype: 'm.text', body: '* meet at the train station', 'm.new_content': { msgtype: 'm.text', body: 'meet at the train station' },
      'm.relates_to': { rel_type: 'm.replace', event_id: typo },
    });
    await wait;
    const found = await s.client.request('search_local', { search_term: 'train' });
    assert.deepEqual(found.events.map((e) => e.event_id), [typo], 'the edited message, found by its new text');
    assert.deepEqual((await s.client.request('search_local', { search_term: 'trian' })).events, []);

    wait = synced((d) => !!d.rooms?.[general]?.events?.some((e) => e.event_id === secret && !!e.redacted_by));
    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(general)}/redact/${enc(secret)}/r1`, {});
    await wait;
    assert.deepEqual((await s.client.request('search_local', { search_term: 'banana' })).events, []);
    const raw = await s.client.request('search_local', { search_term: '', raw_like: 'vault code', include_redacted: true });
    assert.deepEqual(raw.events, [], 'the redacted content is gone from the database too');
  });

  it('search_server asks the homeserver and stores what it finds', async () => {
    const res = await s.client.request('search_server', { search_term: 'giraffe', sort_by_time: true });
    wireCheck('search_server', res);
    assert.deepEqual(res.events.map((e) => e.content.body), ['a giraffe in the other room', 'the giraffe escaped from the zoo']);
    assert.ok(res.events.every((e) => e.rowid > 0));
    const only = await s.client.request('search_server', { search_term: 'giraffe', room_ids: [general] });
    assert.deepEqual(only.events.map((e) => e.room_id), [general]);
  });

  it('bad input gets an error in words', async () => {
    const c = s.client;
    await assert.rejects(c.request('search_local', { search_term: '   ' }), /search_term or raw_like/);
    await assert.rejects(c.request('search_local', { search_term: 'x', next_batch: 'abc' }), /next_batch is not one that search_local gave/);
    await assert.rejects(c.request('search_local', { search_term: 'x', room_ids: ['general'] }), /must be a room ID/);
    await assert.rejects(c.request('search_local', { search_term: 'x', limit: 0 }), /limit/);
    await assert.rejects(c.request('search_server', { search_term: '' }), /must not be empty/);
    await assert.rejects(c.request('search_server', { search_term: 'giraffe', next_batch: 'not-a-token' }), /could not search/);
    assert.ok((await c.request('search_local', { search_term: 'giraffe' })).events.length > 0, 'still serving');
  });
});
