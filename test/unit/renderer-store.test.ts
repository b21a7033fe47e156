import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  displayNameOf, roomDisplayName, selectHasOlderHistory, selectLatestReadableEvent, selectMemberNames, selectPreviewEvent,
  selectTimeline,
} from '../../src/renderer/api/selectors.ts';
import { reducePresence } from '../../src/renderer/api/presence.ts';
import { reducePagination, reduceSyncComplete } from '../../src/renderer/api/reducers.ts';
import { initialSnapshot } from '../../src/renderer/api/snapshot.ts';
import { NOT_SENT } from '../../src/shared/rpc/types.ts';
import { Store } from '../../src/renderer/api/store.ts';
import type { Event, Room, SyncComplete } from '../../src/shared/rpc/types.ts';

const A = '!a:example.org';
const B = '!b:example.org';
const C = '!c:example.org';

function room(id: string, ts: number, extra: Partial<Room> = {}): Room {
  return {
    room_id: id, name: `Room ${id.slice(1, 2)}`, name_quality: 3, explicit_avatar: false, has_member_list: true,
    preview_event_rowid: 0, sorting_timestamp: ts, unread_highlights: 0, unread_notifications: 0, unread_messages: 0,
    ...extra,
  };
}

function msg(rowid: number, timelineRowid: number, roomId = A, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: timelineRowid, room_id: roomId, event_id: `$e${rowid}`, sender: '@alice:example.org',
    type: 'm.room.message', timestamp: 1_700_000_000_000 + rowid, content: { msgtype: 'm.text', body: `hello ${rowid}` },
    ...extra,
  };
}

function member(rowid: number, userId: string, displayname?: string, roomId = A): Event {
  return {
    rowid, timeline_rowid: 0, room_id: roomId, event_id: `$m${rowid}`, sender: userId, type: 'm.room.member',
    state_key: userId, timestamp: 1, content: { membership: 'join', ...(displayname ? { displayname } : {}) },
  };
}

function initialSync(): SyncComplete {
  return {
    clear_state: true,
    rooms: {
      [A]: {
        meta: room(A, 300, { preview_event_rowid: 2 }),
        events: [msg(1, 1), msg(2, 2), member(10, '@alice:example.org', 'Alice')],
        timeline: [{ timeline_rowid: 1, event_rowid: 1 }, { timeline_rowid: 2, event_rowid: 2 }],
        state: { 'm.room.member': { '@alice:example.org': 10 } },
      },
      [B]: { meta: room(B, 500), events: [msg(3, 3, B)], timeline: [{ timeline_rowid: 3, event_rowid: 3 }] },
      [C]: { meta: room(C, 100) },
    },
  };
}

function ids(list: readonly { event: Event }[]): number[] {
  return list.map((i) => i.event.rowid);
}

