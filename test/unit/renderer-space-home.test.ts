/**
 * The space home's pure parts: reading a hierarchy room from the server's JSON (children in the spec's order,
 * suggested flags, children without via dropped), the rows shown (sub-spaces only when expanded, cycles once), and
 * what each row offers by join rule and membership. The routes of a space home. What creating and managing a
 * space asks of the homeserver (space-manage.ts): a new space's /createRoom body, a room made in a space, which room
 * version allows a room restricted to the space's members, and which rooms the "Add existing rooms" dialog offers.
 * The rest is driven in Chromium against Synapse by test/e2e/space-home-ui.test.ts (finding and joining rooms) and
 * space-manage-ui.test.ts (creating and managing spaces).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/types.ts';
import type { Session } from '../../src/renderer/api/session.ts';
import {
  failureReason, loadHierarchy, loadMoreHierarchy, openHierarchy, parseHierarchyRoom, spaceHierarchyOf,
  toggleHierarchyExpanded, type HierarchyRoom,
} from '../../src/renderer/api/space-hierarchy.ts';
import { filterSpaceHomeRows, rowOffer, spaceHomeRows, subSpaceOffer, type RowFacts } from '../../src/renderer/api/space-home-rows.ts';
import {
  addCandidates, aliasFromName, childContent, restrictedRoomVersion, roomInSpaceRequest, spaceCreationRequest,
} from '../../src/renderer/api/space-manage.ts';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import type { Room, SpaceEdge } from '../../src/shared/rpc/types.ts';
import { hashForSpace, roomIdFromHash, spaceIdFromHash } from '../../src/renderer/ui/route.ts';

function child(stateKey: string, content: JSONObject, ts = 1): JSONObject {
  return { type: 'm.space.child', state_key: stateKey, content, origin_server_ts: ts, sender: '@bob:hs' };
}

function room(id: string, extra: JSONObject = {}): HierarchyRoom {
  const r = parseHierarchyRoom({ room_id: id, num_joined_members: 1, ...extra });
  assert.ok(r);
  return r;
}

describe('space hierarchy rooms', () => {
  it('reads names, counts, join rule and space type, and orders children as the spec does', () => {
    const r = parseHierarchyRoom({
      room_id: '!s:hs', name: 'Club', topic: 'Outside', num_joined_members: 3, join_rule: 'public', room_type: 'm.space',
      canonical_alias: '#club:hs', avatar_url: 'mxc://hs/a',
      children_state: [
        child('!late:hs', { via: ['hs'] }, 30),
        child('!early:hs', { via: ['hs'], suggested: true }, 10),
        child('!ordered:hs', { via: ['hs'], order: 'a' }, 50),
        child('!gone:hs', {}, 5), // no via: no longer a child
        child('!bad-order:hs', { via: ['hs'], order: 'x'.repeat(51) }, 20),
      ],
    });
    assert.ok(r);
    assert.equal(r.name, 'Club');
    assert.equal(r.alias, '#club:hs');
    assert.equal(r.members, 3);
    assert.equal(r.isSpace, true);
    assert.deepEqual(r.children.map((c) => c.roomId), ['!ordered:hs', '!early:hs', '!bad-order:hs', '!late:hs']);
    assert.equal(r.children.find((c) => c.roomId === '!early:hs')?.suggested, true);
    assert.equal(r.children.find((c) => c.roomId === '!late:hs')?.suggested, false);
  });

  it('skips a room without an ID and treats empty names as none', () => {
    assert.equal(parseHierarchyRoom({ name: 'x' }), null);
    assert.equal(parseHierarchyRoom({ room_id: '!a:hs', name: '  ' })?.name, undefined);
  });
});

describe('space hierarchy store', () => {
  /** A session whose backend answers get_space_hierarchy from `pages` (by `from`), each answer when released. */
  function fakeSession(pages: Record<string, { rooms: JSONObject[]; next_batch?: string } | Error>) {
    const calls: JSONObject[] = [];
    const session = {
      client: {
        request: (command: string, params: JSONObject) => {
          assert.equal(command, 'get_space_hierarchy');
          calls.push(params);
          const page = pages[typeof params.from === 'string' ? params.from : ''];
          return page instanceof Error ? Promise.reject(page) : Promise.resolve(page);
        },
      },
    } as unknown as Session;
    return { session, calls };
  }
  const space = { room_id: '!s:hs', name: 'S', room_type: 'm.space', children_state: [child('!a:hs', { via: ['hs'] }), child('!b:hs', { via: ['hs'] })] };

  it('reads a page, then the next after it, keeping the rows it had', async () => {
    const { session, calls } = fakeSession({ '': { rooms: [space, { room_id: '!a:hs', name: 'A' }], next_batch: 'p2' }, p2: { rooms: [{ room_id: '!b:hs', name: 'B' }] } });
    await loadHierarchy(session, '!s:hs');
    const first = spaceHierarchyOf(session, '!s:hs');
    assert.equal(first.nextBatch, 'p2');
    assert.deepEqual([...first.rooms.keys()], ['!s:hs', '!a:hs']);
    await loadMoreHierarchy(session, '!s:hs');
    const second = spaceHierarchyOf(session, '!s:hs');
    assert.equal(second.nextBatch, null);
    assert.deepEqual([...second.rooms.keys()], ['!s:hs', '!a:hs', '!b:hs']);
    assert.equal(second.rooms.get('!a:hs'), first.rooms.get('!a:hs'), 'the rows held are the same objects');
    assert.equal(calls[1].from, 'p2');
  });

  it('keeps the objects of unchanged rooms when the space is read again, and replaces changed ones', async () => {
    const pages: Record<string, { rooms: JSONObject[] }> = { '': { rooms: [space, { room_id: '!a:hs', name: 'A' }] } };
    const { session } = fakeSession(pages);
    await loadHierarchy(session, '!s:hs');
    const before = spaceHierarchyOf(session, '!s:hs');
    pages[''] = { rooms: [space, { room_id: '!a:hs', name: 'A renamed' }] };
    await loadHierarchy(session, '!s:hs');
    const after = spaceHierarchyOf(session, '!s:hs');
    assert.equal(after.rooms.get('!s:hs'), before.rooms.get('!s:hs'));
    assert.notEqual(after.rooms.get('!a:hs'), before.rooms.get('!a:hs'));
    assert.equal(after.rooms.get('!a:hs')?.name, 'A renamed');
  });

  it('opened again, reads as many pages as before and keeps what was expanded and the unchanged rows', async () => {
    const pages: Record<string, { rooms: JSONObject[]; next_batch?: string }> = {
      '': { rooms: [space, { room_id: '!a:hs', name: 'A' }], next_batch: 'p2' }, p2: { rooms: [{ room_id: '!b:hs', name: 'B' }] },
    };
    const { session, calls } = fakeSession(pages);
    await openHierarchy(session, '!s:hs');
    await loadMoreHierarchy(session, '!s:hs');
    toggleHierarchyExpanded(session, '!s:hs', '!b:hs');
    const before = spaceHierarchyOf(session, '!s:hs');
    assert.equal(before.pages, 2);
    pages.p2 = { rooms: [{ room_id: '!b:hs', name: 'B renamed' }] };
    calls.length = 0;
    const reading = openHierarchy(session, '!s:hs');
    const during = spaceHierarchyOf(session, '!s:hs');
    assert.equal(during.loading, 'refresh');
    assert.equal(during.rooms, before.rooms, 'the rows held stay shown while the space is read again');
    await reading;
    const after = spaceHierarchyOf(session, '!s:hs');
    assert.deepEqual(calls.map((c) => c.from ?? null), [null, 'p2'], 'both pages read again, from the first');
    assert.deepEqual([...after.rooms.keys()], ['!s:hs', '!a:hs', '!b:hs']);
    assert.equal(after.rooms.get('!a:hs'), before.rooms.get('!a:hs'), 'an unchanged row keeps its object');
    assert.equal(after.rooms.get('!b:hs')?.name, 'B renamed');
    assert.equal(after.loading, null);
    assert.equal(after.nextBatch, null);
    assert.deepEqual([...after.expanded], ['!b:hs'], 'what was expanded stays expanded');
  });

  it('keeps the rows it has when reading them again fails', async () => {
    const pages: Record<string, { rooms: JSONObject[] } | Error> = { '': { rooms: [space, { room_id: '!a:hs', name: 'A' }] } };
    const { session } = fakeSession(pages);
    await openHierarchy(session, '!s:hs');
    const before = spaceHierarchyOf(session, '!s:hs');
    pages[''] = new Error('Could not read the space !s:hs: offline.');
    await openHierarchy(session, '!s:hs');
    const after = spaceHierarchyOf(session, '!s:hs');
    assert.equal(after.rooms, before.rooms);
    assert.equal(after.error, null);
    assert.equal(after.loading, null);
  });

  it('keeps the rows it has when the next page fails, and says why', async () => {
    const { session } = fakeSession({ '': { rooms: [space, { room_id: '!a:hs', name: 'A' }], next_batch: 'p2' }, p2: new Error('Could not read the space !s:hs: too many requests; try again in 2 s.') });
    await loadHierarchy(session, '!s:hs');
    await loadMoreHierarchy(session, '!s:hs');
    const state = spaceHierarchyOf(session, '!s:hs');
    assert.equal(state.moreError, 'Too many requests; try again in 2 s.');
    assert.equal(state.nextBatch, 'p2', 'the same page can be asked for again');
    assert.deepEqual([...state.rooms.keys()], ['!s:hs', '!a:hs']);
  });

  it('says in words why a space could not be read', async () => {
    const { session } = fakeSession({ '': new Error('Could not read the space !s:hs: the homeserver refused: not allowed.') });
    await loadHierarchy(session, '!s:hs');
    const state = spaceHierarchyOf(session, '!s:hs');
    assert.equal(state.error, 'The homeserver refused: not allowed.', 'the reason, without the space\'s ID');
    assert.equal(state.loading, null);
    assert.equal(state.rooms.size, 0);
  });
});

