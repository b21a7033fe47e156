/**
 * Sticky events (MSC4354) at ingest: the sync's sticky section is stored and listed in the diff as gomuks does,
 * each sticky event's end is kept from the server's remaining time, get_sticky_events reads them however long the
 * timeline is, and they expire, lose stickiness when redacted, and survive the migration from unsigned only.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ClientEvent, JoinedRoom, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { activeStickyEvents, expireStickiness } from '../../src/main/backend/reading/sticky-events.ts';
import { wireSyncComplete } from '../../src/main/backend/rpc/wire-shape.ts';
import { migrate, type DB } from '../../src/main/backend/store/database.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';

const ME = '@me:hs';
const ROOM = '!call:hs';
let n = 0;

function ev(type: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent {
  return {
    event_id: `$s${++n}`, type, sender: '@bob:hs', origin_server_ts: Date.now() - 1000,
    content: content as ClientEvent['content'], ...extra,
  };
}
/** A sticky event as Synapse serves it: the declared duration on top, what is left of it in unsigned. */
function stickyEv(device: string, durationMs: number, leftMs: number, extra: Partial<ClientEvent> = {}): ClientEvent {
  return ev('org.example.call.member', { device }, {
    msc4354_sticky: { duration_ms: durationMs }, unsigned: { age: durationMs - leftMs, msc4354_sticky_duration_ttl_ms: leftMs }, ...extra,
  });
}
const msg = (body: string) => ev('m.room.message', { msgtype: 'm.text', body });

function sync(room: JoinedRoom, extra: Partial<SyncResponse> = {}): SyncResponse {
  return { next_batch: `n${++n}`, rooms: { join: { [ROOM]: room } }, ...extra };
}