describe('renderer store', () => {
  it('clear_state replaces everything and sorts the room list by sorting_timestamp desc', () => {
    const store = new Store();
    store.applySyncComplete({ rooms: { '!old:x': { meta: room('!old:x', 999) } } });
    store.applySyncComplete(initialSync());
    const snap = store.getSnapshot();
    assert.deepEqual([...snap.rooms.keys()].sort(), [A, B, C]);
    assert.deepEqual(snap.roomList.map((r) => r.id), [B, A, C]);
    assert.deepEqual(ids(selectTimeline(snap.rooms.get(A))), [1, 2]);
    assert.equal(selectPreviewEvent(snap.rooms.get(A))?.rowid, 2);
  });

  it('appends timeline entries and re-sorts when meta changes', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applySyncComplete({
      rooms: { [A]: { meta: room(A, 900, { preview_event_rowid: 4 }), events: [msg(4, 4)], timeline: [{ timeline_rowid: 4, event_rowid: 4 }] } },
    });
    const snap = store.getSnapshot();
    assert.deepEqual(ids(selectTimeline(snap.rooms.get(A))), [1, 2, 4]);
    assert.deepEqual(snap.roomList.map((r) => r.id), [A, B, C]);
  });

  it('reset replaces the timeline', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applySyncComplete({
      rooms: { [A]: { reset: true, events: [msg(7, 70)], timeline: [{ timeline_rowid: 70, event_rowid: 7 }] } },
    });
    const a = store.getSnapshot().rooms.get(A)!;
    assert.deepEqual(ids(selectTimeline(a)), [7]);
    assert.equal(a.history.hasMore, true);
    assert.ok(a.meta, 'meta kept when the diff has none');
  });

  it('merges state per type and state_key', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    const before = store.getSnapshot().rooms.get(A)!.state;
    store.applySyncComplete({
      rooms: {
        [A]: {
          events: [member(11, '@bob:example.org', 'Bob'), { ...msg(12, 0), type: 'm.room.topic', state_key: '', content: { topic: 't' } }],
          state: { 'm.room.member': { '@bob:example.org': 11 }, 'm.room.topic': { '': 12 } },
        },
      },
    });
    const a = store.getSnapshot().rooms.get(A)!;
    assert.deepEqual(a.state['m.room.member'], { '@alice:example.org': 10, '@bob:example.org': 11 });
    assert.deepEqual(a.state['m.room.topic'], { '': 12 });
    assert.notEqual(a.state, before);
    const names = selectMemberNames(a);
    assert.equal(displayNameOf(names, '@bob:example.org'), 'Bob');
    assert.equal(displayNameOf(names, '@carol:example.org'), 'carol', 'falls back to the localpart');
  });

  it('removes left rooms', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applySyncComplete({ left_rooms: [B] });
    const snap = store.getSnapshot();
    assert.equal(snap.rooms.has(B), false);
    assert.deepEqual(snap.roomList.map((r) => r.id), [A, C]);
  });

  it('shows a local echo as pending, then as sent once the sync places it', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    const echo = msg(20, 0, A, { event_id: '~txn1', send_error: NOT_SENT, transaction_id: 'txn1' });
    store.addLocalEcho(echo);
    let items = selectTimeline(store.getSnapshot().rooms.get(A));
    assert.deepEqual(ids(items), [1, 2, 20]);
    assert.equal(items[2].sendState, 'pending');

    store.applySendComplete({ event: { ...echo, event_id: '$real', send_error: undefined }, error: null });
    items = selectTimeline(store.getSnapshot().rooms.get(A));
    assert.equal(items[2].sendState, 'sent');
    assert.equal(items[2].event.event_id, '$real');

    store.applySyncComplete({
      rooms: { [A]: { events: [{ ...echo, event_id: '$real', timeline_rowid: 5, send_error: undefined }], timeline: [{ timeline_rowid: 5, event_rowid: 20 }] } },
    });
    const a = store.getSnapshot().rooms.get(A)!;
    items = selectTimeline(a);
    assert.deepEqual(ids(items), [1, 2, 20]);
    assert.deepEqual(a.pending, []);
    assert.equal(items[2].sendState, 'sent');
  });

  it('confirms an echo placed by sync even when the echo event itself is not resent', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.addLocalEcho(msg(21, 0, A, { event_id: '~t', send_error: NOT_SENT }));
    store.applySyncComplete({ rooms: { [A]: { timeline: [{ timeline_rowid: 6, event_rowid: 21 }] } } });
    const items = selectTimeline(store.getSnapshot().rooms.get(A));
    assert.deepEqual(ids(items), [1, 2, 21]);
    assert.equal(items[2].sendState, 'sent');
  });

  it('does not re-add an echo whose answer arrives after the sync placed it', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applySyncComplete({ rooms: { [A]: { events: [msg(22, 7)], timeline: [{ timeline_rowid: 7, event_rowid: 22 }] } } });
    store.addLocalEcho(msg(22, 0, A, { event_id: '~t', send_error: NOT_SENT }));
    const a = store.getSnapshot().rooms.get(A)!;
    assert.deepEqual(a.pending, []);
    assert.equal(a.events.get(22)?.event_id, '$e22', 'the newer server copy is kept');
    assert.deepEqual(ids(selectTimeline(a)), [1, 2, 22]);
  });

  it('marks a failed send with its error', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    const echo = msg(30, 0, A, { event_id: '~t', send_error: NOT_SENT });
    store.addLocalEcho(echo);
    store.applySendComplete({ event: echo, error: 'M_FORBIDDEN: you are not allowed to send here' });
    const item = selectTimeline(store.getSnapshot().rooms.get(A)).at(-1)!;
    assert.equal(item.sendState, 'failed');
    assert.equal(item.sendError, 'M_FORBIDDEN: you are not allowed to send here');
  });

  it('drops a discarded send, and shows unsent messages that come with the room list after a reconnect', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    const failed = msg(31, 0, A, { event_id: '~f', send_error: 'The homeserver refused it: no (M_FORBIDDEN)' });
    const waiting = msg(32, 0, A, { event_id: '~w', send_error: NOT_SENT });
    // What the backend sends a newly connected frontend: the room with its outbox.
    const list = initialSync();
    list.rooms![A].events = [...(list.rooms![A].events ?? []), failed, waiting];
    store.applySyncComplete(list);
    let items = selectTimeline(store.getSnapshot().rooms.get(A));
    assert.deepEqual(items.slice(-2).map((i) => i.sendState), ['failed', 'pending']);
    store.applySendComplete({ event: failed, error: failed.send_error!, discarded: true });
    const a = store.getSnapshot().rooms.get(A)!;
    items = selectTimeline(a);
    assert.equal(a.events.get(31), undefined);
    assert.deepEqual(items.slice(-1).map((i) => i.event.rowid), [32]);
    assert.ok(!items.some((i) => i.event.rowid === 31));
  });

  it('prepends paginated history without duplicates', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    // Newest first, overlapping event 1 which we already have.
    store.applyPagination(A, {
      events: [msg(1, 1), msg(-1, -1), msg(-2, -2), msg(-3, -3)],
      receipts: {}, related_events: [], has_more: true, from_server: true,
    });
    let a = store.getSnapshot().rooms.get(A)!;
    assert.deepEqual(ids(selectTimeline(a)), [-3, -2, -1, 1, 2]);
    assert.equal(a.history.hasMore, true);
    store.applyPagination(A, {
      events: [msg(-3, -3), msg(-4, -4)], receipts: {}, related_events: [], has_more: false, from_server: false,
    });
    a = store.getSnapshot().rooms.get(A)!;
    assert.deepEqual(ids(selectTimeline(a)), [-4, -3, -2, -1, 1, 2]);
    assert.equal(a.history.hasMore, false);
    assert.equal(a.history.loading, false);
  });

  it('has no older history to load once the room\'s creation is the oldest event', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    assert.equal(selectHasOlderHistory(store.getSnapshot().rooms.get(A)), true);
    // A page that reaches the creation event, with the server still naming a token: the start is loaded anyway.
    store.applyPagination(A, {
      events: [msg(-1, -1), msg(-2, -2, A, { type: 'm.room.create', state_key: '', content: { room_version: '11' } })],
      receipts: {}, related_events: [], has_more: true, from_server: true,
    });
    const a = store.getSnapshot().rooms.get(A)!;
    assert.equal(a.history.hasMore, true);
    assert.equal(selectHasOlderHistory(a), false);
    assert.equal(selectHasOlderHistory(undefined), false);
  });

  it('stops paginating after an empty page even if has_more is true', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applyPagination(A, { events: [], receipts: {}, related_events: [], has_more: true, from_server: true });
    assert.equal(store.getSnapshot().rooms.get(A)!.history.hasMore, false);
  });

  it('keeps the identity of rooms, timelines and items a diff does not touch', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    const before = store.getSnapshot();
    const bBefore = before.rooms.get(B)!;
    const cBefore = before.rooms.get(C)!;
    const aBefore = before.rooms.get(A)!;
    const aItems = selectTimeline(aBefore);

    store.applySyncComplete({ rooms: { [B]: { events: [msg(40, 40, B)], timeline: [{ timeline_rowid: 40, event_rowid: 40 }] } } });
    const after = store.getSnapshot();
    assert.equal(after.rooms.get(A), aBefore);
    assert.equal(after.rooms.get(C), cBefore);
    assert.notEqual(after.rooms.get(B), bBefore);
    assert.equal(selectTimeline(after.rooms.get(A)), aItems, 'memoized timeline for untouched room');
    assert.equal(after.roomList[1], aBefore);

    // A meta-only change keeps the timeline array and its items.
    store.applySyncComplete({ rooms: { [A]: { meta: room(A, 300, { unread_messages: 3, preview_event_rowid: 2 }) } } });
    const a2 = store.getSnapshot().rooms.get(A)!;
    assert.notEqual(a2, aBefore);
    assert.equal(a2.timeline, aBefore.timeline);
    assert.equal(a2.events, aBefore.events);
    assert.equal(selectTimeline(a2), aItems);

    // New message: new array, but unchanged events keep their item objects.
    store.applySyncComplete({ rooms: { [A]: { events: [msg(41, 41)], timeline: [{ timeline_rowid: 41, event_rowid: 41 }] } } });
    const items3 = selectTimeline(store.getSnapshot().rooms.get(A));
    assert.notEqual(items3, aItems);
    assert.equal(items3[0], aItems[0]);
    assert.equal(items3[1], aItems[1]);
  });

  it('does not notify or change the snapshot for an empty diff', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    const before = store.getSnapshot();
    let calls = 0;
    store.subscribe(() => { calls++; });
    store.applySyncComplete({ rooms: { [A]: {} } });
    assert.equal(store.getSnapshot(), before);
    assert.equal(calls, 0);
  });

  it('applies room state from get_room_state and reports member names', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applyRoomState(A, [member(50, '@bob:example.org', 'Bobby'), member(51, '@dave:example.org')]);
    const a = store.getSnapshot().rooms.get(A)!;
    assert.equal(a.stateLoaded, true);
    const names = selectMemberNames(a);
    assert.equal(names.get('@bob:example.org'), 'Bobby');
    assert.equal(displayNameOf(names, '@dave:example.org'), 'dave');
    assert.equal(names.get('@alice:example.org'), 'Alice', 'merged with state from sync');
  });

  it('clears unread counts locally after mark_read and picks the newest confirmed event for receipts', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applySyncComplete({ rooms: { [A]: { meta: room(A, 300, { unread_messages: 2, unread_notifications: 1 }) } } });
    store.addLocalEcho(msg(60, 0, A, { event_id: '~t', send_error: NOT_SENT }));
    const a = store.getSnapshot().rooms.get(A)!;
    assert.equal(selectLatestReadableEvent(a)?.event_id, '$e2');
    store.markReadLocally(A);
    assert.equal(store.getSnapshot().rooms.get(A)!.meta!.unread_messages, 0);
  });

  it('updates decrypted events and the preview row', () => {
    const store = new Store();
    store.applySyncComplete(initialSync());
    store.applyEventsDecrypted({ room_id: A, preview_event_rowid: 1, events: [{ ...msg(1, 1), decrypted: { body: 'secret' } }] });
    const a = store.getSnapshot().rooms.get(A)!;
    assert.equal(a.meta!.preview_event_rowid, 1);
    assert.deepEqual(a.events.get(1)!.decrypted, { body: 'secret' });
  });

  it('keeps invites until the room is joined or left', () => {
    const store = new Store();
    store.applySyncComplete({ ...initialSync(), invited_rooms: [{ room_id: '!inv:x', created_at: 1, invite_state: [] }] });
    assert.equal(store.getSnapshot().invitedRooms.length, 1);
    store.applySyncComplete({ rooms: { '!inv:x': { meta: room('!inv:x', 1000) } } });
    assert.equal(store.getSnapshot().invitedRooms.length, 0);
  });

  it('drops everything on logout but keeps connection state', () => {
    const store = new Store();
    store.setConnection({ state: 'open' });
    store.applyClientState({ is_initialized: true, is_logged_in: true, is_verified: true, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false }, user_id: '@me:x' });
    store.applySyncComplete(initialSync());
    store.applyClientState({ is_initialized: true, is_logged_in: false, is_verified: false, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false } });
    const snap = store.getSnapshot();
    assert.equal(snap.rooms.size, 0);
    assert.equal(snap.connection.state, 'open');
  });

  it('names rooms from meta', () => {
    const store = new Store();
    store.applySyncComplete({
      clear_state: true,
      rooms: {
        [A]: { meta: room(A, 1, { name: undefined, canonical_alias: '#alias:x' }) },
        [B]: { meta: room(B, 1, { name: undefined, dm_user_id: '@bob:x' }) },
      },
    });
    const s = store.getSnapshot();
    assert.equal(roomDisplayName(s.rooms.get(A)), '#alias:x');
    assert.equal(roomDisplayName(s.rooms.get(B)), 'bob');
  });
});

