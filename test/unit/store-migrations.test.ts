import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { findEncryptedFile } from '../../src/main/backend/crypto/encrypted-media.ts';
import { mentions } from '../../src/main/backend/reading/read-queries.ts';
import { searchLocal } from '../../src/main/backend/search/local-search.ts';
import { migrate } from '../../src/main/backend/store/database.ts';
import { eventKey, KEY_AND_ID } from '../../src/main/backend/store/event-key.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { ingestEvent } from '../../src/main/backend/sync/ingest-event.ts';

describe('database schema', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-db-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates a new database to the latest version, in WAL mode, and reopens without migrating again', () => {
    const file = path.join(dir, 'a.db');
    const s = Store.open(file);
    assert.equal(s.db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
    s.account.put('@a:hs', 'DEV', 'https://hs');
    s.close();
    const again = Store.open(file);
    assert.equal(again.account.get()?.device_id, 'DEV');
    again.close();
  });

  it('refuses a database from a newer Lattice instead of damaging it', () => {
    const file = path.join(dir, 'b.db');
    const s = Store.open(file);
    s.db.pragma(`user_version = ${migrations.length + 1}`);
    s.close();
    assert.throws(() => Store.open(file), /newer Lattice/);
  });

  it('has no column that could hold an access token', () => {
    const s = Store.open(':memory:');
    const cols = (s.db.prepare("SELECT name FROM pragma_table_info('account')").all() as { name: string }[]).map((c) => c.name);
    assert.deepEqual(cols.sort(), ['device_id', 'filter_id', 'homeserver_url', 'next_batch', 'user_id']);
    s.close();
  });

  it('orders back-paginated events before everything, across rooms', () => {
    const s = Store.open(':memory:');
    const ev = (room: string, id: string) => s.events.insert({ room_id: room, event_id: id, sender: '@a:hs', type: 'm.room.message', timestamp: 1, content: {} });
    s.timeline.append('!a', ev('!a', '$1'));
    s.timeline.append('!b', ev('!b', '$2'));
    const p1 = s.timeline.prepend('!a', ev('!a', '$0'))!;
    const p2 = s.timeline.prepend('!b', ev('!b', '$-1'))!;
    assert.ok(p1.timeline_rowid < 0 && p2.timeline_rowid < p1.timeline_rowid);
    assert.deepEqual(s.timeline.page('!a', Number.MAX_SAFE_INTEGER, 10).map((e) => e.event_id), ['$1', '$0']);
    assert.equal(s.timeline.append('!a', s.events.rowidByEventID('$1')!), undefined, 'an event is in a timeline once');
    s.close();
  });

  it('migration 14 keeps a schema-13 database\'s word index and mentions: old messages are found, the index merges 16 segments at a time, get_mentions reads loud events only, encrypted attachments are still found', () => {
    const file = path.join(dir, 'v13.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.transaction(() => { for (const m of migrations.slice(0, 13)) db.exec(m); db.pragma('user_version = 13'); })();
    // Rows as a schema-13 Lattice wrote them: the event store indexed each message's body itself.
    const insert = db.prepare(`INSERT INTO event (room_id, event_id, sender, type, timestamp, content, unread_type)
      VALUES ('!r:hs', ?, '@bob:hs', 'm.room.message', ?, json_object('msgtype', 'm.text', 'body', ?), ?)`);
    const index = db.prepare('INSERT INTO event_search (rowid, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const body = i === 7 ? 'the quarterly giraffe report' : `ordinary message ${i}`;
        index.run(insert.run(`$m${i}`, 1000 + i, body, i % 50 === 0 ? 1 | 2 | 4 : 1 | 2).lastInsertRowid, body);
      }
    })();
    const keyInfo = { v: 'v2', key: { k: 'key' }, iv: 'iv', hashes: { sha256: 'hash' } };
    db.prepare(`INSERT INTO event (room_id, event_id, sender, type, timestamp, content, decrypted, decrypted_type)
      VALUES ('!r:hs', '$file', '@bob:hs', 'm.room.encrypted', 1, '{}', ?, 'm.room.message')`).run(JSON.stringify({
      msgtype: 'm.image', body: 'cat.png', file: { ...keyInfo, url: 'mxc://hs/cat' },
      info: { mimetype: 'image/png', thumbnail_file: { ...keyInfo, url: 'mxc://hs/thumb' }, thumbnail_info: { mimetype: 'image/jpeg' } } }));
    db.prepare(`INSERT INTO event (room_id, event_id, sender, type, timestamp, content, decrypted, decrypted_type)
      VALUES ('!r:hs', '$secret', '@bob:hs', 'm.room.encrypted', 2, '{}', '{"msgtype":"m.text","body":"no file here"}', 'm.room.message')`).run();
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.prepare(`SELECT v FROM event_search_config WHERE k = 'automerge'`).pluck().get(), 16);
    assert.deepEqual(searchLocal(db, { searchTerm: 'giraffe', limit: 5, offset: 0 }).map((e) => e.event_id), ['$m7']);
    assert.deepEqual(searchLocal(db, { searchTerm: 'quar*', limit: 5, offset: 0 }).map((e) => e.event_id), ['$m7'], 'the prefix index is kept');
    assert.equal(searchLocal(db, { searchTerm: 'ordinary', limit: 1000, offset: 0 }).length, 299);
    assert.deepEqual(mentions(db, 99999, 4, 10).map((e) => e.event_id), ['$m250', '$m200', '$m150', '$m100', '$m50', '$m0']);
    assert.equal(db.prepare('SELECT count(*) FROM event INDEXED BY event_mention_idx WHERE unread_type >= 4').pluck().get(), 6);
    db.close();
    // And the store keeps indexing new messages into it.
    const s = Store.open(file);
    s.events.insert({ room_id: '!r:hs', event_id: '$new', sender: '@bob:hs', type: 'm.room.message', timestamp: 5000, content: { msgtype: 'm.text', body: 'another giraffe' } });
    assert.deepEqual(searchLocal(s.db, { searchTerm: 'giraffe', sortByTime: true, limit: 5, offset: 0 }).map((e) => e.event_id), ['$new', '$m7']);
    // Encrypted attachments are found by their URI through the narrowed indexes, which hold only such events.
    assert.equal(findEncryptedFile(s, 'mxc://hs/cat')?.mimetype, 'image/png');
    assert.equal(findEncryptedFile(s, 'mxc://hs/thumb')?.mimetype, 'image/jpeg');
    for (const idx of ['event_file_url_idx', 'event_thumbnail_file_url_idx']) {
      assert.match(s.db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(idx) as string, /WHERE decrypted ->> '\$\.[a-z_.]+' IS NOT NULL/);
    }
    s.close();
  });

  it('the room_activity migration keeps each room\'s preview, sorting time and counts, and a left room takes its activity row with it', () => {
    const ACTIVITY = migrations.findIndex((m) => m.includes('CREATE TABLE room_activity')) + 1;
    const db = new Database(':memory:');
    db.transaction(() => { for (const m of migrations.slice(0, ACTIVITY - 1)) db.exec(m); db.pragma(`user_version = ${ACTIVITY - 1}`); })();
    const room = db.prepare(`INSERT INTO room (room_id, name, name_quality, preview_event_rowid, sorting_timestamp,
      unread_highlights, unread_notifications, unread_messages) VALUES (?, ?, 3, ?, ?, ?, ?, ?)`);
    room.run('!a:hs', 'A', 7, 1000, 1, 2, 3);
    room.run('!b:hs', 'B', 9, 2000, 0, 0, 4);
    // A room with no timeline row had no room_key row before: the migration gives it one.
    db.prepare("INSERT INTO room_key (room_id) VALUES ('!b:hs')").run();
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    const s = new Store(db);
    const pick = (id: string) => {
      const r = s.rooms.get(id)!;
      return [r.name, r.preview_event_rowid, r.sorting_timestamp, r.unread_highlights, r.unread_notifications, r.unread_messages];
    };
    assert.deepEqual(pick('!a:hs'), ['A', 7, 1000, 1, 2, 3]);
    assert.deepEqual(pick('!b:hs'), ['B', 9, 2000, 0, 0, 4]);
    assert.deepEqual(s.rooms.all().map((r) => r.room_id), ['!b:hs', '!a:hs'], 'newest first, by the moved sorting time');
    s.deleteRoom('!a:hs');
    assert.equal(db.prepare('SELECT COUNT(*) FROM room_activity').pluck().get(), 1);
    // Joined again: a fresh row, not the activity it had.
    assert.equal(s.rooms.ensure('!a:hs'), true);
    assert.deepEqual(pick('!a:hs'), [undefined, 0, 0, 0, 0, 0]);
    s.close();
  });

  it('the event key migration keeps every event and every row naming one, and finds events by ID through the key, two IDs sharing one included', () => {
    const KEYED = migrations.findIndex((m) => m.includes('CREATE TABLE event_keyed')) + 1;
    const db = new Database(':memory:');
    db.transaction(() => { for (const m of migrations.slice(0, KEYED - 1)) db.exec(m); db.pragma(`user_version = ${KEYED - 1}`); })();
    // Two IDs of rooms v4's form sharing their first 8 digits, so their key; an ID of rooms v1; a reaction.
    const [holder, collider, old] = [`$AAAAAAAA${'x'.repeat(35)}`, `$AAAAAAAA${'y'.repeat(35)}`, '$1536134624110SClaj:hs'];
    const insert = db.prepare(`INSERT INTO event (room_id, event_id, sender, type, timestamp, content, relates_to, relation_type)
      VALUES ('!r:hs', ?, '@b:hs', ?, 1, ?, ?, ?)`);
    for (const [id, word] of [[holder, 'apples'], [collider, 'pears'], [old, 'plums']]) {
      insert.run(id, 'm.room.message', JSON.stringify({ msgtype: 'm.text', body: word }), null, null);
    }
    insert.run('$like:hs', 'm.reaction', JSON.stringify({ 'm.relates_to': { rel_type: 'm.annotation', event_id: collider, key: 'x' } }), collider, 'm.annotation');
    db.exec(`UPDATE event SET reactions = '{"x":1}' WHERE rowid = 2;
      INSERT INTO event_search (rowid, body) SELECT rowid, content ->> '$.body' FROM event WHERE type = 'm.room.message';
      INSERT INTO room_key (room_id) VALUES ('!r:hs');
      INSERT INTO timeline (room_nid, event_rowid) SELECT 1, rowid FROM event;
      INSERT INTO current_state (room_id, event_type, state_key, event_rowid) VALUES ('!r:hs', 'm.room.topic', '', 3);`);
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys on again');
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();
    assert.deepEqual([count('event'), count('timeline'), count('current_state')], [4, 4, 1], 'nothing cascaded away');
    assert.deepEqual(db.prepare('SELECT event_key FROM event ORDER BY rowid').pluck().all(),
      [eventKey(holder), null, eventKey(old), eventKey('$like:hs')], 'the first of two IDs sharing a key keeps it');
    // No index of the whole event_id column is left; lookups by ID search indexes only.
    const byId = db.prepare(`SELECT i.name FROM pragma_index_list('event') i, pragma_index_info(i.name) c
      WHERE c.name = 'event_id' AND NOT i.partial`).pluck().all();
    assert.deepEqual(byId, []);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM event WHERE ${KEY_AND_ID}`).all(0, '') as { detail: string }[];
    assert.ok(plan.every((p) => !p.detail.startsWith('SCAN')), JSON.stringify(plan));
    // The transaction ID's index holds local echoes only (a UNIQUE column's had a NULL entry for every event), and
    // still refuses a second event with one and finds them by it.
    assert.equal(db.prepare(`SELECT COUNT(*) FROM pragma_index_list('event') i, pragma_index_info(i.name) c
      WHERE c.name = 'transaction_id' AND i."unique" AND i.partial`).pluck().get(), 1);
    assert.equal(db.prepare(`SELECT COUNT(*) FROM pragma_index_list('event') i, pragma_index_info(i.name) c
      WHERE c.name = 'transaction_id' AND NOT i.partial`).pluck().get(), 0);
    const txnPlan = db.prepare('EXPLAIN QUERY PLAN SELECT rowid FROM event WHERE transaction_id = ?').all('t') as { detail: string }[];
    assert.ok(txnPlan.every((p) => !p.detail.startsWith('SCAN')), JSON.stringify(txnPlan));
    db.prepare("UPDATE event SET transaction_id = 'txn1' WHERE rowid = 3").run();
    assert.throws(() => db.prepare("UPDATE event SET transaction_id = 'txn1' WHERE rowid = 1").run(), /UNIQUE/);
    db.prepare('UPDATE event SET transaction_id = NULL WHERE rowid = 3').run();

    const s = new Store(db);
    assert.deepEqual([holder, collider, old, '$like:hs'].map((id) => s.events.rowidByEventID(id)), [1, 2, 3, 4]);
    assert.deepEqual(searchLocal(db, { searchTerm: 'pears', limit: 10, offset: 0 }).map((e) => e.event_id), [collider]);
    // The redaction trigger finds the keyless target by its ID.
    ingestEvent(s, '!r:hs', { event_id: '$unlike:hs', type: 'm.room.redaction', sender: '@b:hs', origin_server_ts: 2, redacts: '$like:hs', content: {} });
    assert.deepEqual(s.events.get(2)?.reactions, {});
    assert.equal(s.events.insertIfNew({ room_id: '!r:hs', event_id: collider, sender: '@b:hs', type: 'm.room.message', timestamp: 1, content: {} }), undefined);
    s.close();
  });
});
