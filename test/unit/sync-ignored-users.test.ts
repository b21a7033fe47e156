/** Ingest with m.ignored_user_list: ignored users' messages, typing and invites are dropped; a change is reported. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { parsePresence } from '../../src/main/backend/sync/presence.ts';

const ME = '@me:hs';
let n = 0;
const ev = (type: string, sender: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent =>
  ({ event_id: `$i${++n}`, type, sender, origin_server_ts: 1_700_000_000_000 + n, content: content as ClientEvent['content'], ...extra });
const msg = (sender: string, body: string) => ev('m.room.message', sender, { msgtype: 'm.text', body });
const ignoreList = (...users: string[]) => ({
  events: [{ type: 'm.ignored_user_list', content: { ignored_users: Object.fromEntries(users.map((u) => [u, {}])) } }],
});

describe('ignored users at ingest', () => {
  it('drops their messages, typing and invites but keeps their state, and says when the list changed', () => {
    const store = Store.open(':memory:');
    const run = (resp: SyncResponse, since?: string) => store.transaction(() => processSync(store, resp, ME, since));
    const first = run({ next_batch: 's1', account_data: ignoreList('@troll:hs'), rooms: {
      join: { '!r:hs': {
        state: { events: [ev('m.room.create', '@bob:hs', { room_version: '11' }, { state_key: '' })] },
        timeline: { events: [msg('@bob:hs', 'hi'), msg('@troll:hs', 'spam'),
          ev('m.room.topic', '@troll:hs', { topic: 'troll topic' }, { state_key: '' })] },
        ephemeral: { events: [{ type: 'm.typing', content: { user_ids: ['@bob:hs', '@troll:hs'] } }] },
      } },
      invite: { '!inv:hs': { invite_state: { events: [
        { type: 'm.room.member', sender: '@troll:hs', state_key: ME, content: { membership: 'invite' } },
      ] } } },
    } });
    const bodies = first.diff.rooms!['!r:hs'].events!.map((e) => e.content.body ?? e.content.topic);
    assert.deepEqual(bodies.filter(Boolean), ['hi', 'troll topic']);
    assert.deepEqual(first.typing, [{ room_id: '!r:hs', user_ids: ['@bob:hs'] }]);
    assert.equal(first.diff.invited_rooms, undefined);
    assert.equal(first.ignoredChanged, true);

    const same = run({ next_batch: 's2', account_data: ignoreList('@troll:hs') }, 's1');
    assert.equal(same.ignoredChanged, false);
    const changed = run({ next_batch: 's3', account_data: ignoreList() }, 's2');
    assert.equal(changed.ignoredChanged, true);
  });

  it('replaces every timeline on a resync', () => {
    const store = Store.open(':memory:');
    const room = (events: ClientEvent[]) => ({ next_batch: `s${++n}`, rooms: { join: { '!r:hs': { timeline: { events } } } } });
    store.transaction(() => processSync(store, room([msg('@bob:hs', 'one')]), ME, undefined));
    const normal = store.transaction(() => processSync(store, room([msg('@bob:hs', 'two')]), ME, 'x'));
    assert.equal(normal.diff.rooms!['!r:hs'].reset, undefined);
    const resync = store.transaction(() => processSync(store, room([msg('@bob:hs', 'three')]), ME, undefined, { resetTimelines: true }));
    assert.equal(resync.diff.rooms!['!r:hs'].reset, true);
    assert.equal(resync.diff.rooms!['!r:hs'].timeline!.length, 1);
  });
});

describe('presence parsing', () => {
  it('turns last_active_ago into a time and skips malformed events', () => {
    assert.deepEqual(parsePresence({ type: 'm.presence', sender: '@a:hs', content: { presence: 'unavailable', last_active_ago: 500, status_msg: 'away', currently_active: false } }, 10_000),
      { user_id: '@a:hs', presence: 'unavailable', last_active_ts: 9_500, status_msg: 'away', currently_active: false });
    assert.equal(parsePresence({ type: 'm.presence', sender: '@a:hs', content: { presence: 'busy' } }, 0), undefined);
    assert.equal(parsePresence(null, 0), undefined);
    assert.equal(parsePresence({ type: 'm.presence', content: { presence: 'online' } }, 0), undefined);
  });
});
