/**
 * A big account for the UI benchmark: `rooms` rooms with one message each, and one room with `events` messages of
 * which the first sync sends the newest 50 (the rest come through paginate). Shapes as fake-data.ts makes them.
 * Also a crowd: many made-up members added to a room, for the member list's virtualization.
 */
import type { Event, Room } from '../../../src/shared/rpc/types.ts';
import { ME, people, type FakeRoom } from './fake-data.ts';

export const BIG_ROOM_ID = '!big:lattice.test';

const WORDS = ['sync', 'merge', 'deploy', 'review', 'lunch', 'coffee', 'release', 'bug', 'tests', 'docs', 'design', 'matrix'];

export function buildBigAccount(now: number, rowid: () => number, rooms: number, events: number): Map<string, FakeRoom> {
  const out = new Map<string, FakeRoom>();
  const senders = [people.alice.id, people.bob.id, people.carol.id, people.dave.id, ME];
  const member = (roomId: string, userId: string, name: string): Event => ({
    rowid: rowid(), timeline_rowid: 0, room_id: roomId, event_id: `$m${roomId}${userId}`, sender: userId, type: 'm.room.member',
    state_key: userId, timestamp: now - 1e9, content: { membership: 'join', displayname: name },
  });
  const meta = (roomId: string, name: string, last: Event, unread: number): Room => ({
    room_id: roomId, name, name_quality: 3, explicit_avatar: false, has_member_list: true,
    preview_event_rowid: last.rowid, sorting_timestamp: last.timestamp,
    unread_messages: unread, unread_notifications: unread, unread_highlights: unread > 3 ? 1 : 0,
    lazy_load_summary: { 'm.joined_member_count': 5 },
  });

  for (let r = 0; r < rooms; r++) {
    const roomId = `!bulk${r}:lattice.test`;
    const ev: Event = {
      rowid: rowid(), timeline_rowid: 1, room_id: roomId, event_id: `$bulk${r}`, sender: senders[r % senders.length],
      type: 'm.room.message', timestamp: now - (r + 10) * 60_000,
      content: { msgtype: 'm.text', body: `${WORDS[r % WORDS.length]} update number ${r}` },
    };
    const state = [member(roomId, ME, people.me.name)];
    out.set(roomId, {
      spec: null, meta: meta(roomId, `Room ${r} · ${WORDS[(r * 7) % WORDS.length]}`, ev, r % 9 === 0 ? (r % 5) + 1 : 0),
      timeline: [ev], stateEvents: state, initialCount: 1, nextTimelineRowid: 2,
    });
  }

  const timeline: Event[] = [];
  const start = now - events * 45_000;
  for (let i = 0; i < events; i++) {
    const body = i % 17 === 0
      ? `A longer message ${i} so that rows have different heights: ${WORDS.join(' ')} ${WORDS.slice(0, i % WORDS.length).join(' ')}`
      : `${WORDS[i % WORDS.length]} ${i}`;
    timeline.push({
      rowid: rowid(), timeline_rowid: 0, room_id: BIG_ROOM_ID, event_id: `$big${i}`, sender: senders[(i >> 2) % senders.length],
      type: 'm.room.message', timestamp: start + i * 45_000, content: { msgtype: 'm.text', body },
      ...(i % 23 === 0 ? { reactions: { '👍': 1 + (i % 4) } } : {}),
    });
  }
  const initialCount = 50;
  const split = timeline.length - initialCount;
  timeline.forEach((e, i) => { e.timeline_rowid = i < split ? -(split - i) : i - split + 1; });
  const state = senders.map((u) => member(BIG_ROOM_ID, u, u === ME ? people.me.name : Object.values(people).find((p) => p.id === u)?.name ?? u));
  out.set(BIG_ROOM_ID, {
    spec: null, meta: { ...meta(BIG_ROOM_ID, 'Big Room (10k)', timeline[timeline.length - 1], 0), sorting_timestamp: now },
    timeline, stateEvents: state, initialCount, nextTimelineRowid: initialCount + 1,
  });
  return out;
}

/** Adds `count` joined members (`@member00001:lattice.test`, "Member 00001", …) to the room's state. */
export function addCrowd(room: FakeRoom, count: number, now: number, rowid: () => number): void {
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(5, '0');
    const userId = `@member${n}:lattice.test`;
    room.stateEvents.push({
      rowid: rowid(), timeline_rowid: 0, room_id: room.meta.room_id, event_id: `$crowd${n}`, sender: userId, type: 'm.room.member',
      state_key: userId, timestamp: now - 1e9, content: { membership: 'join', displayname: `Member ${n}` },
    });
  }
  const summary = room.meta.lazy_load_summary ?? {};
  room.meta.lazy_load_summary = { ...summary, 'm.joined_member_count': (summary['m.joined_member_count'] ?? 0) + count };
}