describe('sticky events (MSC4354)', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(':memory:');
    store.transaction(() => processSync(store, sync({
      state: { events: [ev('m.room.create', {}, { state_key: '' }), ev('m.room.member', { membership: 'join' }, { state_key: ME, sender: ME })] },
      timeline: { events: [msg('hello')] },
    }), ME, undefined));
  });

  it('stores the sticky section, lists its rowids in the diff beside their events, outside the timeline and never unread', () => {
    const long = stickyEv('A', 600_000, 590_000);
    const short = stickyEv('B', 60_000, 1_000);
    const inTimeline = stickyEv('C', 300_000, 299_000);
    const after = msg('after');
    const unreadBefore = store.rooms.get(ROOM)!.unread_messages;
    const { diff } = store.transaction(() => processSync(store, sync({
      msc4354_sticky: { events: [long, short] },
      timeline: { events: [inTimeline, after] },
    }), ME, 'since'));
    const r = diff.rooms![ROOM];
    const rowOf = (id: string) => store.events.rowidByEventID(id)!;
    assert.deepEqual(r.sticky, [rowOf(long.event_id), rowOf(short.event_id)]);
    const byId = new Map(r.events!.map((e) => [e.event_id, e]));
    assert.equal(byId.get(long.event_id)?.sticky_duration_ms, 600_000, 'the event carries its duration as gomuks does');
    assert.equal(byId.get(long.event_id)?.timeline_rowid, 0);
    assert.equal(byId.get(long.event_id)?.unread_type, undefined);
    assert.equal(byId.get(inTimeline.event_id)?.sticky_duration_ms, 300_000);
    assert.deepEqual(r.timeline!.map((t) => t.event_rowid), [rowOf(inTimeline.event_id), rowOf(after.event_id)]);
    assert.equal(store.rooms.get(ROOM)!.unread_messages, unreadBefore + 1, 'only the message counts as unread');
    // On the wire: present with rowids, absent (as gomuks omits it) when a room has none.
    assert.deepEqual(wireSyncComplete(diff).rooms![ROOM].sticky, r.sticky);
    const quiet = store.transaction(() => processSync(store, sync({ timeline: { events: [msg('plain')] } }), ME, 'since'));
    assert.equal('sticky' in wireSyncComplete(quiet.diff).rooms![ROOM], false);

    // Sticky until the server's remaining time from now, in timestamp order.
    const now = Date.now();
    const active = (at: number) => activeStickyEvents(store.db, ROOM, at).map((e) => e.event_id);
    assert.deepEqual(active(now), [long.event_id, short.event_id, inTimeline.event_id].sort((a, b) => order(a) - order(b)));
    assert.deepEqual(active(now + 5_000), [long.event_id, inTimeline.event_id].sort((a, b) => order(a) - order(b)));
    assert.deepEqual(active(now + 400_000), [long.event_id]);
    assert.deepEqual(active(now + 700_000), []);
  });

  it('expires: an event past its end leaves the index, keeping its duration', () => {
    const e = stickyEv('A', 60_000, 30_000);
    store.transaction(() => processSync(store, sync({ msc4354_sticky: { events: [e] } }), ME, 'since'));
    const until = () => store.db.prepare('SELECT sticky_until FROM event WHERE event_id = ?').pluck().get(e.event_id) as number | null;
    assert.ok(until()! > Date.now());
    expireStickiness(store.db, Date.now());
    assert.ok(until() !== null, 'not yet');
    expireStickiness(store.db, Date.now() + 31_000);
    assert.equal(until(), null);
    assert.equal(store.events.getByEventID(e.event_id)?.sticky_duration_ms, 60_000);
    assert.deepEqual(activeStickyEvents(store.db, ROOM, Date.now()), []);
  });

  it('reads the stored sticky events however many timeline events came after them', () => {
    const e = stickyEv('A', 3_600_000, 3_000_000);
    store.transaction(() => processSync(store, sync({ timeline: { events: [e] } }), ME, 'since'));
    store.transaction(() => {
      for (let batch = 0; batch < 5; batch++) {
        processSync(store, sync({ timeline: { events: Array.from({ length: 500 }, (_, i) => msg(`m${batch}-${i}`)) } }), ME, 'since');
      }
    });
    assert.deepEqual(activeStickyEvents(store.db, ROOM, Date.now()).map((x) => x.event_id), [e.event_id]);
  });

  it('without a remaining time, ends at the event\'s timestamp (never later than now) plus its duration, capped at an hour', () => {
    const old = stickyEv('A', 60_000, 0, { origin_server_ts: Date.now() - 50_000, unsigned: {} });
    const future = stickyEv('B', 7_200_000, 0, { origin_server_ts: Date.now() + 86_400_000, unsigned: {} });
    store.transaction(() => processSync(store, sync({ msc4354_sticky: { events: [old, future] } }), ME, 'since'));
    const now = Date.now();
    assert.deepEqual(activeStickyEvents(store.db, ROOM, now + 5_000).map((x) => x.event_id), [old.event_id, future.event_id]);
    assert.deepEqual(activeStickyEvents(store.db, ROOM, now + 15_000).map((x) => x.event_id), [future.event_id]);
    assert.deepEqual(activeStickyEvents(store.db, ROOM, now + 3_601_000).map((x) => x.event_id), []);
    assert.equal(store.events.getByEventID(future.event_id)?.sticky_duration_ms, 3_600_000);
  });

  it('a redacted sticky event is no longer sticky; an ignored user\'s are dropped; malformed ones are skipped', () => {
    const e = stickyEv('A', 600_000, 600_000);
    const ignored = stickyEv('X', 600_000, 600_000, { sender: '@troll:hs' });
    store.transaction(() => processSync(store, sync({ msc4354_sticky: { events: [e, ignored, { event_id: 5 } as unknown as ClientEvent] } }, {
      account_data: { events: [{ type: 'm.ignored_user_list', content: { ignored_users: { '@troll:hs': {} } } }] },
    }), ME, 'since'));
    assert.equal(store.events.rowidByEventID(ignored.event_id), undefined);
    assert.deepEqual(activeStickyEvents(store.db, ROOM, Date.now()).map((x) => x.event_id), [e.event_id]);
    store.transaction(() => processSync(store, sync({
      timeline: { events: [ev('m.room.redaction', { redacts: e.event_id }, { redacts: e.event_id })] },
    }), ME, 'since'));
    assert.deepEqual(activeStickyEvents(store.db, ROOM, Date.now()), []);
    assert.equal(store.events.getByEventID(e.event_id)?.sticky_duration_ms, undefined);
  });

  it('migration 12 finds the sticky events stored before it from their unsigned', () => {
    const db: DB = new Database(':memory:');
    for (let v = 0; v < 11; v++) db.exec(migrations[v]);
    db.pragma('user_version = 11');
    const insert = db.prepare('INSERT INTO event (room_id, event_id, sender, type, timestamp, content, unsigned) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const now = Date.now();
    insert.run(ROOM, '$old-sticky', '@bob:hs', 'org.example.call.member', now - 10_000, '{}', JSON.stringify({ age: 100, msc4354_sticky_duration_ttl_ms: 59_900 }));
    insert.run(ROOM, '$plain', '@bob:hs', 'm.room.message', now - 10_000, '{}', JSON.stringify({ age: 100 }));
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.deepEqual(activeStickyEvents(db, ROOM, now).map((e) => [e.event_id, e.sticky_duration_ms]), [['$old-sticky', 60_000]]);
    assert.deepEqual(activeStickyEvents(db, ROOM, now + 51_000), []);
    db.close();
  });
});

/** Fixture event IDs count up in creation order, which is also their timestamp order here. */
function order(id: string): number {
  return Number(id.slice(2));
}
