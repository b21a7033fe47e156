/**
 * Small builders for sync_complete envelopes as the backend sends them (rooms, events, push-rule notifications),
 * for the desktop shell's tests.
 */
import type { Envelope } from '../../src/shared/rpc/envelope.ts';
import type { Event, Room, SyncComplete, SyncRoom } from '../../src/shared/rpc/types.ts';

export function room(id: string, fields: Partial<Room> = {}): Room {
  return {
    room_id: id, name_quality: 3, explicit_avatar: false, has_member_list: false, preview_event_rowid: 0, sorting_timestamp: 0,
    unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...fields,
  };
}

let rowid = 100;
export function event(roomId: string, sender: string, fields: Partial<Event> = {}): Event {
  const r = ++rowid;
  return {
    rowid: r, timeline_rowid: r, room_id: roomId, event_id: `$ev${r}`, sender, type: 'm.room.message', timestamp: 1_700_000_000_000 + r,
    content: { msgtype: 'm.text', body: `hello ${r}` }, unsigned: {}, ...fields,
  };
}

export function member(roomId: string, userId: string, displayname: string): Event {
  return event(roomId, userId, { type: 'm.room.member', state_key: userId, content: { membership: 'join', displayname } });
}

export const sync = (data: SyncComplete, id = -5): Envelope => ({ command: 'sync_complete', request_id: id, data });

/** A SyncRoom that brings `events` and notifies about the ones listed. */
export function notifying(meta: Room, events: Event[], notify: Event[], opts: { sound?: boolean; highlight?: boolean } = {}): SyncRoom {
  return {
    meta, events,
    notifications: notify.map((e) => ({ event_rowid: e.rowid, sound: opts.sound ?? true, highlight: opts.highlight ?? false })),
  };
}