describe('renderer reducers', () => {
  it('leave the previous snapshot as it was and return it when nothing changed', () => {
    const empty = initialSnapshot();
    const synced = reduceSyncComplete(empty, initialSync());
    assert.equal(empty.rooms.size, 0, 'the input snapshot is not mutated');
    assert.equal(synced.rooms.size, 3);
    const roomA = synced.rooms.get(A);
    const paged = reducePagination(synced, A, { events: [msg(5, -1)], receipts: {}, related_events: [], has_more: true, from_server: false });
    assert.equal(synced.rooms.get(A), roomA, 'the previous snapshot keeps its room');
    assert.deepEqual(ids(selectTimeline(paged.rooms.get(A))), [5, 1, 2]);
    assert.equal(reduceSyncComplete(synced, { rooms: {} }), synced);
    assert.equal(reducePagination(synced, '!unknown:x', { events: [], receipts: {}, related_events: [], has_more: false, from_server: false }), synced);
  });
});

describe('others\' presence in the store', () => {
  it('keeps each user\'s presence, replacing only those a push changed, and the same snapshot when none did', () => {
    const bob = { user_id: '@bob:x', presence: 'online' as const, last_active_ts: 1000 };
    const carol = { user_id: '@carol:x', presence: 'offline' as const };
    const first = reducePresence(initialSnapshot(), [bob, carol]);
    assert.equal(first.presence.get('@bob:x'), bob);
    // The same again (as every push on connect repeats it): nothing changes, nobody re-renders.
    assert.equal(reducePresence(first, [{ ...bob }, { ...carol }]), first);
    assert.equal(reducePresence(first, []), first);
    const away = reducePresence(first, [{ ...bob, presence: 'unavailable' }, { ...carol }]);
    assert.equal(away.presence.get('@bob:x')?.presence, 'unavailable');
    assert.equal(away.presence.get('@carol:x'), carol, 'a user the push did not change keeps the very same object');
    assert.equal(first.presence.get('@bob:x'), bob, 'the previous snapshot is not mutated');
    assert.equal(reducePresence(away, [{ ...bob, presence: 'unavailable', status_msg: 'at lunch' }]).presence.get('@bob:x')?.status_msg, 'at lunch');
    const store = new Store();
    let wakes = 0;
    store.subscribe(() => { wakes++; });
    store.applyPresence([bob]);
    store.applyPresence([{ ...bob }]);
    assert.equal(wakes, 1, 'a push that changes nothing wakes no reader');
  });
});

