/**
 * timestamp_to_event's failures that a test Synapse cannot show, against a fake homeserver: a server without the
 * endpoint (Synapse's 404 M_UNRECOGNIZED, another's bare 405), one that cannot be reached, and one that failed,
 * each said in words; and the event it names being a reaction when /context cannot be asked, which still answers
 * that event rather than failing.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { connectionRefused, json, matrixError, type FakeRequest } from '../harness/fake-fetch.ts';
import { FAKE_ME, FakeHomeserverBackend } from '../harness/fake-homeserver-backend.ts';
import type { RpcTestClient } from '../harness/rpc-test-client.ts';

const ME = FAKE_ME;
const ROOM = '!room:hs.invalid';
const PATH = `/_matrix/client/v1/rooms/${encodeURIComponent(ROOM)}/timestamp_to_event`;

const FIRST_SYNC = {
  next_batch: 's1',
  rooms: { join: { [ROOM]: {
    timeline: { events: [], limited: false },
    state: { events: [
      { type: 'm.room.create', state_key: '', sender: ME, event_id: '$c', origin_server_ts: 1, content: {} },
      { type: 'm.room.member', state_key: ME, sender: ME, event_id: '$m1', origin_server_ts: 2, content: { membership: 'join' } },
    ] },
  } } },
};

describe('timestamp_to_event against a fake homeserver', () => {
  let hs: FakeHomeserverBackend;
  let c: RpcTestClient;
  let answer: (req: FakeRequest) => Response;

  beforeEach(async () => {
    hs = await FakeHomeserverBackend.start({
      name: 'jumpdate', firstSync: FIRST_SYNC, route: (req) => (req.url.pathname === PATH ? answer(req) : undefined),
    });
    c = hs.client;
    await hs.signIn();
  });
  afterEach(() => hs.close());

  const ask = () => c.request('timestamp_to_event', { room_id: ROOM, timestamp: 1_700_000_000_000 });

  it('says a homeserver without the endpoint does not support it (Synapse 404 M_UNRECOGNIZED, a bare 405)', async () => {
    answer = () => matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    await assert.rejects(ask(), { message: 'Your homeserver does not support jumping to a date (it needs Matrix 1.6 or newer).' });
    answer = () => new Response('Method Not Allowed', { status: 405 });
    await assert.rejects(ask(), { message: 'Your homeserver does not support jumping to a date (it needs Matrix 1.6 or newer).' });
  });

  it('says the homeserver cannot be reached, and a failing one in its own words', async () => {
    answer = () => connectionRefused();
    await assert.rejects(ask(), (e: Error) => {
      assert.match(e.message, /^Could not reach the homeserver at http:\/\/hs\.invalid: connection refused .* Check your connection and try again\.$/);
      return true;
    });
    answer = () => matrixError(400, 'M_INVALID_PARAM', 'ts must be a number.');
    await assert.rejects(ask(), { message: 'Your homeserver could not look up that date: ts must be a number.' });
  });

  it('answers null for nothing there, and the event named when it is a reaction whose surroundings cannot be read', async () => {
    answer = () => matrixError(404, 'M_NOT_FOUND', 'Unable to find event from 1700000000000 in direction f');
    assert.equal(await ask(), null);
    // /context falls to the fake's 404 M_UNRECOGNIZED: the event found is still the place to open.
    answer = (req) => {
      assert.equal(req.url.searchParams.get('dir'), 'f');
      return json(200, { event_id: '$reaction', origin_server_ts: 1_700_000_000_005 });
    };
    assert.deepEqual(await ask(), { event_id: '$reaction', origin_server_ts: 1_700_000_000_005 });
  });
});
