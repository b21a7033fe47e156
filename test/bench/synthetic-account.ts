/**
 * A large account as recorded /sync responses: an initial sync with every room's state and members, then
 * incremental syncs carrying the timeline traffic, the way a long-lived account arrives.
 */
import { createHash } from 'node:crypto';
import type { ClientEvent, JoinedRoom, SyncResponse } from '../../src/main/backend/matrix/types.ts';

export interface AccountShape {
  rooms: number;
  timelineEvents: number;
  memberEvents: number;
  /** Timeline events per incremental sync response. */
  batch: number;
}

export const OWN_USER = '@me:bench.test';

/** The ID of the account's room number `i` (0 to rooms - 1). */
export const benchRoomId = (i: number): string => `!room${i}:bench.test`;

/**
 * Event IDs as rooms of version 4 and later make them: `$` and the URL-safe base64 of a SHA-256 hash, so they are
 * spread at random over any index of them, as in a real account. (Numbered IDs would arrive in sorted order and be
 * cheaper to index than real ones: 15% less in-process ingest CPU time in Lattice, measured.)
 */
function eventId(seq: number): string {
  return `$${createHash('sha256').update(`bench event ${seq}`).digest('base64url')}`;
}

export function buildAccount(shape: AccountShape): SyncResponse[] {
  let seq = 0;
  let ts = 1_700_000_000_000;
  const ev = (type: string, sender: string, content: Record<string, unknown>, stateKey?: string): ClientEvent => ({
    event_id: eventId(++seq), type, sender, origin_server_ts: ts++, content: content as ClientEvent['content'],
    ...(stateKey !== undefined ? { state_key: stateKey } : {}),
  });
  const roomIds = Array.from({ length: shape.rooms }, (_, i) => benchRoomId(i));
  const membersPerRoom = Math.max(2, Math.floor(shape.memberEvents / shape.rooms));
  const join: Record<string, JoinedRoom> = {};
  roomIds.forEach((roomId, i) => {
    const state: ClientEvent[] = [
      ev('m.room.create', OWN_USER, { room_version: '11' }, ''),
      ev('m.room.power_levels', OWN_USER, { users: { [OWN_USER]: 100 } }, ''),
      ev('m.room.join_rules', OWN_USER, { join_rule: 'invite' }, ''),
      ev('m.room.history_visibility', OWN_USER, { history_visibility: 'shared' }, ''),
    ];
    if (i % 3 !== 0) state.push(ev('m.room.name', OWN_USER, { name: `Room number ${i}` }, ''));
    if (i % 5 === 0) state.push(ev('m.room.topic', OWN_USER, { topic: `Topic of room ${i}` }, ''));
    for (let m = 0; m < membersPerRoom; m++) {
      const user = m === 0 ? OWN_USER : `@user${(i * 7 + m) % 5000}:bench.test`;
      state.push(ev('m.room.member', user, { membership: 'join', displayname: `User ${m}` }, user));
    }
    join[roomId] = {
      summary: { 'm.heroes': [`@user${i}:bench.test`], 'm.joined_member_count': membersPerRoom },
      state: { events: state },
      timeline: { events: [], limited: true, prev_batch: `p${i}` },
    };
  });
  const responses: SyncResponse[] = [{ next_batch: 's0', rooms: { join } }];
  let sent = 0;
  let n = 1;
  while (sent < shape.timelineEvents) {
    const j: Record<string, JoinedRoom> = {};
    const count = Math.min(shape.batch, shape.timelineEvents - sent);
    for (let k = 0; k < count; k++, sent++) {
      const roomId = roomIds[(sent * 31) % roomIds.length];
      const sender = `@user${sent % 5000}:bench.test`;
      const content = sent % 4 === 0
        ? { msgtype: 'm.text', body: `message ${sent} with **markdown**`, format: 'org.matrix.custom.html', formatted_body: `message ${sent} with <strong>markdown</strong> and <a href="https://example.org">a link</a>` }
        : { msgtype: 'm.text', body: `plain message number ${sent}, long enough to look like chat text` };
      ((j[roomId] ??= { timeline: { events: [] } }).timeline!.events!).push(ev('m.room.message', sender, content));
    }
    for (const r of Object.values(j)) r.unread_notifications = { notification_count: 1, highlight_count: 0 };
    responses.push({ next_batch: `s${n++}`, rooms: { join: j } });
  }
  return responses;
}

export function countEvents(responses: SyncResponse[]): number {
  let n = 0;
  for (const r of responses) {
    for (const jr of Object.values(r.rooms?.join ?? {})) n += (jr.state?.events?.length ?? 0) + (jr.timeline?.events?.length ?? 0);
  }
  return n;
}
