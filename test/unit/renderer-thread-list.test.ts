/**
 * The threads list's pure logic (renderer/api/thread-list.ts): pages read into rows once each, the latest reply the
 * server bundled matched to its root, and rows ordered by latest activity with the replies sync brought counted;
 * threads a sync brings a reply for added at the top once, under "My threads" only those the user took part in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addThreadPage, LOADING_THREADS, MAX_PAGES_PER_READ, noteArrivedThread, readThreadPages, THREAD_LIST_PAGE, threadReplyArrivals,
  threadRows, withArrivedThreads, type ArrivedThread, type ThreadListState,
} from '../../src/renderer/api/thread-list.ts';
import type { Event, SyncComplete } from '../../src/shared/rpc/types.ts';

const T0 = Date.UTC(2026, 10, 20, 10);

function ev(n: number, extra: Partial<Event> = {}): Event {
  return {
    rowid: n, timeline_rowid: 0, room_id: '!r:x', event_id: `$${n}`, sender: '@bob:x', type: 'm.room.message',
    timestamp: T0 + n * 1000, content: { msgtype: 'm.text', body: `m${n}` }, ...extra,
  };
}

/** A root the server says has `count` replies, the latest sent at reply `latest`'s time. */
function root(n: number, count: number, latest: number): Event {
  return ev(n, { unsigned: { 'm.relations': { 'm.thread': { count, latest_event: { origin_server_ts: ev(latest).timestamp } } } } });
}

function reply(n: number, rootN: number, extra: Partial<Event> = {}): Event {
  return ev(n, { relation_type: 'm.thread', relates_to: `$${rootN}`, ...extra });
}

const nothingHeld = (): readonly Event[] => [];

