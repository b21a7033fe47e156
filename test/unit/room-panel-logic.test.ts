/**
 * The right panel's reading of room state: who may change which setting, the settings, pins and aliases; and whom the
 * header's call buttons call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canSendEvent, canSendState, fullAlias, isAlias, pinnedEventIds, publishedContent, roomSettings, togglePin } from '../../src/renderer/api/room-state.ts';
import { selectCallPeer } from '../../src/renderer/api/call-peer.ts';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import type { Event, JSONObject, Room } from '../../src/shared/rpc/types.ts';

const ME = '@me:hs';
const MOD = '@mod:hs';

/** A room holding one state event per entry (rowids from 1). */
function roomWithState(entries: [type: string, content: JSONObject][]): RoomData {
  const events = new Map<number, Event>();
  const state: Record<string, Record<string, number>> = {};
  entries.forEach(([type, content], i) => {
    const rowid = i + 1;
    events.set(rowid, { rowid, timeline_rowid: 0, room_id: '!r:hs', event_id: `$s${rowid}`, sender: MOD, type, state_key: '', timestamp: rowid, content });
    state[type] = { '': rowid };
  });
  return { ...emptyRoom('!r:hs'), events, state };
}

describe('room panel state', () => {
  it('allows a state change by the event type\'s level, else state_default', () => {
    const room = roomWithState([['m.room.power_levels', {
      users: { [MOD]: 50, [ME]: 10 }, state_default: 50, events: { 'm.room.topic': 10, 'm.room.pinned_events': 0 },
    }]]);
    assert.equal(canSendState(room, ME, 'm.room.topic'), true);
    assert.equal(canSendState(room, ME, 'm.room.pinned_events'), true);
    assert.equal(canSendState(room, ME, 'm.room.name'), false, 'state_default 50 applies');
    assert.equal(canSendState(room, MOD, 'm.room.name'), true);
    assert.equal(canSendState(room, undefined, 'm.room.topic'), false);
  });

  it('allows a message by the event type\'s level, else events_default, and anything without power levels', () => {
    const room = roomWithState([['m.room.power_levels', {
      users: { [MOD]: 50, [ME]: 10 }, events_default: 20, events: { 'm.reaction': 0, 'm.room.message': 50 },
    }]]);
    assert.equal(canSendEvent(room, ME, 'm.reaction'), true);
    assert.equal(canSendEvent(room, ME, 'm.room.message'), false, 'its own level 50');
    assert.equal(canSendEvent(room, ME, 'm.sticker'), false, 'events_default 20 applies');
    assert.equal(canSendEvent(room, MOD, 'm.room.message'), true);
    assert.equal(canSendEvent(roomWithState([['m.room.power_levels', { users: { [ME]: 0 } }]]), ME, 'm.room.message'), true, 'the spec\'s events_default is 0');
    assert.equal(canSendEvent(roomWithState([]), ME, 'm.room.message'), true, 'no power levels loaded yet');
    assert.equal(canSendState(roomWithState([['m.room.power_levels', { users: { [ME]: 10 } }]]), ME, 'm.room.name'), false, 'the spec\'s state_default is 50');
  });

  it('reads the settings with defaults when the room has none', () => {
    assert.deepEqual(roomSettings(roomWithState([])), {
      name: '', topic: '', joinRule: 'invite', historyVisibility: 'shared', encrypted: false, canonicalAlias: '', altAliases: [], avatar: '',
    });
    const room = roomWithState([
      ['m.room.name', { name: 'Room' }], ['m.room.topic', { topic: 'Talk' }], ['m.room.join_rules', { join_rule: 'knock' }],
      ['m.room.history_visibility', { history_visibility: 'joined' }], ['m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' }],
      ['m.room.canonical_alias', { alias: '#a:hs', alt_aliases: ['#b:hs', 7] }], ['m.room.avatar', { url: 'mxc://hs/pic' }],
    ]);
    assert.deepEqual(roomSettings(room), {
      name: 'Room', topic: 'Talk', joinRule: 'knock', historyVisibility: 'joined', encrypted: true, canonicalAlias: '#a:hs', altAliases: ['#b:hs'], avatar: 'mxc://hs/pic',
    });
  });

  it('pins and unpins by rewriting the whole list', () => {
    const room = roomWithState([['m.room.pinned_events', { pinned: ['$a', 2, '$b'] }]]);
    assert.deepEqual(pinnedEventIds(room), ['$a', '$b']);
    assert.deepEqual(togglePin(['$a', '$b'], '$c'), { pinned: ['$a', '$b', '$c'] });
    assert.deepEqual(togglePin(['$a', '$b'], '$a'), { pinned: ['$b'] });
  });

  it('parses and checks aliases', () => {
    assert.equal(fullAlias(' lobby ', 'example.org'), '#lobby:example.org');
    assert.equal(fullAlias('#x:other.org', 'example.org'), '#x:other.org');
    assert.deepEqual(publishedContent('#a:hs', ['#a:hs', '#b:hs', '#b:hs']), { alias: '#a:hs', alt_aliases: ['#b:hs'] });
    assert.deepEqual(publishedContent('', ['#b:hs']), { alt_aliases: ['#b:hs'] });
    assert.equal(isAlias('#room:example.org'), true);
    assert.equal(isAlias('room:example.org'), false);
    assert.equal(isAlias('#room'), false);
  });
});

