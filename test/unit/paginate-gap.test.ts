/**
 * History fetched from the server while a limited sync starts the room's timeline afresh: the page was asked for
 * with the old timeline's token, so it belongs below events that are gone; stored below the new timeline it would
 * stitch old history straight under the new batch and hide every message between them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import type { ClientEvent } from '../../src/main/backend/matrix/types.ts';
import { paginate } from '../../src/main/backend/rooms/paginate.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';

let n = 0;
const msg = (body: string): ClientEvent =>
  ({ event_id: `$g${++n}`, type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 1_700_000_000_000 + n, content: { msgtype: 'm.text', body } });

describe('a history page racing a limited sync', () => {
  it('is dropped, and history goes on from the new timeline\'s token', async () => {
    const store = Store.open(':memory:');
    const limitedSync = (body: string, prevBatch: string) => store.transaction(() => processSync(store, { next_batch: `s${++n}`, rooms: { join: { '!r:hs': {
      timeline: { events: [msg(body)], limited: true, prev_batch: prevBatch },
    } } } }, '@me:hs', `s${n - 1}`));
    limitedSync('before the gap', 't1');
    let answerOld: (v: unknown) => void = () => undefined;
    const asked: string[] = [];
    const client = { rooms: { messages: (_room: string, { from }: { from: string }) => {
      asked.push(from);
      // The old token's page is held until the limited sync is in; the new token's page is the messages in the gap.
      if (from === 't1') return new Promise((resolve) => { answerOld = resolve; });
      return Promise.resolve({ chunk: [msg('in the gap')], end: 't3' });
    } } } as unknown as MatrixClient;
    const oldest = paginate(store, client, '!r:hs', undefined, 1, new AbortController().signal);
    const local = await oldest; // the local page: "before the gap"
    const paging = paginate(store, client, '!r:hs', local.events[0].timeline_rowid, 10, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    limitedSync('after the gap', 't2');
    answerOld({ chunk: [msg('older than before the gap')], end: 't0' });
    const page = await paging;
    assert.deepEqual(page.events.map((e) => e.content.body), ['in the gap'], `the page is the one below the new timeline (asked: ${asked.join(', ')})`);
    assert.equal(store.rooms.prevBatch('!r:hs'), 't3', 'history goes on from the new page, not from the old one');
  });
});
