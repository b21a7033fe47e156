/**
 * Which rooms the list shows for a filter, where Alt+↑/↓ (and with Shift, unread only) go, and how tall a row is.
 * Pure.
 */
import { roomDisplayName } from '../../api/selectors.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { isUnread } from '../../api/spaces.ts';

export function filterRooms(rooms: readonly RoomData[], query: string): readonly RoomData[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return rooms;
  return rooms.filter((r) => roomDisplayName(r).toLocaleLowerCase().includes(q)
    || (r.meta?.canonical_alias ?? '').toLocaleLowerCase().includes(q));
}

/** The next room in `rooms` after (or before) `current`, optionally only unread ones; wraps around. */
export function stepRoom(rooms: readonly RoomData[], current: string | null, dir: 1 | -1, unreadOnly: boolean): RoomData | undefined {
  const n = rooms.length;
  if (!n) return undefined;
  const at = rooms.findIndex((r) => r.id === current);
  for (let k = 1; k <= n; k++) {
    const i = at < 0 ? (dir === 1 ? k - 1 : n - k) : (at + dir * k + n * k) % n;
    const r = rooms[i];
    if (r.id === current) continue;
    if (!unreadOnly || isUnread(r)) return r;
  }
  return undefined;
}

const ROW_HEIGHT = { comfortable: 60, compact: 36 } as const;
/** The text size the row heights above were drawn for (prefs.ts DEFAULT_TEXT_SIZE). */
const BASE_TEXT_PX = 14;

/**
 * A room list row's height: fixed per density, so the virtualized list places rows without measuring them, and
 * grown with the text size (the names and previews scale with it), so larger text never spills out of its row.
 */
export function roomRowHeight(compact: boolean, textSize: number): number {
  const base = compact ? ROW_HEIGHT.compact : ROW_HEIGHT.comfortable;
  return Math.round(base * Math.max(1, textSize / BASE_TEXT_PX));
}
