/**
 * Which event previews a room in the room list as processSync stores it (src/main/backend/sync/room-meta.ts): the
 * latest message, sticker or poll, a call as the timeline words it, an encrypted event by what it decrypted to, and
 * in a room with no message yet its latest change the timeline words. Previews stored by an older rule are chosen
 * again once after the database is opened (src/main/backend/sync/preview-recheck.ts) and reach a frontend connected
 * before as room diffs. How processSync stores the rest: sync-processing-rooms.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Backend } from '../../src/main/backend/backend.ts';
import { createLogger } from '../../src/main/backend/log/logger.ts';
import type { ClientEvent } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import type { Decryption } from '../../src/main/backend/sync/prepared.ts';
import { recheckPreviewsSlice, recheckStoredPreviews } from '../../src/main/backend/sync/preview-recheck.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import type { SyncComplete } from '../../src/shared/rpc/index.ts';
import { refreshPreview } from '../../src/main/backend/sync/room-meta.ts';
import { ME, ev, member, msg, sync } from './sync-processing-fixtures.ts';

describe('processSync', () => {
  let store: Store;
  beforeEach(() => { store = Store.open(':memory:'); });

  it('previews a room by its latest message, sticker or poll (thread replies too), never by a deleted one', () => {
    const previewOf = () => store.events.get(store.rooms.get('!p:hs')!.preview_event_rowid);
    const first = msg('first');
    const poll = ev('org.matrix.msc3381.poll.start', {
      'org.matrix.msc3381.poll.start': { question: { 'org.matrix.msc1767.text': 'Lunch?' }, answers: [] },
    });
    store.transaction(() => processSync(store, sync({ '!p:hs': { timeline: { events: [first, poll] } } }), ME, undefined));
    assert.equal(previewOf()?.event_id, poll.event_id);
    // Deleting the poll moves the preview back to the message before it.
    store.transaction(() => processSync(store, sync({
      '!p:hs': { timeline: { events: [ev('m.room.redaction', { redacts: poll.event_id })] } } }), ME, 's'));
    assert.equal(previewOf()?.event_id, first.event_id);
    // A message that arrives already deleted (pruned content) does not preview the room either.
    const gone = ev('m.room.message', {}, { unsigned: { redacted_because: { event_id: '$r', type: 'm.room.redaction' } } });
    store.transaction(() => processSync(store, sync({ '!p:hs': { timeline: { events: [gone] } } }), ME, 's'));
    assert.equal(previewOf()?.event_id, first.event_id);
    // A poll inside a thread is the latest message too.
    const inThread = ev('m.poll.start', {
      'm.poll': { question: { 'm.text': [{ body: 'Where?' }] }, answers: [] },
      'm.relates_to': { rel_type: 'm.thread', event_id: first.event_id },
    });
    store.transaction(() => processSync(store, sync({ '!p:hs': { timeline: { events: [inThread] } } }), ME, 's'));
    assert.equal(previewOf()?.event_id, inThread.event_id);
  });

  it('previews a room by a call as the timeline words it (invite, decline, hang-up), never by its wordless machinery', () => {
    const previewOf = () => store.events.get(store.rooms.get('!c:hs')!.preview_event_rowid)?.event_id;
    const sdp = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
    const call = (type: string, content: Record<string, unknown> = {}) => ev(type, { call_id: 'c1', party_id: 'p', version: '1', ...content });
    // Joined while running, nothing but state and then a call: the invite is what there is to say.
    const invite = call('m.call.invite', { offer: { type: 'offer', sdp }, lifetime: 60_000 });
    store.transaction(() => processSync(store, sync({ '!c:hs': {
      state: { events: [ev('m.room.create', { room_version: '11' }, { state_key: '' }), member('@bob:hs', 'Bob'), member(ME)] },
      timeline: { events: [invite], limited: true },
    } }), ME, 's0'));
    assert.equal(previewOf(), invite.event_id);
    // An answer, candidates and the answer's selection have no line in the timeline: the invite stays.
    store.transaction(() => processSync(store, sync({ '!c:hs': { timeline: { events: [
      call('m.call.answer', { answer: { type: 'answer', sdp } }), call('m.call.candidates', { candidates: [] }),
      call('m.call.select_answer', { selected_party_id: 'q' }),
    ] } } }), ME, 's'));
    assert.equal(previewOf(), invite.event_id);
    const hangup = call('m.call.hangup', { reason: 'user_hangup' });
    store.transaction(() => processSync(store, sync({ '!c:hs': { timeline: { events: [hangup] } } }), ME, 's'));
    assert.equal(previewOf(), hangup.event_id);
    // A call given up in glare for the other one ('replaced') has no line either; a decline has.
    store.transaction(() => processSync(store, sync({ '!c:hs': { timeline: { events: [call('m.call.hangup', { call_id: 'c2', reason: 'replaced' })] } } }), ME, 's'));
    assert.equal(previewOf(), hangup.event_id);
    const reject = call('m.call.reject', { call_id: 'c3' });
    store.transaction(() => processSync(store, sync({ '!c:hs': { timeline: { events: [reject] } } }), ME, 's'));
    assert.equal(previewOf(), reject.event_id);
  });

  it('in an encrypted room, previews by what an event decrypted to: not a call\'s machinery, nor a reaction', () => {
    const previewOf = () => store.events.get(store.rooms.get('!e:hs')!.preview_event_rowid)?.event_id;
    const enc = (rel?: Record<string, unknown>) => ev('m.room.encrypted', {
      algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 'S', sender_key: 'K', device_id: 'D',
      ...(rel ? { 'm.relates_to': rel } : {}),
    });
    const hello = enc();
    const candidates = enc();
    // A reaction's relation stays outside the ciphertext, as the spec has it.
    const reaction = enc({ rel_type: 'm.annotation', event_id: hello.event_id, key: '👍' });
    const prepared = new Map<string, Decryption>([
      [hello.event_id, { decrypted: { msgtype: 'm.text', body: 'hello' }, decrypted_type: 'm.room.message' }],
      [candidates.event_id, { decrypted: { call_id: 'c', party_id: 'p', version: '1', candidates: [] }, decrypted_type: 'm.call.candidates' }],
      [reaction.event_id, { decrypted: { 'm.relates_to': { rel_type: 'm.annotation', event_id: hello.event_id, key: '👍' } }, decrypted_type: 'm.reaction' }],
    ]);
    store.transaction(() => processSync(store, sync({ '!e:hs': { timeline: { events: [hello, candidates, reaction] } } }), ME, 's', {}, prepared));
    assert.equal(previewOf(), hello.event_id);
    // One not decrypted yet may be a message: it previews the room ("Encrypted message") until it is decrypted.
    const sealed = enc();
    store.transaction(() => processSync(store, sync({ '!e:hs': { timeline: { events: [sealed] } } }), ME, 's'));
    assert.equal(previewOf(), sealed.event_id);
    // Decrypted later (as decryption-retry writes it) into a call's candidates: the preview goes back to the message.
    const rowid = store.events.rowidByEventID(sealed.event_id)!;
    store.db.prepare('UPDATE event SET decrypted = ?, decrypted_type = ? WHERE rowid = ?')
      .run(JSON.stringify({ call_id: 'c', party_id: 'p', version: '1', candidates: [] }), 'm.call.candidates', rowid);
    const room = store.rooms.get('!e:hs')!;
    assert.equal(refreshPreview(store, room), true);
    assert.equal(store.events.get(room.preview_event_rowid)?.event_id, hello.event_id);
    assert.equal(refreshPreview(store, room), false, 'nothing to change the second time');
  });

  it('previews a room with no message yet by its latest change the timeline words (a join), until a message comes', () => {
    const previewOf = () => store.events.get(store.rooms.get('!n:hs')!.preview_event_rowid)?.event_id;
    const ownJoin = member(ME, 'Me');
    // Just created and joined: creation, the creator's join, power levels, join rules, our invite, our join.
    store.transaction(() => processSync(store, sync({ '!n:hs': { timeline: { limited: false, events: [
      ev('m.room.create', { room_version: '11' }, { state_key: '' }), member('@bob:hs', 'Bob'),
      ev('m.room.power_levels', { users: { '@bob:hs': 100 } }, { state_key: '' }),
      ev('m.room.join_rules', { join_rule: 'invite' }, { state_key: '' }),
      ev('m.room.member', { membership: 'invite' }, { state_key: ME }), ownJoin,
    ] } } }), ME, 's0'));
    assert.equal(previewOf(), ownJoin.event_id);
    // Another join says something newer; an avatar change (no line in the timeline) and power levels do not.
    const carol = member('@carol:hs', 'Carol');
    store.transaction(() => processSync(store, sync({ '!n:hs': { timeline: { events: [carol] } } }), ME, 's'));
    assert.equal(previewOf(), carol.event_id);
    store.transaction(() => processSync(store, sync({ '!n:hs': { timeline: { events: [
      ev('m.room.member', { membership: 'join', displayname: 'Carol', avatar_url: 'mxc://hs/a' },
        { state_key: '@carol:hs', sender: '@carol:hs', unsigned: { prev_content: { membership: 'join', displayname: 'Carol' } } }),
      ev('m.room.power_levels', { users: { '@bob:hs': 100, '@carol:hs': 50 } }, { state_key: '' }),
    ] } } }), ME, 's'));
    assert.equal(previewOf(), carol.event_id);
    // A message then previews the room, and a later join does not take its place.
    const hi = msg('hi');
    store.transaction(() => processSync(store, sync({ '!n:hs': { timeline: { events: [hi] } } }), ME, 's'));
    assert.equal(previewOf(), hi.event_id);
    store.transaction(() => processSync(store, sync({ '!n:hs': { timeline: { events: [member('@dave:hs', 'Dave')] } } }), ME, 's'));
    assert.equal(previewOf(), hi.event_id);
  });
});

describe('previews stored by an older rule', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-previews-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const quiet = createLogger({ level: 'error', sinks: [] });
  const enc = () => ev('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 'S', sender_key: 'K', device_id: 'D' });
  const candidates = { decrypted: { call_id: 'c', party_id: 'p', version: '1', candidates: [] }, decrypted_type: 'm.call.candidates' };

  it('are chosen again once, after the database is opened, and reach a frontend connected before as room diffs', async () => {
    const file = path.join(dir, 'data', 'lattice.db');
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Rooms as today's sync stores them; then their rows as the rule before stored them, in a schema-20 database.
    const store = Store.open(file);
    const state = () => ({ events: [ev('m.room.create', { room_version: '11' }, { state_key: '' }), member('@bob:hs', 'Bob'), member(ME, 'Me')] });
    // A call was never a preview: nothing was.
    const invite = ev('m.call.invite', { call_id: 'c1', party_id: 'p', version: '1', offer: { type: 'offer', sdp: 'v=0\r\n' }, lifetime: 60_000 });
    const callCandidates = ev('m.call.candidates', { call_id: 'c1', party_id: 'p', version: '1', candidates: [] });
    // Every encrypted event was, by its outer type: here the last of 30 call candidates after the message, deeper
    // than the 20 events searched before.
    const hello = enc();
    const sealed = Array.from({ length: 30 }, enc);
    const prepared = new Map<string, Decryption>([[hello.event_id, { decrypted: { msgtype: 'm.text', body: 'hello' }, decrypted_type: 'm.room.message' }],
      ...sealed.map((e): [string, Decryption] => [e.event_id, candidates])]);
    // A call after a message: the message.
    const earlier = msg('call me');
    const hangup = ev('m.call.hangup', { call_id: 'c2', party_id: 'p', version: '1', reason: 'user_hangup' });
    // Nothing but state: nothing (today: the latest worded change, our join).
    const ownJoin = member(ME, 'Me');
    const hi = msg('hi');
    store.transaction(() => processSync(store, sync({
      '!call:hs': { state: state(), timeline: { events: [invite, callCandidates], limited: true } },
      '!enc:hs': { state: state(), timeline: { events: [hello, ...sealed], limited: true } },
      '!state:hs': { timeline: { events: [ev('m.room.create', { room_version: '11' }, { state_key: '' }), member('@bob:hs', 'Bob'), ownJoin] } },
      '!fine:hs': { state: state(), timeline: { events: [hi], limited: true } },
      '!later:hs': { state: state(), timeline: { events: [earlier, hangup], limited: true } },
    }), ME, undefined, {}, prepared));
    const rowid = (e: ClientEvent) => store.events.rowidByEventID(e.event_id)!;
    const today = Object.fromEntries(store.rooms.all().map((r) => [r.room_id, { preview: r.preview_event_rowid, ts: r.sorting_timestamp }]));
    assert.deepEqual(today['!call:hs'], { preview: rowid(invite), ts: invite.origin_server_ts });
    assert.deepEqual(today['!enc:hs'], { preview: rowid(hello), ts: hello.origin_server_ts });
    assert.equal(today['!state:hs'].preview, rowid(ownJoin));
    assert.deepEqual(today['!later:hs'], { preview: rowid(hangup), ts: hangup.origin_server_ts });
    // Schema 20 kept the preview, sorting time and counts in the room row (migration 22 moved them out).
    const activity = ['preview_event_rowid', 'sorting_timestamp', 'unread_highlights', 'unread_notifications', 'unread_messages'];
    store.db.exec(`${activity.map((c) => `ALTER TABLE room ADD COLUMN ${c} INTEGER NOT NULL DEFAULT 0;`).join('\n')}
      UPDATE room SET (${activity.join(', ')}) = (SELECT ${activity.map((c) => `a.${c}`).join(', ')}
        FROM room_activity a JOIN room_key k ON a.room_nid = k.nid WHERE k.room_id = room.room_id);
      DROP TABLE room_activity;`);
    const old = store.db.prepare<[number, number, string]>('UPDATE room SET preview_event_rowid = ?, sorting_timestamp = ? WHERE room_id = ?');
    old.run(0, callCandidates.origin_server_ts, '!call:hs');
    old.run(rowid(sealed[29]), sealed[29].origin_server_ts, '!enc:hs');
    old.run(0, today['!state:hs'].ts, '!state:hs');
    old.run(rowid(earlier), earlier.origin_server_ts, '!later:hs');
    store.db.exec('DROP TABLE preview_recheck');
    store.db.pragma('user_version = 20');
    store.close();

    const backend = await Backend.create({
      paths: { config: dir, data: path.dirname(file), cache: path.join(dir, 'cache'), logs: dir },
      secrets: { error: 'no keychain in this test' }, logger: quiet,
    });
    const received: SyncComplete[] = [];
    const conn = backend.connect((env) => { if (env.command === 'sync_complete') received.push(env.data as SyncComplete); });
    const reader = new Database(file, { readonly: true });
    const queued = () => reader.prepare('SELECT COUNT(*) FROM preview_recheck').pluck().get() as number;
    try {
      // The first room list is served before the pass: it shows the rows as stored.
      assert.equal(received[0]?.clear_state, true);
      assert.equal(received[0].rooms!['!call:hs'].meta!.preview_event_rowid, 0);
      for (let i = 0; queued() > 0; i++) {
        assert.ok(i < 500, 'the pass finishes');
        await sleep(10);
      }
    } finally {
      conn.close();
      await backend.close();
      reader.close();
    }
    const diffs = received.slice(1).flatMap((d) => Object.entries(d.rooms ?? {}));
    const seen = Object.fromEntries(diffs.map(([id, r]) => [id, { preview: r.meta!.preview_event_rowid, ts: r.meta!.sorting_timestamp }]));
    // Each changed room once, as today's rule has it (the sorting time following a message-like preview back).
    const { '!fine:hs': _fine, ...changed } = today;
    assert.deepEqual(seen, changed);
    assert.equal(diffs.length, 4);
    for (const [id, r] of diffs) {
      assert.ok(r.events!.some((e) => e.rowid === r.meta!.preview_event_rowid), `${id}: the new preview event comes along`);
    }
    assert.equal(diffs.find(([id]) => id === '!enc:hs')![1].events![0].decrypted!.body, 'hello');

    // Once: the pass is gone, and running it again changes nothing.
    const again = Store.open(file);
    try {
      assert.equal(again.db.prepare('SELECT COUNT(*) FROM preview_recheck').pluck().get(), 0);
      assert.deepEqual(Object.fromEntries(again.rooms.all().map((r) => [r.room_id, { preview: r.preview_event_rowid, ts: r.sorting_timestamp }])), today);
      again.db.exec("INSERT INTO preview_recheck VALUES ('')");
      assert.equal(await recheckStoredPreviews(() => again, quiet, () => assert.fail('nothing changes')), 0);
      assert.equal(again.db.prepare('SELECT COUNT(*) FROM preview_recheck').pluck().get(), 0);
    } finally {
      again.close();
    }
  });

  it('queues nothing for a new database', () => {
    const store = Store.open(':memory:');
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM preview_recheck').pluck().get(), 0);
    assert.equal(recheckPreviewsSlice(store), undefined);
    store.close();
  });
});