describe('threads list', () => {
  it('reads pages into roots held once each, with the latest reply by its root', () => {
    let s: ThreadListState = addThreadPage(LOADING_THREADS, {
      events: [root(10, 2, 12), root(1, 1, 2)], related_events: [reply(12, 10), reply(2, 1)], next_batch: 'p2',
    });
    assert.deepEqual(s.roots.map((r) => r.event_id), ['$10', '$1']);
    assert.equal(s.latest.get('$10')?.event_id, '$12');
    assert.equal(s.nextBatch, 'p2');
    assert.equal(s.loading, null);
    // A later page adds only the roots not yet held (one moved between pages as a reply came), and ends the list.
    s = addThreadPage({ ...s, loading: 'more' }, { events: [root(1, 1, 2), root(0, 3, 5)] });
    assert.deepEqual(s.roots.map((r) => r.event_id), ['$10', '$1', '$0']);
    assert.equal(s.nextBatch, null);
  });

  it('makes rows with the count and latest reply, newest activity first', () => {
    const s = addThreadPage(LOADING_THREADS, {
      events: [root(10, 2, 12), root(1, 4, 5)], related_events: [reply(12, 10, { sender: '@carol:x' }), reply(5, 1)],
    });
    let rows = threadRows(s, nothingHeld);
    assert.deepEqual(rows.map((r) => [r.root.event_id, r.count, r.latest?.sender]), [['$10', 2, '@carol:x'], ['$1', 4, '@bob:x']]);
    assert.equal(rows[0].activity, ev(12).timestamp);
    // A reply to the older thread came by sync: it counts, is the latest, and moves its thread up.
    const held = new Map([['$1', [reply(20, 1, { sender: '@alice:x' })]]]);
    rows = threadRows(s, (id) => held.get(id) ?? []);
    assert.deepEqual(rows.map((r) => [r.root.event_id, r.count, r.latest?.sender]), [['$1', 5, '@alice:x'], ['$10', 2, '@carol:x']]);
  });

  it('leaves a deleted latest reply out, and orders a thread without one by its root', () => {
    const s = addThreadPage(LOADING_THREADS, {
      events: [root(30, 1, 31), root(20, 0, 0)], related_events: [reply(31, 30, { redacted_by: '$gone', content: {} })],
    });
    const rows = threadRows(s, nothingHeld);
    assert.equal(rows[0].root.event_id, '$30');
    assert.equal(rows[0].latest, undefined);
    assert.equal(rows[0].activity, ev(30).timestamp);
    assert.equal(rows[1].activity, ev(20).timestamp);
  });

  it('reads on past short pages (the server filters My threads after paging) until a page of rows came', async () => {
    // Pages of 20 threads of which the user took part in one each, then the end.
    const asked: (string | null)[] = [];
    const pages = 25;
    const request = (from: string | null) => {
      asked.push(from);
      const n = from === null ? 0 : Number(from);
      return Promise.resolve({ events: [root(100 + n, 1, 100 + n)], ...(n + 1 < pages ? { next_batch: String(n + 1) } : {}) });
    };
    let s = await readThreadPages(request, LOADING_THREADS, null);
    assert.equal(asked.length, MAX_PAGES_PER_READ, 'stops after a few pages, leaving the rest to Load more');
    assert.equal(s.roots.length, MAX_PAGES_PER_READ);
    assert.equal(s.nextBatch, String(MAX_PAGES_PER_READ));
    s = await readThreadPages(request, s, s.nextBatch);
    s = await readThreadPages(request, s, s.nextBatch);
    assert.equal(s.roots.length, pages);
    assert.equal(s.nextBatch, null, 'read to the end');
    // Full pages: one is enough.
    asked.length = 0;
    const full = (from: string | null) => {
      asked.push(from);
      return Promise.resolve({ events: Array.from({ length: THREAD_LIST_PAGE }, (_, i) => root(200 + i, 1, 200 + i)), next_batch: 'more' });
    };
    s = await readThreadPages(full, LOADING_THREADS, null);
    assert.deepEqual(asked, [null]);
    assert.equal(s.nextBatch, 'more');
  });

  it('keeps the rows read before a page that failed, with the reason in words', async () => {
    let calls = 0;
    const request = (from: string | null) => {
      calls++;
      return from === null ? Promise.resolve({ events: [root(1, 1, 1)], next_batch: 'b' }) : Promise.reject(new Error('The homeserver is not answering.'));
    };
    const s = await readThreadPages(request, LOADING_THREADS, null);
    assert.equal(calls, 2);
    assert.deepEqual(s.roots.map((r) => r.event_id), ['$1']);
    assert.equal(s.error, 'The homeserver is not answering.');
    assert.equal(s.loading, null);
    assert.equal(s.nextBatch, 'b', 'Load more tries that page again');
  });

  it('takes from a sync the thread replies placed in the timeline, not those sent along or a connection\'s first', () => {
    const placed = (e: Event) => ({ ...e, timeline_rowid: e.rowid });
    const diff = (events: Event[], timeline: Event[], extra: Partial<SyncComplete> = {}): SyncComplete => ({
      rooms: { '!r:x': { events, timeline: timeline.map((e) => ({ timeline_rowid: e.rowid, event_rowid: e.rowid })) } }, ...extra,
    });
    const newRoot = placed(ev(30));
    const newReply = placed(reply(31, 30));
    const oldReply = reply(5, 1); // a reply's target, say: sent along, not placed
    const plain = placed(ev(32));
    const got = threadReplyArrivals(diff([oldReply, newRoot, newReply, plain], [newRoot, newReply, plain]), '!r:x');
    assert.deepEqual(got.map((a) => [a.rootId, a.reply.event_id, a.root?.event_id]), [['$30', '$31', '$30']]);
    // A reply whose root came earlier: the root is left to the caller.
    assert.deepEqual(threadReplyArrivals(diff([placed(reply(33, 1))], [placed(reply(33, 1))]), '!r:x').map((a) => [a.rootId, a.root]), [['$1', undefined]]);
    assert.deepEqual(threadReplyArrivals(diff([newReply], [newReply], { clear_state: true }), '!r:x'), []);
    assert.deepEqual(threadReplyArrivals(diff([newReply], [newReply]), '!other:x'), []);
    // On the wire an empty list is null.
    assert.deepEqual(threadReplyArrivals({ rooms: { '!r:x': { events: null, timeline: null } } }, '!r:x'), []);
  });

  it('adds the threads that came at the top, each once, and under My threads only the user\'s', () => {
    const s = addThreadPage(LOADING_THREADS, { events: [root(10, 2, 12), root(1, 1, 2)], next_batch: 'p2' });
    let arrived: ReadonlyMap<string, ArrivedThread> = new Map();
    arrived = noteArrivedThread(arrived, ev(30), false); // Bob's new thread
    arrived = noteArrivedThread(arrived, ev(40, { sender: '@alice:x' }), true); // on Alice's message
    arrived = noteArrivedThread(arrived, root(10, 2, 12), false); // a reply to a listed thread
    const held = new Map([['$30', [reply(31, 30)]], ['$40', [reply(41, 40)]], ['$10', [reply(50, 10)]]]);
    const rowsOf = (st: ThreadListState) => threadRows(st, (id) => held.get(id) ?? []).map((r) => [r.root.event_id, r.count]);
    assert.deepEqual(rowsOf(withArrivedThreads(s, arrived, 'all')), [['$10', 3], ['$40', 1], ['$30', 1], ['$1', 1]]);
    assert.deepEqual(rowsOf(withArrivedThreads(s, arrived, 'participated')), [['$10', 3], ['$40', 1], ['$1', 1]]);
    // The user's part, once seen, stays when the same thread comes again with a reply of someone else.
    arrived = noteArrivedThread(arrived, ev(40, { sender: '@alice:x' }), false);
    assert.equal(arrived.get('$40')?.mine, true);
    // The next page (or a reading again) has it too: the server's copy, once (pages go onto what was read).
    const both = withArrivedThreads(addThreadPage({ ...s, loading: 'more' }, { events: [root(30, 1, 31), root(0, 1, 1)] }), arrived, 'all');
    const ids = both.roots.map((r) => r.event_id);
    assert.equal(ids.length, new Set(ids).size, `listed twice: ${ids.join(' ')}`);
    assert.ok(both.roots.find((r) => r.event_id === '$30')?.unsigned, 'the server\'s copy, with its summary');
    // While the first page loads nothing shows.
    assert.equal(withArrivedThreads(LOADING_THREADS, arrived, 'all'), LOADING_THREADS);
  });
});
