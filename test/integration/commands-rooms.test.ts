/**
 * The rooms-and-people commands against Synapse: membership changes, joining, knocking, leaving, creating rooms,
 * aliases, previews and space hierarchies. Each checks the effect on the server (read by another user through the
 * API) and in the backend (what reaches the frontend), its answer against gomuks' wire schema, and its error for
 * bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import { startCommandSession, type CommandSession } from '../harness/command-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

/** The member event of `userId` in `roomId` as the server has it (read by `peer`). */
async function membership(peer: MatrixPeer, roomId: string, userId: string): Promise<Record<string, any>> {
  return peer.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`);
}

/** A sync_complete that brought a state event of `type`/`stateKey` in `roomId` matching `pred`. */
const stateArrived = (roomId: string, type: string, stateKey: string, pred: (e: Event) => boolean) => (d: SyncComplete) =>
  !!d.rooms?.[roomId]?.events?.some((e) => e.type === type && e.state_key === stateKey && pred(e));

describe('room and membership commands against Synapse', () => {
  let hs: SynapseServer;
  let bob: MatrixPeer;
  let aliceId: string;
  let aliceApi: MatrixPeer; // Alice's other device, reading what the server has
  let s: CommandSession;

  before(async () => {
    hs = await startSynapse();
    const alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    aliceId = alice.userId;
    aliceApi = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    s = await startCommandSession(hs, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
  });

  it('create_room creates the room on the server and it reaches the room list', async () => {
    const { room_id: roomId } = await s.call('create_room', { name: 'Made by Lattice', preset: 'private_chat', topic: 'a topic' });
    const name = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.name/`).catch(() => undefined);
    assert.equal(name, undefined, 'bob is not in the room and cannot read it');
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[roomId]?.meta?.name === 'Made by Lattice');
    await assert.rejects(s.client.request('create_room', { invite: ['bob'] }), /invite.*must be a user ID/);
    await assert.rejects(s.client.request('create_room', { preset: 'everyone' as 'public_chat' }), /preset/);
    await assert.rejects(s.client.request('create_room', { room_version: 'no-such-version' }), /Could not create the room/);
  });

  it('create_room of a DM records it in m.direct, so it reaches the room list as the DM with that person', async () => {
    // Someone of their own: the join_room case below expects Bob's DMs to be only the one it makes.
    const dana = await hs.registerUser('dana', 'dana-password');
    const { room_id: roomId } = await s.call('create_room', { preset: 'trusted_private_chat', is_direct: true, invite: [dana.userId] });
    const direct = await aliceApi.request('GET', `/_matrix/client/v3/user/${encodeURIComponent(aliceId)}/account_data/m.direct`) as Record<string, string[]>;
    assert.deepEqual(direct[dana.userId], [roomId], 'm.direct names the room for Dana');
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[roomId]?.meta?.dm_user_id === dana.userId);
    assert.equal((await membership(aliceApi, roomId, dana.userId)).is_direct, true);
  });

  it('set_membership invites, kicks, bans and unbans, and the member list follows', async () => {
    const { room_id: roomId } = await s.call('create_room', { name: 'Moderated', preset: 'private_chat' });
    assert.equal(await s.call('set_membership', { action: 'invite', room_id: roomId, user_id: bob.userId }), true);
    assert.equal((await membership(aliceApi, roomId, bob.userId)).membership, 'invite');
    await bob.join(roomId);
    await s.client.waitForEvent('sync_complete', stateArrived(roomId, 'm.room.member', bob.userId, (e) => e.content.membership === 'join'));

    assert.equal(await s.call('set_membership', { action: 'kick', room_id: roomId, user_id: bob.userId, reason: 'testing' }), true);
    assert.equal((await membership(aliceApi, roomId, bob.userId)).reason, 'testing');
    await s.client.waitForEvent('sync_complete', stateArrived(roomId, 'm.room.member', bob.userId,
      (e) => e.content.membership === 'leave' && e.content.reason === 'testing'));

    await s.call('set_membership', { action: 'ban', room_id: roomId, user_id: bob.userId, msc4293_redact_events: true });
    assert.equal((await membership(aliceApi, roomId, bob.userId)).membership, 'ban');
    await s.client.waitForEvent('sync_complete', stateArrived(roomId, 'm.room.member', bob.userId, (e) => e.content.membership === 'ban'));
    await assert.rejects(bob.join(roomId), /banned/);
    await s.call('set_membership', { action: 'unban', room_id: roomId, user_id: bob.userId });
    await s.client.waitForEvent('sync_complete', stateArrived(roomId, 'm.room.member', bob.userId, (e) => e.content.membership === 'leave'));

    await assert.rejects(s.client.request('set_membership', { action: 'smite' as 'kick', room_id: roomId, user_id: bob.userId }), /action/);
    await assert.rejects(s.client.request('set_membership', { action: 'kick', room_id: roomId, user_id: 'bob' }), /user_id.*must be a user ID/);
    await assert.rejects(s.client.request('set_membership', { action: 'kick', room_id: roomId, user_id: `@nobody:${hs.serverName}` }),
      /Could not kick @nobody/);
  });

  it('join_room joins by alias, and accepting a DM invite marks the room as a DM', async () => {
    const publicRoom = await bob.request('POST', '/_matrix/client/v3/createRoom', { name: 'Public', preset: 'public_chat', room_alias_name: 'public' });
    const alias = `#public:${hs.serverName}`;
    const joined = await s.call('join_room', { room_id_or_alias: alias, via: [hs.serverName] });
    assert.equal(joined.room_id, publicRoom.room_id);
    assert.equal((await membership(bob, joined.room_id, aliceId)).membership, 'join');
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[joined.room_id]?.meta?.name === 'Public');

    const dm = await bob.createRoom({ invite: [aliceId], isDirect: true, preset: 'trusted_private_chat' });
    await s.client.waitForEvent('sync_complete', (d) => !!d.invited_rooms?.some((i) => i.room_id === dm && i.is_direct));
    await s.call('join_room', { room_id_or_alias: dm, from_invite: true });
    const direct = await s.client.waitForEvent('sync_complete', (d) => Array.isArray(d.account_data?.['m.direct']?.content[bob.userId]));
    assert.deepEqual(direct.account_data!['m.direct'].content[bob.userId], [dm]);

    await assert.rejects(s.client.request('join_room', { room_id_or_alias: 'public' }), /room_id_or_alias.*room ID or alias/);
    await assert.rejects(s.client.request('join_room', { room_id_or_alias: `#missing:${hs.serverName}` }), /There is no room at #missing:.*\. Check the address\./);
  });

  it('leave_room rejects an invite and leaves a room; both go from the room list', async () => {
    const invite = await bob.createRoom({ name: 'Unwanted', invite: [aliceId] });
    await s.client.waitForEvent('sync_complete', (d) => !!d.invited_rooms?.some((i) => i.room_id === invite));
    const mark = s.client.mark();
    assert.deepEqual(await s.call('leave_room', { room_id: invite, reason: 'no thanks' }), {});
    await s.client.waitForEvent('sync_complete', (d) => !!d.left_rooms?.includes(invite), 10_000, mark);
    assert.equal((await membership(bob, invite, aliceId)).membership, 'leave');

    const room = await bob.createRoom({ name: 'Short stay', invite: [aliceId] });
    await s.call('join_room', { room_id_or_alias: room });
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[room]?.meta?.name === 'Short stay');
    const mark2 = s.client.mark();
    await s.call('leave_room', { room_id: room });
    await s.client.waitForEvent('sync_complete', (d) => !!d.left_rooms?.includes(room), 20_000, mark2);
    assert.equal((await membership(bob, room, aliceId)).membership, 'leave');
    await assert.rejects(s.client.request('leave_room', { room_id: 'room' }), /room_id.*must be a room ID/);
  });

  it('knock_room knocks on a knockable room, and refuses one that is not', async () => {
    const knockable = (await bob.request('POST', '/_matrix/client/v3/createRoom', {
      name: 'Knock knock', room_version: '10', initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
    })).room_id as string;
    const r = await s.call('knock_room', { room_id_or_alias: knockable, via: [hs.serverName], reason: 'let me in' });
    assert.equal(r.room_id, knockable);
    const m = await membership(bob, knockable, aliceId);
    assert.equal(m.membership, 'knock');
    assert.equal(m.reason, 'let me in');
    const closed = await bob.createRoom({ name: 'Closed' });
    await assert.rejects(s.client.request('knock_room', { room_id_or_alias: closed, via: [hs.serverName] }), /Could not knock on/);
    await assert.rejects(s.client.request('knock_room', { room_id_or_alias: closed, via: ['not a server'] }), /via.*server name/);
  });

  it('resolve_alias and get_room_summary describe a room before joining it, and check_alias tells a taken address from a free one', async () => {
    const roomId = (await bob.request('POST', '/_matrix/client/v3/createRoom', {
      name: 'Lobby', topic: 'come in', preset: 'public_chat', room_alias_name: 'lobby',
    })).room_id as string;
    const alias = `#lobby:${hs.serverName}`;
    const resolved = await s.call('resolve_alias', { alias });
    assert.equal(resolved.room_id, roomId);
    assert.ok(resolved.servers.includes(hs.serverName));
    const summary = await s.call('get_room_summary', { room_id_or_alias: alias });
    assert.equal(summary.room_id, roomId);
    assert.equal(summary.name, 'Lobby');
    assert.equal(summary.topic, 'come in');
    await assert.rejects(s.client.request('resolve_alias', { alias: 'lobby' }), /alias.*must be a room alias/);
    await assert.rejects(s.client.request('resolve_alias', { alias: `#nowhere:${hs.serverName}` }), /Could not resolve #nowhere.*not found/);
    await assert.rejects(s.client.request('get_room_summary', { room_id_or_alias: `#nowhere:${hs.serverName}` }), /Could not preview/);
    assert.deepEqual(await s.call('check_alias', { alias }), { room_id: roomId });
    assert.deepEqual(await s.call('check_alias', { alias: `#nowhere:${hs.serverName}` }), { room_id: null }, 'M_NOT_FOUND is the answer "free"');
    await assert.rejects(s.client.request('check_alias', { alias: 'lobby' }), /alias.*must be a room alias/);
  });

  it('create_alias, get_room_aliases and delete_alias keep the directory, and a taken address is refused in words (by create_room too)', async () => {
    const { room_id: roomId } = await s.call('create_room', { name: 'Addressed', preset: 'private_chat' });
    const alias = `#addressed:${hs.serverName}`;
    assert.deepEqual(await s.call('create_alias', { alias, room_id: roomId }), {});
    const resolved = await bob.request('GET', `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`) as { room_id: string };
    assert.equal(resolved.room_id, roomId);
    assert.deepEqual(await s.call('get_room_aliases', { room_id: roomId }), [alias]);
    await assert.rejects(s.client.request('create_alias', { alias, room_id: roomId }), /Could not create #addressed.*already taken/);
    // A room made at a taken address is refused naming it (Synapse: M_ROOM_IN_USE "Room alias already taken").
    await assert.rejects(s.client.request('create_room', { name: 'Another', preset: 'public_chat', room_alias_name: 'addressed' }),
      new RegExp(`: Could not create the room: the address ${alias} is already taken\\. Choose another\\.$`));
    await assert.rejects(s.client.request('create_alias', { alias: 'addressed', room_id: roomId }), /alias.*must be a room alias/);
    assert.deepEqual(await s.call('delete_alias', { alias }), {});
    assert.deepEqual(await s.call('get_room_aliases', { room_id: roomId }), []);
    await assert.rejects(s.client.request('delete_alias', { alias }), /Could not delete #addressed.*not found/);
  });

  it('get_space_hierarchy lists a space and its children', async () => {
    const { room_id: child } = await s.call('create_room', { name: 'Child room', preset: 'public_chat' });
    const { room_id: space } = await s.call('create_room', {
      name: 'A space', preset: 'public_chat', creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: child, content: { via: [hs.serverName], suggested: true } }],
    });
    const h = await s.call('get_space_hierarchy', { room_id: space, limit: 10, max_depth: 1 });
    const ids = h.rooms.map((r) => r.room_id);
    assert.deepEqual(ids.sort(), [space, child].sort());
    assert.equal(h.rooms.find((r) => r.room_id === space)?.room_type, 'm.space');
    const suggested = await s.call('get_space_hierarchy', { room_id: space, suggested_only: true });
    assert.ok(suggested.rooms.some((r) => r.room_id === child));
    await assert.rejects(s.client.request('get_space_hierarchy', { room_id: space, limit: -1 }), /limit/);
    await assert.rejects(s.client.request('get_space_hierarchy', { room_id: `!unknown:${hs.serverName}` }), /Could not read the space/);
  });

  it('set_state refuses in words to list a space in one it holds (a loop), and still empties an entry', async () => {
    const { room_id: inner } = await s.call('create_room', { name: 'Inner space', preset: 'private_chat', creation_content: { type: 'm.space' } });
    const { room_id: outer } = await s.call('create_room', {
      name: 'Outer space', preset: 'private_chat', creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: inner, content: { via: [hs.serverName] } }],
    });
    const { room_id: top } = await s.call('create_room', {
      name: 'Top space', preset: 'private_chat', creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: outer, content: { via: [hs.serverName] } }],
    });
    // The backend knows both edges once the sync has brought the spaces.
    for (const [space, held] of [[outer, inner], [top, outer]]) {
      await s.client.waitForEvent('sync_complete', (d) => d.space_edges?.[space]?.some((e) => e.child_id === held) === true);
    }
    const child = { type: 'm.space.child', content: { via: [hs.serverName] } };
    await assert.rejects(s.client.request('set_state', { ...child, room_id: inner, state_key: outer }),
      /: Could not add Outer space to Inner space: it contains Inner space, so adding it would put Inner space inside itself\.$/);
    await assert.rejects(s.client.request('set_state', { ...child, room_id: inner, state_key: top }),
      /Could not add Top space to Inner space: it contains Inner space through Outer space,/);
    await assert.rejects(s.client.request('set_state', { ...child, room_id: top, state_key: top }), /a space cannot contain itself/);
    const stateOf = (room: string, key: string) => aliceApi.request('GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.space.child/${encodeURIComponent(key)}`).catch(() => null);
    assert.equal(await stateOf(inner, outer), null, 'nothing was sent');
    // Emptying an entry is no loop, nor is a space listed beside (not above) another.
    await s.call('set_state', { type: 'm.space.child', room_id: top, state_key: inner, content: {} });
    await s.call('set_state', { ...child, room_id: top, state_key: inner });
    assert.deepEqual(await stateOf(top, inner), { via: [hs.serverName] });
  });
});