describe('whom the call buttons call', () => {
  const meta = (m: Partial<Room>): Room => ({ room_id: '!r:hs', name_quality: 0, sorting_timestamp: 0, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...m } as Room);
  const members = (entries: [userId: string, membership: string][]): RoomData => {
    const events = new Map<number, Event>();
    const byUser: Record<string, number> = {};
    entries.forEach(([userId, membership], i) => {
      events.set(i + 1, { rowid: i + 1, timeline_rowid: 0, room_id: '!r:hs', event_id: `$m${i}`, sender: userId, type: 'm.room.member', state_key: userId, timestamp: i, content: { membership } });
      byUser[userId] = i + 1;
    });
    return { ...emptyRoom('!r:hs'), events, state: { 'm.room.member': byUser } };
  };
  const two = { 'm.joined_member_count': 2, 'm.heroes': ['@bob:hs'] };

  it('calls a DM\'s partner, and the other person of any room of two, as Element does', () => {
    assert.equal(selectCallPeer({ ...emptyRoom('!r:hs'), meta: meta({ dm_user_id: '@dm:hs' }) }, ME), '@dm:hs');
    assert.equal(selectCallPeer({ ...emptyRoom('!r:hs'), meta: meta({ lazy_load_summary: two }) }, ME), '@bob:hs', 'from the heroes before members load');
    const loaded = members([[ME, 'join'], ['@bob:hs', 'join'], ['@gone:hs', 'leave']]);
    assert.equal(selectCallPeer({ ...loaded, meta: meta({ lazy_load_summary: two }) }, ME), '@bob:hs', 'from the member state once loaded');
  });

  it('offers no call in a room of one, of three, or of two with someone invited whom the heroes may name', () => {
    assert.equal(selectCallPeer({ ...emptyRoom('!r:hs'), meta: meta({ lazy_load_summary: { 'm.joined_member_count': 3, 'm.heroes': ['@a:hs', '@b:hs'] } }) }, ME), undefined);
    assert.equal(selectCallPeer({ ...emptyRoom('!r:hs'), meta: meta({ lazy_load_summary: { 'm.joined_member_count': 1 } }) }, ME), undefined);
    assert.equal(selectCallPeer({ ...emptyRoom('!r:hs'), meta: meta({ lazy_load_summary: { ...two, 'm.invited_member_count': 1, 'm.heroes': ['@bob:hs'] } }) }, ME), undefined);
    assert.equal(selectCallPeer(undefined, ME), undefined);
  });
});
