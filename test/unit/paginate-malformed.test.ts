/**
 * A page of history (/messages), and a room's members (/members), are the server's JSON too: a chunk or state that is no list, or an `end` that is no
 * string, made paginate throw, every time the page was asked for, so history stopped there for good ("Couldn't load
 * older messages" with a JavaScript error). Now the page is read as what it can be: what is well formed is stored,
 * and an `end` that is no string is the start of the room. Then a seeded search over a page of most event kinds
 * (sync-malformed-fixture.ts) with values broken anywhere: paginate answers, and the timeline reads back. The
 * member list likewise: one entry that was null failed it every time the room's members were opened; and so did one in
 * the events fetched for a thread, a jump to a message or a single event (storeServerEvents).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { paginate } from '../../src/main/backend/rooms/paginate.ts';
import { storeServerEvents } from '../../src/main/backend/reading/server-events.ts';
import { getRoomState } from '../../src/main/backend/rooms/room-state.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { fullResponse, mutateAnywhere, seeded } from './sync-malformed-fixture.ts';

const ROOM = '!h:hs';
const msg = (id: string, body: string): ClientEvent =>
  ({ event_id: id, type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 1_700_000_000_000, content: { msgtype: 'm.text', body } });

/** A store whose room has one message and a token for older history; and the page history starts above it. */
function roomWithHistory(): { store: Store; above: number } {
  const store = Store.open(':memory:');
  const resp: SyncResponse = { next_batch: 'a', rooms: { join: { [ROOM]: { timeline: { limited: true, prev_batch: 'older', events: [msg('$newest', 'newest')] } } } } };
  store.transaction(() => processSync(store, resp, '@me:hs', undefined));
  return { store, above: store.timeline.page(ROOM, Number.MAX_SAFE_INTEGER, 1)[0].timeline_rowid };
}

function serving(page: unknown): MatrixClient {
  return { rooms: { messages: () => Promise.resolve(page) } } as unknown as MatrixClient;
}

describe('paginate and a malformed page of history', () => {
  it('stores the well-formed events of a page whose state is no list and whose end is no string, and ends there', async () => {
    for (const [state, end] of [[5, ['t']], [{}, 7], ['x', { t: 1 }]] as const) {
      const { store, above } = roomWithHistory();
      const page = { chunk: [msg('$older', 'older'), 5, null], state, end };
      const r = await paginate(store, serving(page), ROOM, above, 10, new AbortController().signal);
      assert.deepEqual(r.events.map((e) => e.content.body), ['older'], JSON.stringify({ state, end }));
      assert.equal(store.rooms.prevBatch(ROOM), '', 'an end that is no string is the start of the room');
      store.close();
    }
  });

  it('answers a page whose chunk is no list as the start of the room', async () => {
    const { store, above } = roomWithHistory();
    const r = await paginate(store, serving({ chunk: { a: 1 }, end: 'more' }), ROOM, above, 10, new AbortController().signal);
    assert.deepEqual(r.events, []);
    assert.equal(r.has_more, false);
    store.close();
  });

  it('never throws on a page with values broken anywhere', async () => {
    const rnd = seeded(4);
    const full = fullResponse('z').rooms!.join!['!r0:hs'];
    for (let round = 0; round < 150; round++) {
      const { store, above } = roomWithHistory();
      const page = structuredClone({ chunk: [...full.timeline!.events ?? []].reverse(), state: full.state!.events, start: 'older', end: 'oldest' });
      mutateAnywhere(page, rnd, 1 + Math.floor(rnd() * 8));
      await assert.doesNotReject(paginate(store, serving(page), ROOM, above, 50, new AbortController().signal), `round ${round}`);
      store.timeline.page(ROOM, Number.MAX_SAFE_INTEGER, 100);
      store.close();
    }
  });

  it('fetches a member list holding entries that are no events, and keeps the ones that are', async () => {
    const { store } = roomWithHistory();
    const bob = { event_id: '$bob', type: 'm.room.member', sender: '@bob:hs', origin_server_ts: 1, state_key: '@bob:hs', content: { membership: 'join', displayname: 'Bob' } };
    const client = { rooms: { members: () => Promise.resolve({ chunk: [null, 5, 'x', { state_key: 7 }, bob] }) } } as unknown as MatrixClient;
    const { state } = await getRoomState(store, client, ROOM, { fetchMembers: true, includeMembers: true }, new AbortController().signal);
    assert.deepEqual(state.filter((e) => e.type === 'm.room.member').map((e) => e.state_key), ['@bob:hs']);
    assert.equal(store.rooms.get(ROOM)?.has_member_list, true);
    store.close();
  });

  it('stores the events among fetched ones that are null or no events, with a decryption step given', () => {
    const { store } = roomWithHistory();
    const raw = [null, 5, msg('$fetched', 'fetched')] as unknown as ClientEvent[];
    const stored = storeServerEvents(store, ROOM, raw, new Map());
    assert.deepEqual(stored.map((e) => e.content.body), ['fetched']);
    store.close();
  });
});
