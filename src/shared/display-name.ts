/**
 * Names that cannot deceive. Display names are chosen by their owners, so two members can pick the same one, or
 * one that looks like someone's user ID, or one with right-to-left overrides that reorder the text around it. The
 * spec's rule ("Calculating the display name for a user"): a display name shared with another joined or invited
 * member is shown with the user ID beside it; this also applies to names that look alike (case, compatibility
 * forms, invisible characters) and to names that look like a user ID. Used for every place a name appears.
 */

/** First-strong isolate / pop directional isolate: plain-text equivalents of `<bdi>`. */
const FSI = '\u2068';
const PDI = '\u2069';

/** Wraps text that came from someone else for a plain-text string (notification, title, "X is typing…"). */
export function isolateBidi(text: string): string {
  return `${FSI}${text}${PDI}`;
}

/** Names that would look the same on screen compare equal under this key. */
function nameKey(name: string): string {
  return name.normalize('NFKC').replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/\s+/gu, ' ').trim().toLowerCase();
}

function looksLikeUserId(name: string): boolean {
  return /@[^\s:]*:\S/u.test(nameKey(name));
}

export interface MemberInfo {
  displayname?: unknown;
  membership?: unknown;
}

export interface ShownName {
  /** The display name, or the user ID when there is none. */
  name: string;
  /** The name alone could be mistaken for another member: show the user ID beside it. */
  ambiguous: boolean;
}

/** A room's members by how their names look, to tell when a name needs its user ID beside it. */
export class NameIndex {
  private readonly current = new Map<string, string>();
  /** name key → the joined or invited members using it. */
  private readonly holders = new Map<string, Set<string>>();

  constructor(members: Iterable<readonly [string, MemberInfo]>) {
    for (const [userId, m] of members) {
      const name = typeof m.displayname === 'string' && m.displayname.trim() !== '' ? m.displayname : undefined;
      if (name === undefined) continue;
      this.current.set(userId, name);
      if (m.membership !== 'join' && m.membership !== 'invite') continue;
      const key = nameKey(name);
      let set = this.holders.get(key);
      if (!set) this.holders.set(key, (set = new Set()));
      set.add(userId);
    }
  }

  /** Whether the room's member state gave this user a display name. */
  has(userId: string): boolean {
    return this.current.has(userId);
  }

  /**
   * How to show `userId`: with `displayname` (a name from the past, e.g. at the time of a message), or else the
   * current one. Ambiguous when another joined or invited member's name looks the same, or it looks like a user ID.
   */
  resolve(userId: string, displayname?: string): ShownName | undefined {
    const name = displayname !== undefined && displayname.trim() !== '' ? displayname : this.current.get(userId);
    if (name === undefined) return undefined;
    const others = [...(this.holders.get(nameKey(name)) ?? [])].filter((u) => u !== userId);
    return { name, ambiguous: others.length > 0 || looksLikeUserId(name) };
  }
}

/**
 * A shown name as one plain string: `Name (@user:server)` when ambiguous, the name isolated so it cannot reorder the
 * user ID. Isolate the whole with isolateBidi where it joins other text.
 */
export function plainName(userId: string, shown: ShownName): string {
  return shown.ambiguous ? `${isolateBidi(shown.name)} (${userId})` : shown.name;
}
