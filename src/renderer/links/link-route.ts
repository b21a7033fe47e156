/**
 * What opening a matrix: / matrix.to link means, decided from the link and what the store knows, with no effects:
 * the caller (use-link-navigation.ts) performs the action. Pure so every case is a table row in a unit test.
 *
 * - A room we are in (by ID, or by an alias that is some joined room's canonical alias) opens, at the event if the
 *   link names one.
 * - A room we are invited to, or one we are not in, becomes a prompt: preview it (get_room_summary) and offer to
 *   join; a link that says `action=join` goes straight to joining, as the spec intends.
 * - A user opens the existing DM with them when there is one; otherwise a prompt shows the user ID with an offer to
 *   start a chat (there is no user panel yet). Our own user ID just shows.
 */
import type { MatrixLink } from '../../shared/matrix-uri.ts';
import type { StoreSnapshot } from '../api/snapshot.ts';

export type LinkAction =
  | { kind: 'open-room'; roomId: string; eventId?: string }
  | { kind: 'join'; room: string; via: string[]; eventId?: string }
  | { kind: 'preview'; room: string; via: string[]; invited: boolean; eventId?: string }
  | { kind: 'show-user'; userId: string; own: boolean; startChat: boolean };

type RouteState = Pick<StoreSnapshot, 'rooms' | 'invitedRooms'> & { ownUserId: string | null };

/** The joined room a room ID or alias names, if any. */
export function findJoinedRoom(state: Pick<StoreSnapshot, 'rooms'>, room: string): string | null {
  if (room.startsWith('!')) return state.rooms.get(room)?.meta ? room : null;
  const alias = room.toLowerCase();
  for (const r of state.rooms.values()) {
    if (r.meta?.canonical_alias?.toLowerCase() === alias) return r.id;
  }
  return null;
}

export function findDm(state: Pick<StoreSnapshot, 'rooms'>, userId: string): string | null {
  let best: { id: string; ts: number } | null = null;
  for (const r of state.rooms.values()) {
    if (r.meta?.dm_user_id !== userId) continue;
    // Several DMs with one person happen (both sides created one); the most recently active is the one in use.
    if (!best || r.meta.sorting_timestamp > best.ts) best = { id: r.id, ts: r.meta.sorting_timestamp };
  }
  return best?.id ?? null;
}

export function routeLink(link: MatrixLink, state: RouteState): LinkAction {
  switch (link.kind) {
    case 'room': {
      const event = link.event_id ? { eventId: link.event_id } : {};
      const joined = findJoinedRoom(state, link.room);
      if (joined) return { kind: 'open-room', roomId: joined, ...event };
      const invited = state.invitedRooms.some((r) => r.room_id === link.room);
      if (link.action === 'join' && !invited) return { kind: 'join', room: link.room, via: link.via, ...event };
      return { kind: 'preview', room: link.room, via: link.via, invited, ...event };
    }
    case 'user': {
      const own = link.user_id === state.ownUserId;
      const dm = own ? null : findDm(state, link.user_id);
      if (dm) return { kind: 'open-room', roomId: dm };
      return { kind: 'show-user', userId: link.user_id, own, startChat: !own && link.action === 'chat' };
    }
    default: {
      const never: never = link;
      return never;
    }
  }
}
