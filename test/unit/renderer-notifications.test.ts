/**
 * The web host's notification decisions: what a sync_complete shows (push-rule results, the unread-count fallback,
 * invites), what it never shows (first sync, own events, the room in view in a focused window), text hiding, and
 * which rooms' notifications are withdrawn once read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import {
  decideNotifications, memoryFromSnapshot, notificationBody, roomsToWithdraw, type NotifyContext,
} from '../../src/renderer/notify/notification-decisions.ts';
import type { Event, InvitedRoom, Room, SyncComplete } from '../../src/shared/rpc/types.ts';

function ev(rowid: number, sender: string, body: string, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:x', event_id: `$e${rowid}`, sender, type: 'm.room.message',
    timestamp: rowid, content: { msgtype: 'm.text', body }, ...extra,
  };
}

function room(id: string, unread: number, events: Event[], extra: Partial<Room> = {}): RoomData {
  const meta: Room = {
    room_id: id, name: 'Team', name_quality: 3, explicit_avatar: false, has_member_list: true, preview_event_rowid: 0,
    sorting_timestamp: 1, unread_highlights: 0, unread_notifications: unread, unread_messages: unread, ...extra,
  };
  return { ...emptyRoom(id), meta, events: new Map(events.map((e) => [e.rowid, e])) };
}

const bobMsg = ev(2, '@bob:x', 'hello there', { local_content: { sender_profile: { displayname: 'Bob' } } });
const ownMsg = ev(3, '@me:x', 'mine');
const ctx: NotifyContext = { ownUserId: '@me:x', viewedRoomId: null, focused: false, hideText: false };
const timeline = (...rowids: number[]) => rowids.map((r) => ({ timeline_rowid: r, event_rowid: r }));

describe('decideNotifications', () => {
  const before = room('!r:x', 0, []);
  const after = room('!r:x', 1, [bobMsg, ownMsg]);
  const snapBefore = { rooms: new Map([['!r:x', before]]), invitedRooms: [] };
  const snapAfter = { rooms: new Map([['!r:x', after]]), invitedRooms: [] };
  const memory = memoryFromSnapshot(snapBefore);

  it('falls back to a rising unread count: the newest message from someone else, titled with sender and room', () => {
    const sync: SyncComplete = { rooms: { '!r:x': { meta: after.meta, timeline: timeline(2, 3) } } };
    const { show, memory: next } = decideNotifications(sync, snapAfter, memory, ctx);
    assert.deepEqual(show, [{ tag: '!r:x', eventId: '$e2', title: 'Bob in Team', body: 'hello there', silent: false }]);
    assert.equal(next.unread.get('!r:x'), 1);
    // The same count again is not news.
    assert.deepEqual(decideNotifications(sync, snapAfter, next, ctx).show, []);
  });

  it('uses the backend push-rule results when present, silent without sound', () => {
    const sync: SyncComplete = { rooms: { '!r:x': { timeline: timeline(2), notifications: [{ event_rowid: 2, sound: false, highlight: false }] } } };
    assert.deepEqual(decideNotifications(sync, snapAfter, memory, ctx).show,
      [{ tag: '!r:x', eventId: '$e2', title: 'Bob in Team', body: 'hello there', silent: true }]);
    // An empty list means the rules said no, even though the count rose.
    const none: SyncComplete = { rooms: { '!r:x': { timeline: timeline(2), notifications: [] } } };
    assert.deepEqual(decideNotifications(none, snapAfter, memory, ctx).show, []);
  });

  it('shows nothing on the first sync, for the room in view in a focused window, or for own messages', () => {
    const sync: SyncComplete = { rooms: { '!r:x': { timeline: timeline(2, 3) } } };
    assert.deepEqual(decideNotifications({ ...sync, clear_state: true }, snapAfter, memory, ctx).show, []);
    assert.deepEqual(decideNotifications(sync, snapAfter, memory, { ...ctx, viewedRoomId: '!r:x', focused: true }).show, []);
    assert.equal(decideNotifications(sync, snapAfter, memory, { ...ctx, viewedRoomId: '!r:x', focused: false }).show.length, 1);
    const onlyOwn: SyncComplete = { rooms: { '!r:x': { timeline: timeline(3) } } };
    assert.deepEqual(decideNotifications(onlyOwn, snapAfter, memory, ctx).show, []);
  });

  it('announces a new invite once', () => {
    const invite: InvitedRoom = { room_id: '!inv:x', created_at: 1, invited_by: '@carol:x', name: 'Plans', invite_state: [] };
    const snap = { rooms: new Map<string, RoomData>(), invitedRooms: [invite] };
    const first = decideNotifications({ invited_rooms: [invite] }, snap, memory, ctx);
    assert.deepEqual(first.show, [{ tag: '!inv:x', title: 'Invitation', body: 'carol invited you to Plans', silent: false }]);
    assert.deepEqual(decideNotifications({}, snap, first.memory, ctx).show, []);
  });

  it('titles a DM with the sender only', () => {
    const dm = room('!r:x', 1, [bobMsg], { name: undefined, dm_user_id: '@bob:x' });
    const sync: SyncComplete = { rooms: { '!r:x': { timeline: timeline(2) } } };
    assert.equal(decideNotifications(sync, { rooms: new Map([['!r:x', dm]]), invitedRooms: [] }, memory, ctx).show[0].title, 'Bob');
  });
});

describe('notificationBody', () => {
  it('hides text on request, says when a message is still encrypted, formats emotes', () => {
    assert.equal(notificationBody(bobMsg, 'Bob', true), 'New message');
    assert.equal(notificationBody(ev(1, '@b:x', '', { type: 'm.room.encrypted', content: { ciphertext: 'x' } }), 'Bob', false), 'Encrypted message');
    assert.equal(notificationBody(ev(1, '@b:x', '', { type: 'm.room.encrypted', decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'secret' } }), 'Bob', false), 'secret');
    assert.equal(notificationBody(ev(1, '@b:x', 'waves', { content: { msgtype: 'm.emote', body: 'waves' } }), 'Bob', false), '* Bob waves');
  });
});

describe('roomsToWithdraw', () => {
  it('withdraws rooms with nothing unread and invites that are gone', () => {
    const snap = { rooms: new Map([['!read:x', room('!read:x', 0, [])], ['!unread:x', room('!unread:x', 2, [])]]), invitedRooms: [] };
    assert.deepEqual(roomsToWithdraw(['!read:x', '!unread:x', '!gone:x'], snap), ['!read:x', '!gone:x']);
  });
});
