/**
 * What ingest keeps in memory between syncs must never disagree with the database: the sender profile comes from
 * a per-room cache of member contents (refreshed by a member change, a redaction of the member event, and a
 * rolled-back transaction), and push rules see the room's state as it is at each timeline event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncComplete } from '../../src/shared/rpc/index.ts';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';

const ME = '@me:hs';
const BOB = '@bob:hs';
const ROOM = '!r:hs';
let n = 0;
function ev(type: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent {
  return { event_id: `$c${++n}`, type, sender: BOB, origin_server_ts: 1_700_000_000_000 + n, content: content as ClientEvent['content'], ...extra };
}
const text = (body: string, sender = BOB) => ev('m.room.message', { msgtype: 'm.text', body }, { sender });
const member = (user: string, displayname: string) => ev('m.room.member', { membership: 'join', displayname }, { sender: user, state_key: user });

function sync(store: Store, events: ClientEvent[], since?: string): SyncComplete {
  const resp: SyncResponse = { next_batch: `s${++n}`, rooms: { join: { [ROOM]: { timeline: { events } } } } };
  return store.transaction(() => processSync(store, resp, ME, since)).diff;
}
const profileOf = (store: Store, eventId: string) => store.events.getByEventID(eventId)?.local_content?.sender_profile;

describe('ingest caches', () => {
  it('gives each message the sender profile as stored at that moment: after a change, a redaction, a rollback', () => {
    const store = Store.open(':memory:');
    const first = text('one');
    sync(store, [ev('m.room.create', {}, { state_key: '' }), member(ME, 'Me'), member(BOB, 'Bob'), first]);
    assert.deepEqual(profileOf(store, first.event_id), { displayname: 'Bob' });

    const renamed = member(BOB, 'Robert');
    const second = text('two');
    sync(store, [renamed, second], 'a');
    assert.deepEqual(profileOf(store, second.event_id), { displayname: 'Robert' });

    // A transaction that renames Bob and then fails leaves the stored name, and so the next message's.
    assert.throws(() => store.transaction(() => {
      processSync(store, { next_batch: 'x', rooms: { join: { [ROOM]: { timeline: { events: [member(BOB, 'Bobby'), text('lost')] } } } } }, ME, 'b');
      throw new Error('crash inside the transaction');
    }));
    const third = text('three');
    sync(store, [third], 'b');
    assert.deepEqual(profileOf(store, third.event_id), { displayname: 'Robert' });

    // Redacting the member event prunes its display name: later messages show none.
    sync(store, [ev('m.room.redaction', { redacts: renamed.event_id }, { sender: BOB })], 'c');
    const fourth = text('four');
    sync(store, [fourth], 'd');
    assert.equal(profileOf(store, fourth.event_id), undefined);
  });

  it('evaluates push rules against the state at each event: a display name set mid-batch counts from then on', () => {
    const store = Store.open(':memory:');
    sync(store, [ev('m.room.create', {}, { state_key: '' }), member(ME, 'Me'), member(BOB, 'Bob'), text('hello')]);
    const before = text('hi Zaphod');
    const after = text('hi Zaphod, again');
    sync(store, [before, member(ME, 'Zaphod'), after], 'a');
    const highlight = 4;
    assert.equal((store.events.getByEventID(before.event_id)?.unread_type ?? 0) & highlight, 0);
    assert.equal((store.events.getByEventID(after.event_id)?.unread_type ?? 0) & highlight, highlight);
  });
});
