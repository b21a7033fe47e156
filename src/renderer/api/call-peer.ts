/**
 * Whom a room's call buttons call. A call of the m.call.* events has exactly two parties, so, as in Element, the
 * buttons are offered in a DM and in any other room whose joined members are you and one other person (a room made
 * for two by hand, or a DM the account's m.direct list does not name); not in a room of more, which would take a
 * group call.
 */
import type { RoomData } from './snapshot.ts';

export function selectCallPeer(room: RoomData | undefined, ownUserId: string | undefined): string | undefined {
  const meta = room?.meta;
  if (!room || !meta) return undefined;
  if (meta.dm_user_id) return meta.dm_user_id;
  const summary = meta.lazy_load_summary;
  if (summary?.['m.joined_member_count'] !== 2) return undefined;
  // From the member state once the room's members are loaded; before, from the summary's heroes (whom the server
  // names for a room: with no one invited, the other joined member).
  const members = room.state['m.room.member'];
  if (members) {
    const others = Object.entries(members)
      .filter(([userId, rowid]) => userId !== ownUserId && room.events.get(rowid)?.content.membership === 'join');
    return others.length === 1 ? others[0][0] : undefined;
  }
  const heroes = summary['m.heroes']?.filter((h) => h !== ownUserId);
  return (summary['m.invited_member_count'] ?? 0) === 0 && heroes?.length === 1 ? heroes[0] : undefined;
}
