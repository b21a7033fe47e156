/**
 * Events are found by an integer key of their ID (store/event-key.ts): six bytes of the ID's hash, read from the ID
 * itself in rooms v3 and later, hashed from it otherwise. Two IDs that share a key must both be stored and found, also
 * after the event holding the key goes, and neither may be stored twice.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventKey } from '../../src/main/backend/store/event-key.ts';
import type { EventInput } from '../../src/main/backend/store/events.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { ingestEvent } from '../../src/main/backend/sync/ingest-event.ts';

const ROOM = '!r:hs';
const sha256 = (s: string) => createHash('sha256').update(s).digest();
/** Two IDs of rooms v4's form that share their first 8 digits, so their key: a collision made on purpose. */
const HOLDER = `$AAAAAAAA${'x'.repeat(35)}`;
const COLLIDER = `$AAAAAAAA${'y'.repeat(35)}`;

const message = (id: string, body: string): EventInput =>
  ({ room_id: ROOM, event_id: id, sender: '@bob:hs', type: 'm.room.message', timestamp: 1, content: { msgtype: 'm.text', body } });
const body = (s: Store, id: string) => s.events.getByEventID(id)?.content.body;
const copies = (s: Store, id: string) => s.db.prepare('SELECT COUNT(*) FROM event WHERE event_id = ?').pluck().get(id);
const keyOf = (s: Store, id: string) => s.db.prepare('SELECT event_key FROM event WHERE event_id = ?').pluck().get(id);

describe('event keys', () => {
  it('are the first six bytes of the hash that a room v3 or v4 event ID is, as a signed 48-bit integer', () => {
    const hash = sha256('an event');
    const v4 = `$${hash.toString('base64url')}`;
    const v3 = `$${hash.toString('base64').replace(/=+$/, '')}`;
    assert.equal(v4.length, 44);
    assert.equal(eventKey(v4), hash.readIntBE(0, 6));
    assert.equal(eventKey(v3), eventKey(v4), 'standard and URL-safe base64 name the same hash');
    // Both signs occur: the top bit of the hash is the key's sign.
    const negative = Buffer.alloc(32, 0xff);
    assert.equal(eventKey(`$${negative.toString('base64url')}`), -1);
    assert.equal(eventKey(`$${Buffer.alloc(32).toString('base64url')}`), 0);
  });

  it('hash other IDs (rooms v1 and v2, local echoes) with SHA-256', () => {
    for (const id of ['$1536134624110SClaj:matrix.org', '~lat123abc', '$lattice-internal-0011223344556677',
      // The length of a hash ID, but a server's name in it.
      `$${'a'.repeat(31)}:example.org`]) {
      assert.equal(eventKey(id), sha256(id).readIntBE(0, 6), id);
      assert.ok(Number.isSafeInteger(eventKey(id)) && Math.abs(eventKey(id)) <= 2 ** 47);
    }
    assert.notEqual(eventKey('$a:hs'), eventKey('$b:hs'));
  });

  it('shared by two IDs lose neither event: the second is stored without a key and found by its ID', () => {
    assert.equal(eventKey(HOLDER), eventKey(COLLIDER));
    const s = Store.open(':memory:');
    const holder = s.events.insertIfNew(message(HOLDER, 'first'))!;
    const collider = s.events.insertIfNew(message(COLLIDER, 'second'))!;
    assert.ok(holder !== undefined && collider !== undefined && holder !== collider);
    assert.equal(keyOf(s, HOLDER), eventKey(HOLDER));
    assert.equal(keyOf(s, COLLIDER), null);
    assert.equal(s.events.rowidByEventID(HOLDER), holder);
    assert.equal(s.events.rowidByEventID(COLLIDER), collider);
    assert.equal(body(s, HOLDER), 'first');
    assert.equal(body(s, COLLIDER), 'second');
    assert.deepEqual(s.events.getManyByEventID([HOLDER, COLLIDER]).map((e) => e.rowid).sort(), [holder, collider].sort());
    // Each is known again, neither stored twice.
    assert.equal(s.events.insertIfNew(message(HOLDER, 'first')), undefined);
    assert.equal(s.events.insertIfNew(message(COLLIDER, 'second')), undefined);
    assert.throws(() => s.events.insert(message(COLLIDER, 'second')), /stored already/);
    // A third ID with the same key.
    const third = `$AAAAAAAA${'z'.repeat(35)}`;
    assert.ok(s.events.insertIfNew(message(third, 'third')) !== undefined);
    assert.equal(body(s, third), 'third');

    // Relations find the keyless event: a reaction counted at insert and taken back by its redaction's trigger,
    // an edit taken as its latest.
    const reaction = ingestEvent(s, ROOM, { event_id: '$like:hs', type: 'm.reaction', sender: '@bob:hs', origin_server_ts: 2,
      content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: COLLIDER, key: '👍' } } })!;
    assert.deepEqual(reaction.touched, [collider]);
    assert.deepEqual(s.events.get(collider)?.reactions, { '👍': 1 });
    ingestEvent(s, ROOM, { event_id: '$unlike:hs', type: 'm.room.redaction', sender: '@bob:hs', origin_server_ts: 3, redacts: '$like:hs', content: {} });
    assert.deepEqual(s.events.get(collider)?.reactions, {}, 'counted again by the trigger');
    const edit = ingestEvent(s, ROOM, { event_id: '$edit:hs', type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 4,
      content: { msgtype: 'm.text', body: '* again', 'm.new_content': { msgtype: 'm.text', body: 'again' }, 'm.relates_to': { rel_type: 'm.replace', event_id: COLLIDER } } })!;
    assert.equal(s.events.get(collider)?.last_edit_rowid, edit.rowid);
    s.close();
  });

  it('go over to an event that shares them when their holder is deleted or takes another ID, so it is still not stored twice', () => {
    const s = Store.open(':memory:');
    s.events.insertIfNew(message(HOLDER, 'first'));
    const collider = s.events.insertIfNew(message(COLLIDER, 'second'))!;
    s.db.prepare('DELETE FROM event WHERE event_id = ?').run(HOLDER);
    assert.equal(keyOf(s, COLLIDER), eventKey(COLLIDER));
    assert.equal(s.events.insertIfNew(message(COLLIDER, 'second')), undefined);
    assert.equal(copies(s, COLLIDER), 1);
    assert.equal(s.events.rowidByEventID(COLLIDER), collider);

    // A local echo whose server ID shares the key of a stored event: stored without one, found by it.
    const echo = s.events.insert({ ...message('~txn1', 'sent'), transaction_id: 'txn1' });
    s.events.setSendResult(echo, HOLDER, null);
    assert.equal(keyOf(s, HOLDER), null);
    assert.equal(s.events.rowidByEventID(HOLDER), echo);
    // The holder's ID changes (as a local echo's does): the key goes over to the event that shares it.
    s.events.setSendResult(collider, '$elsewhere:hs', null);
    assert.equal(s.events.rowidByEventID('$elsewhere:hs'), collider);
    assert.equal(keyOf(s, HOLDER), eventKey(HOLDER));
    assert.equal(s.events.insertIfNew(message(HOLDER, 'first')), undefined);
    assert.equal(copies(s, HOLDER), 1);
    s.close();
  });
});
