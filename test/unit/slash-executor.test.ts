/**
 * The slash-command executor against a fake of its operations: each action makes the right calls with the right
 * arguments, read-modify-write actions keep what was there, and failures come back as a sentence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlashAction, SlashContext } from '../../src/main/backend/send/slash/actions.ts';
import { executeSlashAction, type SlashOperations } from '../../src/main/backend/send/slash/executor.ts';
import { parseComposerInput } from '../../src/main/backend/send/slash/parser.ts';

type JSONObject = Record<string, unknown>;
const ctx: SlashContext = { roomId: '!here:example.org', ownUserId: '@me:example.org', replyTo: '$target' };

/** Records every call; state and account data live in maps so read-modify-write can be checked. */
class FakeOps implements SlashOperations<{ echo: string }> {
  calls: [string, ...unknown[]][] = [];
  state = new Map<string, JSONObject>();
  accountData = new Map<string, JSONObject>();
  aliases = new Map<string, string>([['#known:example.org', '!known:example.org']]);
  failWith?: Error;

  private call(name: string, ...args: unknown[]): void {
    this.calls.push([name, ...args]);
    if (this.failWith) throw this.failWith;
  }
  sendMessage(roomId: string, m: unknown) { this.call('sendMessage', roomId, m); return Promise.resolve({ echo: 'msg' }); }
  sendEvent(roomId: string, type: string, content: JSONObject, o: { unencrypted: boolean }) {
    this.call('sendEvent', roomId, type, content, o);
    return Promise.resolve({ echo: type });
  }
  setState(roomId: string, type: string, key: string, content: JSONObject) {
    this.call('setState', roomId, type, key, content);
    this.state.set(`${roomId}|${type}|${key}`, content);
    return Promise.resolve('$state');
  }
  getState(roomId: string, type: string, key: string) { return Promise.resolve(this.state.get(`${roomId}|${type}|${key}`)); }
  setMembership(roomId: string, action: string, userId?: string, reason?: string) {
    this.call('setMembership', roomId, action, userId, reason);
    return Promise.resolve();
  }
  joinRoom(target: string, via: string[], reason?: string) {
    this.call('joinRoom', target, via, reason);
    return Promise.resolve(target.startsWith('#') ? '!joined:example.org' : target);
  }
  createRoom(req: JSONObject) { this.call('createRoom', req); return Promise.resolve('!new:example.org'); }
  setProfileField(field: string, value: string) { this.call('setProfileField', field, value); return Promise.resolve(); }
  getAccountData(type: string, roomId?: string) { return Promise.resolve(this.accountData.get(`${roomId ?? ''}|${type}`)); }
  setAccountData(type: string, content: JSONObject, roomId?: string) {
    this.call('setAccountData', type, content, roomId);
    this.accountData.set(`${roomId ?? ''}|${type}`, content);
    return Promise.resolve();
  }
  createAlias(alias: string, roomId: string) { this.call('createAlias', alias, roomId); return Promise.resolve(); }
  deleteAlias(alias: string) { this.call('deleteAlias', alias); return Promise.resolve(); }
  resolveAlias(alias: string) {
    const roomId = this.aliases.get(alias);
    if (!roomId) return Promise.reject(new Error(`the alias ${alias} does not exist`));
    return Promise.resolve({ roomId, servers: ['example.org'] });
  }
  redact(roomId: string, eventId: string, reason?: string) { this.call('redact', roomId, eventId, reason); return Promise.resolve(); }
  /** The event at a time: one before the year 2030, none after. */
  eventAtTime(roomId: string, ts: number) {
    this.call('eventAtTime', roomId, ts);
    return Promise.resolve(ts < new Date(2030, 0, 1).getTime() ? '$found' : null);
  }
}

function action(input: string): SlashAction {
  const r = parseComposerInput(input, ctx);
  if (!r.ok) assert.fail(r.error);
  return r.action;
}
async function run(ops: FakeOps, input: string) {
  return executeSlashAction(action(input), ctx, ops);
}

