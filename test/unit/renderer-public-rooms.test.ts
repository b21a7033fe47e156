/**
 * "Explore public rooms"' pure parts and store: reading a directory entry, the request for a page, the servers to
 * join through, the failure words; typing searches once it pauses (one request, not one per key, with mocked
 * timers), a late answer to an older search is dropped, pages are added without repeats, and a bad server name is
 * said without asking anyone. The rest is driven in Chromium against Synapse by test/e2e/explore-rooms-ui.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/types.ts';
import type { Session } from '../../src/renderer/api/session.ts';
import {
  directoryFailure, directoryOf, joinVia, loadMorePublicRooms, openDirectory, parsePublicRoom, PUBLIC_ROOMS_PAGE_SIZE,
  publicRoomsParams, SEARCH_DELAY_MS, searchPublicRooms, serverProblem, setDirectoryQuery, setDirectoryServer, withPage,
  type PublicRoom,
} from '../../src/renderer/api/public-rooms.ts';
import { roomAddress } from '../../src/renderer/api/room-requests.ts';

function room(extra: JSONObject = {}): PublicRoom {
  const r = parsePublicRoom({ room_id: '!r:hs.example', ...extra });
  assert.ok(r);
  return r;
}

describe('public room directory: pure parts', () => {
  it('reads an entry, leaving out what the server got wrong', () => {
    const r = parsePublicRoom({
      room_id: '!r:hs', name: 'Astronomy', topic: 'Stars', canonical_alias: '#astro:hs', avatar_url: 'mxc://hs/a',
      num_joined_members: 12, join_rule: 'knock', room_type: 'm.space', world_readable: true,
    });
    assert.deepEqual(r, {
      roomId: '!r:hs', name: 'Astronomy', alias: '#astro:hs', topic: 'Stars', avatar: 'mxc://hs/a', members: 12, joinRule: 'knock', isSpace: true,
    });
    assert.equal(parsePublicRoom({ name: 'no ID' }), null);
    assert.equal(parsePublicRoom({ room_id: '#not-an-id:hs' }), null);
    const odd = room({ name: '  ', num_joined_members: -1, topic: 7 as unknown as string });
    assert.equal(odd.name, undefined);
    assert.equal(odd.members, undefined);
    assert.equal(odd.topic, undefined);
    assert.equal(odd.isSpace, false);
  });

  it('adds a page after the rows held, each room once', () => {
    const first = withPage([], [{ room_id: '!a:hs' }, { room_id: '!b:hs' }, { name: 'no ID' }]);
    const both = withPage(first, [{ room_id: '!b:hs' }, { room_id: '!c:hs' }]);
    assert.deepEqual(both.map((r) => r.roomId), ['!a:hs', '!b:hs', '!c:hs']);
    assert.equal(both[0], first[0], 'the rows held are the same objects');
  });

  it('asks for a page with the term and the server only when there are any', () => {
    assert.deepEqual(publicRoomsParams('', ''), { limit: PUBLIC_ROOMS_PAGE_SIZE });
    assert.deepEqual(publicRoomsParams('  garden ', ' Matrix.ORG ', 'next'), {
      limit: PUBLIC_ROOMS_PAGE_SIZE, server: 'matrix.org', since: 'next', filter: { generic_search_term: 'garden' },
    });
  });

  it('says a server name that cannot be one before asking', () => {
    assert.equal(serverProblem(''), null);
    assert.equal(serverProblem('matrix.org'), null);
    assert.equal(serverProblem('localhost:8448'), null);
    assert.equal(serverProblem('not a server'), '“not a server” is not a server name. Type one such as matrix.org.');
    assert.match(serverProblem('https://matrix.org') ?? '', /is not a server name/);
  });

  it('joins another directory\'s rooms through that server, then the servers of their address and ID', () => {
    assert.deepEqual(joinVia(room({ canonical_alias: '#x:alias.example' }), ''), [], 'our own directory: our server knows them');
    assert.deepEqual(joinVia(room({ canonical_alias: '#x:alias.example' }), 'Other.example'), ['other.example', 'alias.example', 'hs.example']);
    assert.deepEqual(joinVia(room(), 'hs.example'), ['hs.example']);
  });

  it('keeps the reason of a failure, not the ID of what failed', () => {
    assert.equal(directoryFailure('Could not join !r:hs: the homeserver refused: You are banned.'), 'The homeserver refused: You are banned.');
    assert.equal(directoryFailure('Could not list the public rooms of x.example: too many requests; try again in 3 s.'),
      'Too many requests; try again in 3 s.');
    assert.equal(directoryFailure('Your homeserver does not talk to x.example.'), 'Your homeserver does not talk to x.example.');
  });

  it('tells a room address or ID typed into the search box from a search term', () => {
    assert.equal(roomAddress('  #lobby:hs.example '), '#lobby:hs.example');
    assert.equal(roomAddress('#lobby:localhost:8448'), '#lobby:localhost:8448');
    assert.equal(roomAddress('!abc:hs.example'), '!abc:hs.example');
    // Room version 12's IDs name no server.
    assert.equal(roomAddress('!Qa1Zb2Yc3Xd4We5Vf6Ug7Th8Si9Rj0QkPlOmNnMoLpK'), '!Qa1Zb2Yc3Xd4We5Vf6Ug7Th8Si9Rj0QkPlOmNnMoLpK');
    for (const term of ['#lobby', '#lobby:', 'lobby:hs.example', '#two words:hs', '# :hs', '!', '!a b', 'hello #lobby:hs', '']) {
      assert.equal(roomAddress(term), null, term);
    }
  });
});

describe('public room directory: the store', () => {
  /** A session whose backend answers get_public_rooms with `answer(params)`, each call recorded. */
  function fakeSession(answer: (params: JSONObject) => Promise<{ chunk: JSONObject[]; next_batch?: string }>) {
    const calls: JSONObject[] = [];
    const session = {
      client: {
        request: (command: string, params: JSONObject) => {
          assert.equal(command, 'get_public_rooms');
          calls.push(params);
          return answer(params);
        },
      },
    } as unknown as Session;
    return { session, calls };
  }
  const settle = () => new Promise<void>((resolve) => { setImmediate(resolve); });

  it('searches once typing pauses: one request for what was typed last', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { session, calls } = fakeSession(async () => ({ chunk: [{ room_id: '!g:hs', name: 'Garden' }] }));
    openDirectory(session);
    await settle();
    assert.equal(calls.length, 1, 'opening lists the directory at once');
    for (const typed of ['g', 'ga', 'gar', 'garden']) {
      setDirectoryQuery(session, typed);
      t.mock.timers.tick(SEARCH_DELAY_MS - 1);
    }
    assert.equal(calls.length, 1, 'nothing asked while typing');
    assert.equal(directoryOf(session).pending, true);
    t.mock.timers.tick(1);
    await settle();
    assert.deepEqual(calls.slice(1), [{ limit: PUBLIC_ROOMS_PAGE_SIZE, filter: { generic_search_term: 'garden' } }]);
    const state = directoryOf(session);
    assert.equal(state.pending, false);
    assert.deepEqual(state.shown, { query: 'garden', server: '' });
    assert.deepEqual(state.rooms.map((r) => r.name), ['Garden']);
  });

  it('drops a late answer to an older search', async () => {
    const answers: ((page: { chunk: JSONObject[] }) => void)[] = [];
    const { session } = fakeSession(() => new Promise((resolve) => { answers.push(resolve); }));
    openDirectory(session);
    setDirectoryQuery(session, 'new');
    const newer = searchPublicRooms(session);
    answers[1]({ chunk: [{ room_id: '!new:hs' }] });
    await newer;
    answers[0]({ chunk: [{ room_id: '!old:hs' }] });
    await settle();
    assert.deepEqual(directoryOf(session).rooms.map((r) => r.roomId), ['!new:hs']);
    assert.equal(directoryOf(session).loading, null);
  });

  it('pages with next_batch for the search shown, and says why a page could not be read', async () => {
    let fail = false;
    const { session, calls } = fakeSession(async (p) => {
      if (fail) throw new Error('Could not list the public rooms: the connection was reset');
      return p.since === 'p2' ? { chunk: [{ room_id: '!b:hs' }] } : { chunk: [{ room_id: '!a:hs' }], next_batch: 'p2' };
    });
    openDirectory(session);
    setDirectoryQuery(session, 'club');
    await searchPublicRooms(session);
    assert.equal(directoryOf(session).nextBatch, 'p2');
    // What is typed meanwhile does not change the search being paged.
    setDirectoryQuery(session, 'something else');
    fail = true;
    await loadMorePublicRooms(session);
    assert.equal(directoryOf(session).moreError, 'The connection was reset');
    assert.deepEqual(directoryOf(session).rooms.map((r) => r.roomId), ['!a:hs'], 'the rows held stay');
    fail = false;
    await loadMorePublicRooms(session);
    assert.deepEqual(calls.at(-1), { limit: PUBLIC_ROOMS_PAGE_SIZE, since: 'p2', filter: { generic_search_term: 'club' } });
    const state = directoryOf(session);
    assert.deepEqual(state.rooms.map((r) => r.roomId), ['!a:hs', '!b:hs']);
    assert.equal(state.nextBatch, null);
    assert.equal(state.moreError, null);
  });

  it('says a bad server name without asking, and a refused search in words', async () => {
    const { session, calls } = fakeSession(async () => { throw new Error('Your homeserver does not talk to x.example.'); });
    openDirectory(session);
    await settle();
    const asked = calls.length;
    setDirectoryServer(session, 'not a server');
    await searchPublicRooms(session);
    assert.equal(calls.length, asked, 'nothing asked');
    assert.match(directoryOf(session).error ?? '', /is not a server name/);
    setDirectoryServer(session, 'x.example');
    await searchPublicRooms(session);
    assert.equal(directoryOf(session).error, 'Your homeserver does not talk to x.example.');
    assert.deepEqual(directoryOf(session).rooms, []);
  });
});
