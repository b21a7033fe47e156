/**
 * The commands' paths a test Synapse cannot show, against a fake homeserver: URL previews answered with
 * `matched_url`, the unstable and older endpoints used when a server lacks the newer ones (room summaries, media
 * config, mutual rooms from what this device knows), the server's refusal said in words, and every command asking
 * for a session while nobody is signed in.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CommandName, CommandParams } from '../../src/shared/rpc/index.ts';
import { json, matrixError, type FakeFetch, type FakeRequest } from '../harness/fake-fetch.ts';
import { FAKE_ME, FakeHomeserverBackend } from '../harness/fake-homeserver-backend.ts';
import type { RpcTestClient } from '../harness/rpc-test-client.ts';

const ME = FAKE_ME;
const ROOM = '!room:hs.invalid';

/** A first sync that puts Alice and Bob in one room, so the local fallback for mutual rooms has something to find. */
const FIRST_SYNC = {
  next_batch: 's1',
  rooms: { join: { [ROOM]: {
    timeline: { events: [], limited: false },
    state: { events: [
      { type: 'm.room.create', state_key: '', sender: ME, event_id: '$c', origin_server_ts: 1, content: {} },
      { type: 'm.room.member', state_key: ME, sender: ME, event_id: '$m1', origin_server_ts: 2, content: { membership: 'join' } },
      { type: 'm.room.member', state_key: '@bob:hs.invalid', sender: '@bob:hs.invalid', event_id: '$m2', origin_server_ts: 3, content: { membership: 'join' } },
    ] },
  } } },
};

describe('command fallbacks against a fake homeserver', () => {
  let hs: FakeHomeserverBackend;
  let fake: FakeFetch;
  let routes: Record<string, (req: FakeRequest) => Response>;
  let c: RpcTestClient;

  beforeEach(async () => {
    routes = {};
    hs = await FakeHomeserverBackend.start({
      name: 'cmdfb', firstSync: FIRST_SYNC, route: (req) => routes[`${req.method} ${req.url.pathname}`]?.(req),
    });
    ({ fake, client: c } = hs);
  });
  afterEach(() => hs.close());

  const login = () => hs.signIn();

  it('asks for a session for every command that needs the homeserver', async () => {
    const calls: { [C in CommandName]?: CommandParams<C> } = {
      set_membership: { action: 'kick', room_id: ROOM, user_id: '@bob:hs.invalid' }, join_room: { room_id_or_alias: ROOM },
      knock_room: { room_id_or_alias: ROOM }, leave_room: { room_id: ROOM }, create_room: {}, resolve_alias: { alias: '#a:hs.invalid' }, check_alias: { alias: '#a:hs.invalid' },
      get_room_aliases: { room_id: ROOM }, create_alias: { alias: '#a:hs.invalid', room_id: ROOM }, delete_alias: { alias: '#a:hs.invalid' },
      get_room_summary: { room_id_or_alias: ROOM }, get_space_hierarchy: { room_id: ROOM }, get_profile: { user_id: ME },
      set_profile_field: { field: 'displayname', value: 'x' }, get_mutual_rooms: { user_id: ME }, get_account_info: {},
      set_account_data: { type: 'a.b', content: {} }, set_typing: { room_id: ROOM }, send_to_device: { event_type: 'a.b', messages: {} },
      set_state: { room_id: ROOM, type: 'a.b', state_key: '', content: {} }, redact_event: { room_id: ROOM, event_id: '$e' },
      report_event: { room_id: ROOM, event_id: '$e' }, report_room: { room_id: ROOM, reason: 'spam' },
      report_user: { user_id: '@bob:hs.invalid', reason: 'spam' }, update_delayed_event: { delay_id: 'd', action: 'cancel' },
      get_versions: {}, get_capabilities: {}, get_media_config: {}, get_turn_servers: {}, get_rtc_transports: {},
      get_url_preview: { url: 'https://example.org' }, request_openid_token: {}, calculate_room_id: { timestamp: 1, content: {} },
      listen_to_device: true, register_push: { device_id: 'd', type: 'web', data: {} },
    };
    for (const [name, data] of Object.entries(calls)) {
      if (name === 'register_push') continue; // stored locally: it needs no session
      await assert.rejects(c.request(name as CommandName, data), /Not logged in/, name);
    }
    assert.equal(fake.requests.length, 0, 'nothing reached the homeserver');
  });

  it('answers a URL preview with the server\'s OpenGraph fields and matched_url', async () => {
    await login();
    routes['GET /_matrix/client/v1/media/preview_url'] = (req) =>
      json(200, { 'og:title': 'Example', 'og:image': 'mxc://hs.invalid/img', 'og:image:width': 100, url: req.url.searchParams.get('url') });
    const p = await c.request('get_url_preview', { url: 'https://example.org/page' });
    assert.deepEqual(p, { 'og:title': 'Example', 'og:image': 'mxc://hs.invalid/img', 'og:image:width': 100, url: 'https://example.org/page', matched_url: 'https://example.org/page' });
  });

  it('falls back to older endpoints on servers without the newer ones', async () => {
    await login();
    routes[`GET /_matrix/client/unstable/im.nheko.summary/summary/${encodeURIComponent('#lobby:hs.invalid')}`] = () => json(200, { room_id: ROOM, name: 'Lobby' });
    routes['GET /_matrix/media/v3/config'] = () => json(200, { 'm.upload.size': 1234 });
    assert.deepEqual(await c.request('get_room_summary', { room_id_or_alias: '#lobby:hs.invalid' }), { room_id: ROOM, name: 'Lobby' });
    assert.deepEqual(await c.request('get_media_config', {}), { 'm.upload.size': 1234 });
    // No MSC2666 at all: the rooms this device knows both users are joined to.
    assert.deepEqual(await c.request('get_mutual_rooms', { user_id: '@bob:hs.invalid' }), [ROOM]);
    assert.deepEqual(await c.request('get_mutual_rooms', { user_id: '@carol:hs.invalid' }), []);
  });

  it('says what could not be done and why when the server refuses', async () => {
    await login();
    routes[`POST /_matrix/client/v3/rooms/${encodeURIComponent(ROOM)}/kick`] = () => matrixError(403, 'M_FORBIDDEN', 'You cannot kick this user');
    await assert.rejects(c.request('set_membership', { action: 'kick', room_id: ROOM, user_id: '@bob:hs.invalid' }),
      /Could not kick @bob:hs.invalid: the homeserver refused: You cannot kick this user\./);
    await assert.rejects(c.request('get_turn_servers', {}), /Could not get TURN servers: the homeserver does not support this\./);
    routes['GET /_matrix/client/v3/voip/turnServer'] = () => json(200, {});
    await assert.rejects(c.request('get_turn_servers', {}), /no TURN server configured/);
  });
});
