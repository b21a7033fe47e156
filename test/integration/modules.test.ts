/**
 * The Required modules of the spec's desktop profile (issue 7) against a real Synapse, each with a second user
 * acting through the client-server API: presence, mentions, ignoring users, room upgrades, history visibility,
 * receipts and fully-read markers. Synapse runs with presence enabled for this file. (Typing: set_typing is tested
 * in commands-people.test.ts; VoIP is left for a later issue.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SyncComplete, Typing } from '../../src/shared/rpc/index.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { startWorkerBackend, TempRoots, type WorkerBackend } from '../harness/worker-backend.ts';

const roots = new TempRoots('modules');

/** Polls until `check` passes (the server applies some changes asynchronously); no wall-clock assertion. */
async function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, tries = 100): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}

const hasMessage = (roomId: string, body: string) => (d: SyncComplete) =>
  !!d.rooms?.[roomId]?.events?.some((e) => e.content.body === body);

describe('Required modules against Synapse', () => {
  let hs: SynapseServer;
  let aliceUser: TestUser;
  let bob: MatrixPeer;
  let alice: MatrixPeer; // Alice's other device, through the API
  let room: string;
  let b: WorkerBackend;

  before(async () => {
    hs = await startSynapse({ presence: true });
    aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    alice = new MatrixPeer(hs.baseUrl, aliceUser);
    room = await bob.createRoom({ name: 'Modules', invite: [aliceUser.userId] });
    await alice.join(room);
    b = await startWorkerBackend(roots.make());
    await b.client.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
    await b.client.waitForEvent('init_complete', () => true, 30_000, false);
  });
  after(async () => {
    await b?.stop();
    await hs?.stop();
    roots.removeAll();
  });

  describe('presence', () => {
    it("receives another user's presence, keeps it, and sets our own from the app's idle state", async () => {
      await bob.request('PUT', `/_matrix/client/v3/presence/${encodeURIComponent(bob.userId)}/status`,
        { presence: 'online', status_msg: 'at lunch' });
      const upd = await b.client.waitForEvent('presence', (p) => p.users.some((u) => u.user_id === bob.userId && u.status_msg === 'at lunch'));
      assert.equal(upd.users.find((u) => u.user_id === bob.userId)?.presence, 'online');
      const stored = await b.client.request('get_presence', { user_id: bob.userId });
      assert.equal(stored?.status_msg, 'at lunch');

      const alicePresence = () => bob.request('GET', `/_matrix/client/v3/presence/${encodeURIComponent(aliceUser.userId)}/status`) as Promise<{ presence: string }>;
      await eventually('alice online while syncing', alicePresence, (p) => p.presence === 'online');
      // Idle: unavailable, and the syncs that follow do not turn it back to online.
      assert.equal(await b.client.request('set_presence', { presence: 'unavailable' }), true);
      await eventually('alice unavailable', alicePresence, (p) => p.presence === 'unavailable');
      await bob.sendText(room, 'presence: a sync after going idle');
      await b.client.waitForEvent('sync_complete', hasMessage(room, 'presence: a sync after going idle'));
      await bob.sendText(room, 'presence: and another');
      await b.client.waitForEvent('sync_complete', hasMessage(room, 'presence: and another'));
      assert.equal((await alicePresence()).presence, 'unavailable');
      assert.equal(await b.client.request('set_presence', { presence: 'online' }), true);
      await eventually('alice back online', alicePresence, (p) => p.presence === 'online');

      await assert.rejects(b.client.request('set_presence', { presence: 'away' as 'online' }), /presence/);
    });

    it('sets offline when the backend shuts down', async () => {
      // Carol's only session is this backend, so what bob sees of her is what it told the server.
      const carolUser = await hs.registerUser('carol', 'carol-password');
      await bob.invite(room, carolUser.userId);
      await new MatrixPeer(hs.baseUrl, carolUser).join(room);
      const carolPresence = () => bob.request('GET', `/_matrix/client/v3/presence/${encodeURIComponent(carolUser.userId)}/status`) as Promise<{ presence: string }>;
      const c = await startWorkerBackend(roots.make());
      await c.client.request('login', { homeserver_url: hs.baseUrl, username: 'carol', password: 'carol-password' });
      await c.client.waitForEvent('init_complete', () => true, 30_000, false);
      await eventually('carol online while syncing', carolPresence, (p) => p.presence === 'online');
      await c.stop();
      assert.equal((await carolPresence()).presence, 'offline');
    });
  });

  describe('mentions', () => {
    it("builds m.mentions from the pills, and @room only with the room's power level for it", async () => {
      const echo = await b.client.request('send_message', { room_id: room,
        text: `ping [Bob](https://matrix.to/#/${encodeURIComponent(bob.userId)}) and @room` });
      const done = await b.client.waitForEvent('send_complete', (c) => c.event.rowid === echo.rowid);
      assert.equal(done.error, null);
      const got = await bob.waitForMessage(room, (e) => e.event_id === done.event.event_id);
      // Alice has power level 0 in Bob's room; @room needs 50, so it stays text.
      assert.deepEqual(got.content['m.mentions'], { user_ids: [bob.userId] });
      await assert.rejects(b.client.request('send_message', { room_id: room, text: 'everyone!', mentions: { room: true } }),
        /cannot notify the whole room.*needs power level 50/);

      // Bob raises Alice to 50: now @room notifies the room.
      const plState = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.power_levels/`);
      const mark = b.client.mark();
      await bob.setState(room, 'm.room.power_levels', '', { ...plState, users: { ...plState.users, [aliceUser.userId]: 50 } });
      await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.state?.['m.room.power_levels'], 30_000, mark);
      const echo2 = await b.client.request('send_message', { room_id: room, text: 'hey @room' });
      const done2 = await b.client.waitForEvent('send_complete', (c) => c.event.rowid === echo2.rowid);
      const got2 = await bob.waitForMessage(room, (e) => e.event_id === done2.event.event_id);
      assert.deepEqual(got2.content['m.mentions'], { user_ids: [], room: true });
    });
  });

  describe('ignoring users', () => {
    it("hides an ignored user's messages, typing and invites, resyncs after a change, and brings them back after unignoring", async () => {
      const dave = new MatrixPeer(hs.baseUrl, await hs.registerUser('dave', 'dave-password'));
      const ig = await bob.createRoom({ name: 'Ignoring', invite: [aliceUser.userId, dave.userId] });
      await alice.join(ig);
      await dave.join(ig);
      await bob.sendText(ig, 'ig: before');
      await b.client.waitForEvent('sync_complete', hasMessage(ig, 'ig: before'));

      const mark = b.client.mark();
      assert.equal(await b.client.request('ignore_user', { user_id: bob.userId }), true);
      assert.equal(await b.client.request('ignore_user', { user_id: bob.userId }), false);
      // The resync replaces the room's timeline without Bob's message (his state events stay).
      const reset = await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[ig]?.reset, 30_000, mark);
      const resetEvents = reset.rooms![ig].events ?? [];
      const timelineRows = new Set(reset.rooms![ig].timeline!.map((t) => t.event_rowid));
      assert.ok(!resetEvents.some((e) => timelineRows.has(e.rowid) && e.sender === bob.userId && e.state_key === undefined));
      assert.deepEqual(await b.client.request('get_ignored_users', {}), [bob.userId]);

      const afterIgnore = b.client.mark();
      await bob.sendText(ig, 'ig: while ignored');
      await bob.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(ig)}/typing/${encodeURIComponent(bob.userId)}`, { typing: true, timeout: 30_000 });
      const inviteRoom = await bob.createRoom({ name: 'From an ignored user', invite: [aliceUser.userId] });
      // Dave's message and typing come after Bob's: once they are here, Bob's would have been too.
      await dave.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(ig)}/typing/${encodeURIComponent(dave.userId)}`, { typing: true, timeout: 30_000 });
      await b.client.waitForEvent('typing', (t) => t.room_id === ig && t.user_ids.includes(dave.userId), 30_000, afterIgnore);
      await dave.sendText(ig, 'ig: from dave');
      await b.client.waitForEvent('sync_complete', hasMessage(ig, 'ig: from dave'), 30_000, afterIgnore);
      const later = b.client.received.slice(afterIgnore);
      const bodies = later.filter((e) => e.command === 'sync_complete')
        .flatMap((e) => (e.data as SyncComplete).rooms?.[ig]?.events ?? []).map((e) => e.content.body);
      assert.ok(!bodies.includes('ig: while ignored'));
      assert.ok(!later.some((e) => e.command === 'typing' && (e.data as Typing).user_ids.includes(bob.userId)));
      assert.ok(!later.some((e) => e.command === 'sync_complete' && (e.data as SyncComplete).invited_rooms?.some((r) => r.room_id === inviteRoom)));

      const beforeUnignore = b.client.mark();
      assert.equal(await b.client.request('unignore_user', { user_id: bob.userId }), true);
      const back = await b.client.waitForEvent('sync_complete',
        (d) => !!d.rooms?.[ig]?.reset && !!d.rooms[ig].events?.some((e) => e.content.body === 'ig: while ignored'), 30_000, beforeUnignore);
      assert.ok(back.rooms![ig].events!.some((e) => e.content.body === 'ig: before'));
      assert.deepEqual(await b.client.request('get_ignored_users', {}), []);
      await assert.rejects(b.client.request('ignore_user', { user_id: aliceUser.userId }), /cannot ignore yourself/);
    });
  });

  describe('room upgrades and history visibility', () => {
    const stateOf = (peer: MatrixPeer, r: string, type: string) =>
      peer.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(r)}/state/${type}/`) as Promise<Record<string, unknown>>;
    async function raise(r: string, level: number): Promise<void> {
      const pl = await stateOf(bob, r, 'm.room.power_levels') as { users: Record<string, number> };
      const mark = b.client.mark();
      await bob.setState(r, 'm.room.power_levels', '', { ...pl, users: { ...pl.users, [aliceUser.userId]: level } });
      await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[r]?.state?.['m.room.power_levels'], 30_000, mark);
    }

    it('follows a tombstone to the successor on request, links both ways and keeps the old history reachable', async () => {
      // Public, so the successor (which copies the join rules) can be joined without a new invite.
      const old = await bob.createRoom({ name: 'Before the upgrade', invite: [aliceUser.userId], preset: 'public_chat' });
      await alice.join(old);
      await bob.sendText(old, 'up: old history');
      await b.client.waitForEvent('sync_complete', hasMessage(old, 'up: old history'));
      await assert.rejects(b.client.request('join_successor_room', { room_id: old }), /has not been upgraded/);
      // Alice (level 0) may not upgrade; the error names the level.
      await assert.rejects(b.client.request('upgrade_room', { room_id: old, new_version: '10' }),
        /cannot upgrade this room: it needs power level \d+ in this room, and yours is 0/);

      const { replacement_room: successor } = await bob.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(old)}/upgrade`, { new_version: '10' });
      const tomb = await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[old]?.meta?.tombstone);
      assert.equal(tomb.rooms![old].meta!.tombstone!.replacement_room, successor);
      const { room_id: joined } = await b.client.request('join_successor_room', { room_id: old });
      assert.equal(joined, successor);
      const created = await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[successor]?.meta);
      const predecessor = created.rooms![successor].meta!.creation_content?.predecessor as { room_id?: string } | undefined;
      assert.equal(predecessor?.room_id, old);
      // The old room is still there with its history.
      const page = await b.client.request('paginate', { room_id: old, limit: 100 });
      assert.ok(page.events.some((e) => e.content.body === 'up: old history'));
    });

    it('upgrades a room with the power for it, and sets history visibility, shown in room state', async () => {
      const r = await bob.createRoom({ name: 'To upgrade', invite: [aliceUser.userId] });
      await alice.join(r);
      await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[r]?.meta);
      await assert.rejects(b.client.request('set_history_visibility', { room_id: r, history_visibility: 'joined' }),
        /cannot change who can read this room's history: it needs power level \d+ in this room, and yours is 0/);
      // Room version 12 (Synapse's default) puts m.room.tombstone at 150; its creator Bob can grant that.
      const tombstoneLevel = ((await stateOf(bob, r, 'm.room.power_levels')).events as Record<string, number>)['m.room.tombstone'];
      await raise(r, tombstoneLevel);
      assert.match(await b.client.request('set_history_visibility', { room_id: r, history_visibility: 'joined' }), /^\$/);
      assert.equal((await stateOf(bob, r, 'm.room.history_visibility')).history_visibility, 'joined');
      await eventually('history visibility in room state', () => b.client.request('get_room_state', { room_id: r }),
        (st) => st.some((e) => e.type === 'm.room.history_visibility' && e.content.history_visibility === 'joined'));
      await assert.rejects(b.client.request('set_history_visibility', { room_id: r, history_visibility: 'everyone' as 'joined' }),
        /history_visibility/);

      await assert.rejects(b.client.request('upgrade_room', { room_id: r, new_version: 'no-such-version' }), /does not support room version/);
      const { replacement_room: next } = await b.client.request('upgrade_room', { room_id: r, new_version: '10' });
      assert.equal((await stateOf(bob, r, 'm.room.tombstone')).replacement_room, next);
      await b.client.waitForEvent('sync_complete', (d) => d.rooms?.[r]?.meta?.tombstone?.replacement_room === next);
      await assert.rejects(b.client.request('upgrade_room', { room_id: r, new_version: '10' }), /already been upgraded/);
    });
  });

  describe('receipts and fully-read markers', () => {
    it("gives the renderer other users' read receipts per event, moves m.fully_read on read, and can keep the receipt private", async () => {
      const eventId = await bob.sendText(room, 'rc: read me');
      await b.client.waitForEvent('sync_complete', hasMessage(room, 'rc: read me'));
      const mark = b.client.mark();
      await bob.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/receipt/m.read/${encodeURIComponent(eventId)}`, {});
      const withReceipt = await b.client.waitForEvent('sync_complete',
        (d) => !!d.rooms?.[room]?.receipts?.[eventId]?.some((r) => r.user_id === bob.userId), 30_000, mark);
      assert.equal(withReceipt.rooms![room].receipts![eventId].find((r) => r.user_id === bob.userId)?.receipt_type, 'm.read');

      assert.equal(await b.client.request('mark_read', { room_id: room, event_id: eventId, receipt_type: 'm.read.private' }), true);
      const fullyRead = await alice.request('GET',
        `/_matrix/client/v3/user/${encodeURIComponent(aliceUser.userId)}/rooms/${encodeURIComponent(room)}/account_data/m.fully_read`);
      assert.equal(fullyRead.event_id, eventId);
    });
  });
});
