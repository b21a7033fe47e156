/**
 * `get_public_rooms` against a fake homeserver, for what a test Synapse cannot show: the exact request (the term in
 * the POST body's filter, `server` in the query string), an answer with odd entries, and each refusal in words: a
 * server that cannot be reached or does not share its directory (Synapse's 502), a remote server's own 403, and a
 * rate limit (said at once with the wait, not retried while the person types).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { json, matrixError, type FakeFetch, type FakeRequest } from '../harness/fake-fetch.ts';
import { FakeHomeserverBackend } from '../harness/fake-homeserver-backend.ts';
import type { RpcTestClient } from '../harness/rpc-test-client.ts';

describe('get_public_rooms against a fake homeserver', () => {
  let hs: FakeHomeserverBackend;
  let fake: FakeFetch;
  let directory: (req: FakeRequest) => Response;
  let c: RpcTestClient;

  beforeEach(async () => {
    directory = () => json(200, { chunk: [] });
    hs = await FakeHomeserverBackend.start({
      name: 'publicrooms', firstSync: { next_batch: 's1' },
      route: (req) => (req.method === 'POST' && req.url.pathname === '/_matrix/client/v3/publicRooms' ? directory(req) : undefined),
    });
    ({ fake, client: c } = hs);
    await hs.signIn();
  });
  afterEach(() => hs.close());

  it('sends the term in the body\'s filter and the server in the query, and keeps only well-formed entries', async () => {
    directory = () => json(200, {
      chunk: [{ room_id: '!a:other.example', name: 'A' }, 'not a room', null, [1]], next_batch: 'n2', prev_batch: '', total_room_count_estimate: 9,
    });
    const page = await c.request('get_public_rooms', { server: 'other.example', limit: 5, since: 'n1', filter: { generic_search_term: 'garden' } });
    assert.deepEqual(page, { chunk: [{ room_id: '!a:other.example', name: 'A' }], next_batch: 'n2', total_room_count_estimate: 9 });
    const [req] = fake.to('/_matrix/client/v3/publicRooms', 'POST');
    assert.equal(req.url.searchParams.get('server'), 'other.example');
    assert.deepEqual(req.body, { limit: 5, since: 'n1', filter: { generic_search_term: 'garden' } });
  });

  it('asks our own directory without a server parameter', async () => {
    await c.request('get_public_rooms', {});
    const [req] = fake.to('/_matrix/client/v3/publicRooms', 'POST');
    assert.equal(req.url.searchParams.has('server'), false);
    assert.deepEqual(req.body, {});
  });

  it('says in words a server that cannot be reached or does not share its directory', async () => {
    directory = () => matrixError(502, 'M_UNKNOWN', 'Failed to fetch room list');
    await assert.rejects(c.request('get_public_rooms', { server: 'nowhere.example' }),
      /Could not get the room directory of nowhere\.example: the server could not be reached, or it does not share its directory/);
    directory = () => matrixError(403, 'M_FORBIDDEN', 'You are not allowed to view the public rooms list of private.example');
    await assert.rejects(c.request('get_public_rooms', { server: 'private.example' }),
      /private\.example does not share its room directory with users of other servers\./);
  });

  it('says a rate limit at once, with how long to wait', async () => {
    directory = () => matrixError(429, 'M_LIMIT_EXCEEDED', 'Too many requests', { retry_after_ms: 4200 });
    await assert.rejects(c.request('get_public_rooms', { filter: { generic_search_term: 'x' } }),
      /Could not list the public rooms: too many requests; try again in 5 s\./);
    assert.equal(fake.to('/_matrix/client/v3/publicRooms').length, 1, 'not retried behind the person\'s back');
  });
});