describe('failure reasons', () => {
  it('drops the target\'s ID the backend names, keeping the rest as it is', () => {
    assert.equal(failureReason('Could not join !a:hs:8448: Cannot join user who was banned. (M_BAD_STATE)'), 'Cannot join user who was banned. (M_BAD_STATE)');
    assert.equal(failureReason('Could not knock on !a:hs: the homeserver refused: no.'), 'The homeserver refused: no.');
    assert.equal(failureReason('Not logged in.'), 'Not logged in.');
  });
});

describe('space home rows', () => {
  const rooms = new Map<string, HierarchyRoom>([
    ['!s:hs', room('!s:hs', { room_type: 'm.space', children_state: [child('!a:hs', { via: ['hs'] }, 1), child('!sub:hs', { via: ['hs'] }, 2), child('!unseen:hs', { via: ['hs'] }, 3)] })],
    ['!a:hs', room('!a:hs')],
    ['!sub:hs', room('!sub:hs', { room_type: 'm.space', children_state: [child('!b:hs', { via: ['hs'] }), child('!s:hs', { via: ['hs'] })] })],
    ['!b:hs', room('!b:hs')],
  ]);

  it('filters by name, topic or address in any case, a closed sub-space\'s rooms shown under it', () => {
    const named = new Map(rooms);
    named.set('!a:hs', room('!a:hs', { name: 'General', topic: 'Say hello' }));
    named.set('!b:hs', room('!b:hs', { name: 'Bouldering', canonical_alias: '#rocks:hs' }));
    assert.deepEqual(filterSpaceHomeRows(named, '!s:hs', new Set(), '  HELLO ').map((r) => r.room.roomId), ['!a:hs']);
    const deep = filterSpaceHomeRows(named, '!s:hs', new Set(), 'rocks');
    assert.deepEqual(deep.map((r) => [r.room.roomId, r.depth, r.match, r.expanded]), [['!sub:hs', 0, false, true], ['!b:hs', 1, true, false]],
      'the match under its sub-space, opened for it');
    assert.equal(deep[0].childCount, 1, 'the toggle counts what it would show');
    const closed = filterSpaceHomeRows(named, '!s:hs', new Set(), 'rocks', new Set(['!sub:hs']));
    assert.deepEqual(closed.map((r) => [r.room.roomId, r.expanded]), [['!sub:hs', false]], 'closed by the user while filtering');
    assert.deepEqual(filterSpaceHomeRows(named, '!s:hs', new Set(), 'nothing'), []);
    assert.deepEqual(filterSpaceHomeRows(named, '!s:hs', new Set(), ' ').map((r) => r.room.roomId), ['!a:hs', '!sub:hs'], 'blank: the rows as they are');
  });

  it('opens a matching sub-space, while filtering, to all its rooms', () => {
    const named = new Map(rooms);
    named.set('!sub:hs', room('!sub:hs', { name: 'Climbing', room_type: 'm.space', children_state: [child('!b:hs', { via: ['hs'] })] }));
    const found = filterSpaceHomeRows(named, '!s:hs', new Set(['!sub:hs']), 'climb');
    assert.deepEqual(found.map((r) => [r.room.roomId, r.expanded, r.childCount]), [['!sub:hs', false, 1]],
      'found closed (its rooms do not match), though expanded without a filter');
    const opened = filterSpaceHomeRows(named, '!s:hs', new Set(), 'climb', new Set(['!sub:hs']));
    assert.deepEqual(opened.map((r) => [r.room.roomId, r.depth, r.match]), [['!sub:hs', 0, true], ['!b:hs', 1, false]]);
  });

  it('lists the space\'s children it has read, and a sub-space\'s only when expanded', () => {
    const closed = spaceHomeRows(rooms, '!s:hs', new Set());
    assert.deepEqual(closed.map((r) => r.room.roomId), ['!a:hs', '!sub:hs']);
    assert.equal(closed[1].childCount, 2);
    const open = spaceHomeRows(rooms, '!s:hs', new Set(['!sub:hs']));
    assert.deepEqual(open.map((r) => [r.room.roomId, r.depth]), [['!a:hs', 0], ['!sub:hs', 0], ['!b:hs', 1]]);
    assert.equal(open[1].expanded, true);
  });

  it('shows a space that lists its parent only once', () => {
    const open = spaceHomeRows(rooms, '!s:hs', new Set(['!sub:hs', '!s:hs']));
    assert.equal(open.filter((r) => r.room.roomId === '!s:hs').length, 0);
  });
});

