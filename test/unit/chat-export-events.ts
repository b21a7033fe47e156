/**
 * Events for the chat export's unit tests (chat-export-*.test.ts): numbered in order, a minute apart from 09:05 local
 * time on 2026-11-27, from Bob unless told otherwise, with the sources the export functions take.
 */
import type { Event, EventRowID, JSONObject } from '../../src/shared/rpc/types.ts';
import type { ExportSource } from '../../src/renderer/ui/room/chat-export-format.ts';

let rowid = 0;
export const T0 = new Date(2026, 10, 27, 9, 5).getTime();

export function ev(type: string, content: JSONObject, extra: Partial<Event> = {}): Event {
  rowid++;
  return { rowid, timeline_rowid: rowid, room_id: '!r:hs', event_id: `$e${rowid}`, sender: '@bob:hs', type, timestamp: T0 + rowid * 60_000,
    content, unread_type: 0, ...extra };
}

export const text = (body: string, extra: Partial<Event> = {}): Event => ev('m.room.message', { msgtype: 'm.text', body }, extra);

export const NAMES: Record<string, string> = { '@bob:hs': 'Bob', '@alice:hs': 'Alice', '@mallory:hs': '<img src=x onerror=alert(1)>' };

/** The room "Design review" exported by Alice an hour after T0, `related` holding the edits. */
export function exportSource(events: Event[], { related = [], roomName = 'Design review', fromStart = true }: {
  related?: Event[]; roomName?: string; fromStart?: boolean;
} = {}): ExportSource {
  return { roomId: '!r:hs', roomName, exportedBy: '@alice:hs', at: new Date(T0 + 3_600_000), events,
    related: new Map<EventRowID, Event>(related.map((e) => [e.rowid, e])), name: (id) => NAMES[id] ?? id, fromStart };
}
