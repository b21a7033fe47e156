/**
 * The web host's notification decisions: what a sync_complete shows (push-rule results, the unread-count fallback,
 * invites), what it never shows (first sync, own events, the room in view in a focused window), text hiding, and
 * which rooms' notifications are withdrawn once read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import {
  afterDecryption, decideNotifications, memoryFromSnapshot, notificationBody, roomsToWithdraw, type NotifyContext,
} from '../../src/renderer/notify/notification-decisions.ts';
import { WebNotifier, type NotificationLike } from '../../src/renderer/notify/web-notifier.ts';
import type { Session } from '../../src/renderer/api/session.ts';
import type { Event, EventsDecrypted, InvitedRoom, Room, SyncComplete } from '../../src/shared/rpc/types.ts';

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
    assert.deepEqual(first.show, [{ tag: '!inv:x', title: 'Plans', body: 'carol invited you', silent: false }]);
    assert.deepEqual(decideNotifications({}, snap, first.memory, ctx).show, []);
    // The push rules decide: the invitation rule switched off, or everything off, shows nothing; no sound, silent.
    const withRule = (invite_for_me: { enabled: boolean; actions: string[] }, masterOn = false) => ({ ...snap, accountData: { 'm.push_rules': { user_id: '@me:x', type: 'm.push_rules', content: { global: {
      override: [{ rule_id: '.m.rule.master', enabled: masterOn, actions: [] }, { rule_id: '.m.rule.invite_for_me', ...invite_for_me }],
    } } } } });
    assert.deepEqual(decideNotifications({ invited_rooms: [invite] }, withRule({ enabled: false, actions: ['notify'] }), memory, ctx).show, []);
    assert.deepEqual(decideNotifications({ invited_rooms: [invite] }, withRule({ enabled: true, actions: ['notify'] }, true), memory, ctx).show, []);
    assert.deepEqual(decideNotifications({ invited_rooms: [invite] }, withRule({ enabled: true, actions: ['notify'] }), memory, ctx).show.map((n) => n.silent), [true]);
  });

  it('names an invite as the room list does: an unnamed room after its inviter\'s display name, a space as one', () => {
    const bobMember = { type: 'm.room.member', state_key: '@bob:x', content: { membership: 'join', displayname: 'Bob' } };
    const unnamed: InvitedRoom = { room_id: '!u:x', created_at: 1, invited_by: '@bob:x', invite_state: [bobMember] };
    const space: InvitedRoom = { room_id: '!s:x', created_at: 1, invited_by: '@bob:x', name: 'Team Space',
      invite_state: [bobMember, { type: 'm.room.create', state_key: '', content: { type: 'm.space' } }] };
    const dm: InvitedRoom = { room_id: '!d:x', created_at: 1, invited_by: '@bob:x', is_direct: true, invite_state: [bobMember] };
    const invitedRooms = [unnamed, space, dm];
    const shown = decideNotifications({ invited_rooms: invitedRooms }, { rooms: new Map(), invitedRooms }, memory, ctx).show;
    assert.deepEqual(shown.map((n) => [n.title, n.body]), [
      ['Bob', 'Bob invited you'], ['Team Space', 'Bob invited you to a space'], ['Bob', 'Bob wants to chat with you'],
    ]);
  });

  it('takes the sender\'s avatar as the icon, else the room\'s', () => {
    const withAvatar = ev(2, '@bob:x', 'hi', { local_content: { sender_profile: { displayname: 'Bob', avatar_url: 'mxc://x/bob' } } });
    const sync: SyncComplete = { rooms: { '!r:x': { timeline: timeline(2), notifications: [{ event_rowid: 2, sound: true, highlight: false }] } } };
    const snapWith = (r: RoomData) => ({ rooms: new Map([['!r:x', r]]), invitedRooms: [] });
    assert.equal(decideNotifications(sync, snapWith(room('!r:x', 1, [withAvatar], { avatar: 'mxc://x/room' })), memory, ctx).show[0].iconMxc, 'mxc://x/bob');
    assert.equal(decideNotifications(sync, snapWith(room('!r:x', 1, [bobMsg], { avatar: 'mxc://x/room' })), memory, ctx).show[0].iconMxc, 'mxc://x/room');
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

const encrypted = ev(5, '@bob:x', '', {
  type: 'm.room.encrypted', content: { ciphertext: 'x' }, local_content: { sender_profile: { displayname: 'Bob' } },
});
const decryptedLater = { ...encrypted, decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'the plan' } };

describe('afterDecryption', () => {
  const snap = { rooms: new Map([['!r:x', room('!r:x', 1, [encrypted])]]), invitedRooms: [] };
  const sync: SyncComplete = { rooms: { '!r:x': { timeline: timeline(5), notifications: [{ event_rowid: 5, sound: true, highlight: false }] } } };
  const [shown] = decideNotifications(sync, snap, memoryFromSnapshot({ rooms: new Map(), invitedRooms: [] }), ctx).show;

  it('gives a notification that says "Encrypted message" its text once the event decrypts, silently', () => {
    assert.deepEqual(shown, { tag: '!r:x', eventId: '$e5', title: 'Bob in Team', body: 'Encrypted message', silent: false, pendingDecryption: true });
    const d: EventsDecrypted = { room_id: '!r:x', events: [decryptedLater] };
    assert.deepEqual(afterDecryption(shown, d, snap, ctx), { tag: '!r:x', eventId: '$e5', title: 'Bob in Team', body: 'the plan', silent: true });
  });

  it('leaves it alone for other events, other rooms, a failed decryption, a redaction, or text that was never shown', () => {
    const cases: Array<[string, EventsDecrypted]> = [
      ['another event', { room_id: '!r:x', events: [{ ...decryptedLater, event_id: '$other' }] }],
      ['another room', { room_id: '!o:x', events: [decryptedLater] }],
      ['still encrypted', { room_id: '!r:x', events: [encrypted] }],
      ['redacted', { room_id: '!r:x', events: [{ ...decryptedLater, redacted_by: '$red' }] }],
    ];
    for (const [what, d] of cases) assert.equal(afterDecryption(shown, d, snap, ctx), null, what);
    const hidden = decideNotifications(sync, snap, memoryFromSnapshot({ rooms: new Map(), invitedRooms: [] }), { ...ctx, hideText: true }).show[0];
    assert.equal(hidden.pendingDecryption, undefined);
    assert.equal(afterDecryption(hidden, { room_id: '!r:x', events: [decryptedLater] }, snap, ctx), null);
  });
});

describe('WebNotifier', () => {
  class FakeNotification implements NotificationLike {
    static permission: NotificationPermission = 'granted';
    static all: FakeNotification[] = [];
    readonly title: string;
    readonly options: NotificationOptions;
    closed = false;
    private readonly listeners: Record<string, Array<() => void>> = {};
    constructor(title: string, options: NotificationOptions) {
      this.title = title;
      this.options = options;
      FakeNotification.all.push(this);
    }
    addEventListener(type: 'click' | 'close', listener: () => void): void { (this.listeners[type] ??= []).push(listener); }
    close(): void {
      if (this.closed) return;
      this.closed = true;
      for (const l of this.listeners.close ?? []) l();
    }
    click(): void { for (const l of this.listeners.click ?? []) l(); }
  }

  function fakeSession(snap: { rooms: Map<string, RoomData>; invitedRooms: InvitedRoom[] }) {
    const handlers = new Map<string, (d: unknown) => void>();
    const session = {
      client: { on: (name: string, h: (d: unknown) => void) => { handlers.set(name, h); return () => handlers.delete(name); } },
      store: { getSnapshot: () => ({ ...snap, clientState: { user_id: '@me:x' } }), subscribe: () => () => {} },
    } as unknown as Session;
    return { session, emit: (name: string, d: unknown) => handlers.get(name)?.(d) };
  }

  it('replaces "Encrypted message" with the text when the message decrypts, unless the notification was clicked', () => {
    FakeNotification.all = [];
    const snap = { rooms: new Map([['!r:x', room('!r:x', 0, [])]]), invitedRooms: [] as InvitedRoom[] };
    const { session, emit } = fakeSession(snap);
    const opened: Array<[string, string | undefined]> = [];
    const notifier = new WebNotifier(session, {
      Notification: FakeNotification, viewedRoom: () => null, focused: () => false, hideText: () => false,
      openRoom: (roomId, eventId) => opened.push([roomId, eventId]),
      iconUrl: (mxc) => `https://host.example/_gomuks/media/${mxc.slice('mxc://'.length)}`, icon: '/app-icon.png',
    });
    notifier.start();
    snap.rooms.set('!r:x', room('!r:x', 1, [encrypted]));
    emit('sync_complete', { rooms: { '!r:x': { timeline: timeline(5), notifications: [{ event_rowid: 5, sound: true, highlight: false }] } } });
    assert.deepEqual(FakeNotification.all.map((n) => [n.title, n.options.body, n.options.silent, n.options.icon]),
      [['Bob in Team', 'Encrypted message', false, '/app-icon.png']]);
    emit('events_decrypted', { room_id: '!r:x', events: [decryptedLater] });
    assert.deepEqual(FakeNotification.all.map((n) => [n.options.body, n.options.tag, n.options.silent, n.closed]),
      [['Encrypted message', '!r:x', false, true], ['the plan', '!r:x', true, false]]);
    FakeNotification.all[1].click();
    assert.deepEqual(opened, [['!r:x', '$e5']]);

    // Another encrypted message, clicked before its key came: it stays gone.
    const another = ev(6, '@bob:x', '', { type: 'm.room.encrypted', content: { ciphertext: 'y' } });
    snap.rooms.set('!r:x', room('!r:x', 2, [encrypted, another], { avatar: 'mxc://x/room' }));
    emit('sync_complete', { rooms: { '!r:x': { timeline: timeline(6), notifications: [{ event_rowid: 6, sound: true, highlight: false }] } } });
    assert.equal(FakeNotification.all.length, 3);
    assert.equal(FakeNotification.all[2].options.icon, 'https://host.example/_gomuks/media/x/room');
    FakeNotification.all[2].click();
    emit('events_decrypted', { room_id: '!r:x', events: [{ ...another, decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'late' } }] });
    assert.equal(FakeNotification.all.length, 3, 'a clicked notification does not come back');
    notifier.stop();
  });
});
