/**
 * The mentions dialog's pages (src/renderer/api/mentions.ts) with a stand-in get_mentions: the first page asks for the
 * newest highlights, the next from the oldest one fetched (inclusive, so one sharing its millisecond is not skipped,
 * and none is listed twice), paging ends when a page is short or brings nothing new, and edits are not listed but
 * still move the paging on; mentions that arrive while it is open go on top. The dialog itself is driven against Synapse in test/e2e/mentions-ui.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendOlder, listedMentions, loadMentions, MENTIONS_PAGE, mergeNewMentions } from '../../src/renderer/api/mentions.ts';
import type { CommandParams } from '../../src/shared/rpc/commands.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

const ev = (n: number, timestamp: number, extra: Partial<Event> = {}): Event => ({
  rowid: n, timeline_rowid: n, room_id: '!r:x', event_id: `$${n}`, sender: '@bob:x', type: 'm.room.message', timestamp,
  content: { msgtype: 'm.text', body: `alice ${n}` }, ...extra,
});

/** A store of highlights, newest first, answering as get_mentions does ("at or before", newest first, `limit`). */
function backend(all: Event[]) {
  const asked: CommandParams<'get_mentions'>[] = [];
  const ask = (p: CommandParams<'get_mentions'>): Promise<Event[]> => {
    asked.push(p);
    return Promise.resolve(all.filter((e) => e.timestamp <= p.max_timestamp).slice(0, p.limit));
  };
  return { asked, ask };
}

describe('the mentions dialog\'s pages', () => {
  it('asks for the newest first, then from the oldest fetched, listing none twice', async () => {
    // 40 highlights; the 30th and 31st share a millisecond, where the first page ends.
    const all = Array.from({ length: 40 }, (_, i) => ev(40 - i, 1000 - i - (i >= 30 ? 1 : 0)));
    const { asked, ask } = backend(all);
    const first = await loadMentions(ask, []);
    assert.equal(first.fetched.length, MENTIONS_PAGE);
    assert.equal(first.more, true);
    assert.deepEqual(asked[0], { max_timestamp: Number.MAX_SAFE_INTEGER, type: 4, limit: MENTIONS_PAGE });
    const second = await loadMentions(ask, first.fetched);
    assert.equal(asked[1].max_timestamp, first.fetched.at(-1)!.timestamp, 'from the oldest fetched, inclusive');
    const ids = [...first.fetched, ...second.fetched].map((e) => e.event_id);
    assert.deepEqual(ids, all.map((e) => e.event_id), 'every one once, in order, the one sharing the millisecond too');
    assert.equal(second.more, false, 'a short page is the last');
  });

  it('stops when a full page brings nothing new', async () => {
    const same = Array.from({ length: MENTIONS_PAGE + 5 }, (_, i) => ev(i + 1, 500));
    const { ask } = backend(same);
    const first = await loadMentions(ask, []);
    const second = await loadMentions(ask, first.fetched);
    assert.deepEqual(second, { fetched: [], more: false });
  });

  it('lists no edit, but pages on from one', async () => {
    const edit = ev(3, 900, { relation_type: 'm.replace', relates_to: '$1' });
    const fetched = [ev(4, 950), edit];
    assert.deepEqual(listedMentions(fetched).map((e) => e.event_id), ['$4']);
    const { asked, ask } = backend([ev(4, 950), edit, ev(2, 800)]);
    await loadMentions(ask, fetched);
    assert.equal(asked[0].max_timestamp, 900, 'the edit\'s time, not the listed one\'s');
  });

  it('puts mentions that arrived while it was open on top, by time, and starts afresh after a whole page of them', () => {
    const listed = [ev(5, 500), ev(4, 400), ev(3, 300)];
    // The newest page now: two new ones (one decrypted late, older than some listed) and the listed ones.
    const merged = mergeNewMentions(listed, [ev(7, 700), ev(5, 500), ev(6, 450), ev(4, 400)]);
    assert.deepEqual(merged.fetched.map((e) => e.event_id), ['$7', '$5', '$6', '$4', '$3']);
    assert.equal(merged.restarted, false);
    assert.deepEqual(mergeNewMentions(listed, [ev(5, 500)]).fetched.map((e) => e.event_id), ['$5', '$4', '$3'], 'nothing new');
    const whole = Array.from({ length: MENTIONS_PAGE }, (_, i) => ev(100 + i, 10_000 - i));
    const restarted = mergeNewMentions(listed, whole);
    assert.equal(restarted.restarted, true, 'a gap may lie below a whole page of new ones');
    assert.deepEqual(restarted.fetched.map((e) => e.event_id), whole.map((e) => e.event_id));
    // An older page is added below what is listed, none twice.
    assert.deepEqual(appendOlder(merged.fetched, [ev(3, 300), ev(2, 200)]).map((e) => e.event_id), ['$7', '$5', '$6', '$4', '$3', '$2']);
  });
});
