/**
 * The timeline names its room by a number (room_key, migrations.ts): timelines stored before keep their order and
 * rowids, rooms stay apart, and a key added in a transaction that rolls back is not taken for granted afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, type DB } from '../../src/main/backend/store/database.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { Store } from '../../src/main/backend/store/store.ts';

/** The migration's number (found by what it does, so it may move when migrations are merged). */
const KEYED = migrations.findIndex((m) => m.includes('CREATE TABLE room_key')) + 1;

describe('timeline room keys', () => {
  it('the room_key migration moves stored timelines to room numbers, keeping their rowids and order', () => {
    const db: DB = new Database(':memory:');
    for (let v = 0; v < KEYED - 1; v++) db.exec(migrations[v]);
    db.pragma(`user_version = ${KEYED - 1}`);
    const event = db.prepare('INSERT INTO event (room_id, event_id, sender, type, timestamp, content) VALUES (?, ?, ?, ?, ?, ?)');
    const place = db.prepare('INSERT INTO timeline (rowid, room_id, event_rowid) VALUES (?, ?, ?)');
    db.prepare("INSERT INTO room (room_id) VALUES ('!a:hs'), ('!b:hs'), ('!empty:hs')").run();
    const rows: [number, string, string][] = [[-2, '!a:hs', '$a0'], [1, '!a:hs', '$a1'], [2, '!b:hs', '$b1'], [3, '!a:hs', '$a2']];
    for (const [rowid, room, id] of rows) place.run(rowid, room, Number(event.run(room, id, '@u:hs', 'm.room.message', 1, '{}').lastInsertRowid));
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    const s = new Store(db);
    assert.deepEqual(s.timeline.page('!a:hs', Number.MAX_SAFE_INTEGER, 10).map((e) => [e.timeline_rowid, e.event_id]),
      [[3, '$a2'], [1, '$a1'], [-2, '$a0']]);
    assert.deepEqual(s.timeline.latest('!b:hs', 10).map((e) => e.event_id), ['$b1']);
    assert.deepEqual(s.timeline.latest('!empty:hs', 10), []);
    // New events go after everything stored, in their own room only.
    const next = s.timeline.append('!b:hs', s.events.insert({ room_id: '!b:hs', event_id: '$b2', sender: '@u:hs', type: 'm.room.message', timestamp: 2, content: {} }));
    assert.equal(next?.timeline_rowid, 4);
    assert.deepEqual(s.timeline.latest('!b:hs', 10).map((e) => e.event_id), ['$b2', '$b1']);
    assert.equal(s.timeline.hasOlder('!a:hs', 1), true);
    s.timeline.clear('!a:hs');
    assert.deepEqual(s.timeline.latest('!a:hs', 10), []);
    assert.equal(s.timeline.latest('!b:hs', 10).length, 2, 'clearing one room leaves the others');
    db.close();
  });

  it('gives a room its key again after a transaction that added it rolled back', () => {
    const s = Store.open(':memory:');
    const ev = (room: string, id: string) => s.events.insert({ room_id: room, event_id: id, sender: '@u:hs', type: 'm.room.message', timestamp: 1, content: {} });
    assert.throws(() => s.transaction(() => {
      s.timeline.append('!new:hs', ev('!new:hs', '$1'));
      throw new Error('rolled back');
    }), /rolled back/);
    const placed = s.transaction(() => s.timeline.append('!new:hs', ev('!new:hs', '$1')));
    assert.ok(placed);
    assert.deepEqual(s.timeline.latest('!new:hs', 10).map((e) => e.event_id), ['$1']);
    s.close();
  });
});
