/**
 * The member list of a room from its m.room.member state: joined members by power level (then name), and the
 * invited and banned apart. Names come from the room's NameIndex (shared/display-name.ts), as everywhere else: a
 * name another member shares, or one that looks like a user ID, is marked so the list shows the user ID beside it.
 * Memoized on the member state and power levels, so the panel re-renders only when they change. Within a power level
 * members go by name as Element orders them: ignoring case and accents, a leading @ set aside, and a member with no
 * display name by the local part of their user ID (not under "@" with every other such member). The panel's filter
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
  // Each member with the name it sorts by.
  const joined: Sorted[] = [];
  const invited: Sorted[] = [];
  const banned: Sorted[] = [];
  for (const [userId, rowid] of Object.entries(members)) {
    const content = room.events.get(rowid)?.content;
    const membership = content?.membership;
    const shown = names.resolve(userId);
    // As selectMemberAvatars reads it for the timeline.
    const avatar = typeof content?.avatar_url === 'string' && content.avatar_url !== '' ? content.avatar_url : undefined;
    const m: Member = {
      userId, name: shown?.name ?? userId, ambiguous: shown?.ambiguous ?? false, power: powerLevel(room, userId), avatar,
    };
    const list = membership === 'join' ? joined : membership === 'invite' ? invited : membership === 'ban' ? banned : null;
    list?.push({ m, key: sortName(userId, shown?.name) });
  }
  const groups = { joined: sorted(joined), invited: sorted(invited), banned: sorted(banned) };
  memo.set(members, { pl, groups });
  return groups;
}

/** Base letters only: case and accents (and compatibility forms) compare equal, in the user's locale's order. */
const byName = new Intl.Collator(undefined, { sensitivity: 'base' });

interface Sorted { readonly m: Member; readonly key: string }

/** By power level, then name, then user ID (so the order never depends on the order the state came in). */
function sorted(list: Sorted[]): Member[] {
  list.sort((a, b) => b.m.power - a.m.power || byName.compare(a.key, b.key)
    || (a.m.userId < b.m.userId ? -1 : a.m.userId > b.m.userId ? 1 : 0));
  return list.map((s) => s.m);
}

/** What a member is sorted by: their display name without a leading @, else their user ID's local part. */
function sortName(userId: string, displayName: string | undefined): string {
  if (displayName !== undefined) return displayName.replace(/^@/, '');
  const colon = userId.indexOf(':');
  return userId.slice(1, colon > 0 ? colon : undefined);
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