describe('what a space home row offers', () => {
  const base: RowFacts = { joinRule: 'public', joined: false, invited: false, request: undefined, inAllowedRoom: undefined };
  const cases: [string, Partial<RowFacts>, string[], RegExp | null][] = [
    ['joined', { joined: true }, ['open'], null],
    ['invited', { invited: true }, ['view-invite'], /invited/],
    ['public', {}, ['join'], null],
    ['no join rule given', { joinRule: undefined }, ['join'], null],
    ['restricted, allowed or unknown', { joinRule: 'restricted' }, ['join'], null],
    ['restricted, not allowed', { joinRule: 'restricted', inAllowedRoom: false }, [], /Only members/],
    ['knock', { joinRule: 'knock' }, ['knock'], null],
    ['knock_restricted', { joinRule: 'knock_restricted' }, ['join', 'knock'], null],
    ['knock_restricted, not allowed', { joinRule: 'knock_restricted', inAllowedRoom: false }, ['knock'], null],
    ['invite only', { joinRule: 'invite' }, [], /Invite only/],
    ['private', { joinRule: 'private' }, [], /Invite only/],
    ['asked to join', { joinRule: 'knock', request: { kind: 'knocked' } }, [], /asked to join/],
  ];
  for (const [name, facts, actions, note] of cases) {
    it(name, () => {
      const offer = rowOffer({ ...base, ...facts });
      assert.deepEqual(offer.actions, actions);
      if (note) assert.match(offer.note ?? '', note);
      else assert.equal(offer.note, null);
    });
  }

  it('gives the same offer object for the same facts, so unchanged rows are not drawn again', () => {
    assert.equal(rowOffer(base), rowOffer({ ...base }));
    const explorable = subSpaceOffer(rowOffer(base));
    assert.deepEqual(explorable.actions, ['explore', ...rowOffer(base).actions], 'a sub-space not joined offers Explore first');
    assert.equal(subSpaceOffer(rowOffer(base)), explorable, 'the same object each time');
  });
});

