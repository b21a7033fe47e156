/**
 * The sync_complete diff is built from what was ingested rather than read back from SQLite, and room rows are
 * written column by column: these tests hold both to what the database actually contains.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { emptyRoom } from '../../src/main/backend/sync/room-meta.ts';

const ME = '@me:hs';
let n = 0;
function ev(type: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent {
  return { event_id: `$d${++n}`, type, sender: '@bob:hs', origin_server_ts: 1_700_000_000_000 + n, content: content as ClientEvent['content'], ...extra };
}
const member = (user: string, displayname: string) =>
  ev('m.room.member', { membership: 'join', displayname }, { state_key: user, sender: user });
const html = (body: string) =>
  ev('m.room.message', { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: `<b>${body}</b>` });

describe('sync diff built from ingested events', () => {
  it('carries every event exactly as the database reads it back, in every path an event can take', () => {
    const store = Store.open(':memory:');
    const name = ev('m.room.name', { name: 'Both' }, { state_key: '' });
    const first = html('first');
    const doomed = ev('m.room.message', { msgtype: 'm.text', body: 'oops' });
    const responses: SyncResponse[] = [
      { next_batch: 's1', rooms: { join: {
        '!a:hs': {
          state: { events: [ev('m.room.create', {}, { state_key: '' }), member(ME, 'Me'), member('@bob:hs', 'Bob'), name] },
          // The name event again in the timeline (state and timeline overlap), a reply with a fallback, an edit.
          timeline: { events: [name, first, ev('m.room.message', { msgtype: 'm.text', body: 'r', format: 'org.matrix.custom.html',
            formatted_body: '<mx-reply>quoted</mx-reply>reply' }), ev('m.room.message', { body: '* e', 'm.relates_to': { rel_type: 'm.replace', event_id: first.event_id } })],
          limited: true, prev_batch: 'p' },
        },
        '!b:hs': { timeline: { events: [doomed, ev('m.room.redaction', { redacts: doomed.event_id })] } },
      } } },
      // An event stored before comes again, with a new one and a redaction of an older event.
      { next_batch: 's2', rooms: { join: {
        '!a:hs': { timeline: { events: [first, html('second'), ev('m.room.redaction', { redacts: first.event_id })] },
          unread_notifications: { notification_count: 2, highlight_count: 0 } },
      } } },
    ];
    let since: string | undefined;
    let checked = 0;
    for (const r of responses) {
      const { diff } = store.transaction(() => processSync(store, r, ME, since));
      since = r.next_batch;
      for (const room of Object.values(diff.rooms ?? {})) {
        for (const e of room.events ?? []) {
          assert.deepEqual(e, store.events.get(e.rowid), `event ${e.event_id} in the diff differs from the stored one`);
          checked++;
        }
        for (const t of room.timeline ?? []) {
          assert.equal(store.events.get(t.event_rowid)?.timeline_rowid, t.timeline_rowid);
        }
      }
    }
    assert.ok(checked >= 10, `only ${checked} events checked`);
    const redacted = store.events.getByEventID(doomed.event_id)!;
    assert.ok(redacted.redacted_by, 'the event redacted in the same response as it arrived is redacted');
    store.close();
  });

  it('writes a room row only when a column changed, only the changed columns, and reads it once', () => {
    const store = Store.open(':memory:');
    store.rooms.ensure('!r:hs');
    const prev = store.rooms.get('!r:hs')!;
    assert.deepEqual(prev, emptyRoom('!r:hs'));
    assert.equal(store.rooms.save({ ...prev }), false, 'nothing changed, nothing written');
    const named = { ...prev, name: 'Named', name_quality: 3 as const, lazy_load_summary: { 'm.heroes': ['@x:hs'] } };
    assert.equal(store.rooms.save(named), true);
    assert.deepEqual(store.rooms.get('!r:hs'), named);
    const row = () => store.db.prepare(`SELECT name, topic, sorting_timestamp FROM room r JOIN room_key k ON k.room_id = r.room_id
      JOIN room_activity a ON a.room_nid = k.nid WHERE r.room_id = ?`).get('!r:hs');
    // A column the store did not change is not written: a value put there behind its back survives.
    store.db.prepare('UPDATE room SET topic = ? WHERE room_id = ?').run('kept', '!r:hs');
    store.rooms.save({ ...named, sorting_timestamp: 5 });
    assert.deepEqual(row(), { name: 'Named', topic: 'kept', sorting_timestamp: 5 });
    // Changing the returned copy changes nothing stored or cached.
    const copy = store.rooms.get('!r:hs')!;
    copy.name = 'Changed';
    assert.equal(store.rooms.get('!r:hs')?.name, 'Named');
    // A rolled-back transaction leaves no trace in what the store returns.
    assert.throws(() => store.transaction(() => {
      store.rooms.save({ ...named, sorting_timestamp: 5, name: 'Rolled back' });
      throw new Error('boom');
    }), /boom/);
    assert.equal(store.rooms.get('!r:hs')?.name, 'Named');
    assert.deepEqual(row(), { name: 'Named', topic: 'kept', sorting_timestamp: 5 });
    store.rooms.delete('!r:hs');
    assert.equal(store.rooms.get('!r:hs'), undefined);
    store.close();
  });

  it('keeps the WAL for an idle checkpoint instead of checkpointing inside commits', () => {
    const store = Store.open(':memory:');
    assert.ok(Number(store.db.pragma('wal_autocheckpoint', { simple: true })) > 1000);
    store.checkpoint();
    store.close();
  });
});
