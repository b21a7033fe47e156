/**
 * The room list a newly connected frontend gets (rpc/full-state.ts): built from the database alone with a few
 * statements for all rooms, it must still carry each room's preview with its sender's member event and the room's
 * unsent messages in the order they were written, and nothing of another room.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { fullState } from '../../src/main/backend/rpc/full-state.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';

const ME = '@me:hs';
let n = 0;
function ev(type: string, sender: string, content: Record<string, unknown>, stateKey?: string): ClientEvent {
  return { event_id: `$f${++n}`, type, sender, origin_server_ts: 1_700_000_000_000 + n, content: content as ClientEvent['content'],
    ...(stateKey === undefined ? {} : { state_key: stateKey }) };
}
const member = (user: string, displayname: string) => ev('m.room.member', user, { membership: 'join', displayname }, user);
const text = (sender: string, body: string) => ev('m.room.message', sender, { msgtype: 'm.text', body });

function room(others: string[], last: ClientEvent): NonNullable<NonNullable<SyncResponse['rooms']>['join']>[string] {
  return {
    state: { events: [ev('m.room.create', ME, { room_version: '11' }, ''), member(ME, 'Me'), ...others.map((u) => member(u, u.slice(1, 4)))] },
    timeline: { events: [text(ME, 'first'), last], limited: false },
  };
}

function unsent(store: Store, roomId: string, body: string, txnId: string): number {
  return store.transaction(() => {
    const rowid = store.events.insert({ room_id: roomId, event_id: `~${txnId}`, sender: ME, type: 'm.room.message', timestamp: Date.now(),
      content: { msgtype: 'm.text', body }, transaction_id: txnId, send_error: 'not sent' });
    store.outbox.add(roomId, rowid, txnId);
    return rowid;
  });
}

describe('fullState', () => {
  it('gives every room its preview, the preview sender\'s member event and its unsent messages in order', () => {
    const store = Store.open(':memory:');
    store.account.put(ME, 'DEV', 'https://hs.test');
    store.transaction(() => processSync(store, {
      next_batch: 's1',
      rooms: { join: {
        '!a:hs': room(['@bob:hs'], text('@bob:hs', 'from bob')),
        '!b:hs': room(['@carol:hs', '@bob:hs'], text('@carol:hs', 'from carol')),
        '!c:hs': room([], text(ME, 'from me')),
      } },
    }, ME, undefined));
    // Unsent messages of two rooms, interleaved: each room keeps its own order.
    const a1 = unsent(store, '!a:hs', 'a one', 't1');
    const c1 = unsent(store, '!c:hs', 'c one', 't2');
    const a2 = unsent(store, '!a:hs', 'a two', 't3');

    const list = fullState(store);
    const rooms = list.rooms ?? {};
    assert.equal(list.clear_state, true);
    assert.deepEqual(Object.keys(rooms).sort(), ['!a:hs', '!b:hs', '!c:hs']);

    const a = rooms['!a:hs'];
    const aPreview = a.events!.find((e) => e.rowid === a.meta!.preview_event_rowid)!;
    assert.equal(aPreview.content.body, 'from bob');
    assert.equal(a.state!['m.room.member']['@bob:hs'], a.events!.find((e) => e.type === 'm.room.member')!.rowid);
    assert.equal(a.events!.find((e) => e.type === 'm.room.member')!.content.displayname, 'bob');
    assert.deepEqual(a.events!.filter((e) => e.send_error).map((e) => e.rowid), [a1, a2]);
    assert.ok(a.events!.every((e) => e.room_id === '!a:hs'), 'nothing of another room');

    // Carol sent the preview of b: her member event comes, not Bob's.
    const b = rooms['!b:hs'];
    assert.deepEqual(Object.keys(b.state!['m.room.member']), ['@carol:hs']);
    assert.equal(b.events!.filter((e) => e.type === 'm.room.member').length, 1);
    assert.equal(b.events!.some((e) => e.send_error), false);

    const c = rooms['!c:hs'];
    assert.deepEqual(c.events!.filter((e) => e.send_error).map((e) => e.rowid), [c1]);
    assert.deepEqual(Object.keys(c.state!['m.room.member']), [ME]);
    store.close();
  });
});
