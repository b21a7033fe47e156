import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { Store } from '../../src/main/backend/store/store.ts';

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
});
