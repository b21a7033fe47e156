/**
 * A /sync response is the server's JSON, and any field of it may hold anything: processSync must store what is well
 * formed and pass over the rest, never throw, since a throw rolls the response back and the sync loop then fetches
 * the same response and fails on it forever (the account stuck). First the shapes that did throw, each on its own;
 * then a seeded search: a response using most of what processSync reads (sync-malformed-fixture.ts), its fields
 * replaced at random by wrongly typed values, two responses in a row per store, and after each the room list, the
 * diff and every room's timeline read back as a frontend would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { fullState } from '../../src/main/backend/rpc/full-state.ts';
import { wireSyncComplete } from '../../src/main/backend/rpc/wire-shape.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { ME, ev, member, msg, sync } from './sync-processing-fixtures.ts';
import { fullResponse, mutateEvents, mutateAnywhere, seeded } from './sync-malformed-fixture.ts';

function ingest(store: Store, resp: SyncResponse, since?: string) {
  return store.transaction(() => processSync(store, resp, ME, since));
}

/** What a frontend reads after a response: the whole room list as JSON, and a page of every room's timeline. */
function readBack(store: Store): void {
  JSON.stringify(wireSyncComplete(fullState(store)));
  for (const id of store.rooms.ids()) store.timeline.page(id, Number.MAX_SAFE_INTEGER, 50);
}

describe('processSync and malformed JSON', () => {
  it('stores an event whose time is not a whole number of milliseconds with a whole one', () => {
    const store = Store.open(':memory:');
    // 1e400 is what JSON.parse makes Infinity of.
    const times: unknown[] = [1.5, 1e308, JSON.parse('1e400') as number, -(2 ** 60), '1700000000000', null];
    const events = times.map((t, i) => msg(`time ${i}`, { origin_server_ts: t as number }));
    const { diff } = ingest(store, sync({ '!t:hs': { timeline: { events } } }));
    const stored = diff.rooms!['!t:hs'].events!;
    assert.equal(stored.length, times.length, 'every message is stored');
    for (const e of stored) assert.ok(Number.isSafeInteger(e.timestamp), `${e.event_id}: ${e.timestamp}`);
    assert.equal(stored.find((e) => e.content.body === 'time 0')!.timestamp, 2, 'a fraction is rounded');
    readBack(store);
  });

  it('passes over a receipt, presence or stickiness whose time is a fraction or out of range', () => {
    const store = Store.open(':memory:');
    const target = msg('read me');
    const resp = sync({
      '!r:hs': {
        timeline: { events: [target, ev('org.matrix.msc4354.sticky.x', {}, { sticky: { duration_ms: 1.5 } })] },
        ephemeral: { events: [{ type: 'm.receipt', content: { [target.event_id]: { 'm.read': { '@bob:hs': { ts: 2.5 } } } } }] },
      },
    }, { presence: { events: [{ type: 'm.presence', sender: '@bob:hs', content: { presence: 'online', last_active_ago: 10.5 } }] } });
    const { diff, presence } = ingest(store, resp);
    assert.equal(diff.rooms!['!r:hs'].events!.length, 2);
    assert.equal(diff.rooms!['!r:hs'].receipts![target.event_id][0].timestamp, 3);
    assert.equal(presence.length, 1);
  });

  it('reads a redaction whose old-style top-level redacts is not a string as redacting nothing', () => {
    const store = Store.open(':memory:');
    const target = msg('stays');
    const redaction = ev('m.room.redaction', {}, { redacts: 5 } as unknown as Partial<ClientEvent>);
    const { diff } = ingest(store, sync({ '!x:hs': { timeline: { events: [target, redaction] } } }));
    const kept = diff.rooms!['!x:hs'].events!.find((e) => e.event_id === target.event_id)!;
    assert.equal(kept.redacted_by, undefined);
    assert.equal(kept.content.body, 'stays');
  });

  it('passes over an event whose ID is stored in another room, instead of showing that room\'s event', () => {
    const store = Store.open(':memory:');
    const first = msg('in room a');
    ingest(store, sync({ '!a:hs': { timeline: { events: [first] } } }));
    const { diff } = ingest(store, sync({ '!b:hs': { timeline: { events: [{ ...first, content: { msgtype: 'm.text', body: 'same ID in room b' } }, msg('own')] } } }), 'x');
    assert.deepEqual(diff.rooms!['!b:hs'].events!.map((e) => e.content.body), ['own']);
    assert.deepEqual(store.timeline.page('!a:hs', Number.MAX_SAFE_INTEGER, 10).map((e) => e.content.body), ['in room a']);
  });

  it('drops a push rule holding a condition that is no object, and cannot be stopped by a display name of 70,000 characters', () => {
    const store = Store.open(':memory:');
    const rules = { global: { override: [{ rule_id: 'odd', enabled: true, conditions: [null], actions: ['notify'] }] } };
    const long = 'x'.repeat(70_000);
    const { diff } = ingest(store, sync({
      '!p:hs': {
        state: { events: [member(ME, long), member('@bob:hs', 'Bob')] },
        timeline: { events: [msg(`hello ${long}`), msg('plain')] },
      },
    }, { account_data: { events: [{ type: 'm.push_rules', content: rules }] } }));
    const room = diff.rooms!['!p:hs'];
    assert.equal(room.events!.filter((e) => e.type === 'm.room.message').length, 2, 'both messages are stored');
    // The name cannot be searched for (its expression is too large to compile), so it highlights nothing.
    assert.equal(room.meta!.unread_highlights, 0);
  });

  it('never throws on a full response with fields of the wrong type, and still stores a later well-formed one', () => {
    const rnd = seeded(20261128);
    for (let round = 0; round < 120; round++) {
      const store = Store.open(':memory:');
      let since: string | undefined;
      for (let step = 0; step < 2; step++) {
        const resp = fullResponse(`b${round}.${step}`);
        if (round % 2) mutateEvents(resp, rnd);
        else mutateAnywhere(resp, rnd, 1 + Math.floor(rnd() * 12));
        assert.doesNotThrow(() => { ingest(store, resp, since); readBack(store); }, `round ${round}, response ${step}`);
        since = resp.next_batch;
      }
      const { diff } = ingest(store, sync({ '!ok:hs': { timeline: { events: [msg('still works')] } } }), since);
      assert.equal(diff.rooms!['!ok:hs'].events![0].content.body, 'still works', `round ${round}`);
      store.close();
    }
  });
});
