/**
 * The people and room-action commands against Synapse: profiles, shared rooms, the account, account data, typing,
 * to-device messages, state events, redactions and reports, and the account's sessions (rename, sign out). Each
 * checks the effect on the server (read by another user, or Alice's other device, through the API) and in the
 * backend, its answer against gomuks' wire schema, and its error for bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSharedRoomSession, type CommandSession, type SharedRoomSession } from '../harness/command-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { SyncToDevice } from '../wire/gomuks-types.ts';

const enc = encodeURIComponent;

/** Long-polls `peer`'s /sync until a response satisfies `pred` (the first, initial sync included). */
async function syncUntil(peer: MatrixPeer, pred: (resp: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let since: string | undefined;
  while (Date.now() < deadline) {
    const q = since ? `?since=${enc(since)}&timeout=2000` : '?timeout=0';
    const resp = await peer.request('GET', `/_matrix/client/v3/sync${q}`);
    if (pred(resp)) return resp;
    since = resp.next_batch;
  }
  throw new Error('the expected sync never came');
}

describe('people and room-action commands against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let aliceApi: MatrixPeer;
  let bob: MatrixPeer;
  let s: CommandSession;
  let room: string;

  let fixture: SharedRoomSession | undefined;
  before(async () => {
    fixture = await startSharedRoomSession('Shared');
    ({ hs, alice, aliceApi, bob, room, s } = fixture);
  });
  after(() => fixture?.stop());

  it('get_profile reads a profile and set_profile_field changes our own', async () => {
    const bobProfile = await s.call('get_profile', { user_id: bob.userId });
    assert.equal(bobProfile.displayname, 'Bob');
    assert.equal(await s.call('set_profile_field', { field: 'displayname', value: 'Alice in Lattice' }), true);
    assert.equal((await bob.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`)).displayname, 'Alice in Lattice');
    // Synapse updates the member events of our rooms too, which the backend stores.
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) =>
      e.type === 'm.room.member' && e.state_key === alice.userId && e.content.displayname === 'Alice in Lattice'));
    await assert.rejects(s.client.request('get_profile', { user_id: 'bob' }), /user_id.*must be a user ID/);
    await assert.rejects(s.client.request('get_profile', { user_id: `@nobody:${hs.serverName}` }), /Could not read the profile of @nobody/);
    await assert.rejects(s.client.request('set_profile_field', { field: 'display name', value: 'x' }), /field/);
    await assert.rejects(s.client.request('set_profile_field', { field: 'displayname' } as never), /value.*required/);
  });

  it('set_profile_field updates client_state with our new name and avatar, and an empty avatar removes it', async () => {
    const named = s.client.waitForEvent('client_state', (d) => d.displayname === 'Alice Renamed');
    await s.call('set_profile_field', { field: 'displayname', value: 'Alice Renamed' });
    await named;
    const mxc = `mxc://${hs.serverName}/avatarsettingsTest`;
    const withAvatar = s.client.waitForEvent('client_state', (d) => d.avatar_url === mxc);
    await s.call('set_profile_field', { field: 'avatar_url', value: mxc });
    await withAvatar;
    const without = s.client.waitForEvent('client_state', (d) => d.avatar_url === undefined && d.displayname === 'Alice Renamed');
    await s.call('set_profile_field', { field: 'avatar_url', value: '' });
    await without;
    const profile = await bob.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`);
    assert.ok(!profile.avatar_url, `no avatar left, got ${JSON.stringify(profile)}`);
  });

  it('rename_device names a session; delete_devices signs others out with the account password, asking for it when the server wants it', async () => {
    const login = (name: string) => fetch(`${hs.baseUrl}/_matrix/client/v3/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'alice-password', initial_device_display_name: name }),
    }).then((r) => r.json() as Promise<{ device_id: string; access_token: string }>);
    const phone = await login('Phone');
    const tablet = await login('Tablet');
    const devices = async () => (await aliceApi.request('GET', '/_matrix/client/v3/devices')).devices as { device_id: string; display_name?: string }[];

    assert.equal(await s.call('rename_device', { device_id: phone.device_id, display_name: '  Old phone ' }), true);
    assert.equal((await devices()).find((d) => d.device_id === phone.device_id)?.display_name, 'Old phone');
    await assert.rejects(s.client.request('rename_device', { device_id: 'NOSUCHDEVICE', display_name: 'x' }), /Could not rename the session NOSUCHDEVICE: not found/);
    await assert.rejects(s.client.request('rename_device', { device_id: '', display_name: 'x' }), /device_id.*must be a device ID/);

    // Synapse asks for the password by default: without one the answer says so, and a wrong one is refused.
    assert.deepEqual(await s.call('delete_devices', { device_ids: [phone.device_id] }), { signed_out: false, password_required: true });
    await assert.rejects(s.client.request('delete_devices', { device_ids: [phone.device_id, tablet.device_id], password: 'wrong' }),
      /refused the password, so it did not sign out 2 sessions/);
    assert.equal((await devices()).filter((d) => d.device_id === phone.device_id || d.device_id === tablet.device_id).length, 2);
    const { device_id: ours } = await s.client.request('get_state', {});
    await assert.rejects(s.client.request('delete_devices', { device_ids: [ours!], password: 'alice-password' }), /cannot sign itself out/);
    await assert.rejects(s.client.request('delete_devices', { device_ids: [] }), /device_ids.*at least one/);

    assert.deepEqual(await s.call('delete_devices', { device_ids: [phone.device_id, tablet.device_id], password: 'alice-password' }), { signed_out: true });
    const left = (await devices()).map((d) => d.device_id);
    assert.ok(!left.includes(phone.device_id) && !left.includes(tablet.device_id), `both gone, left: ${left.join(', ')}`);
    assert.ok(left.includes(ours!));
    const whoami = await fetch(`${hs.baseUrl}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${phone.access_token}` } });
    assert.equal(whoami.status, 401, 'the signed-out session\'s token no longer works');
  });

  it('get_mutual_rooms lists the rooms shared with a user', async () => {
    const other = await bob.createRoom({ name: 'Bob only' });
    const rooms = await s.call('get_mutual_rooms', { user_id: bob.userId });
    assert.ok(rooms.includes(room));
    assert.ok(!rooms.includes(other));
    assert.deepEqual(rooms, [...rooms].sort());
    await assert.rejects(s.client.request('get_mutual_rooms', { user_id: '@' }), /user_id.*must be a user ID/);
  });

  it('get_account_info names the account but never hands out its token', async () => {
    const st = await s.client.request('get_state', {});
    const info = await s.call('get_account_info', {});
    assert.deepEqual(info, { user_id: alice.userId, device_id: st.device_id, access_token: '', homeserver_url: st.homeserver_url });
  });

  it('set_account_data sets global and room account data, and sync brings it back', async () => {
    assert.equal(await s.call('set_account_data', { type: 'org.lattice.test', content: { answer: 42 } }), true);
    assert.deepEqual(await aliceApi.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/org.lattice.test`), { answer: 42 });
    await s.client.waitForEvent('sync_complete', (d) => d.account_data?.['org.lattice.test']?.content.answer === 42);
    await s.call('set_account_data', { room_id: room, type: 'm.tag', content: { tags: { 'm.favourite': { order: 0.5 } } } });
    // Tags go through the tags API, where the spec (and every other client) keeps them.
    const tag = await aliceApi.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/rooms/${enc(room)}/tags`);
    assert.deepEqual(tag.tags, { 'm.favourite': { order: 0.5 } });
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.account_data?.['m.tag']);
    await assert.rejects(s.client.request('set_account_data', { type: 'has space', content: {} }), /type/);
    await assert.rejects(s.client.request('set_account_data', { type: 'x.y', content: [] as never }), /content/);
  });

  it('set_typing shows Alice typing to Bob, and stops', async () => {
    assert.equal(await s.call('set_typing', { room_id: room, timeout: 10_000 }), true);
    const typing = (r: any) => r.rooms?.join?.[room]?.ephemeral?.events?.find((e: any) => e.type === 'm.typing')?.content.user_ids;
    await syncUntil(bob, (r) => !!typing(r)?.includes(alice.userId));
    await s.call('set_typing', { room_id: room, timeout: 0 });
    await syncUntil(bob, (r) => Array.isArray(typing(r)) && !typing(r).includes(alice.userId));
    await assert.rejects(s.client.request('set_typing', { room_id: `!elsewhere:${hs.serverName}`, timeout: 1000 }), /Unknown room/);
    await assert.rejects(s.client.request('set_typing', { room_id: room, timeout: -5 }), /timeout/);
  });

  it('send_to_device reaches the other device; listen_to_device forwards incoming ones', async () => {
    const bobDevice = bob.user.deviceId;
    assert.deepEqual(await s.call('send_to_device', { event_type: 'org.lattice.ping', messages: { [bob.userId]: { [bobDevice]: { n: 1 } } } }), {});
    const got = await syncUntil(bob, (r) => !!r.to_device?.events?.some((e: any) => e.type === 'org.lattice.ping'));
    const ev = got.to_device.events.find((e: any) => e.type === 'org.lattice.ping');
    assert.equal(ev.sender, alice.userId);
    assert.deepEqual(ev.content, { n: 1 });

    assert.equal(await s.call('listen_to_device', true), false);
    const { device_id: ourDevice } = await s.client.request('get_state', {});
    await bob.request('PUT', `/_matrix/client/v3/sendToDevice/org.lattice.pong/t${Date.now()}`, { messages: { [alice.userId]: { [ourDevice!]: { n: 2 } } } });
    const d = await s.client.waitForEvent('sync_complete', (x) => !!x.to_device?.some((e) => e.type === 'org.lattice.pong'));
    const pong = d.to_device!.find((e) => e.type === 'org.lattice.pong')!;
    assert.deepEqual(pong, { sender: bob.userId, type: 'org.lattice.pong', content: { n: 2 }, encrypted: false });
    assert.ok(SyncToDevice.safeParse(pong).success, 'gomuks\' SyncToDevice shape');
    assert.equal(await s.call('listen_to_device', false), true);

    // Encrypted sending needs the device's keys, which this plain peer never uploaded: refused in words.
    await assert.rejects(s.client.request('send_to_device', { event_type: 'x.y', messages: { [bob.userId]: { [bobDevice]: { n: 3 } } }, encrypted: true }),
      /has no device .* with encryption keys/);
    await assert.rejects(s.client.request('send_to_device', { event_type: 'x.y', messages: { bob: {} } }), /messages/);
  });

  it('set_state sets room state, and the room list follows', async () => {
    const eventId = await s.call('set_state', { room_id: room, type: 'm.room.topic', state_key: '', content: { topic: 'set by Lattice' } });
    assert.match(eventId, /^\$/);
    assert.equal((await bob.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/m.room.topic/`)).topic, 'set by Lattice');
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[room]?.meta?.topic === 'set by Lattice');
    await assert.rejects(s.client.request('set_state', { room_id: `!elsewhere:${hs.serverName}`, type: 'm.room.topic', state_key: '', content: {} }), /Unknown room/);
    await assert.rejects(s.client.request('set_state', { room_id: room, type: 'm.room.topic', content: {} } as never), /state_key/);
    await assert.rejects(s.client.request('set_state', { room_id: room, type: 'm.room.power_levels', state_key: '', content: { users: 'x' } }),
      /Could not set the m.room.power_levels state/);
  });

  it('set_state with delay_ms schedules it, and update_delayed_event cancels or sends it', async () => {
    const delayId = await s.call('set_state', { room_id: room, type: 'org.lattice.later', state_key: '', content: { v: 1 }, delay_ms: 60_000 });
    assert.doesNotMatch(delayId, /^\$/);
    const scheduled = await aliceApi.request('GET', '/_matrix/client/unstable/org.matrix.msc4140/delayed_events');
    assert.ok(scheduled.delayed_events.some((e: any) => e.delay_id === delayId));
    assert.deepEqual(await s.call('update_delayed_event', { delay_id: delayId, action: 'cancel' }), {});
    const after1 = await aliceApi.request('GET', '/_matrix/client/unstable/org.matrix.msc4140/delayed_events');
    assert.ok(!after1.delayed_events.some((e: any) => e.delay_id === delayId));

    const second = await s.call('set_state', { room_id: room, type: 'org.lattice.later', state_key: '', content: { v: 2 }, delay_ms: 60_000 });
    await s.call('update_delayed_event', { delay_id: second, action: 'send' });
    assert.deepEqual(await bob.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/org.lattice.later/`), { v: 2 });
    await assert.rejects(s.client.request('update_delayed_event', { delay_id: second, action: 'cancel' }), /Could not cancel the delayed event/);
    await assert.rejects(s.client.request('update_delayed_event', { delay_id: second, action: 'postpone' as 'send' }), /action/);
  });

  it('redact_event redacts on the server and in the stored event; report_event reaches the admins', async () => {
    const target = await bob.sendText(room, 'regrettable');
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === target));
    const r = await s.call('redact_event', { room_id: room, event_id: target, reason: 'cleanup' });
    assert.match(r.event_id, /^\$/);
    const onServer = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(target)}`);
    assert.deepEqual(onServer.content, {});
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.event_id === target && e.redacted_by === r.event_id));
    await assert.rejects(s.client.request('redact_event', { room_id: room, event_id: 'abc' }), /event_id.*must be an event ID/);

    const rude = await bob.sendText(room, 'rude words');
    assert.equal(await s.call('report_event', { room_id: room, event_id: rude, reason: 'rude' }), true);
    const admin = new MatrixPeer(hs.baseUrl, await hs.registerUser('admin', 'admin-password', { admin: true }));
    const reports = await admin.request('GET', '/_synapse/admin/v1/event_reports');
    assert.ok(reports.event_reports.some((x: any) => x.event_id === rude && x.reason === 'rude' && x.user_id === alice.userId));
    await assert.rejects(s.client.request('report_event', { room_id: room, event_id: `$missing` }), /Could not report this message: not found/);
  });
});
