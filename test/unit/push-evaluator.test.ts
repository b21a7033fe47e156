/**
 * The seam sync ingest calls per event: the room context comes from stored state (own display name, joined
 * members, power levels, room version 12 creators) and the ruleset from stored m.push_rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/index.ts';
import { applyUnread, notificationFor, PushEvaluator, pushRoomContext, type AppendedEvent } from '../../src/main/backend/push/push-evaluator.ts';
import { UnreadType } from '../../src/main/backend/push/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';

const ME = '@alice:hs';
const ROOM = '!room:hs';
let n = 0;

function putState(store: Store, type: string, stateKey: string, content: JSONObject, sender = '@bob:hs'): void {
  const rowid = store.events.insert({ room_id: ROOM, event_id: `$s${++n}`, sender, type, state_key: stateKey, timestamp: n, content });
  store.state.set({ room_id: ROOM, type, state_key: stateKey, content }, rowid);
}

describe('PushEvaluator (the sync ingest seam)', () => {
  it('builds the room context from stored state', () => {
    const store = Store.open(':memory:');
    store.rooms.ensure(ROOM);
    putState(store, 'm.room.create', '', { room_version: '12' }, '@bob:hs');
    putState(store, 'm.room.member', ME, { membership: 'join', displayname: 'Ally' }, ME);
    putState(store, 'm.room.member', '@bob:hs', { membership: 'join' });
    putState(store, 'm.room.member', '@carol:hs', { membership: 'leave' });
    putState(store, 'm.room.power_levels', '', { users: { '@mod:hs': 50 } });
    const ctx = pushRoomContext(store, ROOM, ME);
    const { userId, memberCount, displayName, powerLevels, creators } = ctx;
    assert.deepEqual({ userId, memberCount, displayName, powerLevels, creators },
      { userId: ME, memberCount: 2, displayName: 'Ally', powerLevels: { users: { '@mod:hs': 50 } }, creators: ['@bob:hs'] });

    const push = new PushEvaluator(store, ME);
    const dm = push.unreadType(ROOM, { type: 'm.room.message', sender: '@bob:hs', content: { body: 'hi' } });
    assert.equal(dm, UnreadType.Normal | UnreadType.Notify | UnreadType.Sound, 'two members: the one-to-one rule');
    const named = push.unreadType(ROOM, { type: 'm.room.message', sender: '@bob:hs', content: { body: 'ally?' } });
    assert.ok(named & UnreadType.Highlight);

    // A mute rule stored in m.push_rules applies once the evaluator hears the rules changed.
    store.account.setAccountData('', 'm.push_rules', { global: { override: [
      { rule_id: ROOM, enabled: true, actions: [], conditions: [{ kind: 'event_match', key: 'room_id', pattern: ROOM }] },
    ] } });
    push.rulesChanged();
    assert.equal(push.unreadType(ROOM, { type: 'm.room.message', sender: '@bob:hs', content: { body: 'ally?' } }), UnreadType.Normal);
    store.close();
  });

  it('turns an unread_type into a sync_complete notification', () => {
    assert.equal(notificationFor({ rowid: 1, unread_type: UnreadType.Normal }), undefined);
    assert.deepEqual(notificationFor({ rowid: 2, unread_type: UnreadType.Normal | UnreadType.Notify | UnreadType.Highlight }),
      { event_rowid: 2, sound: false, highlight: true });
  });

  it('counts unread messages exactly: own messages and read receipts clear, redactions lower, the first sync stays quiet', () => {
    const store = Store.open(':memory:');
    store.rooms.ensure(ROOM);
    putState(store, 'm.room.member', ME, { membership: 'join', displayname: 'Ally' }, ME);
    for (const u of ['@bob:hs', '@carol:hs']) putState(store, 'm.room.member', u, { membership: 'join' }, u);
    const push = new PushEvaluator(store, ME);
    const append = (sender: string, body: string, extra: JSONObject = {}): AppendedEvent => {
      const content = { msgtype: 'm.text', body, ...extra };
      const rowid = store.events.insert({ room_id: ROOM, event_id: `$e${++n}`, sender, type: 'm.room.message', timestamp: n, content });
      store.timeline.append(ROOM, rowid);
      return { rowid, event: { type: 'm.room.message', sender, content } };
    };
    const history = [append('@bob:hs', 'old')];
    const zero = { unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };
    let r = applyUnread(store, push, ROOM, ME, history, true, zero, true);
    assert.deepEqual(r.notifications, [], 'the first sync notifies nothing');
    assert.deepEqual(r.counts, { unread_messages: 1, unread_notifications: 1, unread_highlights: 0 });

    const mine = [append(ME, 'my reply')];
    r = applyUnread(store, push, ROOM, ME, mine, false, r.counts, false);
    assert.deepEqual(r.counts, { unread_messages: 0, unread_notifications: 0, unread_highlights: 0 }, 'my own message means I read the room');

    const mention = append('@bob:hs', 'hey', { 'm.mentions': { user_ids: [ME] } });
    const plain = append('@carol:hs', 'hello all');
    r = applyUnread(store, push, ROOM, ME, [mention, plain], false, r.counts, false);
    assert.deepEqual(r.counts, store.unread.count(ROOM, ME), 'adding up gives what a count from the database gives');
    assert.deepEqual(r.counts, { unread_messages: 2, unread_notifications: 2, unread_highlights: 1 });
    assert.deepEqual(r.notifications, [
      { event_rowid: mention.rowid, sound: true, highlight: true }, { event_rowid: plain.rowid, sound: false, highlight: false },
    ]);

    store.events.redact(mention.rowid, {}, '$redaction');
    assert.deepEqual(store.unread.count(ROOM, ME), { unread_messages: 1, unread_notifications: 1, unread_highlights: 0 }, 'a redacted unread message stops counting');

    // A read receipt from another of my devices up to the newest event.
    store.account.setReceipt(ROOM, { user_id: ME, receipt_type: 'm.read', event_id: store.events.get(plain.rowid)!.event_id, timestamp: 1 });
    assert.deepEqual(store.unread.count(ROOM, ME), { unread_messages: 0, unread_notifications: 0, unread_highlights: 0 });
    store.close();
  });
});
