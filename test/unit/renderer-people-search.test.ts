/**
 * Finding people for the invite and DM dialogs (people-search.ts): who we know from the rooms we hold (DM partners
 * first, ourselves never, the left and banned not), matched as the member filter matches (case and accents aside),
 * and merged with the user directory's answer, each person once, a typed user ID offered when nobody else is it;
 * with nothing typed, the people of the newest DMs, then of the newest rooms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownPeople, matchPeople, mergePeople, recentPeople, typedUserId } from '../../src/renderer/api/people-search.ts';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import type { Event, JSONObject, Room } from '../../src/shared/rpc/types.ts';

const ME = '@me:hs';

function room(id: string, members: [userId: string, content: JSONObject][], meta: Partial<Room> = {}): RoomData {
  const events = new Map<number, Event>();
  const byUser: Record<string, number> = {};
  members.forEach(([userId, content], i) => {
    events.set(i + 1, { rowid: i + 1, timeline_rowid: 0, room_id: id, event_id: `$m${i}`, sender: userId, type: 'm.room.member', state_key: userId, timestamp: i, content });
    byUser[userId] = i + 1;
  });
  const m = { room_id: id, name_quality: 0, sorting_timestamp: 0, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...meta } as Room;
  return { ...emptyRoom(id), meta: m, events, state: { 'm.room.member': byUser } };
}

// Newest first, as the room list is: a group room, then a DM whose partner's member event the sync did not bring.
const rooms = [
  room('!group:hs', [
    [ME, { membership: 'join', displayname: 'Me' }],
    ['@zoe:hs', { membership: 'join', displayname: 'Zoë Ångström', avatar_url: 'mxc://hs/zoe' }],
    ['@gone:hs', { membership: 'leave', displayname: 'Gone Person' }],
    ['@banned:hs', { membership: 'ban' }],
    ['@new:hs', { membership: 'invite' }],
    ['@dmfriend:hs', { membership: 'join', displayname: 'Friend in the group' }],
  ]),
  room('!dm:hs', [[ME, { membership: 'join' }]], { dm_user_id: '@dmfriend:hs', name: 'Dee Friend', avatar: 'mxc://hs/dee' }),
];

describe('people search', () => {
  it('knows DM partners first, then the joined and invited of shared rooms, never ourselves', () => {
    const people = knownPeople(rooms, ME);
    assert.deepEqual(people.map((p) => [p.userId, p.name, p.source]), [
      ['@dmfriend:hs', 'Dee Friend', 'dm'],
      ['@zoe:hs', 'Zoë Ångström', 'room'],
      ['@new:hs', '@new:hs', 'room'],
    ]);
    assert.equal(people[0].avatar, 'mxc://hs/dee', 'the DM\'s picture where no member event is held');
    assert.equal(knownPeople(rooms, ME), people, 'memoized on the room list');
  });

  it('matches names and user IDs ignoring case and accents, at most as many as asked', () => {
    const people = knownPeople(rooms, ME);
    assert.deepEqual(matchPeople(people, 'ZOE ANG').map((p) => p.userId), ['@zoe:hs']);
    assert.deepEqual(matchPeople(people, '@new').map((p) => p.userId), ['@new:hs']);
    assert.deepEqual(matchPeople(people, ':hs', 2).map((p) => p.userId), ['@dmfriend:hs', '@zoe:hs']);
    assert.deepEqual(matchPeople(people, '   '), []);
  });

  it('adds the directory\'s people after those we know, each once, and a typed user ID nobody is', () => {
    const known = matchPeople(knownPeople(rooms, ME), 'zoe');
    const merged = mergePeople(known, [
      { user_id: '@zoe:hs', display_name: 'Zoe (directory)' },
      { user_id: '@zoey:hs', display_name: 'Zoey', avatar_url: 'mxc://hs/zoey' },
      { user_id: ME, display_name: 'Me' },
    ], 'zoe', ME);
    assert.deepEqual(merged.map((p) => [p.userId, p.name, p.source]), [
      ['@zoe:hs', 'Zoë Ångström', 'room'],
      ['@zoey:hs', 'Zoey', 'directory'],
    ]);
    assert.deepEqual(mergePeople([], [], ' @x:y.org ', ME).map((p) => [p.userId, p.source]), [['@x:y.org', 'typed']]);
    assert.deepEqual(mergePeople([], [{ user_id: '@x:y.org' }], '@x:y.org', ME).map((p) => p.source), ['directory'], 'found: not offered twice');
    assert.deepEqual(mergePeople([], [], ME, ME), [], 'not ourselves');
  });

  it('offers, before anything is typed, the partners of the newest DMs, then the people of the newest rooms, a few', () => {
    // Newest first: a group room, a DM, an older group room, an older DM.
    const list = [
      room('!new-group:hs', [[ME, { membership: 'join' }], ['@ann:hs', { membership: 'join', displayname: 'Ann' }]]),
      room('!new-dm:hs', [[ME, { membership: 'join' }]], { dm_user_id: '@dan:hs', name: 'Dan' }),
      room('!old-group:hs', [[ME, { membership: 'join' }], ['@bea:hs', { membership: 'join' }], ['@cy:hs', { membership: 'join' }]]),
      room('!old-dm:hs', [[ME, { membership: 'join' }]], { dm_user_id: '@eve:hs', name: 'Eve' }),
    ];
    assert.deepEqual(recentPeople(list, ME).map((p) => [p.userId, p.source]),
      [['@dan:hs', 'dm'], ['@eve:hs', 'dm'], ['@ann:hs', 'room'], ['@bea:hs', 'room'], ['@cy:hs', 'room']]);
    assert.deepEqual(recentPeople(list, ME, 3).map((p) => p.userId), ['@dan:hs', '@eve:hs', '@ann:hs'], 'a few at most');
    assert.deepEqual(recentPeople([], ME), [], 'no rooms, nobody');
  });

  it('takes only a whole user ID as one', () => {
    assert.equal(typedUserId(' @a:b.c '), '@a:b.c');
    assert.equal(typedUserId('@a'), null);
    assert.equal(typedUserId('a:b'), null);
  });
});
