/** search_local's index and query on an in-memory store: edits, redactions, filters, paging and odd input. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src/main/backend/store/database.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { RANK_WINDOW, searchLocal, toFtsQuery, type LocalSearch } from '../../src/main/backend/search/local-search.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import type { JSONObject } from '../../src/shared/rpc/index.ts';

let n = 0;
function add(store: Store, body: string, opts: { room?: string; sender?: string; ts?: number; extra?: JSONObject; type?: string; rel?: [string, string] } = {}): number {
  n++;
  return store.events.insert({
    room_id: opts.room ?? '!r:hs', event_id: `$e${n}`, sender: opts.sender ?? '@bob:hs', type: opts.type ?? 'm.room.message',
    timestamp: opts.ts ?? 1000 + n, content: { msgtype: 'm.text', body, ...opts.extra },
    ...(opts.rel ? { relates_to: opts.rel[1], relation_type: opts.rel[0] } : {}),
  });
}
const ids = (store: Store, q: Partial<LocalSearch>) =>
  searchLocal(store.db, { searchTerm: '', limit: 50, offset: 0, ...q }).map((e) => e.rowid);

describe('local search', () => {
  it('finds words (stemmed, accents folded, `word*` as a prefix) and ranks better matches first', () => {
    const store = Store.open(':memory:');
    const a = add(store, 'The café is running late');
    const b = add(store, 'Cafe cafe cafe');
    add(store, 'nothing to see');
    assert.deepEqual(ids(store, { searchTerm: 'cafe' }), [b, a]);
    assert.deepEqual(ids(store, { searchTerm: 'run' }), [a], 'porter stemming');
    assert.deepEqual(ids(store, { searchTerm: 'the caf' }), [], 'a word is a whole word');
    assert.deepEqual(ids(store, { searchTerm: 'the caf*' }), [a], 'unless it ends in *');
    assert.deepEqual(ids(store, { searchTerm: 'cafe', roomIds: ['!r:hs'] }), [b, a], 'filtered: the same order');
    assert.deepEqual(ids(store, { searchTerm: 'cafe', sortByTime: true }), [b, a]);
    store.close();
  });

  it('takes any text as words: quotes, operators and punctuation cannot break the query', () => {
    const store = Store.open(':memory:');
    const a = add(store, 'say "hi" OR bye - ok? NEAR(x)');
    for (const term of ['"hi"', 'OR', 'NEAR(x', '-', 'ok?', '"', '*', 'bye)']) {
      assert.doesNotThrow(() => ids(store, { searchTerm: term }), term);
    }
    assert.deepEqual(ids(store, { searchTerm: '"hi" bye' }), [a]);
    assert.equal(toFtsQuery('a "b c* *'), '"a" """b" "c"*');
    store.close();
  });

  it('an edit replaces its message\'s text; redacting it brings the original back; a redacted message is gone', () => {
    const store = Store.open(':memory:');
    const orig = add(store, 'teh original');
    const edit = add(store, '* the corrected', { extra: { 'm.new_content': { msgtype: 'm.text', body: 'the corrected' } }, rel: ['m.replace', `$e${n}`] });
    assert.deepEqual(ids(store, { searchTerm: 'corrected' }), [orig], 'the message, not the edit event');
    assert.deepEqual(ids(store, { searchTerm: 'teh' }), []);
    store.events.redact(edit, {}, '$redaction1');
    assert.deepEqual(ids(store, { searchTerm: 'teh' }), [orig]);
    assert.deepEqual(ids(store, { searchTerm: 'corrected' }), []);
    store.events.redact(orig, {}, '$redaction2');
    assert.deepEqual(ids(store, { searchTerm: 'teh' }), []);
    // An edit stored before its message (history fetched backwards) counts too.
    add(store, '* later text', { extra: { 'm.new_content': { body: 'later text' } }, rel: ['m.replace', '$future'] });
    const future = store.events.insert({ room_id: '!r:hs', event_id: '$future', sender: '@bob:hs', type: 'm.room.message', timestamp: 1, content: { body: 'early text' } });
    assert.deepEqual(ids(store, { searchTerm: 'later' }), [future]);
    assert.deepEqual(ids(store, { searchTerm: 'early' }), []);
    // Someone else's "edit" does not change Bob's message.
    add(store, '* hijack', { sender: '@eve:hs', extra: { 'm.new_content': { body: 'hijacked' } }, rel: ['m.replace', '$future'] });
    assert.deepEqual(ids(store, { searchTerm: 'hijacked' }), []);
    store.close();
  });

  it('raw JSON search answers each message once, by its latest edit\'s text as the words do', () => {
    const store = Store.open(':memory:');
    const orig = add(store, 'teh original plan', { extra: { 'com.example.tag': 'first draft' } });
    const edit = add(store, '* the corrected plan', {
      extra: { 'm.new_content': { msgtype: 'm.text', body: 'the corrected plan', 'com.example.tag': 'second draft' } },
      rel: ['m.replace', `$e${n}`],
    });
    assert.deepEqual(ids(store, { rawLike: 'corrected plan' }), [orig], 'the message, not the edit event');
    assert.deepEqual(ids(store, { rawLike: 'second draft' }), [orig], 'any field of its new content');
    assert.deepEqual(ids(store, { rawLike: 'teh' }), [], 'not by the words it no longer has');
    assert.deepEqual(ids(store, { rawLike: 'first draft' }), []);
    assert.deepEqual(ids(store, { rawLike: 'plan' }), [orig], 'once');
    assert.deepEqual(ids(store, { searchTerm: 'corrected', rawLike: 'second draft' }), [orig], 'beside the words');
    // Its edit deleted: the message reads as it was sent again.
    store.events.redact(edit, {}, '$redaction3');
    assert.deepEqual(ids(store, { rawLike: 'teh' }), [orig]);
    assert.deepEqual(ids(store, { rawLike: 'corrected' }), []);
    // An encrypted message and its encrypted edit: their cleartext.
    const sealed = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's' };
    const secret = store.events.insert({ room_id: '!r:hs', event_id: '$sealed', sender: '@bob:hs', type: 'm.room.encrypted', timestamp: 1,
      content: sealed, decrypted: { msgtype: 'm.text', body: 'meet at noon' }, decrypted_type: 'm.room.message' });
    store.events.insert({ room_id: '!r:hs', event_id: '$sealed-edit', sender: '@bob:hs', type: 'm.room.encrypted', timestamp: 2,
      content: { ...sealed, 'm.relates_to': { rel_type: 'm.replace', event_id: '$sealed' } }, relates_to: '$sealed', relation_type: 'm.replace',
      decrypted: { msgtype: 'm.text', body: '* meet at one', 'm.new_content': { msgtype: 'm.text', body: 'meet at one' } }, decrypted_type: 'm.room.message' });
    assert.deepEqual(ids(store, { rawLike: 'meet at' }), [secret]);
    assert.deepEqual(ids(store, { rawLike: 'noon' }), []);
    store.close();
  });

  it('an edit stored before its message counts after a restart, and after a rolled-back insert of the message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lattice-search-'));
    const file = path.join(dir, 'lattice.db');
    try {
      let store = Store.open(file);
      add(store, '* fixed words', { extra: { 'm.new_content': { body: 'fixed words' } }, rel: ['m.replace', '$later1'] });
      add(store, '* mended words', { extra: { 'm.new_content': { body: 'mended words' } }, rel: ['m.replace', '$later2'] });
      store.close();
      // A new process knows of the waiting edits only from the database.
      store = Store.open(file);
      const message = (id: string, body: string) => store.events.insert({ room_id: '!r:hs', event_id: id, sender: '@bob:hs', type: 'm.room.message', timestamp: 1, content: { body } });
      const first = message('$later1', 'broken words');
      assert.deepEqual(ids(store, { searchTerm: 'fixed' }), [first]);
      assert.deepEqual(ids(store, { searchTerm: 'broken' }), []);
      // The message's insert is rolled back: the edit still waits for it, and its next arrival is indexed as edited.
      assert.throws(() => store.transaction(() => { message('$later2', 'torn words'); throw new Error('a failed sync'); }));
      const second = message('$later2', 'torn words');
      assert.deepEqual(ids(store, { searchTerm: 'mended' }), [second]);
      assert.deepEqual(ids(store, { searchTerm: 'torn' }), []);
      // A message no edit waits for is indexed as it came.
      const plain = message('$plain', 'plain words');
      assert.deepEqual(ids(store, { searchTerm: 'plain' }), [plain]);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('filters by room, sender and time, pages with limit and offset, and searches raw JSON', () => {
    const store = Store.open(':memory:');
    const a = add(store, 'report one', { room: '!a:hs', sender: '@bob:hs', ts: 10 });
    const b = add(store, 'report two', { room: '!b:hs', sender: '@carol:hs', ts: 20 });
    const c = add(store, 'report three', { room: '!a:hs', sender: '@carol:hs', ts: 30, extra: { 'com.example.tag': '50%_off' } });
    assert.deepEqual(ids(store, { searchTerm: 'report', roomIds: ['!a:hs'], sortByTime: true }), [c, a]);
    assert.deepEqual(ids(store, { searchTerm: 'report', senders: ['@carol:hs'], sortByTime: true }), [c, b]);
    assert.deepEqual(ids(store, { searchTerm: 'report', minTimestamp: 15, maxTimestamp: 25 }), [b]);
    assert.deepEqual(ids(store, { searchTerm: 'report', sortByTime: true, limit: 2 }), [c, b]);
    assert.deepEqual(ids(store, { searchTerm: 'report', sortByTime: true, limit: 2, offset: 2 }), [a]);
    assert.deepEqual(ids(store, { rawLike: '50%_OFF' }), [c], 'LIKE wildcards matched literally, case-insensitively');
    assert.deepEqual(ids(store, { rawLike: '5%' }), []);
    store.close();
  });

  it('ranks words alone among the newest matches; a filter or newest-first sees every match', () => {
    const store = Store.open(':memory:');
    const best = add(store, 'kiwi kiwi kiwi', { room: '!old:hs' });
    store.transaction(() => { for (let i = 0; i < RANK_WINDOW; i++) add(store, `kiwi and filler text number ${i}`); });
    assert.ok(!ids(store, { searchTerm: 'kiwi' }).includes(best), 'outside the window');
    assert.deepEqual(ids(store, { searchTerm: 'kiwi', roomIds: ['!old:hs'] }), [best]);
    assert.equal(ids(store, { searchTerm: 'kiwi', sortByTime: true, limit: 1, offset: RANK_WINDOW }).length, 1);
    assert.equal(ids(store, { searchTerm: 'kiwi', limit: 10, offset: RANK_WINDOW - 5 }).length, 6, 'paging on widens it to every match');
    store.close();
  });

  it('indexes messages stored before the index existed (the migration fills it)', () => {
    const db = new Database(':memory:');
    db.exec(migrations[0]);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO event (room_id, event_id, sender, type, timestamp, content) VALUES ('!r:hs', '$old', '@bob:hs',
      'm.room.message', 1, '{"msgtype":"m.text","body":"older message"}')`).run();
    migrate(db);
    const store = new Store(db);
    assert.deepEqual(searchLocal(db, { searchTerm: 'older', limit: 5, offset: 0 }).map((e) => e.event_id), ['$old']);
    store.close();
  });
});
