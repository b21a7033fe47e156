/**
 * Search against a real Synapse: search_local over what sync stored (edits and redactions from Bob update it)
 * and search_server through /search, answers checked against gomuks' wire schemas. A found or pinned message is
 * read as the search and pinned panels read it, with the latest edit the backend names, in the clear and encrypted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
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
  let sealed: string;
  let alicePeer: MatrixPeer;

  before(async () => {
    hs = await startSynapse();
    const aliceUser = await hs.registerUser('alice', 'alice-password');
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password'));
    general = await bob.createRoom({ name: 'General', invite: [aliceUser.userId] });
    other = await bob.createRoom({ name: 'Other', invite: [aliceUser.userId] });
    const alice = new MatrixPeer(hs.baseUrl, aliceUser);
    alicePeer = alice;
    await alice.join(general);
    await alice.join(other);
    await bob.sendText(general, 'the giraffe escaped from the zoo');
    await bob.sendText(other, 'a giraffe in the other room');
    typo = await bob.sendText(general, 'meet at the trian station');
    secret = await bob.sendText(general, 'the vault code is banana');
    sealed = await alice.createRoom({ name: 'Sealed' });
    await alice.setState(sealed, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
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

  /** A message's text with its latest edit, as the panels show it: the edit's m.new_content, else its own body. */
  function textOf(e: Event, edit: Event | undefined): unknown {
    const edited = edit && !edit.redacted_by ? (edit.decrypted ?? edit.content)['m.new_content'] : undefined;
    return edited && typeof edited === 'object' && !Array.isArray(edited) ? edited.body : (e.decrypted ?? e.content).body;
  }

  /** What the search panel lists for `term` in a room: each found message and its text, with its latest edit. */
  async function found(roomId: string, term: string, where: 'search_local' | 'search_server' = 'search_local'): Promise<{ id: string; type: string; text: unknown }[]> {
    const res = await s.client.request(where, { search_term: term, room_ids: [roomId] });
    wireCheck(where, res);
    const edits = new Map((res.related_events ?? []).map((e) => [e.rowid, e]));
    return res.events.map((e) => ({
      id: e.event_id, type: e.type, text: textOf(e, e.last_edit_rowid === undefined ? undefined : edits.get(e.last_edit_rowid)),
    }));
  }

  /** What the pinned panel shows for a pinned message: get_event, then its latest edit by rowid. */
  async function pinnedText(roomId: string, eventId: string): Promise<unknown> {
    const ev = await s.client.request('get_event', { room_id: roomId, event_id: eventId });
    const edit = ev.last_edit_rowid === undefined ? undefined : await s.client.request('get_event_by_rowid', { event_rowid: ev.last_edit_rowid });
    return textOf(ev, edit);
  }

  it('a found or pinned message reads as its latest edit; a deleted latest edit gives way to the one before', async () => {
    const c = s.client;
    const replace = (target: string, body: string) => ({
      msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: target },
    });
    let mark = c.mark();
    const lunch = await bob.sendText(general, 'lunch today is soup');
    await bob.sendEvent(general, 'm.room.message', replace(lunch, 'lunch today is salad'));
    const pasta = await bob.sendEvent(general, 'm.room.message', replace(lunch, 'lunch today is pasta'));
    await bob.setState(general, 'm.room.pinned_events', '', { pinned: [lunch] });
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[general]?.events?.some((e) => e.type === 'm.room.pinned_events'), 30_000, mark);

    const now = { id: lunch, type: 'm.room.message', text: 'lunch today is pasta' };
    assert.deepEqual(await found(general, 'pasta'), [now], 'found by the new text, and shown with it');
    assert.deepEqual(await found(general, 'lunch today'), [now], 'once, as the message: no "* edited" event of its own');
    assert.deepEqual(await found(general, 'soup'), [], 'the first text no longer matches');
    assert.deepEqual(await found(general, 'salad'), [], 'nor the superseded edit\'s');
    assert.equal(await pinnedText(general, lunch), 'lunch today is pasta');
    // Synapse indexes each edit ("* lunch today is pasta") and the first text as events of their own.
    assert.deepEqual(await found(general, 'pasta', 'search_server'), [now], 'the edit\'s hit is its message');
    assert.deepEqual(await found(general, 'lunch today', 'search_server'), [now], 'three hits, one message');
    assert.deepEqual(await found(general, 'soup', 'search_server'), [], 'the first text, which Synapse still finds, reads otherwise now');

    mark = c.mark();
    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(general)}/redact/${enc(pasta)}/r2`, {});
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[general]?.events?.some((e) => e.event_id === pasta && !!e.redacted_by), 30_000, mark);
    assert.deepEqual(await found(general, 'pasta'), []);
    assert.deepEqual(await found(general, 'salad'), [{ ...now, text: 'lunch today is salad' }], 'the edit before it counts again');
    assert.equal(await pinnedText(general, lunch), 'lunch today is salad');
  });

  it('an encrypted message, found and pinned, reads as its latest edit', async () => {
    const c = s.client;
    const mark = c.mark();
    const echo = await c.request('send_message', { room_id: sealed, text: 'the code word is apple' });
    const original = (await c.waitForEvent('send_complete', (d) => d.event.rowid === echo.rowid, 30_000, mark)).event.event_id;
    const edit = await c.request('send_message', { room_id: sealed, text: 'the code word is pear', relates_to: { rel_type: 'm.replace', event_id: original } });
    await c.request('set_state', { room_id: sealed, type: 'm.room.pinned_events', state_key: '', content: { pinned: [original] } });
    // The edit's remote echo: stored as the server has it (ciphertext), its text decrypted beside it.
    await c.waitForEvent('sync_complete',
      (d) => !!d.rooms?.[sealed]?.events?.some((e) => e.rowid === edit.rowid && e.type === 'm.room.encrypted'), 30_000, mark);
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[sealed]?.events?.some((e) => e.type === 'm.room.pinned_events'), 30_000, mark);

    const now = { id: original, type: 'm.room.encrypted', text: 'the code word is pear' };
    assert.deepEqual(await found(sealed, 'pear'), [now]);
    assert.deepEqual(await found(sealed, 'code word'), [now]);
    assert.deepEqual(await found(sealed, 'apple'), []);
    assert.equal(await pinnedText(sealed, original), 'the code word is pear');
  });

  it('a message older than anything synced, fetched when pinned or found on the server, reads as its latest edit', async () => {
    const c = s.client;
    const archive = await bob.createRoom({ name: 'Archive', invite: [alicePeer.userId] });
    const edit = (target: string, body: string) => bob.sendEvent(archive, 'm.room.message', {
      msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: target },
    });
    const old = await bob.sendText(archive, 'the archive holds maps');
    await edit(old, 'the archive holds charts');
    const ledger = await bob.sendText(archive, 'the ledger is blue');
    await edit(ledger, 'the ledger is green');
    // More than a sync's timeline: Alice's first sync of the room holds neither the message nor its edit.
    for (let i = 0; i < 55; i++) await bob.sendText(archive, `later message ${i}`);
    await bob.setState(archive, 'm.room.pinned_events', '', { pinned: [old] });
    const mark = c.mark();
    await alicePeer.join(archive);
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[archive]?.events?.some((e) => e.type === 'm.room.pinned_events'), 30_000, mark);
    assert.deepEqual(await found(archive, 'archive'), [], 'not stored yet');

    // The homeserver bundles the latest edit with the event it serves; it is stored with it.
    assert.equal(await pinnedText(archive, old), 'the archive holds charts');
    assert.deepEqual(await found(archive, 'charts'), [{ id: old, type: 'm.room.message', text: 'the archive holds charts' }]);
    assert.deepEqual(await found(archive, 'maps'), []);

    // Found on the server by its edit's words: the edit's message, fetched (with its bundled edit), shown edited.
    const green = [{ id: ledger, type: 'm.room.message', text: 'the ledger is green' }];
    assert.deepEqual(await found(archive, 'green', 'search_server'), green);
    assert.deepEqual(await found(archive, 'blue', 'search_server'), [], 'Synapse still finds the first text');
    assert.deepEqual(await found(archive, 'ledger', 'search_server'), green);
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
