/**
 * Push rules against a real Synapse: per-room notification settings, mute_room and update_push_rule change the
 * account's rules on the server (read back as the same user through the API), Lattice reads the setting back from
 * the rules it stores, and counts unread messages and notifies by evaluating the rules itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Event } from '../../src/shared/rpc/index.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

interface ServerRule { rule_id: string; enabled: boolean; actions: unknown[]; pattern?: string }
type ServerRules = Record<string, ServerRule[]>;

describe('push rule commands against Synapse', () => {
  let hs: SynapseServer;
  let alice: MatrixPeer; // the same account, reading its rules through the API
  let bob: MatrixPeer;
  let carol: TestUser;
  let room: string;
  let worker: BackendWorker;
  let c: RpcTestClient;
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-push-'));

  const serverRules = async (): Promise<ServerRules> => ((await alice.request('GET', '/_matrix/client/v3/pushrules/')) as { global: ServerRules }).global;
  const ruleIds = (rules: ServerRules, kind: string) => (rules[kind] ?? []).filter((r) => !r.rule_id.startsWith('.')).map((r) => r.rule_id);

  before(async () => {
    hs = await startSynapse();
    const user = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alice = new MatrixPeer(hs.baseUrl, user);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password'));
    carol = await hs.registerUser('carol', 'carol-password');
    room = await bob.createRoom({ name: 'Noisy', invite: [user.userId] });
    await alice.join(room);
    worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: root }) });
    c = RpcTestClient.inProcess(worker);
    await c.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
    await c.waitForEvent('init_complete', () => true, 30_000, false);
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[room], 30_000);
  });
  after(async () => {
    c?.close();
    await worker?.stop();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sets and reads a room\'s notification setting as push rules on the server', async () => {
    assert.equal(await c.request('get_room_notification_setting', { room_id: room }), 'all');
    const mark = c.mark();
    assert.equal(await c.request('set_room_notification_setting', { room_id: room, setting: 'mute' }), 'mute');
    let rules = await serverRules();
    assert.deepEqual(ruleIds(rules, 'override'), [room]);
    assert.deepEqual(rules.override.find((r) => r.rule_id === room)?.actions, []);
    const pushed = await c.waitForEvent('sync_complete', (d) => !!d.account_data?.['m.push_rules'], 10_000, mark);
    assert.ok(JSON.stringify(pushed.account_data?.['m.push_rules']).includes(room), 'frontends get the new rules at once');

    assert.equal(await c.request('set_room_notification_setting', { room_id: room, setting: 'mentions_and_keywords' }), 'mentions_and_keywords');
    rules = await serverRules();
    assert.deepEqual(ruleIds(rules, 'override'), []);
    assert.deepEqual(ruleIds(rules, 'room'), [room]);

    assert.equal(await c.request('mute_room', { room_id: room, muted: true }), true);
    assert.equal(await c.request('get_room_notification_setting', { room_id: room }), 'mute');
    assert.equal(await c.request('mute_room', { room_id: room, muted: false }), false);
    assert.equal(await c.request('get_room_notification_setting', { room_id: room }), 'mentions_and_keywords', 'unmuting keeps the setting from before');

    assert.equal(await c.request('set_room_notification_setting', { room_id: room, setting: 'all' }), 'all');
    rules = await serverRules();
    assert.deepEqual([...ruleIds(rules, 'override'), ...ruleIds(rules, 'room')], []);

    // One-to-one chats (this room has two members) at "mentions and keywords", as the Settings screen writes it:
    // the room follows that default until it is set to all messages, a room rule of its own that wins.
    const dmRules = ['.m.rule.room_one_to_one', '.m.rule.encrypted_room_one_to_one'];
    const setDm = (actions: unknown[]) => Promise.all(dmRules.map((id) => c.request('update_push_rule', { kind: 'underride', rule_id: id, action: 'put_actions', actions })));
    await setDm(['dont_notify']);
    assert.equal(await c.request('get_room_notification_setting', { room_id: room }), 'mentions_and_keywords');
    assert.equal(await c.request('set_room_notification_setting', { room_id: room, setting: 'all' }), 'all');
    assert.deepEqual((await serverRules()).room?.find((r) => r.rule_id === room)?.actions, ['notify', { set_tweak: 'sound', value: 'default' }]);
    const before = c.mark();
    await bob.sendText(room, 'still heard here');
    const heard = await c.waitForEvent('sync_complete', (d) => (d.rooms?.[room]?.notifications?.length ?? 0) > 0, 30_000, before);
    assert.equal(heard.rooms?.[room]?.notifications?.[0]?.sound, true, 'the room\'s rule notifies, with its sound');
    await setDm(['notify', { set_tweak: 'sound', value: 'default' }]);
    assert.equal(await c.request('set_room_notification_setting', { room_id: room, setting: 'all' }), 'all');
    assert.deepEqual(ruleIds(await serverRules(), 'room'), [], 'with a default that notifies, all messages is no rule again');
  });

  it('edits one push rule: put, disable, put_actions, delete', async () => {
    await c.request('update_push_rule', { kind: 'content', rule_id: 'lunch', action: 'put', new_content: { pattern: 'lunch', actions: ['notify'] } });
    let lunch = (await serverRules()).content.find((r) => r.rule_id === 'lunch');
    assert.equal(lunch?.pattern, 'lunch');
    assert.equal(lunch?.enabled, true);
    await c.request('update_push_rule', { kind: 'content', rule_id: 'lunch', action: 'disable' });
    assert.equal((await serverRules()).content.find((r) => r.rule_id === 'lunch')?.enabled, false);
    await c.request('update_push_rule', { kind: 'content', rule_id: 'lunch', action: 'put_actions', actions: ['notify', { set_tweak: 'sound', value: 'default' }] });
    lunch = (await serverRules()).content.find((r) => r.rule_id === 'lunch');
    assert.deepEqual(lunch?.actions, ['notify', { set_tweak: 'sound', value: 'default' }]);
    await c.request('update_push_rule', { kind: 'content', rule_id: 'lunch', action: 'delete' });
    assert.equal((await serverRules()).content.find((r) => r.rule_id === 'lunch'), undefined);
    // The default rules are the server's too: disabling one works the same way.
    await c.request('update_push_rule', { kind: 'underride', rule_id: '.m.rule.message', action: 'disable' });
    assert.equal((await serverRules()).underride.find((r) => r.rule_id === '.m.rule.message')?.enabled, false);
    await c.request('update_push_rule', { kind: 'underride', rule_id: '.m.rule.message', action: 'enable' });
    assert.equal((await serverRules()).underride.find((r) => r.rule_id === '.m.rule.message')?.enabled, true);
  });

  it('counts unread messages locally, notifies mentions, and clears on a read receipt from another device', async () => {
    const group = await bob.createRoom({ name: 'Counted', invite: [alice.userId, carol.userId] });
    await alice.join(group);
    await new MatrixPeer(hs.baseUrl, carol).join(group);
    await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[group]?.meta, 30_000);
    const mark = c.mark();
    await bob.sendText(group, 'plain one');
    await bob.sendEvent(group, 'm.room.message', { msgtype: 'm.text', body: 'Alice, look', 'm.mentions': { user_ids: [alice.userId] } });
    const last = await bob.sendText(group, 'plain two');
    const counted = await c.waitForEvent('sync_complete', (d) => d.rooms?.[group]?.meta?.unread_messages === 3, 30_000, mark);
    const meta = counted.rooms![group].meta!;
    assert.deepEqual([meta.unread_messages, meta.unread_notifications, meta.unread_highlights], [3, 3, 1]);
    const notes = c.events('sync_complete').slice(0).flatMap((d) => d.rooms?.[group]?.notifications ?? []);
    assert.equal(notes.length, 3);
    assert.equal(notes.filter((n) => n.highlight && n.sound).length, 1, 'the mention highlights, with sound');
    const mention = c.events('sync_complete').flatMap((d) => d.rooms?.[group]?.events ?? []).find((e) => e.content.body === 'Alice, look');
    assert.equal(mention?.unread_type, 1 | 2 | 4 | 8);

    // Alice reads the room on another device: the counts drop and frontends take the notifications down.
    const readMark = c.mark();
    await alice.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(group)}/receipt/m.read/${encodeURIComponent(last)}`, {});
    const read = await c.waitForEvent('sync_complete', (d) => d.rooms?.[group]?.meta?.unread_messages === 0, 30_000, readMark);
    assert.equal(read.rooms![group].meta!.unread_highlights, 0);
    assert.equal(read.rooms![group].dismiss_notifications, true);

    // Muted: new messages are unread but notify nothing.
    await c.request('mute_room', { room_id: group, muted: true });
    const mutedMark = c.mark();
    await bob.sendText(group, 'in a muted room');
    const muted = await c.waitForEvent('sync_complete', (d) => d.rooms?.[group]?.meta?.unread_messages === 1, 30_000, mutedMark);
    assert.equal(muted.rooms![group].meta!.unread_notifications, 0);
    // gomuks' wire shape: an empty list goes out as null.
    assert.equal(muted.rooms![group].notifications ?? null, null);

    // My own message means I have read the room.
    await alice.sendText(group, 'caught up');
    await c.waitForEvent('sync_complete', (d) => d.rooms?.[group]?.meta?.unread_messages === 0, 30_000, mutedMark);
  });

  it('gives history fetched by paginate its unread_type from the push rules, without notifying', async () => {
    // Everything happens before Alice joins, so her first sync of the room shows only the newest 50 events.
    const old = await bob.createRoom({ name: 'Long history', invite: [alice.userId] });
    await c.waitForEvent('sync_complete', (d) => !!d.invited_rooms?.some((r) => r.room_id === old), 30_000);
    await bob.sendEvent(old, 'm.room.message', { msgtype: 'm.text', body: 'Alice, this is for you' });
    for (let i = 0; i < 55; i++) await bob.sendText(old, `filler ${i}`);
    const mark = c.mark();
    await alice.join(old);
    await c.waitForEvent('sync_complete', (d) => (d.rooms?.[old]?.events?.length ?? 0) > 0, 30_000, mark);
    let before: number | undefined;
    let found: Event | undefined;
    for (let page = 0; page < 10 && !found; page++) {
      const resp = await c.request('paginate', { room_id: old, max_timeline_id: before ?? 0, limit: 20 });
      found = resp.events.find((e) => e.content.body === 'Alice, this is for you');
      if (resp.events.length === 0 && !resp.has_more) break;
      before = Math.min(...resp.events.map((e) => e.timeline_rowid ?? Number.MAX_SAFE_INTEGER));
    }
    assert.ok(found, 'the mention came with a page from the server');
    // contains_display_name: notify and highlight, with sound, as if it had arrived in sync.
    assert.equal(found.unread_type, 1 | 2 | 4 | 8);
    const stored = await c.request('get_event', { room_id: old, event_id: found.event_id });
    assert.equal(stored.unread_type, 1 | 2 | 4 | 8, 'kept on the stored event');
    const notified = c.events('sync_complete').flatMap((d) => d.rooms?.[old]?.notifications ?? []);
    assert.ok(!notified.some((n) => n.event_rowid === found.rowid), 'history does not notify');
  });

  it('refuses malformed edits in words', async () => {
    await assert.rejects(c.request('update_push_rule', { kind: 'content', rule_id: 'x', action: 'put' }), /put needs new_content/);
    await assert.rejects(c.request('update_push_rule', { kind: 'content', rule_id: 'nope', action: 'delete' }), /The homeserver refused the push rule change: .+ \(M_NOT_FOUND\)/);
    await assert.rejects(c.request('set_room_notification_setting', { room_id: '!unknown:hs', setting: 'mute' }), /Unknown room/);
  });
});
