/**
 * The timeline around an event out of the loaded timeline: built from /context's answer, grown by pages at both
 * ends without repeating events at the seams, and stopped at an end that is exhausted or failed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addContextPage, openContext, stopContextEnd } from '../../src/renderer/ui/room/context-view.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

function ev(n: number): Event {
  return {
    rowid: n, timeline_rowid: 0, room_id: '!r:x', event_id: `$e${n}`, sender: '@bob:x', type: 'm.room.message',
    timestamp: n, content: { msgtype: 'm.text', body: `message ${n}` },
  };
}
const ids = (v: { items: readonly { event: Event }[] }): string[] => v.items.map((i) => i.event.event_id);

describe('context view', () => {
  const view = openContext('$e5', { events: [ev(4), ev(5), ev(6)], before: 't-before', after: 't-after' });

  it('starts from /context\'s events as sent, oldest first, with both tokens', () => {
    assert.deepEqual(ids(view), ['$e4', '$e5', '$e6']);
    assert.deepEqual([view.eventId, view.before, view.after], ['$e5', 't-before', 't-after']);
    assert.deepEqual(view.items.map((i) => [i.sendState, i.sendError]), [['sent', null], ['sent', null], ['sent', null]]);
  });

  it('prepends older pages and appends newer ones, leaving out events it already shows', () => {
    const older = addContextPage(view, 'b', { events: [ev(2), ev(3), ev(4)], next: 't-older' });
    assert.deepEqual(ids(older), ['$e2', '$e3', '$e4', '$e5', '$e6']);
    assert.deepEqual([older.before, older.after], ['t-older', 't-after']);
    const newer = addContextPage(older, 'f', { events: [ev(6), ev(7)], next: null });
    assert.deepEqual(ids(newer), ['$e2', '$e3', '$e4', '$e5', '$e6', '$e7']);
    assert.deepEqual([newer.before, newer.after], ['t-older', null], 'no token: the newest event is reached');
    assert.deepEqual(ids(view), ['$e4', '$e5', '$e6'], 'the earlier view is not changed');
  });

  it('stops paging at an end whose page failed', () => {
    assert.deepEqual([stopContextEnd(view, 'b').before, stopContextEnd(view, 'b').after], [null, 't-after']);
    assert.deepEqual([stopContextEnd(view, 'f').before, stopContextEnd(view, 'f').after], ['t-before', null]);
  });
});
