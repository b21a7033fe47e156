/** The database reads behind get_mentions and get_receipts, on an in-memory store. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentions, receiptsFor } from '../../src/main/backend/reading/read-queries.ts';
import { Store } from '../../src/main/backend/store/store.ts';

const ROOM = '!r:hs';
const OTHER = '!o:hs';

function event(store: Store, roomId: string, n: number, unreadType: number): number {
  const rowid = store.events.insert({
    room_id: roomId, event_id: `$e${n}`, sender: '@bob:hs', type: 'm.room.message', timestamp: 1000 + n,
    content: { msgtype: 'm.text', body: `message ${n}` },
  });
  store.db.prepare('UPDATE event SET unread_type = ? WHERE rowid = ?').run(unreadType, rowid);
  return rowid;
}

describe('read queries', () => {
  it('get_mentions: events with any of the asked unread bits, newest first, up to the timestamp, per room', () => {
    const store = Store.open(':memory:');
    event(store, ROOM, 1, 1 | 4);
    event(store, ROOM, 2, 1);
    event(store, OTHER, 3, 1 | 2 | 4);
    event(store, ROOM, 4, 1 | 4);
    assert.deepEqual(mentions(store.db, 9999, 4, 10).map((e) => e.event_id), ['$e4', '$e3', '$e1']);
    assert.deepEqual(mentions(store.db, 1003, 4, 10).map((e) => e.event_id), ['$e3', '$e1'], 'max_timestamp');
    assert.deepEqual(mentions(store.db, 9999, 4, 1).map((e) => e.event_id), ['$e4'], 'limit');
    assert.deepEqual(mentions(store.db, 9999, 4, 10, ROOM).map((e) => e.event_id), ['$e4', '$e1'], 'room');
    assert.deepEqual(mentions(store.db, 9999, 2, 10).map((e) => e.event_id), ['$e3'], 'other bits');
    event(store, ROOM, 5, 1 | 2 | 8);
    assert.deepEqual(mentions(store.db, 9999, 8, 10).map((e) => e.event_id), ['$e5'], 'the sound bit');
    assert.deepEqual(mentions(store.db, 9999, 4 | 8, 10).map((e) => e.event_id), ['$e5', '$e4', '$e3', '$e1'], 'highlight or sound');
    assert.deepEqual(mentions(store.db, 9999, 1 | 4, 10).map((e) => e.event_id), ['$e5', '$e4', '$e3', '$e2', '$e1'], 'with the unread bit: every unread event');
    store.close();
  });

  it('get_mentions for highlights reads the partial index of loud events, not the event table', () => {
    const store = Store.open(':memory:');
    const plan = (sql: string) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    assert.match(plan(`SELECT rowid FROM event e WHERE e.timestamp <= 5 AND e.unread_type >= 4 AND (e.unread_type & 4) <> 0
      ORDER BY e.timestamp DESC LIMIT 5`), /USING INDEX event_mention_idx/);
    // An ordinary unread message (1|2, what the default push rules give a group room's messages) is not in it.
    event(store, ROOM, 1, 1 | 2);
    event(store, ROOM, 2, 1 | 2 | 4);
    assert.equal(store.db.prepare('SELECT count(*) FROM event INDEXED BY event_mention_idx WHERE unread_type >= 4').pluck().get(), 1);
    store.close();
  });

  it('get_receipts: read receipts only, never our own, each user once at the first event listed', () => {
    const store = Store.open(':memory:');
    store.account.setReceipt(ROOM, { user_id: '@bob:hs', receipt_type: 'm.read', event_id: '$new', timestamp: 5 });
    store.account.setReceipt(ROOM, { user_id: '@bob:hs', receipt_type: 'm.read', thread_id: '$root', event_id: '$old', timestamp: 4 });
    store.account.setReceipt(ROOM, { user_id: '@carol:hs', receipt_type: 'm.read.private', event_id: '$old', timestamp: 3 });
    store.account.setReceipt(ROOM, { user_id: '@me:hs', receipt_type: 'm.read', event_id: '$new', timestamp: 6 });
    store.account.setReceipt(ROOM, { user_id: '@dan:hs', receipt_type: 'com.example.seen', event_id: '$new', timestamp: 7 });
    store.account.setReceipt(OTHER, { user_id: '@erin:hs', receipt_type: 'm.read', event_id: '$new', timestamp: 8 });
    const got = receiptsFor(store.db, ROOM, ['$new', '$old'], '@me:hs');
    assert.deepEqual(got, {
      $new: [{ user_id: '@bob:hs', receipt_type: 'm.read', event_id: '$new', timestamp: 5 }],
      $old: [{ user_id: '@carol:hs', receipt_type: 'm.read.private', event_id: '$old', timestamp: 3 }],
    });
    assert.deepEqual(receiptsFor(store.db, ROOM, ['$old'], '@me:hs').$old.map((r) => r.user_id), ['@bob:hs', '@carol:hs']);
    assert.equal(receiptsFor(store.db, ROOM, ['$old'], '@me:hs').$old[0].thread_id, '$root');
    store.close();
  });
});
