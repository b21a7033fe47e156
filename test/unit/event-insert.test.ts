/**
 * Event inserts (store/events.ts): each insert writes only the columns its event has a value for, with a statement
 * per set of columns. Whatever the set, the row reads back as the Event insertedEvent builds without reading it
 * (the diff carries that one), and the columns an event has no value for hold the table's defaults.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertedEvent, type EventInput } from '../../src/main/backend/store/events.ts';
import { Store } from '../../src/main/backend/store/store.ts';

const ROOM = '!r:hs';

const base = (n: number): EventInput => ({
  room_id: ROOM, event_id: `$e${n}`, sender: '@bob:hs', type: 'm.room.message', timestamp: 1000 + n,
  content: { msgtype: 'm.text', body: `message ${n} ⁨x⁩ 👍` },
});

/** Every optional field of an EventInput, with a value of its own. */
const OPTIONAL: Partial<EventInput> = {
  state_key: '',
  unsigned: { age: 5, prev_content: { membership: 'invite' } },
  local_content: { sanitized_html: '<b>x</b>', sender_profile: { displayname: 'Bob' } },
  transaction_id: 'txn1',
  redacted_by: '$redaction',
  relates_to: '$target',
  relation_type: 'm.replace',
  send_error: 'not sent',
  decrypted: { msgtype: 'm.text', body: 'secret' },
  decrypted_type: 'm.room.message',
  decryption_error: 'no session',
  unread_type: 3,
  sticky_duration: 60_000,
  sticky_until: 9_999_999,
};

describe('event inserts', () => {
  it('read back as insertedEvent builds them, whichever optional columns the event has', () => {
    const store = Store.open(':memory:');
    const keys = Object.keys(OPTIONAL) as (keyof EventInput)[];
    // None, each one alone, all of them, and every other one: sets of columns in several orders of first use.
    const sets = [[], ...keys.map((k) => [k]), keys, keys.filter((_, i) => i % 2 === 0), keys.filter((_, i) => i % 2 === 1)];
    let n = 0;
    for (const set of sets) {
      for (const ifNew of [true, false]) {
        const ev: EventInput = { ...base(++n) };
        for (const k of set) Object.assign(ev, { [k]: k === 'transaction_id' ? `txn${n}` : OPTIONAL[k] });
        const rowid = ifNew ? store.events.insertIfNew(ev) : store.events.insert(ev);
        assert.ok(rowid !== undefined, `inserted: ${set.join(', ')}`);
        assert.deepEqual(store.events.get(rowid), insertedEvent(rowid, ev), `columns: ${set.join(', ') || 'none'}`);
      }
    }
    const row = store.db.prepare<[string], { unread_type: number; sticky_until: number | null; transaction_id: string | null }>(
      'SELECT unread_type, sticky_until, transaction_id FROM event WHERE event_id = ?').get('$e1');
    assert.deepEqual(row, { unread_type: 0, sticky_until: null, transaction_id: null });
    store.close();
  });

  it('still skip an event already stored, and still refuse a second transaction_id', () => {
    const store = Store.open(':memory:');
    const first = store.events.insertIfNew({ ...base(1), unsigned: { age: 1 } });
    assert.ok(first !== undefined);
    assert.equal(store.events.insertIfNew({ ...base(1), local_content: { was_plaintext: true } }), undefined);
    assert.equal(store.events.insertIfNew(base(1)), undefined);
    store.events.insert({ ...base(2), transaction_id: 'same' });
    assert.throws(() => store.events.insert({ ...base(3), transaction_id: 'same' }), /UNIQUE/);
    store.close();
  });
});
