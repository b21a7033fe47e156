/**
 * The chat UI's pure parts: reply fallbacks and attachments in the event view, state changes in words, the
 * incremental timeline merge, spaces and their badges, Alt+↑/↓ stepping, the fuzzy room switcher and the lookups
 * behind replies and reactions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reducePagination, reduceSyncComplete } from '../../src/renderer/api/reducers.ts';
import { selectEventById, selectOwnReactions } from '../../src/renderer/api/relations.ts';
import { initialSnapshot, mergeTimeline, type RoomData } from '../../src/renderer/api/snapshot.ts';
import { flattenSpace, selectRoomsInSpace, selectSpacesModel } from '../../src/renderer/api/spaces.ts';
import { attachmentUrl, mediaUrl } from '../../src/renderer/ui/common/avatar-url.ts';
import { viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import { stripReplyFallbackBody, stripReplyFallbackHtml } from '../../src/shared/reply-fallback.ts';
import { filterRooms, stepRoom } from '../../src/renderer/ui/roomlist/room-nav.ts';
import { fuzzyFilter, fuzzyScore } from '../../src/renderer/ui/switcher/fuzzy.ts';
import type { Event, Room, SyncComplete, TimelineRowTuple } from '../../src/shared/rpc/types.ts';

function ev(rowid: number, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:x', event_id: `$${rowid}`, sender: '@alice:x', type: 'm.room.message',
    timestamp: 1_700_000_000_000 + rowid, content: { msgtype: 'm.text', body: `m${rowid}` }, ...extra,
  };
}

function room(id: string, ts: number, extra: Partial<Room> = {}): Room {
  return {
    room_id: id, name: id, name_quality: 3, explicit_avatar: false, has_member_list: true, preview_event_rowid: 0,
    sorting_timestamp: ts, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...extra,
  };
}

const tuples = (from: number, to: number): TimelineRowTuple[] => {
  const out: TimelineRowTuple[] = [];
  for (let i = from; i <= to; i++) out.push({ timeline_rowid: i, event_rowid: 1000 + i });
  return out;
};

describe('replies and attachments', () => {
  const replyContent = {
    msgtype: 'm.text', body: '> <@bob:x> original\n> second line\n\nmy answer',
    'm.relates_to': { 'm.in_reply_to': { event_id: '$orig' } },
  };

  it('strips the reply fallback when the backend has not', () => {
    const v = viewEvent(ev(1, { content: replyContent, local_content: { sanitized_html: '<mx-reply><blockquote>q</blockquote></mx-reply>my <b>answer</b>' } }));
    assert.equal(v?.kind === 'message' && v.replyTo, '$orig');
    assert.equal(v?.kind === 'message' && v.body, 'my answer');
    assert.equal(v?.kind === 'message' && v.html, 'my <b>answer</b>');
  });

  it('keeps the body as is when the backend already removed the fallback', () => {
    const v = viewEvent(ev(1, { content: { ...replyContent, body: '> quoted on purpose' }, local_content: { reply_fallback_removed: true } }));
    assert.equal(v?.kind === 'message' && v.body, '> quoted on purpose');
  });

  it('leaves quotes in messages that are not replies', () => {
    assert.equal(stripReplyFallbackBody('no quote'), 'no quote');
    assert.equal(stripReplyFallbackHtml('<blockquote>x</blockquote>y'), '<blockquote>x</blockquote>y');
    const v = viewEvent(ev(1, { content: { msgtype: 'm.text', body: '> a real quote\n\ntext' } }));
    assert.equal(v?.kind === 'message' && v.body, '> a real quote\n\ntext');
  });

  it('describes images and files, with the name only on the attachment', () => {
    const img = viewEvent(ev(1, { content: { msgtype: 'm.image', body: 'cat.png', url: 'mxc://x/cat', info: { w: 800, h: 600, mimetype: 'image/png' } } }));
    assert.ok(img?.kind === 'message' && img.media);
    assert.equal(img.media.kind, 'image');
    assert.equal(img.media.mxc, 'mxc://x/cat');
    assert.equal(img.media.width, 800);
    assert.equal(img.body, '', 'the file name is not repeated as text');
    const captioned = viewEvent(ev(2, { content: { msgtype: 'm.file', body: 'see attached', filename: 'a.pdf', url: 'mxc://x/a', info: { size: 12 } } }));
    assert.ok(captioned?.kind === 'message' && captioned.media);
    assert.equal(captioned.media.name, 'a.pdf');
    assert.equal(captioned.body, 'see attached');
    const enc = viewEvent(ev(3, { content: { msgtype: 'm.image', body: 'x', file: { url: 'mxc://x/enc' } } }));
    assert.equal(enc?.kind === 'message' && enc.media?.encrypted, true);
  });

  it('builds media URLs for the host, with a thumbnail size in device pixels and the web host\'s media token', () => {
    assert.equal(mediaUrl('mxc://x.org/abc', undefined, { transport: 'websocket', devicePixelRatio: 1 }), '/_gomuks/media/x.org/abc');
    assert.equal(mediaUrl('mxc://x.org/abc', { cssW: 320, cssH: 200 }, { transport: 'ipc', devicePixelRatio: 2 }), 'lattice://media/x.org/abc?w=640&h=400');
    assert.equal(mediaUrl('mxc://x.org/abc', undefined, { transport: 'websocket', devicePixelRatio: 1, imageAuth: 'p.m' }), '/_gomuks/media/x.org/abc?image_auth=p.m');
    assert.equal(mediaUrl('mxc://x.org/abc', { cssW: 10, cssH: 20 }, { transport: 'websocket', devicePixelRatio: 1, imageAuth: 'a+b' }), '/_gomuks/media/x.org/abc?w=10&h=20&image_auth=a%2Bb');
    assert.equal(mediaUrl('mxc://x.org/abc', undefined, { transport: 'ipc', devicePixelRatio: 1, imageAuth: 'p.m' }), 'lattice://media/x.org/abc', 'no web token on the desktop protocol');
    assert.equal(mediaUrl('https://evil/abc'), undefined);
    // Encrypted attachments: whole, marked for the host to decrypt, never a server thumbnail of ciphertext.
    assert.equal(attachmentUrl('mxc://x.org/abc', true, { cssW: 10, cssH: 20 }, { transport: 'websocket', devicePixelRatio: 1, imageAuth: 'p.m' }),
      '/_gomuks/media/x.org/abc?image_auth=p.m&encrypted=true');
    assert.equal(attachmentUrl('mxc://x.org/abc', true, undefined, { transport: 'ipc', devicePixelRatio: 1 }), 'lattice://media/x.org/abc?encrypted=true');
    // A link preview's picture names the event that carries its key.
    assert.equal(attachmentUrl('mxc://x.org/abc', true, undefined, { transport: 'ipc', devicePixelRatio: 1 }, '$ev/+1'),
      'lattice://media/x.org/abc?encrypted=true&event=%24ev%2F%2B1');
    assert.equal(attachmentUrl('mxc://x.org/abc', false, { cssW: 10, cssH: 20 }, { transport: 'ipc', devicePixelRatio: 1 }), 'lattice://media/x.org/abc?w=10&h=20');
  });

  it('says state changes in words', () => {
    const n = (id: string): string => id.slice(1, id.indexOf(':'));
    const text = (e: Partial<Event>): string => {
      const v = viewEvent(ev(1, { state_key: '', ...e }));
      return v?.kind === 'state' ? v.text(n) : '';
    };
    assert.equal(text({ type: 'm.room.encryption', content: { algorithm: 'm.megolm.v1.aes-sha2' } }), 'alice turned on end-to-end encryption');
    assert.equal(text({ type: 'm.room.join_rules', content: { join_rule: 'invite' } }), 'alice changed who can join: people join by invitation only');
    assert.equal(text({ type: 'm.room.history_visibility', content: { history_visibility: 'joined' } }), 'alice made future history visible to members since they joined');
    assert.equal(text({ type: 'm.room.canonical_alias', content: { alias: '#a:x' } }), 'alice set the room address to #a:x');
  });
});

describe('timeline merge', () => {
  it('prepends a history page without sorting what is loaded', () => {
    const loaded = tuples(1, 5000);
    const page = tuples(-50, 0).reverse(); // paginate answers newest first
    const sort = Array.prototype.sort;
    let sorts = 0;
    Array.prototype.sort = function counted<T>(this: T[], cmp?: (a: T, b: T) => number): T[] { sorts++; return sort.call(this, cmp) as T[]; };
    let merged: readonly TimelineRowTuple[];
    try {
      merged = mergeTimeline(loaded, page);
    } finally {
      Array.prototype.sort = sort;
    }
    assert.equal(sorts, 0, 'no sort on the prepend path');
    assert.equal(merged.length, 5051);
    assert.equal(merged[0].timeline_rowid, -50);
    assert.equal(merged[50].timeline_rowid, 0);
    assert.equal(merged[51], loaded[0], 'loaded tuples are kept, not copied');
  });

  it('still merges overlapping or interleaved tuples in order, one per event', () => {
    const merged = mergeTimeline(tuples(1, 3), [{ timeline_rowid: 7, event_rowid: 1002 }, { timeline_rowid: 2.5, event_rowid: 9 }]);
    assert.deepEqual(merged.map((t) => t.event_rowid), [1001, 9, 1003, 1002]);
  });

  it('paginate reducer prepends incrementally and keeps other rooms identical', () => {
    const sync: SyncComplete = {
      clear_state: true,
      rooms: {
        '!a:x': { meta: room('!a:x', 2), events: [ev(10, { room_id: '!a:x', timeline_rowid: 1 })], timeline: [{ timeline_rowid: 1, event_rowid: 10 }] },
        '!b:x': { meta: room('!b:x', 1) },
      },
    };
    const s1 = reduceSyncComplete(initialSnapshot(), sync);
    const s2 = reducePagination(s1, '!a:x', {
      events: [ev(9, { room_id: '!a:x', timeline_rowid: -1 }), ev(8, { room_id: '!a:x', timeline_rowid: -2 })],
      receipts: {}, related_events: [], has_more: true, from_server: false,
    });
    assert.deepEqual(s2.rooms.get('!a:x')?.timeline.map((t) => t.event_rowid), [8, 9, 10]);
    assert.equal(s2.rooms.get('!b:x'), s1.rooms.get('!b:x'));
  });
});

describe('spaces', () => {
  const tag = (id: string) => ({ 'm.tag': { user_id: '@me:x', room_id: id, type: 'm.tag', content: { tags: { 'm.favourite': {} } } } });
  const sync: SyncComplete = {
    clear_state: true,
    rooms: {
      '!space:x': { meta: room('!space:x', 1, { creation_content: { type: 'm.space' } }) },
      '!sub:x': { meta: room('!sub:x', 1, { creation_content: { type: 'm.space' } }) },
      '!a:x': { meta: room('!a:x', 5, { unread_messages: 2, unread_notifications: 2 }) },
      '!b:x': { meta: room('!b:x', 4, { unread_highlights: 1, unread_notifications: 1, unread_messages: 1 }) },
      '!dm:x': { meta: room('!dm:x', 3, { dm_user_id: '@bob:x' }) },
      '!lone:x': { meta: room('!lone:x', 2), account_data: tag('!lone:x') },
    },
    space_edges: { '!space:x': [{ child_id: '!a:x' }, { child_id: '!sub:x' }], '!sub:x': [{ child_id: '!b:x' }, { child_id: '!space:x' }] },
    top_level_spaces: ['!space:x'],
  };
  const snap = reduceSyncComplete(initialSnapshot(), sync);
  const ids = (list: readonly RoomData[]): string[] => list.map((r) => r.id);

  it('flattens sub-spaces, surviving a cycle', () => {
    assert.deepEqual([...flattenSpace('!space:x', snap.spaceEdges)].sort(), ['!a:x', '!b:x']);
  });

  it('filters the list by space and pseudo-space, without the spaces themselves', () => {
    assert.deepEqual(ids(selectRoomsInSpace(snap, 'home', null)), ['!a:x', '!b:x', '!dm:x', '!lone:x']);
    assert.deepEqual(ids(selectRoomsInSpace(snap, '!space:x', null)), ['!a:x', '!b:x']);
    assert.deepEqual(ids(selectRoomsInSpace(snap, 'dms', null)), ['!dm:x']);
    assert.deepEqual(ids(selectRoomsInSpace(snap, 'favourites', null)), ['!lone:x']);
    assert.deepEqual(ids(selectRoomsInSpace(snap, 'orphans', null)), ['!lone:x']);
    assert.deepEqual(ids(selectRoomsInSpace(snap, 'unread', '!dm:x')), ['!a:x', '!b:x', '!dm:x'], 'the open room stays');
  });

  it('sums unread and highlight counts per space', () => {
    const byId = new Map(selectSpacesModel(snap).entries.map((e) => [e.id, e.counts]));
    assert.deepEqual(byId.get('!space:x'), { messages: 3, notifications: 3, highlights: 1 });
    assert.deepEqual(byId.get('dms'), { messages: 0, notifications: 0, highlights: 0 });
    assert.deepEqual(byId.get('home'), { messages: 3, notifications: 3, highlights: 1 });
  });

  it('keeps the same list while an unrelated part of the snapshot changes', () => {
    const a = selectRoomsInSpace(snap, '!space:x', null);
    const again = reduceSyncComplete(snap, { account_data: { 'm.push_rules': { user_id: '@me:x', type: 'm.push_rules', content: {} } } });
    assert.equal(selectRoomsInSpace(again, '!space:x', null), a);
  });

  it('steps between rooms and unread rooms, wrapping around', () => {
    const list = selectRoomsInSpace(snap, 'home', null);
    assert.equal(stepRoom(list, '!a:x', 1, false)?.id, '!b:x');
    assert.equal(stepRoom(list, '!a:x', -1, false)?.id, '!lone:x');
    assert.equal(stepRoom(list, '!b:x', 1, true)?.id, '!a:x', 'skips read rooms');
    assert.equal(stepRoom(list, null, 1, false)?.id, '!a:x');
    assert.deepEqual(ids(filterRooms(list, 'LONE')), ['!lone:x']);
  });
});

describe('room switcher and lookups', () => {
  it('ranks word starts and prefixes first', () => {
    assert.equal(fuzzyScore('xyz', 'Design Team'), null);
    const names = ['Add tests', 'Design Team', 'design-notes'];
    assert.deepEqual(fuzzyFilter(names, 'dt', (s) => s).slice(0, 1), ['Design Team']);
    assert.deepEqual(fuzzyFilter(names, 'tea', (s) => s), ['Design Team']);
    assert.equal(fuzzyFilter(names, 'des', (s) => s)[0], 'Design Team');
    assert.equal(fuzzyFilter(names, '', (s) => s).length, 3);
  });

  it('finds a reply target by event ID and our own reactions by key', () => {
    const sync: SyncComplete = {
      clear_state: true,
      rooms: {
        '!r:x': {
          meta: room('!r:x', 1),
          events: [
            ev(1),
            ev(2, { type: 'm.reaction', sender: '@me:x', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$1', key: '👍' } } }),
            ev(3, { type: 'm.reaction', sender: '@bob:x', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$1', key: '🎉' } } }),
            ev(4, { type: 'm.reaction', sender: '@me:x', redacted_by: '$z', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$1', key: '🎉' } } }),
          ],
        },
      },
    };
    const r = reduceSyncComplete(initialSnapshot(), sync).rooms.get('!r:x');
    assert.equal(selectEventById(r, '$1')?.rowid, 1);
    assert.equal(selectEventById(r, '$nope'), undefined);
    assert.deepEqual([...selectOwnReactions(r, '@me:x', '$1').keys()], ['👍']);
  });
});
