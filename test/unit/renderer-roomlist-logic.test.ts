/**
 * The pure parts of the room list's menu, invitations, room previews and the timeline's read markers: tags, mute
 * from push rules, permalinks, room routes with via servers, what a preview offers per join rule, receipts kept per
 * user and placed under shown events, and where the "New messages" line goes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeReceipts, receiptsByShownEvent, firstUnreadEvent, NO_RECEIPTS } from '../../src/renderer/api/receipts.ts';
import { hasTag, isMutedBy, roomPermalink, tagsWith } from '../../src/renderer/api/room-list-actions.ts';
import { emptyRoom, initialSnapshot, sortRoomList, type RoomData } from '../../src/renderer/api/snapshot.ts';
import { selectRoomsInSpace } from '../../src/renderer/api/spaces.ts';
import { previewActions } from '../../src/renderer/ui/room/room-preview-model.ts';
import { hashForRoom, roomIdFromHash, viaFromHash } from '../../src/renderer/ui/route.ts';
import type { AccountData, Event, EventRowID, Receipt, Room } from '../../src/shared/rpc/types.ts';

function roomWith(tags: Record<string, object> | null, meta: Partial<Room> = {}, id = '!r:example.org'): RoomData {
  const base = emptyRoom(id);
  const m: Room = {
    room_id: id, name_quality: 0, explicit_avatar: false, has_member_list: false, preview_event_rowid: 0,
    sorting_timestamp: 0, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...meta,
  };
  const accountData: Record<string, AccountData> = tags
    ? { 'm.tag': { user_id: '@me:example.org', room_id: base.id, type: 'm.tag', content: { tags: tags as never } } }
    : {};
  return { ...base, meta: m, accountData };
}

function ev(rowid: number, sender = '@bob:x', extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:x', event_id: `$${rowid}`, sender, type: 'm.room.message',
    timestamp: rowid * 1000, content: { msgtype: 'm.text', body: `m${rowid}` }, ...extra,
  };
}
const receipt = (user: string, eventId: string, ts: number, extra: Partial<Receipt> = {}): Receipt =>
  ({ user_id: user, event_id: eventId, receipt_type: 'm.read', timestamp: ts, ...extra });

describe('room tags', () => {
  it('adds and removes favourite and low priority, which exclude each other, keeping other tags', () => {
    const room = roomWith({ 'm.lowpriority': { order: 0.5 }, 'u.work': {} });
    assert.equal(hasTag(room, 'm.lowpriority'), true);
    assert.deepEqual(tagsWith(room, 'm.favourite', true), { tags: { 'u.work': {}, 'm.favourite': {} } });
    assert.deepEqual(tagsWith(room, 'm.lowpriority', false), { tags: { 'u.work': {} } });
    assert.deepEqual(tagsWith(roomWith(null), 'm.lowpriority', true), { tags: { 'm.lowpriority': {} } });
    // An existing tag keeps its order.
    assert.deepEqual(tagsWith(room, 'm.lowpriority', true), { tags: { 'm.lowpriority': { order: 0.5 }, 'u.work': {} } });
  });
});

describe('room list order and membership', () => {
  it('lists low-priority rooms last and hides an upgraded room once its successor is joined', () => {
    const rooms = [
      roomWith({ 'm.lowpriority': {} }, { sorting_timestamp: 50 }, '!low:x'),
      roomWith(null, { sorting_timestamp: 40, tombstone: { replacement_room: '!new:x', body: 'moved' } }, '!old:x'),
      roomWith(null, { sorting_timestamp: 30 }, '!new:x'),
      roomWith(null, { sorting_timestamp: 20, tombstone: { replacement_room: '!elsewhere:x' } }, '!gone:x'),
    ];
    const byId = new Map(rooms.map((r) => [r.id, r]));
    const snap = { ...initialSnapshot(), rooms: byId, roomList: sortRoomList(byId) };
    assert.deepEqual(selectRoomsInSpace(snap, 'home', null).map((r) => r.id), ['!new:x', '!gone:x', '!low:x'],
      'a tombstoned room stays while its successor is not joined');
  });

  it('lists a selected space\'s rooms after it became a sub-space of another', () => {
    const rooms = [roomWith(null, { sorting_timestamp: 2 }, '!a:x'), roomWith(null, { sorting_timestamp: 1 }, '!b:x')];
    const byId = new Map(rooms.map((r) => [r.id, r]));
    // !garden:x was top-level when it was picked; now !village:x lists it, so only !village:x is top-level.
    const snap = {
      ...initialSnapshot(), rooms: byId, roomList: sortRoomList(byId), topLevelSpaces: ['!village:x'],
      spaceEdges: { '!village:x': [{ child_id: '!garden:x' }], '!garden:x': [{ child_id: '!a:x' }] },
    };
    assert.deepEqual(selectRoomsInSpace(snap, '!garden:x', null).map((r) => r.id), ['!a:x']);
    assert.deepEqual(selectRoomsInSpace(snap, '!village:x', null).map((r) => r.id), ['!a:x']);
    assert.deepEqual(selectRoomsInSpace(snap, '!unknown:x', null).map((r) => r.id), []);
  });
});

describe('mute from push rules', () => {
  const rules = (override: object[]): AccountData => ({ user_id: '@me:x', type: 'm.push_rules', content: { global: { override } } as never });
  it('is muted by an enabled override rule named after the room that does not notify', () => {
    assert.equal(isMutedBy(rules([{ rule_id: '!r:x', enabled: true, actions: [] }]), '!r:x'), true);
    assert.equal(isMutedBy(rules([{ rule_id: '!r:x', enabled: true, actions: ['dont_notify'] }]), '!r:x'), true);
    assert.equal(isMutedBy(rules([{ rule_id: '!r:x', enabled: false, actions: [] }]), '!r:x'), false);
    assert.equal(isMutedBy(rules([{ rule_id: '!r:x', enabled: true, actions: ['notify'] }]), '!r:x'), false);
    assert.equal(isMutedBy(rules([{ rule_id: '!other:x', enabled: true, actions: [] }]), '!r:x'), false);
    assert.equal(isMutedBy(undefined, '!r:x'), false);
  });
});

describe('room permalinks and routes', () => {
  it('links by address when there is one, else by ID with our server', () => {
    assert.equal(roomPermalink(roomWith(null, { canonical_alias: '#team:example.org' }), '@me:home.org'), 'https://matrix.to/#/%23team%3Aexample.org');
    assert.equal(roomPermalink(roomWith(null), '@me:home.org'), 'https://matrix.to/#/!r%3Aexample.org?via=home.org');
  });

  it('routes rooms by ID or address, with via servers', () => {
    const hash = hashForRoom('#team:example.org', ['a.org', 'b.org']);
    assert.equal(roomIdFromHash(hash), '#team:example.org');
    assert.deepEqual(viaFromHash(hash), ['a.org', 'b.org']);
    assert.equal(roomIdFromHash(hashForRoom('!x:y')), '!x:y');
    assert.deepEqual(viaFromHash(hashForRoom('!x:y')), []);
    assert.deepEqual(viaFromHash('#/room/!x:y?via=c.org,d.org'), ['c.org', 'd.org']);
    assert.equal(roomIdFromHash('#/room/@user:x'), null);
  });
});

describe('room preview offers', () => {
  const offer = (joinRule: string | undefined, membership?: string, summaryFailed = false) =>
    previewActions({ joinRule, membership, summaryFailed });
  it('offers what the join rule and membership allow', () => {
    assert.deepEqual(offer('public').actions, ['join']);
    assert.deepEqual(offer('restricted').actions, ['join']);
    assert.deepEqual(offer('knock').actions, ['knock']);
    assert.deepEqual(offer('knock_restricted').actions, ['join', 'knock']);
    assert.deepEqual(offer('invite').actions, []);
    assert.match(offer('invite').note ?? '', /invite-only/);
    assert.deepEqual(offer('public', 'invite').actions, ['accept', 'decline']);
    assert.match(offer('public', 'ban').note ?? '', /banned/);
    assert.match(offer('knock', 'knock').note ?? '', /asked to join/);
    assert.deepEqual(offer(undefined, undefined, true).actions, ['join'], 'without a summary, joining is the way to find out');
  });
});

describe('read receipts', () => {
  it('keeps each user\'s newest main-timeline read receipt', () => {
    const a = mergeReceipts(NO_RECEIPTS, { $1: [receipt('@bob:x', '$1', 10)], $2: [receipt('@carol:x', '$2', 20)] });
    assert.equal(a['@bob:x'].event_id, '$1');
    const b = mergeReceipts(a, { $3: [receipt('@bob:x', '$3', 30)], $0: [receipt('@carol:x', '$0', 5)] });
    assert.equal(b['@bob:x'].event_id, '$3');
    assert.equal(b['@carol:x'].event_id, '$2', 'an older receipt (from a history page) does not move a newer one back');
    assert.equal(mergeReceipts(b, { $9: [receipt('@bob:x', '$9', 90, { thread_id: '$root' })] }), b, 'thread receipts are left out');
    assert.equal(mergeReceipts(b, { $9: [receipt('@bob:x', '$9', 90, { receipt_type: 'm.fully_read' })] }), b);
    assert.equal(mergeReceipts(b, null), b);
  });

  it('places receipts under the last shown event at or before them, without our own', () => {
    const events = new Map<EventRowID, Event>([1, 2, 3, 4].map((n) => [n, ev(n)]));
    const shown = [1, 2, 4].map((n) => ({ eventId: `$${n}`, timelineRowid: n }));
    const receipts = mergeReceipts(NO_RECEIPTS, {
      $2: [receipt('@bob:x', '$2', 1)],
      $3: [receipt('@carol:x', '$3', 2)], // $3 is hidden (e.g. a reaction): shown under $2
      $4: [receipt('@me:x', '$4', 3), receipt('@dave:x', '$4', 4)],
      $77: [receipt('@erin:x', '$77', 5)], // not loaded: left out
    });
    const placed = receiptsByShownEvent(shown, receipts, events, new Set(['@me:x']));
    assert.deepEqual(Object.fromEntries(placed), { $2: ['@bob:x', '@carol:x'], $4: ['@dave:x'] });
  });
});

describe('the unread marker', () => {
  const events = new Map<EventRowID, Event>([1, 2, 3, 4, 5].map((n) => [n, ev(n, n === 3 ? '@me:x' : '@bob:x')]));
  const shown = [...events.values()].map((e) => ({ eventId: e.event_id, timelineRowid: e.timeline_rowid, sender: e.sender }));
  it('goes before the first message of others after the read position and after our own last message', () => {
    assert.equal(firstUnreadEvent(shown, '$1', events, '@me:x'), '$4', 'our message $3 means $2 was read');
    assert.equal(firstUnreadEvent(shown.slice(0, 2), '$1', events, '@me:x'), '$2');
    assert.equal(firstUnreadEvent(shown, '$5', events, '@me:x'), null, 'all read');
    assert.equal(firstUnreadEvent(shown, '$unknown', events, '@me:x'), null, 'the read event is not loaded: no guess');
    assert.equal(firstUnreadEvent(shown, undefined, events, '@me:x'), null);
  });
});