describe('slash executor', () => {
  it('sends messages and events to the current room, and returns the local echo', async () => {
    const ops = new FakeOps();
    assert.deepEqual(await run(ops, '/me waves'), { ok: true, event: { echo: 'msg' } });
    assert.deepEqual(ops.calls[0], ['sendMessage', '!here:example.org', action('/me waves')]);
    assert.deepEqual(await run(ops, '/unencryptedraw com.x {"a":1}'), { ok: true, event: { echo: 'com.x' } });
    assert.deepEqual(ops.calls[1], ['sendEvent', '!here:example.org', 'com.x', { a: 1 }, { unencrypted: true }]);
  });

  it('/send and /setstate resolve an alias to its room first, and report an unknown alias', async () => {
    const ops = new FakeOps();
    await run(ops, '/send #known:example.org com.x {}');
    assert.deepEqual(ops.calls[0], ['sendEvent', '!known:example.org', 'com.x', {}, { unencrypted: false }]);
    await run(ops, '/setstate !other:example.org m.room.topic - {"topic":"t"}');
    assert.deepEqual(ops.calls[1], ['setState', '!other:example.org', 'm.room.topic', '', { topic: 't' }]);
    const r = await run(ops, '/send #gone:example.org com.x {}');
    assert.deepEqual(r, { ok: false, error: 'Could not send the com.x event: the alias #gone:example.org does not exist' });
    assert.equal(ops.calls.length, 2);
  });

  it('changes memberships in the current room and joins rooms, returning the room to open', async () => {
    const ops = new FakeOps();
    await run(ops, '/kick @bob:example.org rude');
    await run(ops, '/leave');
    assert.deepEqual(await run(ops, '/join #lounge:example.org a.org'), { ok: true, openRoom: '!joined:example.org' });
    assert.deepEqual(await run(ops, '/accept'), { ok: true, openRoom: '!here:example.org' });
    assert.deepEqual(ops.calls, [
      ['setMembership', '!here:example.org', 'kick', '@bob:example.org', 'rude'],
      ['setMembership', '!here:example.org', 'leave', undefined, undefined],
      ['joinRoom', '#lounge:example.org', ['a.org'], undefined],
      ['joinRoom', '!here:example.org', [], undefined],
    ]);
  });

  it('/myroomnick keeps the rest of the member event and drops the restricted-join signature', async () => {
    const ops = new FakeOps();
    ops.state.set('!here:example.org|m.room.member|@me:example.org', {
      membership: 'join', displayname: 'Old', avatar_url: 'mxc://a/b', join_authorised_via_users_server: '@x:example.org',
    });
    assert.deepEqual(await run(ops, '/myroomnick New Name'), { ok: true });
    assert.deepEqual(ops.calls, [['setState', '!here:example.org', 'm.room.member', '@me:example.org',
      { membership: 'join', displayname: 'New Name', avatar_url: 'mxc://a/b' }]]);
  });

  it('/myroomnick without a member event says so and sends nothing; /globalnick sets the profile', async () => {
    const ops = new FakeOps();
    assert.deepEqual(await run(ops, '/roomnick X'), { ok: false, error: 'You have no membership in this room to change.' });
    await run(ops, '/globalnick Me');
    assert.deepEqual(ops.calls, [['setProfileField', 'displayname', 'Me']]);
  });

  it('/tag, /untag and /tags edit m.tag room account data, keeping other tags', async () => {
    const ops = new FakeOps();
    ops.accountData.set('!here:example.org|m.tag', { tags: { 'm.favourite': { order: 0.1 } } });
    await run(ops, '/tag u.work 0.5');
    assert.deepEqual(ops.accountData.get('!here:example.org|m.tag'), { tags: { 'm.favourite': { order: 0.1 }, 'u.work': { order: 0.5 } } });
    assert.deepEqual(await run(ops, '/tags'), { ok: true, output: 'Tags: m.favourite (order 0.1), u.work (order 0.5)' });
    await run(ops, '/untag m.favourite');
    assert.deepEqual(ops.accountData.get('!here:example.org|m.tag'), { tags: { 'u.work': { order: 0.5 } } });
    assert.deepEqual(await run(ops, '/untag m.lowpriority'), { ok: false, error: 'This room has no tag m.lowpriority.' });
    assert.equal(ops.calls.length, 2);
  });

  it('/powerlevel sets one entry and keeps the others, and shows levels with defaults', async () => {
    const ops = new FakeOps();
    ops.state.set('!here:example.org|m.room.power_levels|', { users: { '@me:example.org': 100 }, ban: 50 });
    await run(ops, '/powerlevel @bob:example.org 50');
    await run(ops, '/powerlevel m.room.name 75');
    await run(ops, '/powerlevel notifications.room 0');
    assert.deepEqual(ops.state.get('!here:example.org|m.room.power_levels|'), {
      users: { '@me:example.org': 100, '@bob:example.org': 50 }, ban: 50, events: { 'm.room.name': 75 }, notifications: { room: 0 },
    });
    assert.deepEqual(await run(ops, '/powerlevel @carol:example.org'), { ok: true, output: '@carol:example.org: 0' });
    assert.deepEqual(await run(ops, '/powerlevel kick'), { ok: true, output: 'kick: 50' });
    const all = await run(ops, '/powerlevel');
    assert.ok(all.ok && all.output?.includes('@bob:example.org: 50') && all.output.includes('m.room.name: 75'));
  });

  it('/alias adds, deletes and resolves with the full alias', async () => {
    const ops = new FakeOps();
    assert.deepEqual(await run(ops, '/alias add lounge'), { ok: true, output: 'Created alias #lounge:example.org' });
    assert.deepEqual(await run(ops, '/alias del lounge'), { ok: true, output: 'Deleted alias #lounge:example.org' });
    assert.deepEqual(await run(ops, '/alias resolve #known:example.org'), { ok: true, output: '#known:example.org is !known:example.org (via example.org)' });
    assert.deepEqual(ops.calls, [['createAlias', '#lounge:example.org', '!here:example.org'], ['deleteAlias', '#lounge:example.org']]);
  });

  it('/create and /pm create rooms; /pm marks the room in m.direct, keeping other DMs', async () => {
    const ops = new FakeOps();
    assert.deepEqual(await run(ops, '/create Club'), { ok: true, openRoom: '!new:example.org' });
    ops.accountData.set('|m.direct', { '@bob:example.org': ['!old:example.org'] });
    assert.deepEqual(await run(ops, '/pm @bob:example.org'), { ok: true, openRoom: '!new:example.org' });
    assert.deepEqual(ops.calls.slice(0, 2), [
      ['createRoom', { name: 'Club' }],
      ['createRoom', { invite: ['@bob:example.org'], is_direct: true, preset: 'trusted_private_chat' }],
    ]);
    assert.deepEqual(ops.accountData.get('|m.direct'), { '@bob:example.org': ['!old:example.org', '!new:example.org'] });
  });

  it('/converttodm and /converttoroom move the current room in m.direct and say when nothing changes', async () => {
    const ops = new FakeOps();
    ops.accountData.set('|m.direct', { '@carol:example.org': ['!here:example.org', '!c:example.org'] });
    assert.deepEqual(await run(ops, '/converttodm @bob:example.org'), { ok: true, output: 'Marked the room as a direct chat with @bob:example.org' });
    assert.deepEqual(ops.accountData.get('|m.direct'), { '@carol:example.org': ['!c:example.org'], '@bob:example.org': ['!here:example.org'] });
    assert.deepEqual(await run(ops, '/converttodm @bob:example.org'), { ok: true, output: 'The room is already a direct chat with @bob:example.org' });
    assert.deepEqual(await run(ops, '/converttoroom'), { ok: true, output: 'The room is no longer marked as a direct chat' });
    assert.deepEqual(ops.accountData.get('|m.direct'), { '@carol:example.org': ['!c:example.org'] });
    assert.deepEqual(await run(ops, '/converttoroom'), { ok: true, output: 'The room was not marked as a direct chat' });
    assert.equal(ops.calls.length, 2);
  });

  it('/react sends an annotation to the replied-to event; /redact redacts in the linked room', async () => {
    const ops = new FakeOps();
    await run(ops, '/react 👍');
    await run(ops, '/redact https://matrix.to/#/!other:example.org/$ev spam');
    await run(ops, '/redact');
    assert.deepEqual(ops.calls, [
      ['sendEvent', '!here:example.org', 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$target', key: '👍' } }, { unencrypted: false }],
      ['redact', '!other:example.org', '$ev', 'spam'],
      ['redact', '!here:example.org', '$target', undefined],
    ]);
  });

  it('shows /id and /help output without calling anything', async () => {
    const ops = new FakeOps();
    assert.deepEqual(await run(ops, '/id'), { ok: true, output: '!here:example.org' });
    const help = await run(ops, '/help ban');
    assert.ok(help.ok && help.output?.startsWith('Ban a user'));
    assert.equal(ops.calls.length, 0);
  });

  it('/jumptodate links the first message on or after the start of the day, or says nothing was said', async () => {
    const ops = new FakeOps();
    const day = new Date(2026, 2, 3);
    const words = day.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
    assert.deepEqual(await run(ops, '/jumptodate 2026-03-03'), {
      ok: true, output: `The first message on or after ${words}: https://matrix.to/#/!here%3Aexample.org/%24found`,
    });
    assert.deepEqual(ops.calls[0], ['eventAtTime', '!here:example.org', day.getTime()]);
    const later = await run(ops, '/jumptodate 2031-01-02');
    assert.equal(later.ok, false);
    assert.match(later.ok ? '' : later.error, /^Nothing was said in this room on or after .*2031\.$/);
    const bad = parseComposerInput('/jumptodate 2026-02-30', ctx);
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /"2026-02-30" is not a day: write it as YYYY-MM-DD/);
  });

  it('turns a failing operation into a sentence naming what failed', async () => {
    const ops = new FakeOps();
    ops.failWith = new Error('You do not have permission to ban (M_FORBIDDEN)');
    assert.deepEqual(await run(ops, '/ban @bob:example.org'), { ok: false, error: 'Could not ban @bob:example.org: You do not have permission to ban (M_FORBIDDEN)' });
    assert.deepEqual(await run(ops, '/leave'), { ok: false, error: 'Could not leave the room: You do not have permission to ban (M_FORBIDDEN)' });
  });
});
