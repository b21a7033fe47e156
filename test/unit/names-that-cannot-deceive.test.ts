/**
 * Names that cannot deceive: the spec's display-name disambiguation (shared by every place a name is shown), and
 * the sender's name and avatar as they were when a message was sent, kept by the backend for /sync timelines and
 * for history fetched backwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NameIndex, isolateBidi, plainName } from '../../src/shared/display-name.ts';
import type { JSONObject } from '../../src/shared/rpc/index.ts';
import type { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { paginate } from '../../src/main/backend/rooms/paginate.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';

describe('display name disambiguation', () => {
  const index = new NameIndex([
    ['@alice:a', { displayname: 'Alice', membership: 'join' }],
    ['@alice:b', { displayname: 'alice\u200b', membership: 'join' }],
    ['@bob:a', { displayname: 'Bob', membership: 'join' }],
    ['@old:a', { displayname: 'Bob', membership: 'leave' }],
    ['@mallory:a', { displayname: '@bob:a', membership: 'join' }],
    ['@noname:a', { membership: 'join' }],
    ['@carol:a', { displayname: 'Carol', membership: 'invite' }],
  ]);

  it('shows the user ID beside names two joined or invited members share, however they are spelled', () => {
    assert.deepEqual(index.resolve('@alice:a'), { name: 'Alice', ambiguous: true });
    assert.deepEqual(index.resolve('@alice:b'), { name: 'alice\u200b', ambiguous: true });
    assert.equal(plainName('@alice:a', index.resolve('@alice:a')!), `${isolateBidi('Alice')} (@alice:a)`);
  });

  it('leaves unique names alone, and a member who left does not make a name ambiguous', () => {
    assert.deepEqual(index.resolve('@bob:a'), { name: 'Bob', ambiguous: false });
    assert.deepEqual(index.resolve('@carol:a'), { name: 'Carol', ambiguous: false });
    // But the one who left, sharing a joined member's name, is shown with the ID.
    assert.deepEqual(index.resolve('@old:a'), { name: 'Bob', ambiguous: true });
  });

  it('shows the user ID beside a name that looks like a user ID', () => {
    assert.deepEqual(index.resolve('@mallory:a'), { name: '@bob:a', ambiguous: true });
  });

  it('judges a name from the past against the members of today', () => {
    assert.deepEqual(index.resolve('@carol:a', 'Bob'), { name: 'Bob', ambiguous: true });
    assert.deepEqual(index.resolve('@carol:a', 'Caroline'), { name: 'Caroline', ambiguous: false });
    assert.equal(index.resolve('@noname:a'), undefined, 'no display name: the caller shows the user ID');
  });
});

let n = 0;
const ev = (type: string, sender: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent =>
  ({ event_id: `$p${++n}`, type, sender, origin_server_ts: 1_700_000_000_000 + n, content: content as ClientEvent['content'], ...extra });
const member = (user: string, displayname: string, prev?: JSONObject) =>
  ev('m.room.member', user, { membership: 'join', displayname, avatar_url: `mxc://hs/${displayname}` },
    { state_key: user, ...(prev ? { unsigned: { prev_content: prev } } : {}) });
const msg = (sender: string, body: string) => ev('m.room.message', sender, { msgtype: 'm.text', body });

describe('the sender as they were', () => {
  it('records each message with the name and avatar its sender had then (sync timeline, in order)', () => {
    const store = Store.open(':memory:');
    const sync = (join: NonNullable<SyncResponse['rooms']>['join']): SyncResponse => ({ next_batch: `s${++n}`, rooms: { join } });
    const first = store.transaction(() => processSync(store, sync({
      '!r:hs': {
        state: { events: [ev('m.room.create', '@bob:hs', {}, { state_key: '' }), member('@bob:hs', 'Bob')] },
        timeline: { events: [msg('@bob:hs', 'before'), member('@bob:hs', 'Robert', { membership: 'join', displayname: 'Bob' }), msg('@bob:hs', 'after')] },
      },
    }), '@me:hs', undefined));
    const byBody = (events: { content: { body?: unknown }; local_content?: { sender_profile?: unknown } }[], body: string) =>
      events.find((e) => e.content.body === body)?.local_content?.sender_profile;
    const evs = first.diff.rooms!['!r:hs'].events!;
    assert.deepEqual(byBody(evs, 'before'), { displayname: 'Bob', avatar_url: 'mxc://hs/Bob' });
    assert.deepEqual(byBody(evs, 'after'), { displayname: 'Robert', avatar_url: 'mxc://hs/Robert' });
    const rename = evs.find((e) => e.type === 'm.room.member' && e.content.displayname === 'Robert');
    assert.equal(rename?.local_content?.sender_profile, undefined, 'state events show no sender line');
  });

  it('walks history backwards from the members sent with it, through each rename', async () => {
    const store = Store.open(':memory:');
    store.transaction(() => processSync(store, { next_batch: 's1', rooms: { join: { '!h:hs': {
      state: { events: [member('@bob:hs', 'Bobby')] }, timeline: { events: [msg('@bob:hs', 'now')], limited: true, prev_batch: 't1' },
    } } } }, '@me:hs', undefined));
    // /messages dir=b: newest first; the server sends the members as of the newest event of the chunk.
    const chunk = [
      msg('@bob:hs', 'as Robert'),
      member('@bob:hs', 'Robert', { membership: 'join', displayname: 'Bob', avatar_url: 'mxc://hs/Bob' }),
      msg('@bob:hs', 'as Bob'),
    ];
    const client = { rooms: { messages: () => Promise.resolve({ chunk, state: [member('@bob:hs', 'Robert')], end: 't2' }) } } as unknown as MatrixClient;
    const local = await paginate(store, client, '!h:hs', undefined, 1, new AbortController().signal);
    assert.equal(local.from_server, false);
    const older = await paginate(store, client, '!h:hs', local.events[0].timeline_rowid, 10, new AbortController().signal);
    assert.equal(older.from_server, true);
    const all = [...local.events, ...older.events];
    const profile = (body: string) => all.find((e) => e.content.body === body)?.local_content?.sender_profile;
    assert.deepEqual(profile('as Robert'), { displayname: 'Robert', avatar_url: 'mxc://hs/Robert' });
    assert.deepEqual(profile('as Bob'), { displayname: 'Bob', avatar_url: 'mxc://hs/Bob' });
    assert.deepEqual(profile('now'), { displayname: 'Bobby', avatar_url: 'mxc://hs/Bobby' });
  });
});
