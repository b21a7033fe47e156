/**
 * How processSync (src/main/backend/sync/process-sync.ts) stores a /sync response: a new room's state, timeline,
 * counts and name (by the spec's order), a limited timeline after a gap, HTML sanitized at ingest, redactions, a
 * remote echo landing on its local echo, malformed events skipped, invites and leaves, DMs from m.direct; and
 * wrongly shaped JSON that never makes it throw. Which event previews a room: sync-processing-previews.test.ts.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { ME, ev, member, msg, sync } from './sync-processing-fixtures.ts';

describe('processSync', () => {
  let store: Store;
  beforeEach(() => { store = Store.open(':memory:'); });

  it('stores a new room: state, timeline, name from heroes, preview and counts', () => {
    const { diff } = store.transaction(() => processSync(store, sync({
      '!a:hs': {
        summary: { 'm.heroes': ['@bob:hs'], 'm.joined_member_count': 2, 'm.invited_member_count': 0 },
        state: { events: [ev('m.room.create', { room_version: '11' }, { state_key: '' }), member('@bob:hs', 'Bob'), member(ME, 'Me')] },
        timeline: { events: [msg('hello'), msg('world')], limited: true, prev_batch: 'p1' },
        unread_notifications: { notification_count: 2, highlight_count: 1 },
      },
    }), ME, undefined));
    const r = diff.rooms!['!a:hs'];
    assert.equal(r.meta!.name, 'Bob');
    assert.equal(r.meta!.name_quality, 1);
    // Counted locally by the push rules (a DM: both messages notify), not taken from the server's counts.
    assert.equal(r.meta!.unread_messages, 2);
    assert.equal(r.meta!.unread_notifications, 2);
    assert.equal(r.meta!.unread_highlights, 0);
    assert.equal(r.timeline!.length, 2);
    assert.ok(r.timeline![0].timeline_rowid < r.timeline![1].timeline_rowid);
    const preview = r.events!.find((e) => e.rowid === r.meta!.preview_event_rowid)!;
    assert.equal(preview.content.body, 'world');
    assert.equal(r.state!['m.room.member']['@bob:hs'] > 0, true);
    assert.equal(store.rooms.prevBatch('!a:hs'), 'p1');
  });

  it('names rooms by the spec: explicit name beats alias beats heroes; "and N others"; empty room', () => {
    store.transaction(() => processSync(store, sync({
      '!b:hs': {
        summary: { 'm.heroes': ['@c:hs', '@d:hs'], 'm.joined_member_count': 5, 'm.invited_member_count': 1 },
        state: { events: [member('@c:hs', 'Carol'), member('@d:hs')] },
        timeline: { events: [] },
      },
      '!e:hs': { summary: { 'm.heroes': [], 'm.joined_member_count': 1 }, state: { events: [member(ME)] }, timeline: { events: [] } },
    }), ME, undefined));
    // Each name isolated for bidirectional text (FSI … PDI), so a right-to-left name cannot reorder the rest.
    assert.equal(store.rooms.get('!b:hs')!.name, '\u2068Carol\u2069, \u2068@d:hs\u2069 and 3 others');
    assert.equal(store.rooms.get('!e:hs')!.name, 'Empty room');
    store.transaction(() => processSync(store, sync({
      '!b:hs': { timeline: { events: [ev('m.room.canonical_alias', { alias: '#b:hs' }, { state_key: '' })] } },
    }), ME, 's'));
    assert.equal(store.rooms.get('!b:hs')!.name, '#b:hs');
    assert.equal(store.rooms.get('!b:hs')!.name_quality, 2);
    store.transaction(() => processSync(store, sync({
      '!b:hs': { timeline: { events: [ev('m.room.name', { name: 'Book club' }, { state_key: '' })] } },
    }), ME, 's'));
    assert.equal(store.rooms.get('!b:hs')!.name, 'Book club');
    assert.equal(store.rooms.get('!b:hs')!.name_quality, 3);
  });

  it('a limited timeline after a gap resets the room timeline instead of stitching', () => {
    store.transaction(() => processSync(store, sync({ '!a:hs': { timeline: { events: [msg('one')], prev_batch: 'p0' } } }), ME, undefined));
    const { diff } = store.transaction(() => processSync(store,
      sync({ '!a:hs': { timeline: { events: [msg('five')], limited: true, prev_batch: 'p4' } } }), ME, 's1'));
    assert.equal(diff.rooms!['!a:hs'].reset, true);
    assert.deepEqual(store.timeline.latest('!a:hs', 10).map((e) => e.content.body), ['five']);
    assert.equal(store.rooms.prevBatch('!a:hs'), 'p4');
  });

  it('sanitizes HTML at ingest and drops the reply fallback', () => {
    store.transaction(() => processSync(store, sync({
      '!a:hs': { timeline: { events: [ev('m.room.message', {
        msgtype: 'm.text', body: 'x', format: 'org.matrix.custom.html',
        formatted_body: '<mx-reply><blockquote>quoted</blockquote></mx-reply><b>hi</b><script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">j</a>',
      })] } },
    }), ME, undefined));
    const e = store.timeline.latest('!a:hs', 1)[0];
    const html = e.local_content!.sanitized_html!;
    assert.match(html, /<b>hi<\/b>/);
    assert.doesNotMatch(html, /script|onerror|javascript:|quoted/);
    assert.equal(e.local_content!.reply_fallback_removed, true);
  });

  it('applies redactions to stored events and reports both', () => {
    const target = msg('secret');
    store.transaction(() => processSync(store, sync({ '!a:hs': { timeline: { events: [target] } } }), ME, undefined));
    const { diff } = store.transaction(() => processSync(store, sync({
      '!a:hs': { timeline: { events: [ev('m.room.redaction', { redacts: target.event_id })] } },
    }), ME, 's'));
    const red = store.events.getByEventID(target.event_id)!;
    assert.deepEqual(red.content, {});
    assert.ok(red.redacted_by);
    assert.ok(diff.rooms!['!a:hs'].events!.some((e) => e.event_id === target.event_id));
  });

  it('a remote echo lands on the local echo row (same rowid) by transaction ID', () => {
    store.transaction(() => processSync(store, sync({ '!a:hs': { timeline: { events: [] } } }), ME, undefined));
    const rowid = store.events.insert({ room_id: '!a:hs', event_id: '~t1', sender: ME, type: 'm.room.message', timestamp: 1,
      content: { body: 'mine' }, transaction_id: 't1', send_error: 'not sent' });
    const { diff } = store.transaction(() => processSync(store, sync({
      '!a:hs': { timeline: { events: [msg('mine', { sender: ME, event_id: '$real', unsigned: { transaction_id: 't1' } })] } },
    }), ME, 's'));
    const e = store.events.get(rowid)!;
    assert.equal(e.event_id, '$real');
    assert.equal(e.send_error, undefined);
    assert.deepEqual(diff.rooms!['!a:hs'].timeline!.map((t) => t.event_rowid), [rowid]);
  });

  it('skips malformed events without failing the sync', () => {
    const bad = [{ type: 'm.room.message' }, { event_id: '$x', type: 5, sender: '@a:hs', content: {} }, null,
      { event_id: '$y', type: 'm.room.message', sender: '@a:hs', content: 'nope' }] as unknown as ClientEvent[];
    const { diff } = store.transaction(() => processSync(store, sync({ '!a:hs': { timeline: { events: [...bad, msg('fine')] } } }), ME, undefined));
    assert.deepEqual(diff.rooms!['!a:hs'].events!.filter((e) => e.type === 'm.room.message').map((e) => e.content.body), ['fine']);
  });

  it('tracks invites and leaves', () => {
    const { diff } = store.transaction(() => processSync(store, {
      next_batch: 'x',
      rooms: { invite: { '!i:hs': { invite_state: { events: [
        { type: 'm.room.name', state_key: '', sender: '@bob:hs', content: { name: 'Party' } },
        { type: 'm.room.member', state_key: ME, sender: '@bob:hs', content: { membership: 'invite' } },
      ] } } } },
    }, ME, undefined));
    assert.equal(diff.invited_rooms![0].name, 'Party');
    assert.equal(diff.invited_rooms![0].invited_by, '@bob:hs');
    store.transaction(() => processSync(store, sync({ '!a:hs': { timeline: { events: [msg('x')] } } }), ME, 'x'));
    const left = store.transaction(() => processSync(store, { next_batch: 'y', rooms: { leave: { '!a:hs': {}, '!i:hs': {} } } }, ME, 'x'));
    assert.deepEqual(left.diff.left_rooms!.sort(), ['!a:hs', '!i:hs']);
    assert.equal(store.rooms.get('!a:hs'), undefined);
  });

  it('detects DMs from m.direct', () => {
    const { diff } = store.transaction(() => processSync(store, sync(
      { '!dm:hs': { state: { events: [member('@bob:hs', 'Bob', 'join'), member(ME)] }, timeline: { events: [] } } },
      { account_data: { events: [{ type: 'm.direct', content: { '@bob:hs': ['!dm:hs'] } }] } },
    ), ME, undefined));
    assert.equal(diff.rooms!['!dm:hs'].meta!.dm_user_id, '@bob:hs');
  });
});

describe('processSync with hostile input', () => {
  it('never throws on wrongly shaped JSON, and still stores the well-formed parts', () => {
    const store = Store.open(':memory:');
    const junk: unknown[] = [null, 5, 'x', [], {}, { events: 'no' }, { events: [null, 1, 'a', {}] }, true];
    let seed = 42;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const pick = () => junk[Math.floor(rnd() * junk.length)];
    for (let i = 0; i < 300; i++) {
      const resp = {
        next_batch: `n${i}`,
        account_data: pick(),
        rooms: {
          join: {
            [`!r${i % 7}:hs`]: { state: pick(), timeline: pick(), ephemeral: pick(), account_data: pick(), summary: pick(), unread_notifications: pick() },
            '!bad:hs': pick(),
          },
          invite: { '!inv:hs': pick() },
          leave: pick(),
        },
      } as unknown as SyncResponse;
      assert.doesNotThrow(() => store.transaction(() => processSync(store, resp, ME, i ? `n${i - 1}` : undefined)), `round ${i}`);
    }
    const { diff } = store.transaction(() => processSync(store, sync({ '!ok:hs': { timeline: { events: [msg('still works')] } } }), ME, 'z'));
    assert.equal(diff.rooms!['!ok:hs'].events![0].content.body, 'still works');
  });
});
