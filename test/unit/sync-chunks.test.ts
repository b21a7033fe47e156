/**
 * A big sync_complete sent as chunks (rpc/sync-chunks.ts): the renderer's store, applying the chunks in order, ends
 * with exactly the snapshot the single diff gives, on connect (clear_state) and for an ingested /sync; only the last
 * chunk carries `since`, only the first `clear_state` and the top-level fields; no chunk exceeds its rooms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkSyncComplete } from '../../src/main/backend/rpc/sync-chunks.ts';
import { wireSyncComplete } from '../../src/main/backend/rpc/wire-shape.ts';
import { reduceSyncComplete } from '../../src/renderer/api/reducers.ts';
import { initialSnapshot, type StoreSnapshot } from '../../src/renderer/api/snapshot.ts';
import type { Event, InvitedRoom, Room, SyncComplete, SyncRoom } from '../../src/shared/rpc/types.ts';

const rid = (i: number) => `!r${i}:example.org`;

function meta(i: number, ts: number): Room {
  return {
    room_id: rid(i), name: `Room ${i}`, name_quality: 3, explicit_avatar: false, has_member_list: true,
    preview_event_rowid: 0, sorting_timestamp: ts, unread_highlights: 0, unread_notifications: i % 3, unread_messages: i % 5,
  };
}

function ev(rowid: number, room: number, timelineRowid: number, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: timelineRowid, room_id: rid(room), event_id: `$e${rowid}`, sender: '@alice:example.org',
    type: 'm.room.message', timestamp: 1_700_000_000_000 + rowid, content: { msgtype: 'm.text', body: `hello ${rowid} ⁨x⁩` },
    ...extra,
  };
}

function invite(i: number): InvitedRoom {
  return { room_id: rid(i), created_at: 1000 + i, invited_by: '@bob:example.org', invite_state: [] };
}

/** A diff of `count` rooms from `first`, each with a few events in order, a state entry and room account data. */
function roomsDiff(first: number, count: number, rowBase: number, ts: number): Record<string, SyncRoom> {
  const rooms: Record<string, SyncRoom> = {};
  for (let i = first; i < first + count; i++) {
    const rows = [0, 1, 2].map((k) => rowBase + i * 10 + k);
    rooms[rid(i)] = {
      meta: meta(i, ts + i),
      events: [...rows.map((r) => ev(r, i, r)), ev(rowBase + i * 10 + 5, i, 0, { type: 'm.room.member', state_key: '@alice:example.org' })],
      timeline: rows.map((r) => ({ timeline_rowid: r, event_rowid: r })),
      state: { 'm.room.member': { '@alice:example.org': rowBase + i * 10 + 5 } },
      account_data: { 'm.tag': { user_id: '@alice:example.org', room_id: rid(i), type: 'm.tag', content: { n: rowBase } } },
      receipts: { [`$e${rows[2]}`]: [{ user_id: '@bob:example.org', event_id: `$e${rows[2]}`, receipt_type: 'm.read', timestamp: 5 }] },
    };
  }
  return rooms;
}

function applyAll(snap: StoreSnapshot, diffs: SyncComplete[]): StoreSnapshot {
  return diffs.reduce((s, d) => reduceSyncComplete(s, wireSyncComplete(d)), snap);
}

function comparable(s: StoreSnapshot) {
  return { ...s, rooms: [...s.rooms.entries()].sort(([a], [b]) => a.localeCompare(b)) };
}

function assertSameOutcome(before: StoreSnapshot, diff: SyncComplete, maxRooms: number): SyncComplete[] {
  const chunks = chunkSyncComplete(diff, maxRooms);
  assert.ok(chunks.length > 1);
  assert.deepEqual(comparable(applyAll(before, chunks)), comparable(applyAll(before, [diff])));
  return chunks;
}

describe('sync_complete chunks', () => {
  it('leave a diff of few rooms whole', () => {
    const diff: SyncComplete = { since: 's1', rooms: roomsDiff(0, 5, 100, 0) };
    assert.deepEqual(chunkSyncComplete(diff, 5), [diff]);
  });

  it('give a newly connected frontend exactly the state of the single clear_state diff', () => {
    const old = applyAll(initialSnapshot(), [{ clear_state: true, rooms: roomsDiff(200, 4, 50_000, 0), invited_rooms: [invite(300)] }]);
    const rooms = roomsDiff(0, 23, 100, 10);
    const diff: SyncComplete = {
      clear_state: true, since: 'batch_9', rooms,
      account_data: { 'm.direct': { user_id: '@alice:example.org', type: 'm.direct', content: {} } },
      // A stale invite to a room also joined: the single diff keeps it (invites are added after joined rooms drop theirs).
      invited_rooms: [invite(7), invite(400)],
      left_rooms: [],
      space_edges: { [rid(1)]: [{ child_id: rid(2) }] },
      top_level_spaces: [rid(1)],
    };
    const chunks = assertSameOutcome(old, diff, 5);
    assert.equal(chunks[0]?.clear_state, true);
    assert.ok(chunks.slice(1).every((c) => c.clear_state === undefined && c.account_data === undefined && c.invited_rooms === undefined));
    assert.ok(chunks.slice(0, -1).every((c) => c.since === undefined));
    assert.equal(chunks.at(-1)?.since, 'batch_9');
    assert.ok(chunks.every((c) => Object.keys(c.rooms ?? {}).length <= 5));
    // Every room once, with its events in their order.
    const sent = chunks.flatMap((c) => Object.entries(c.rooms ?? {}));
    assert.deepEqual(Object.fromEntries(sent), rooms);
    assert.equal(sent.length, 23);
  });

  it('apply an ingested sync over many rooms as the single diff does, leaves and invites included', () => {
    const before = applyAll(initialSnapshot(), [{
      clear_state: true, rooms: roomsDiff(0, 30, 100, 0), invited_rooms: [invite(40), invite(41), invite(12)],
      account_data: { 'm.direct': { user_id: '@alice:example.org', type: 'm.direct', content: { a: 1 } } },
    }]);
    const rooms = roomsDiff(5, 20, 10_000, 1000);
    // A room joined and left in the same sync, one left and invited again, one joined from its invite.
    rooms[rid(40)] = roomsDiff(40, 1, 20_000, 2000)[rid(40)];
    const diff: SyncComplete = {
      since: 'batch_10', rooms,
      left_rooms: [rid(9), rid(2), rid(41)],
      invited_rooms: [invite(2), invite(50)],
      account_data: { 'm.ignored_user_list': { user_id: '@alice:example.org', type: 'm.ignored_user_list', content: {} } },
      to_device: [{ type: 'm.dummy' }],
    };
    const chunks = assertSameOutcome(before, diff, 4);
    assert.deepEqual(chunks[0]?.to_device, [{ type: 'm.dummy' }]);
    assert.ok(chunks.slice(1).every((c) => c.to_device === undefined && c.left_rooms === undefined));
    assert.equal(chunks.filter((c) => c.since !== undefined).length, 1);
  });
});
