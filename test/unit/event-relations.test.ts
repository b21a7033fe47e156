/**
 * What gomuks keeps on an event at write time, and what the sync diff says about it: reaction counts and the
 * latest edit (kept as events are inserted, and by migration 6's triggers on redaction, whichever order events
 * arrive in), the unread type, reply fallbacks stripped from plain text, space edges, and the keys the wire always
 * carries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { wireSyncComplete } from '../../src/main/backend/rpc/wire-shape.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { ingestEvent } from '../../src/main/backend/sync/ingest-event.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';

const ME = '@me:hs';
const ROOM = '!r:hs';
let n = 0;
function ev(type: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent {
  return { event_id: `$rel${++n}`, type, sender: '@bob:hs', origin_server_ts: 1_700_000_000_000 + n, content: content as ClientEvent['content'], ...extra };
}
const text = (body: string, extra: Record<string, unknown> = {}) => ev('m.room.message', { msgtype: 'm.text', body, ...extra });
const react = (target: string, key: string) => ev('m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key } });
const edit = (target: string, body: string, extra: Partial<ClientEvent> = {}) => ev('m.room.message', {
  msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: target },
}, extra);

function sync(store: Store, events: ClientEvent[], since?: string, state: ClientEvent[] = []): SyncComplete {
  const resp: SyncResponse = { next_batch: `s${++n}`, rooms: { join: { [ROOM]: { state: { events: state }, timeline: { events } } } } };
  return store.transaction(() => processSync(store, resp, ME, since)).diff;
}
const inDiff = (d: SyncComplete, eventId: string): Event | undefined => d.rooms?.[ROOM]?.events?.find((e) => e.event_id === eventId);

describe('relations kept on the event', () => {
  it('counts reactions and follows the latest edit, and the diff carries the updated target', () => {
    const store = Store.open(':memory:');
    const target = text('hello');
    sync(store, [ev('m.room.create', {}, { state_key: '' }), target]);
    const thumbs = react(target.event_id, '👍');
    const d1 = sync(store, [thumbs, react(target.event_id, '👍'), react(target.event_id, '🎉')], 'a');
    assert.deepEqual(inDiff(d1, target.event_id)?.reactions, { '👍': 2, '🎉': 1 });
    const e1 = edit(target.event_id, 'hello!');
    const d2 = sync(store, [e1], 'b');
    const edited = inDiff(d2, target.event_id);
    assert.equal(edited?.last_edit_rowid, store.events.rowidByEventID(e1.event_id));
    // An edit by someone else is not an edit of this message.
    const forged = edit(target.event_id, 'forged', { sender: '@eve:hs' });
    sync(store, [forged], 'c');
    assert.equal(store.events.getByEventID(target.event_id)?.last_edit_rowid, edited?.last_edit_rowid);
    // Redacting a reaction and the edit: the target is in the diff again, recounted and back to its original text.
    const d3 = sync(store, [ev('m.room.redaction', { redacts: thumbs.event_id }), ev('m.room.redaction', { redacts: e1.event_id })], 'd');
    const after = inDiff(d3, target.event_id);
    assert.deepEqual(after?.reactions, { '👍': 1, '🎉': 1 });
    assert.equal(after?.last_edit_rowid, undefined);
  });

  it('follows our own edit of an encrypted message from its local echo (not yet encrypted) on', () => {
    const store = Store.open(':memory:');
    const sealed = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's' };
    const target = ev('m.room.encrypted', sealed, { sender: ME });
    const rowid = store.events.insert({
      room_id: ROOM, event_id: target.event_id, sender: ME, type: 'm.room.encrypted', timestamp: target.origin_server_ts,
      content: sealed, decrypted: { msgtype: 'm.text', body: 'apple' }, decrypted_type: 'm.room.message',
    });
    const echo = store.events.insert({
      room_id: ROOM, event_id: '~txn1', sender: ME, type: 'm.room.message', timestamp: target.origin_server_ts + 1,
      content: { msgtype: 'm.text', body: '* pear', 'm.new_content': { msgtype: 'm.text', body: 'pear' }, 'm.relates_to': { rel_type: 'm.replace', event_id: target.event_id } },
      relates_to: target.event_id, relation_type: 'm.replace', transaction_id: 'txn1', send_error: 'not sent',
    });
    assert.equal(store.events.get(rowid)?.last_edit_rowid, echo);
  });

  it('counts encrypted reactions: decrypted at once or late, and takes our own back when it is redacted', () => {
    const store = Store.open(':memory:');
    const target = text('hello');
    sync(store, [ev('m.room.create', {}, { state_key: '' }), target]);
    const reactions = () => store.events.getByEventID(target.event_id)?.reactions;
    // The relation, with its key, stays in the clear; the type is m.reaction only once decrypted.
    const sealed = (key: string) => ({
      algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's',
      'm.relates_to': { rel_type: 'm.annotation', event_id: target.event_id, key },
    });
    const clear = (key: string) => ({ decrypted: { 'm.relates_to': sealed(key)['m.relates_to'] }, decrypted_type: 'm.reaction' });
    ingestEvent(store, ROOM, ev('m.room.encrypted', sealed('👍')), undefined, ME, clear('👍'));
    assert.deepEqual(reactions(), { '👍': 1 }, 'decrypted as it arrived');
    const late = ev('m.room.encrypted', sealed('🎉'));
    const lateRow = ingestEvent(store, ROOM, late, undefined, ME, { error: 'no key yet' })!.rowid;
    assert.deepEqual(reactions(), { '👍': 1 });
    store.db.prepare(`UPDATE event SET decrypted = ?, decrypted_type = 'm.reaction', decryption_error = NULL WHERE rowid = ?`)
      .run(JSON.stringify(clear('🎉').decrypted), lateRow);
    assert.deepEqual(reactions(), { '👍': 1, '🎉': 1 }, 'decrypted later');

    // Ours: counted from its cleartext local echo, then its remote echo (m.room.encrypted) takes the row, then redacted.
    const echo = store.events.insert({
      room_id: ROOM, event_id: '~txn9', sender: ME, type: 'm.reaction', timestamp: Date.now(),
      content: { 'm.relates_to': sealed('👍')['m.relates_to'] }, relates_to: target.event_id, relation_type: 'm.annotation',
      transaction_id: 'txn9', send_error: 'not sent',
    });
    assert.deepEqual(reactions(), { '👍': 2, '🎉': 1 });
    const remote = ev('m.room.encrypted', sealed('👍'), { sender: ME, unsigned: { transaction_id: 'txn9' } });
    assert.equal(ingestEvent(store, ROOM, remote, undefined, ME, clear('👍'))?.rowid, echo);
    assert.deepEqual(reactions(), { '👍': 2, '🎉': 1 }, 'the remote echo is not a second reaction');
    sync(store, [ev('m.room.redaction', { redacts: remote.event_id }, { sender: ME })], 'r');
    assert.deepEqual(reactions(), { '👍': 1, '🎉': 1 }, 'our redacted reaction is no longer counted');
  });

  it('forgets a deleted encrypted message\'s cleartext, its edits\' too: the timeline shows it deleted, search no longer finds it', () => {
    const store = Store.open(':memory:');
    sync(store, [ev('m.room.create', {}, { state_key: '' })]);
    const sealed = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's', sender_key: 'k', device_id: 'D' };
    const secret = ev('m.room.encrypted', sealed);
    ingestEvent(store, ROOM, secret, undefined, ME, { decrypted: { msgtype: 'm.text', body: 'the vault code is 4711' }, decrypted_type: 'm.room.message' });
    const fix = ev('m.room.encrypted', { ...sealed, 'm.relates_to': { rel_type: 'm.replace', event_id: secret.event_id } });
    ingestEvent(store, ROOM, fix, undefined, ME, {
      decrypted: { msgtype: 'm.text', body: '* the vault code is 4712', 'm.new_content': { msgtype: 'm.text', body: 'the vault code is 4712' } },
      decrypted_type: 'm.room.message',
    });
    const found = (word: string) => (store.db.prepare(`SELECT count(*) AS n FROM event_search WHERE event_search MATCH ?`).get(word) as { n: number }).n;
    assert.equal(found('4712'), 1, 'found by its edited text');
    const d = sync(store, [ev('m.room.redaction', { redacts: secret.event_id })], 'x');
    const stored = store.events.getByEventID(secret.event_id)!;
    assert.equal(stored.decrypted, undefined, 'the cleartext is gone from the database');
    assert.equal(store.events.getByEventID(fix.event_id)!.decrypted, undefined, 'so is its edit\'s');
    assert.equal(stored.decrypted_type, 'm.room.message', 'still known as a message');
    assert.deepEqual(viewEvent(inDiff(d, secret.event_id)!), { kind: 'deleted' }, 'the diff shows it deleted');
    assert.equal(found('4711') + found('4712'), 0);

    // Stored before this fix: migration 19 clears both.
    const keep = store.db.prepare(`UPDATE event SET decrypted = ? WHERE event_id = ?`);
    keep.run('{"body":"the vault code is 4711"}', secret.event_id);
    keep.run('{"body":"* the vault code is 4712"}', fix.event_id);
    store.db.exec(migrations[18]);
    assert.equal(store.events.getByEventID(secret.event_id)!.decrypted, undefined);
    assert.equal(store.events.getByEventID(fix.event_id)!.decrypted, undefined);
  });

  it('counts relations that were stored before their target (history arrives newest first)', () => {
    const store = Store.open(':memory:');
    const target = text('old');
    const r = ingestEvent(store, ROOM, react(target.event_id, '👍'));
    const e = ingestEvent(store, ROOM, edit(target.event_id, 'old, edited'));
    const t = ingestEvent(store, ROOM, target)!;
    assert.equal(store.events.get(t.rowid)?.reactions, undefined);
    store.events.refreshRelations([t.rowid]);
    const got = store.events.get(t.rowid)!;
    assert.deepEqual(got.reactions, { '👍': 1 });
    assert.equal(got.last_edit_rowid, e?.rowid);
    assert.deepEqual(store.events.related(ROOM, [target.event_id]).map((x) => x.rowid).sort(), [r!.rowid, e!.rowid].sort());
  });

  it('takes an encrypted edit of a message sent in the clear for its latest edit once decrypted, whichever came first', () => {
    const store = Store.open(':memory:');
    const target = text('before encryption');
    const sealed = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's', 'm.relates_to': { rel_type: 'm.replace', event_id: target.event_id } };
    const cleartext = { decrypted: edit(target.event_id, 'after').content, decrypted_type: 'm.room.message' };
    // History walks backwards: the edit (decrypted as it was fetched) is stored before its message.
    const e = ingestEvent(store, ROOM, ev('m.room.encrypted', sealed), undefined, ME, cleartext)!;
    const t = ingestEvent(store, ROOM, target)!;
    store.events.refreshRelations([t.rowid]);
    assert.equal(store.events.get(t.rowid)?.last_edit_rowid, e.rowid);
    // Its type is m.room.message only once decrypted: a newer one still ciphertext is not its edit yet; once
    // decrypted (as decryption-retry writes it), refreshing its message finds it.
    const later = ingestEvent(store, ROOM, ev('m.room.encrypted', sealed), undefined, ME, { error: 'no key yet' })!;
    store.events.refreshRelations([t.rowid]);
    assert.equal(store.events.get(t.rowid)?.last_edit_rowid, e.rowid);
    store.db.prepare(`UPDATE event SET decrypted = ?, decrypted_type = 'm.room.message', decryption_error = NULL WHERE rowid = ?`)
      .run(JSON.stringify(cleartext.decrypted), later.rowid);
    store.events.refreshRelations([t.rowid]);
    assert.equal(store.events.get(t.rowid)?.last_edit_rowid, later.rowid);
  });

  it('marks messages from others unread, never our own, edits or state', () => {
    const store = Store.open(':memory:');
    const other = text('hi');
    const mine = text('me', {});
    mine.sender = ME;
    const target = text('t');
    const d = sync(store, [ev('m.room.create', {}, { state_key: '' }), other, mine, target, edit(target.event_id, 't2')]);
    const events = d.rooms?.[ROOM]?.events ?? [];
    const unread = events.filter((e) => e.unread_type).map((e) => e.event_id);
    assert.deepEqual(unread, [other.event_id, target.event_id]);
  });

  it('strips a plain-text reply fallback and says so; every message has local_content and unsigned', () => {
    const store = Store.open(':memory:');
    const quoted = text('original');
    const reply = text('> <@bob:hs> original\n\nthe answer', { 'm.relates_to': { 'm.in_reply_to': { event_id: quoted.event_id } } });
    const notReply = text('> a quote\n\nnot a reply');
    const d = sync(store, [quoted, reply, notReply]);
    const got = inDiff(d, reply.event_id)!;
    assert.equal(got.content.body, 'the answer');
    assert.deepEqual(got.local_content, { was_plaintext: true, reply_fallback_removed: true });
    assert.equal(inDiff(d, notReply.event_id)?.content.body, '> a quote\n\nnot a reply');
    assert.deepEqual(inDiff(d, quoted.event_id)?.unsigned, {});
    assert.deepEqual(store.events.get(got.rowid), got);
  });

  it('renders an encrypted edit from its new content, as a cleartext edit and a late decryption do', () => {
    const store = Store.open(':memory:');
    const rel = { rel_type: 'm.replace', event_id: '$target' };
    // The relation stays outside the ciphertext (the spec: so the server can aggregate it).
    const encrypted = ev('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', 'm.relates_to': rel });
    const decrypted = {
      msgtype: 'm.text', body: '* new', format: 'org.matrix.custom.html', formatted_body: '* <b>old</b>',
      'm.new_content': { msgtype: 'm.text', body: 'new', format: 'org.matrix.custom.html', formatted_body: '<b>new</b>' },
      'm.relates_to': rel,
    };
    const r = ingestEvent(store, ROOM, encrypted, undefined, ME, { decrypted, decrypted_type: 'm.room.message' })!;
    assert.equal(store.events.get(r.rowid)?.local_content?.sanitized_html, '<b>new</b>');
  });
});

describe('space edges', () => {
  it('records m.space.child of a space, removes an emptied one, and names the top-level spaces', () => {
    const store = Store.open(':memory:');
    const child = ev('m.space.child', { via: ['hs'], order: 'a' }, { state_key: '!child:hs' });
    const d = sync(store, [child], undefined, [ev('m.room.create', { type: 'm.space' }, { state_key: '' })]);
    assert.deepEqual(d.space_edges, { [ROOM]: [{ child_id: '!child:hs', child_event_rowid: store.events.rowidByEventID(child.event_id), order: 'a' }] });
    assert.deepEqual(d.top_level_spaces, [ROOM]);
    const d2 = sync(store, [ev('m.space.child', {}, { state_key: '!child:hs' })], 'x');
    assert.deepEqual(d2.space_edges, { [ROOM]: [] });
    assert.deepEqual(store.spaces.all(), {});
  });

  it('ignores m.space.child in a room that is not a space', () => {
    const store = Store.open(':memory:');
    const d = sync(store, [ev('m.space.child', { via: ['hs'] }, { state_key: '!child:hs' })], undefined, [ev('m.room.create', {}, { state_key: '' })]);
    assert.equal(d.space_edges, undefined);
    assert.deepEqual(store.spaces.all(), {});
  });
});

describe('wire shape of sync_complete', () => {
  it('fills every key gomuks always sends, with null for what is empty', () => {
    const w = wireSyncComplete({ since: 's', rooms: { [ROOM]: { meta: null, events: [] } } });
    assert.deepEqual(w, {
      since: 's', account_data: null, left_rooms: null, invited_rooms: null, space_edges: null, top_level_spaces: null,
      rooms: { [ROOM]: { meta: null, timeline: null, reset: false, state: null, account_data: null, events: [], receipts: null, dismiss_notifications: false, notifications: null } },
    });
  });
});
