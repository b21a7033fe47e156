/**
 * The member list of a room from its m.room.member state: joined members by power level (then name), and the
 * invited and banned apart. Names come from the room's NameIndex (shared/display-name.ts), as everywhere else: a
 * name another member shares, or one that looks like a user ID, is marked so the list shows the user ID beside it.
 * Memoized on the member state and power levels, so the panel re-renders only when they change. The panel's filter
 * (filterMembers) folds case and accents, so "zoe" finds Zoë and "İ" finds i.
 */
import { powerLevel } from './actions.ts';
import { selectNameIndex } from './selectors.ts';
import type { RoomData } from './snapshot.ts';

export interface Member {
  readonly userId: string;
  /** The display name alone (the user ID when there is none), to show isolated; see `ambiguous`. */
  readonly name: string;
  /** The name could be mistaken for another member's: show the user ID beside it. */
  readonly ambiguous: boolean;
  readonly power: number;
  /** The member event's avatar_url (an mxc:// URI), if it has one. */
  readonly avatar: string | undefined;
}

export interface MemberGroups {
  readonly joined: readonly Member[];
  readonly invited: readonly Member[];
  readonly banned: readonly Member[];
}

const EMPTY: MemberGroups = { joined: [], invited: [], banned: [] };
const memo = new WeakMap<object, { pl: unknown; groups: MemberGroups }>();

export function selectMembers(room: RoomData | undefined): MemberGroups {
  const members = room?.state['m.room.member'];
  if (!room || !members) return EMPTY;
  const pl = room.state['m.room.power_levels']?.[''];
  const cached = memo.get(members);
  if (cached && cached.pl === pl) return cached.groups;
  const names = selectNameIndex(room);
  const joined: Member[] = [];
  const invited: Member[] = [];
  const banned: Member[] = [];
  for (const [userId, rowid] of Object.entries(members)) {
    const content = room.events.get(rowid)?.content;
    const membership = content?.membership;
    const shown = names.resolve(userId);
    // As selectMemberAvatars reads it for the timeline.
    const avatar = typeof content?.avatar_url === 'string' && content.avatar_url !== '' ? content.avatar_url : undefined;
    const m: Member = {
      userId, name: shown?.name ?? userId, ambiguous: shown?.ambiguous ?? false, power: powerLevel(room, userId), avatar,
    };
    if (membership === 'join') joined.push(m);
    else if (membership === 'invite') invited.push(m);
    else if (membership === 'ban') banned.push(m);
  }
  const order = (a: Member, b: Member) => b.power - a.power || a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId);
  const groups = { joined: joined.sort(order), invited: invited.sort(order), banned: banned.sort(order) };
  memo.set(members, { pl, groups });
  return groups;
}

/** Text folded for matching: compatibility forms, accents and case set aside (NFKD, marks dropped, lower case). */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The members whose display name or user ID contains `query`, ignoring case and accents, in the same groups and
 * order. Blank: all of them (the same object).
 */
export function filterMembers(groups: MemberGroups, query: string): MemberGroups {
  const q = fold(query.trim());
  if (!q) return groups;
  const keep = (list: readonly Member[]) => list.filter((m) => fold(m.name).includes(q) || fold(m.userId).includes(q));
  return { joined: keep(groups.joined), invited: keep(groups.invited), banned: keep(groups.banned) };
}

/** How a power level reads in the list. */
export function roleOf(power: number): string | null {
  if (power === Number.POSITIVE_INFINITY) return 'Owner';
  if (power >= 100) return 'Admin';
  if (power >= 50) return 'Moderator';
  return null;
}
