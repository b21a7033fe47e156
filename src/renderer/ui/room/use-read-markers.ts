/**
 * Where the timeline's read markers go (see api/receipts.ts for the rules): the event the "New messages" line is
 * drawn above, fixed at the room's read position when the room was opened (reading the room moves m.fully_read,
 * but the line stays until the room is left), and who has read up to each shown event, with names and avatars.
 */
import { useMemo, useState } from 'react';
import { firstUnreadEvent, receiptsByShownEvent } from '../../api/receipts.ts';
import type { RoomData } from '../../api/snapshot.ts';
import type { Reader } from './ReadMarkers.tsx';
import type { TimelineRow } from './timeline-model.ts';

export interface ReadMarkers {
  /** The event ID the "New messages" line goes above, or null. */
  readonly unreadFrom: string | null;
  /** The room's read position (m.fully_read) when it was opened: the line goes after it. */
  readonly readUpTo: string | undefined;
  /** event ID → who has read up to it (newest reader last). */
  readonly readers: ReadonlyMap<string, readonly Reader[]>;
}

export function useReadMarkers(
  room: RoomData,
  rows: readonly TimelineRow[],
  ownUserId: string | undefined,
  names: ReadonlyMap<string, string>,
  avatars: ReadonlyMap<string, string>,
): ReadMarkers {
  const [readUpTo] = useState(() => {
    const id = room.accountData['m.fully_read']?.content.event_id;
    return typeof id === 'string' ? id : undefined;
  });
  // A folded group's events count as shown: its line carries their marker and receipts.
  const shown = useMemo(() => rows.flatMap((r) => {
    const events = r.kind === 'event' ? [r] : r.kind === 'group' && !r.expanded ? r.rows : [];
    return events.map((e) => ({ eventId: e.item.event.event_id, timelineRowid: e.item.event.timeline_rowid, sender: e.item.event.sender }));
  }), [rows]);
  const unreadFrom = useMemo(() => firstUnreadEvent(shown, readUpTo, room.events, ownUserId), [shown, readUpTo, room.events, ownUserId]);
  const readers = useMemo(() => {
    const byEvent = receiptsByShownEvent(shown, room.receipts, room.events, new Set(ownUserId ? [ownUserId] : []));
    const out = new Map<string, Reader[]>();
    for (const [eventId, users] of byEvent) {
      out.set(eventId, users.map((userId) => ({ userId, name: names.get(userId) ?? userId, avatar: avatars.get(userId) })));
    }
    return out;
  }, [shown, room.receipts, room.events, ownUserId, names, avatars]);
  return useMemo(() => ({ unreadFrom, readUpTo, readers }), [unreadFrom, readUpTo, readers]);
}
