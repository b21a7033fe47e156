/**
 * The server-facts commands against Synapse (versions, capabilities, media limits, TURN, MatrixRTC transports,
 * URL previews, OpenID, v12 room IDs), pushers on the homeserver, sticky events (MSC4354), and the backend's own
 * switches (push registrations). Each checks its
 * answer against what the server says and gomuks' wire schema, and its error for bad input.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import { startCommandSession, type CommandSession } from '../harness/command-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

describe('server commands against Synapse', () => {
  let hs: SynapseServer;
  let aliceApi: MatrixPeer;
  let s: CommandSession;

  before(async () => {
    hs = await startSynapse();
    aliceApi = new MatrixPeer(hs.baseUrl, await hs.registerUser('alice', 'alice-password'));
    s = await startCommandSession(hs, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
  });

  it('get_versions and get_capabilities pass on what the homeserver says', async () => {
    const versions = await s.call('get_versions', {});
    assert.deepEqual(versions.versions, (await aliceApi.request('GET', '/_matrix/client/versions')).versions);
    const caps = await s.call('get_capabilities', {});
    assert.ok(caps.capabilities['m.room_versions'], 'room versions are among the capabilities');
    await assert.rejects(s.client.request('get_versions', 'all' as never), /invalid data for get_versions/);
  });

  it('get_media_config gives the upload limit', async () => {
    const config = await s.call('get_media_config', {});
    assert.equal(typeof config['m.upload.size'], 'number');
    assert.equal(config['m.upload.size'], (await aliceApi.request('GET', '/_matrix/client/v1/media/config'))['m.upload.size']);
  });

  it('get_turn_servers and get_rtc_transports give what the homeserver is configured with', async () => {
    const turn = await s.call('get_turn_servers', {});
    assert.deepEqual(turn.uris, ['turn:turn.example.org:3478?transport=udp']);
    assert.match(turn.username, /^\d+:@alice:/);
    assert.ok(turn.ttl > 0 && turn.password.length > 0);
    const rtc = await s.call('get_rtc_transports', {});
    assert.deepEqual(rtc.rtc_transports, [{ type: 'livekit', livekit_service_url: 'https://livekit-jwt.example.org' }]);
  });

  it('get_url_preview says when the homeserver has previews turned off, and refuses what is not a web URL', async () => {
    await assert.rejects(s.client.request('get_url_preview', { url: 'https://example.org/' }), /Could not preview https:\/\/example.org\//);
    await assert.rejects(s.client.request('get_url_preview', { url: 'file:///etc/passwd' }), /url.*http\(s\) URL/);
    await assert.rejects(s.client.request('get_url_preview', { url: 'https://example.org/', encrypt: true }), /Could not preview https:\/\/example.org\//);
  });

  it('request_openid_token gets a token for this homeserver', async () => {
    const t = await s.call('request_openid_token', {});
    assert.equal(t.matrix_server_name, hs.serverName);
    assert.equal(t.token_type, 'Bearer');
    assert.ok(t.expires_in > 0 && t.access_token.length > 10);
  });

  it('calculate_room_id predicts the ID of a version 12 room from its creation event', async () => {
    const { room_id: roomId } = await s.call('create_room', { room_version: '12', name: 'v12' });
    const state = await aliceApi.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`);
    const create = state.find((e: any) => e.type === 'm.room.create');
    assert.equal(await s.call('calculate_room_id', { timestamp: create.origin_server_ts, content: create.content }), roomId);
    assert.notEqual(await s.call('calculate_room_id', { timestamp: create.origin_server_ts + 1, content: create.content }), roomId);
    await assert.rejects(s.client.request('calculate_room_id', { timestamp: -1, content: {} }), /timestamp/);
    await assert.rejects(s.client.request('calculate_room_id', { timestamp: 1, content: 'x' }), /content/);
  });

  it('register_homeserver_push registers a pusher on the homeserver and removes it with kind null', async () => {
    const pusher = {
      pushkey: 'device-push-key', app_id: 'org.lattice.test', kind: 'http', app_display_name: 'Lattice',
      device_display_name: 'Test laptop', lang: 'en', data: { url: 'https://push.example.org/_matrix/push/v1/notify', format: 'event_id_only' },
    };
    assert.equal(await s.call('register_homeserver_push', pusher), true);
    const listed = async () => ((await aliceApi.request('GET', '/_matrix/client/v3/pushers')) as { pushers: Record<string, unknown>[] }).pushers;
    const [p] = await listed();
    assert.equal(p.pushkey, 'device-push-key');
    assert.equal(p.app_id, 'org.lattice.test');
    assert.deepEqual(p.data, pusher.data);
    assert.equal(await s.call('register_homeserver_push', { pushkey: 'device-push-key', app_id: 'org.lattice.test', kind: null }), true);
    assert.deepEqual(await listed(), []);
    await assert.rejects(s.client.request('register_homeserver_push', { pushkey: 'k', app_id: 'a', kind: 'http' }), /needs app_display_name/);
    await assert.rejects(s.client.request('register_homeserver_push', { ...pusher, data: { format: 'event_id_only' } }),
      /Could not register the pusher: .*url/i);
  });

  it('send_sticky_event sends a sticky event; get_sticky_events lists the room\'s sticky events until they expire', async () => {
    const room = await aliceApi.createRoom({ name: 'Call' });
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room], 30_000);
    const id = await s.call('send_sticky_event', { room_id: room, type: 'org.example.call.member', content: { device: 'A' }, sticky_duration_ms: 60_000 });
    assert.match(id, /^\$/);
    const short = await s.call('send_sticky_event', { room_id: room, type: 'org.example.call.member', content: { device: 'B' }, sticky_duration_ms: 1_500 });
    await aliceApi.sendText(room, 'not sticky');
    // On the server: the event, sticky for the asked duration.
    const onServer = (await aliceApi.messages(room, { limit: 5 })).chunk.find((e) => e.event_id === id) as Record<string, unknown> | undefined;
    assert.deepEqual(onServer?.msc4354_sticky, { duration_ms: 60_000 });
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.content.body === 'not sticky'), 30_000);
    const sticky = await s.call('get_sticky_events', { room_id: room });
    assert.deepEqual(sticky.map((e) => e.event_id), [id, short]);
    assert.deepEqual(sticky[0].content, { device: 'A' });
    await new Promise((r) => setTimeout(r, 1_600));
    assert.deepEqual((await s.call('get_sticky_events', { room_id: room })).map((e) => e.event_id), [id], 'the short one has expired');
    const delayed = await s.call('send_sticky_event', { room_id: room, type: 'org.example.call.member', content: {}, sticky_duration_ms: 60_000, delay_ms: 60_000 });
    assert.doesNotMatch(delayed, /^\$/, 'a delayed event answers its delay ID');
    await s.call('update_delayed_event', { delay_id: delayed, action: 'cancel' });
    await assert.rejects(s.client.request('send_sticky_event', { room_id: room, type: 'x', content: {}, sticky_duration_ms: 7_200_000 }), /at most an hour/);
    await assert.rejects(s.client.request('get_sticky_events', { room_id: '!nope:example.org' }), /not a room|Unknown room|not in/i);
  });

  it('a room joined after its sticky events fell out of the timeline gets them from the sync\'s sticky section', async () => {
    const bobApi = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob-sticky', 'bob-password'));
    const room = await bobApi.createRoom({ name: 'Busy call', preset: 'public_chat' });
    const sent = await bobApi.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/org.example.call.member/sticky1?org.matrix.msc4354.sticky_duration_ms=600000`,
      { device: 'BOB' }) as { event_id: string };
    // More messages than the backend's timeline limit (50): the sticky event is not in the joined room's timeline.
    for (let i = 0; i < 55; i++) await bobApi.sendText(room, `chatter ${i}`);
    const joined = s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.sticky?.length, 30_000);
    await s.call('join_room', { room_id_or_alias: room });
    const r = (await joined).rooms![room];
    const ev = r.events!.find((e) => r.sticky!.includes(e.rowid))!;
    assert.equal(ev.event_id, sent.event_id);
    assert.deepEqual(ev.content, { device: 'BOB' });
    assert.equal(ev.sticky_duration_ms, 600_000);
    assert.equal(ev.timeline_rowid, 0, 'not placed in the timeline');
    assert.ok(!r.timeline?.some((t) => t.event_rowid === ev.rowid));
    assert.deepEqual((await s.call('get_sticky_events', { room_id: room })).map((e) => e.event_id), [sent.event_id]);
  });

  it('register_push stores the registration, with its key in the secret store rather than SQLite', async () => {
    const key = 'c2VjcmV0LXB1c2gta2V5LWZvci10ZXN0cw';
    assert.equal(await s.call('register_push', {
      device_id: 'web-1', type: 'web', data: { endpoint: 'https://push.example.org/abc', keys: { p256dh: 'x', auth: 'y' } },
      encryption: { key }, expiration: 1_900_000_000,
    }), true);
    const dataDir = path.join(s.root, 'data');
    const db = new Database(path.join(dataDir, 'lattice.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM push_registration WHERE device_id = ?').get('web-1') as Record<string, unknown>;
      assert.equal(row.type, 'web');
      assert.equal(JSON.parse(row.data as string).endpoint, 'https://push.example.org/abc');
      assert.equal(row.has_key, 1);
      assert.ok(!JSON.stringify(row).includes(key), 'the key is not in SQLite');
    } finally {
      db.close();
    }
    const secrets = await openSecretStore({ namespace: secretNamespace(dataDir), dataDir });
    assert.equal(await secrets.get('push_key:web-1'), key);
    await assert.rejects(s.client.request('register_push', { device_id: 'x', type: 'apns' as 'web', data: {} }), /type/);
    await assert.rejects(s.client.request('register_push', { device_id: '', type: 'web', data: {} }), /device_id/);
    await assert.rejects(s.client.request('listen_to_device', 'yes' as never), /invalid data for listen_to_device/);

    // Logging out deletes the account's data, and the push key with it.
    const mark = s.client.mark();
    await s.client.request('logout', {});
    await s.client.waitForEvent('client_state', (st) => !st.is_logged_in, 10_000, mark);
    assert.equal(await secrets.get('push_key:web-1'), null);
  });
});
