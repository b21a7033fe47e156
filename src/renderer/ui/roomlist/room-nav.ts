/** Which rooms the list shows for a filter, and where Alt+↑/↓ (and with Shift, unread only) go. Pure. */
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
