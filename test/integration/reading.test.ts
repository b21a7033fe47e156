/**
 * The reading commands against a real Synapse: single events (database, then server, and unredacted content via
 * MSC2815), related events, context, manual and thread pagination, chosen state (and state by type across rooms) and receipts. Bob acts from the
 * other side through the homeserver API; every answer is also checked against gomuks' wire schemas.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';
import { gomuksCommands } from '../wire/gomuks-commands.ts';
import type { SyncComplete } from '../../src/shared/rpc/index.ts';

const enc = encodeURIComponent;

/** Asserts that a response has the shape gomuks gives this command. */
function wireCheck(command: string, data: unknown): void {
  const r = gomuksCommands[command].response.safeParse(data);
  assert.ok(r.success, `${command} response differs from gomuks': ${r.success ? '' : JSON.stringify(r.error.issues)}`);
}

describe('reading commands against Synapse', () => {
  let hs: SynapseServer;
  let bob: MatrixPeer;
  let aliceId: string;
  let s: BackendSession;
  let general: string;
  let early: string;
  let root: string;
  let latest: string;
  let redacted: string;
  let reaction: string;
  const threadReplies: string[] = [];

  before(async () => {
    hs = await startSynapse({ msc2815: true });
    const aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    aliceId = aliceUser.userId;
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    general = await bob.createRoom({ name: 'General', invite: [aliceId] });
    await new MatrixPeer(hs.baseUrl, aliceUser).join(general);
    early = await bob.sendText(general, 'an early message');
    // More than the first sync's timeline (50), so `early` is only on the server.
    for (let i = 0; i < 55; i++) await bob.sendText(general, `filler ${i}`);
    root = await bob.sendText(general, 'thread root');
    for (let i = 0; i < 3; i++) {
      threadReplies.push(await bob.sendEvent(general, 'm.room.message', {
        msgtype: 'm.text', body: `in thread ${i}`, 'm.relates_to': { rel_type: 'm.thread', event_id: root },
      }));
    }
    reaction = await bob.sendEvent(general, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } });
    redacted = await bob.sendText(general, 'a note that gets deleted');
    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(general)}/redact/${enc(redacted)}/r1`, { reason: 'oops' });
    latest = await bob.sendText(general, 'the latest');
    await bob.request('POST', `/_matrix/client/v3/rooms/${enc(general)}/receipt/m.read/${enc(latest)}`, {});
    s = await signedInBackend(hs.baseUrl, 'alice', 'alice-password');
    // The receipt comes with the first sync or soon after.
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[general]?.receipts?.[latest], 30_000);
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
  });

  it('get_event: from the database, then from the homeserver (and stores it)', async () => {
    const stored = await s.client.request('get_event', { room_id: general, event_id: latest });
    wireCheck('get_event', stored);
    assert.equal(stored.content.body, 'the latest');
    assert.ok(stored.timeline_rowid > 0, 'a synced event is in the timeline');

    const fetched = await s.client.request('get_event', { room_id: general, event_id: early });
    wireCheck('get_event', fetched);
    assert.equal(fetched.content.body, 'an early message');
    assert.equal(fetched.timeline_rowid, 0, 'fetched alone, it has no place in the timeline');
    const again = await s.client.request('get_event_by_rowid', { event_rowid: fetched.rowid });
    wireCheck('get_event_by_rowid', again);
    assert.equal(again.event_id, early, 'the fetched event was stored under its rowid');
  });

  it('get_event with unredact: the deleted content for the room admin, never stored', async () => {
    const plain = await s.client.request('get_event', { room_id: general, event_id: redacted });
    assert.ok(plain.redacted_by, 'stored as redacted');
    assert.equal(plain.content.body, undefined);
    // Alice is no moderator: the server refuses, and says so.
    await assert.rejects(s.client.request('get_event', { room_id: general, event_id: redacted, unredact: true }),
      /only room moderators/);
    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(general)}/state/m.room.power_levels/`, {
      users: { [aliceId]: 50 },
    });
    const unredacted = await s.client.request('get_event', { room_id: general, event_id: redacted, unredact: true });
    wireCheck('get_event', unredacted);
    assert.equal(unredacted.content.body, 'a note that gets deleted');
    const storedAfter = await s.client.request('get_event_by_rowid', { event_rowid: plain.rowid });
    assert.equal(storedAfter.content.body, undefined, 'the database keeps the redacted copy');
  });

  it('get_related_events: reactions and thread replies from the database, by relation type', async () => {
    const all = await s.client.request('get_related_events', { room_id: general, event_id: root });
    wireCheck('get_related_events', all);
    assert.deepEqual(new Set(all.map((e) => e.event_id)), new Set([...threadReplies, reaction]));
    const thread = await s.client.request('get_related_events', { room_id: general, event_id: root, relation_type: 'm.thread' });
    assert.deepEqual(thread.map((e) => e.event_id), threadReplies, 'oldest first');
    const reactions = await s.client.request('get_related_events', { room_id: general, event_id: root, event_type: 'm.reaction' });
    assert.deepEqual(reactions.map((e) => e.event_id), [reaction]);
  });

  it('our own reaction: the reacted-to event, counted, comes in a diff as soon as the reaction is sent', async () => {
    const since = s.client.mark();
    const echo = await s.client.request('send_event', {
      room_id: general, type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: latest, key: '🎉' } },
    });
    assert.ok(echo.event_id.startsWith('~'), 'answered with the local echo');
    // Already there with the answer (one ordered channel), not only once the remote echo comes back through sync.
    const counted = s.client.received.slice(since).find((env) => env.command === 'sync_complete'
      && !!(env.data as SyncComplete).rooms?.[general]?.events?.some((e) => e.event_id === latest && e.reactions?.['🎉'] === 1));
    assert.ok(counted, 'the reacted-to event came before the send_event answer');
    wireCheck('get_event', (counted.data as SyncComplete).rooms?.[general]?.events?.find((e) => e.event_id === latest));
    // The reaction still goes out for real.
    const done = await s.client.waitForEvent('send_complete', (d) => d.event.transaction_id === echo.transaction_id, 30_000, since);
    assert.equal(done.error, null);
    const target = await s.client.request('get_event', { room_id: general, event_id: latest });
    assert.equal(target.reactions?.['🎉'], 1, 'counted once, not again by the remote echo');
  });

  it('get_event_context and paginate_manual: around an early event, then onwards by token', async () => {
    const ctx = await s.client.request('get_event_context', { room_id: general, event_id: early, limit: 4 });
    wireCheck('get_event_context', ctx);
    assert.equal(ctx.event?.event_id, early);
    assert.ok(ctx.after.length > 0 && ctx.after.every((e) => e.rowid > 0));
    assert.equal(ctx.after[0].content.body, 'filler 0');
    assert.ok(ctx.end);
    const next = await s.client.request('paginate_manual', { room_id: general, since: ctx.end, direction: 'f', limit: 5 });
    wireCheck('paginate_manual', next);
    assert.equal(next.events.length, 5);
    const bodies = [...ctx.after, ...next.events].map((e) => e.content.body);
    assert.ok(bodies.indexOf('filler 1') < bodies.indexOf(next.events[0].content.body));
    assert.ok(next.next_batch, 'there is more after');
  });

  it('paginate_manual with thread_root: the thread from the server', async () => {
    const page = await s.client.request('paginate_manual', { room_id: general, thread_root: root, direction: 'b', limit: 2 });
    wireCheck('paginate_manual', page);
    assert.deepEqual(page.events.map((e) => e.event_id), [threadReplies[2], threadReplies[1]]);
    assert.ok(page.next_batch);
    const rest = await s.client.request('paginate_manual', { room_id: general, thread_root: root, direction: 'b', limit: 2, since: page.next_batch });
    assert.deepEqual(rest.events.map((e) => e.event_id), [threadReplies[0]]);
    assert.equal(rest.next_batch, undefined, 'the end of the thread');
  });

  it('get_specific_room_state: the asked state events, missing keys left out', async () => {
    const got = await s.client.request('get_specific_room_state', {
      keys: [
        { room_id: general, type: 'm.room.name', state_key: '' },
        { room_id: general, type: 'm.room.member', state_key: aliceId },
        { room_id: general, type: 'm.room.topic', state_key: '' },
      ],
    });
    wireCheck('get_specific_room_state', got);
    assert.deepEqual(got.map((e) => e.type), ['m.room.name', 'm.room.member']);
    assert.equal(got[0].content.name, 'General');
  });

  it('get_state_of_types: those state events of every joined room (or of the listed ones), not of a room she is only invited to', async () => {
    const invitedTo = await bob.createRoom({ name: 'Only invited', invite: [aliceId] });
    await s.client.waitForEvent('sync_complete', (d) => !!d.invited_rooms?.some((r) => r.room_id === invitedTo), 30_000);
    const got = await s.client.request('get_state_of_types', { types: ['m.room.name', 'm.room.create', 'm.room.name'] });
    assert.deepEqual(got.map((e) => [e.room_id, e.type]), [[general, 'm.room.create'], [general, 'm.room.name']]);
    assert.equal(got[1].content.name, 'General');
    // Narrowed to some rooms: only those we are joined to answer.
    const narrowed = await s.client.request('get_state_of_types', { types: ['m.room.name'], room_ids: [general, invitedTo, '!nosuch:example.org'] });
    assert.deepEqual(narrowed.map((e) => [e.room_id, e.type]), [[general, 'm.room.name']]);
    assert.deepEqual(await s.client.request('get_state_of_types', { types: ['m.room.name'], room_ids: [invitedTo] }), []);
    await assert.rejects(s.client.request('get_state_of_types', { types: [] }), /types/);
    await assert.rejects(s.client.request('get_state_of_types', { types: ['m.room.name'], room_ids: ['general'] }), /room ID/);
  });

  it('get_receipts: Bob\'s read receipt from sync, not Alice\'s own', async () => {
    const receipts = await s.client.request('get_receipts', { room_id: general, event_ids: [latest, root] });
    wireCheck('get_receipts', receipts);
    assert.deepEqual(receipts[latest]?.map((r) => [r.user_id, r.receipt_type]), [[bob.userId, 'm.read']]);
    assert.equal(receipts[root], undefined);
  });

  it('get_mentions: answers from the database', async () => {
    const got = await s.client.request('get_mentions', { max_timestamp: Date.now(), type: 4, limit: 10 });
    wireCheck('get_mentions', got);
  });

  it('bad input gets an error in words', async () => {
    const c = s.client;
    await assert.rejects(c.request('get_event', { room_id: general, event_id: 'not-an-id' }), /must be an event ID/);
    await assert.rejects(c.request('get_event', { room_id: general, event_id: '$nosuchevent' }), /does not know it/);
    await assert.rejects(c.request('get_event', { room_id: 'general', event_id: early }), /must be a room ID/);
    await assert.rejects(c.request('get_event_by_rowid', { event_rowid: 987654 }), /No event with rowid 987654/);
    await assert.rejects(c.request('get_event_by_rowid', { event_rowid: -1 }), /event_rowid/);
    await assert.rejects(c.request('get_related_events', { room_id: general, event_id: '' }), /must be an event ID/);
    await assert.rejects(c.request('get_event_context', { room_id: general, event_id: '$nosuchevent' }), /Could not get the messages around/);
    await assert.rejects(c.request('paginate_manual', { room_id: general, direction: 'sideways' as 'b' }), /direction/);
    await assert.rejects(c.request('paginate_manual', { room_id: general, direction: 'f', since: 'garbage-token' }), /Could not get messages/);
    await assert.rejects(c.request('get_specific_room_state', { keys: [{ room_id: general, type: '', state_key: '' }] }), /type/);
    await assert.rejects(c.request('get_receipts', { room_id: general, event_ids: 'x' as unknown as string[] }), /event_ids/);
    await assert.rejects(c.request('get_mentions', { max_timestamp: Date.now(), type: 0, limit: 10 }), /type/);
    // The backend goes on serving.
    assert.equal((await c.request('get_event', { room_id: general, event_id: latest })).event_id, latest);
  });
});
