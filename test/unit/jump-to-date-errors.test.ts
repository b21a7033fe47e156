/**
 * timestamp_to_event's failures that a test Synapse cannot show, against a fake homeserver: a server without the
 * endpoint (Synapse's 404 M_UNRECOGNIZED, another's bare 405), one that cannot be reached, and one that failed,
 * each said in words; and the event it names being a reaction when /context cannot be asked, which still answers
 * that event rather than failing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Backend } from '../../src/main/backend/backend.ts';
import { connectionRefused, FakeFetch, json, matrixError, never, type FakeRequest } from '../harness/fake-fetch.ts';
import { MemorySecrets } from '../harness/memory-secrets.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';

const HS = 'http://hs.invalid';
const ME = '@alice:hs.invalid';
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
  let root: string;
  let backend: Backend | undefined;
  let c: RpcTestClient;
  let answer: (req: FakeRequest) => Response;

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'lattice-jumpdate-'));
    let synced = false;
    const fake = new FakeFetch((req) => {
      const p = req.url.pathname;
      if (p === '/_matrix/client/v3/login') return json(200, { user_id: ME, access_token: 'tok', device_id: 'DEV' });
      if (p.endsWith('/filter')) return json(200, { filter_id: 'f1' });
      if (p === '/_matrix/client/v3/sync') {
        if (synced) return never(req);
        synced = true;
        return json(200, FIRST_SYNC);
      }
      if (p === PATH) return answer(req);
      return matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    });
    backend = await Backend.create({
      paths: { config: root, data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: root },
      fetch: fake.fetch, secrets: { store: new MemorySecrets() },
    });
    c = RpcTestClient.inProcess(backend);
    await c.request('login', { homeserver_url: HS, username: 'alice', password: 'pw' });
    await c.waitForEvent('init_complete', () => true, 10_000, false);
  });
  afterEach(async () => {
    c.close();
    await backend?.close();
    rmSync(root, { recursive: true, force: true });
  });

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