describe('space home routes', () => {
  it('round-trips a space ID and is not a room route', () => {
    const hash = hashForSpace('!abc:example.org');
    assert.equal(spaceIdFromHash(hash), '!abc:example.org');
    assert.equal(roomIdFromHash(hash), null);
    assert.equal(spaceIdFromHash('#/room/%21abc%3Aexample.org'), null);
    assert.equal(spaceIdFromHash('#/space/%23alias%3Aexample.org'), null);
    assert.equal(spaceIdFromHash('#/space/%E0%A4%A'), null);
  });
});

describe('creating and managing a space', () => {
  it('creates a public space as Element does: only admins post, world-readable, at its address, in the directory', () => {
    const body = spaceCreationRequest({ name: ' Outdoor Club ', topic: '', isPublic: true, alias: 'outdoor-club' });
    assert.deepEqual(body, {
      name: 'Outdoor Club', preset: 'public_chat', visibility: 'public', room_alias_name: 'outdoor-club',
      creation_content: { type: 'm.space' }, power_level_content_override: { events_default: 100, invite: 0 },
      initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
    });
  });

  it('creates a private space invite-only, history from the invite, moderators invite, no address; with its avatar', () => {
    const body = spaceCreationRequest({
      name: 'Team', topic: ' Our work ', isPublic: false, alias: 'ignored', avatar: { url: 'mxc://hs/pic', info: { mimetype: 'image/png' } },
    });
    assert.equal(body.preset, 'private_chat');
    assert.equal(body.visibility, 'private');
    assert.equal(body.topic, 'Our work');
    assert.equal(body.room_alias_name, undefined);
    assert.deepEqual(body.power_level_content_override, { events_default: 100, invite: 50 });
    assert.deepEqual(body.initial_state, [
      { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'invited' } },
      { type: 'm.room.avatar', state_key: '', content: { url: 'mxc://hs/pic', info: { mimetype: 'image/png' } } },
    ]);
  });

  it('makes an address from a name', () => {
    assert.equal(aliasFromName('  Outdoor Club!  '), 'outdoor-club');
    assert.equal(aliasFromName('Café & Crêpes'), 'cafe-crepes');
    assert.equal(aliasFromName('???'), '');
  });

  it('offers a room restricted to the space\'s members only with a room version that has it', () => {
    const caps = (def: string, available: Record<string, string>) => ({ 'm.room_versions': { default: def, available } });
    assert.deepEqual(restrictedRoomVersion(caps('10', { 10: 'stable' })), {}, 'the default version has it');
    assert.deepEqual(restrictedRoomVersion(caps('6', { 6: 'stable', 9: 'stable', 10: 'stable', 11: 'stable' })), { roomVersion: '10' });
    assert.deepEqual(restrictedRoomVersion(caps('6', { 6: 'stable', 9: 'stable', 12: 'unstable' })), { roomVersion: '9' });
    assert.equal(restrictedRoomVersion(caps('6', { 6: 'stable', 8: 'stable' })), null, 'version 8 has a broken restricted rule');
    assert.equal(restrictedRoomVersion(undefined), null);
  });

  it('makes a room in a space with the space as its canonical parent, restricted to its members when asked', () => {
    assert.deepEqual(roomInSpaceRequest('!space:hs', 'own', null), {
      initialState: [{ type: 'm.space.parent', state_key: '!space:hs', content: { via: ['hs'], canonical: true } }],
    });
    const restricted = roomInSpaceRequest('!space', 'own', { roomVersion: '10' });
    assert.equal(restricted.roomVersion, '10');
    assert.deepEqual(restricted.initialState, [
      { type: 'm.space.parent', state_key: '!space', content: { via: ['own'], canonical: true } },
      { type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!space' }] } },
    ]);
    assert.deepEqual(childContent('!room:other.org', 'own'), { via: ['other.org'] });
    assert.deepEqual(childContent('!v12room', 'own'), { via: ['own'] }, 'a room ID without a server: our own');
  });

  it('offers the joined rooms, spaces and chats not in the space, filtered by name or address', () => {
    const mk = (id: string, meta: Partial<Room>): RoomData => ({
      ...emptyRoom(id),
      meta: { room_id: id, name_quality: 3, explicit_avatar: false, has_member_list: false, preview_event_rowid: 0,
        sorting_timestamp: 0, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...meta },
    });
    const list = [
      mk('!space', { name: 'Club', creation_content: { type: 'm.space' } }),
      mk('!in', { name: 'Inside' }),
      mk('!general', { name: 'General', canonical_alias: '#lobby:hs' }),
      mk('!old', { name: 'Old', tombstone: { replacement_room: '!general' } }),
      mk('!other-space', { name: 'Other space', creation_content: { type: 'm.space' } }),
      mk('!dm', { name: 'Bob', dm_user_id: '@bob:hs' }),
    ];
    const snap = {
      roomList: list, rooms: new Map(list.map((r) => [r.id, r])),
      spaceEdges: { '!space': [{ child_id: '!in' } satisfies SpaceEdge] },
    };
    assert.deepEqual(addCandidates(snap, '!space', '').map((c) => [c.roomId, c.kind]),
      [['!general', 'room'], ['!other-space', 'space'], ['!dm', 'dm']]);
    assert.deepEqual(addCandidates(snap, '!space', 'LOBBY').map((c) => c.roomId), ['!general'], 'by address, any case');
  });
});
