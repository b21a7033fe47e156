/**
 * Folds runs of state events into one summary row, as the best clients do: the dozen events that set up a room
 * become "Alice created and configured the room", and a run of joins and leaves becomes "Alice, Bob and 3 others
 * joined, Carol joined and left". One click unfolds the run; other state changes (name, topic, encryption) stay on their own
 * rows because people need to see them. Pure: the timeline passes in which groups are open.
 */
import type { Event, JSONObject } from '../../../shared/rpc/types.ts';
import type { NameOf } from './event-view.ts';
import type { EventRowData, StateGroupRow, TimelineRow } from './timeline-model.ts';

/** Membership changes in a row are folded from this many on (fewer read fine one by one). */
export const MIN_MEMBER_RUN = 3;

/** Which membership changes the timeline leaves out (the device's preferences, as Element's two switches). */
export interface MemberEventFilter {
  readonly joinLeave: boolean;
  readonly profile: boolean;
}

export const SHOW_ALL_MEMBER_EVENTS: MemberEventFilter = { joinLeave: false, profile: false };

/**
 * Whether a member event is one the filter hides: joins, leaves and invitations (with knocks and declined
 * invitations), or display name and avatar changes. Removals, bans and unbans always show: someone acted on
 * someone else, and the room should see it.
 */
export function isHiddenMemberEvent(e: Event, hide: MemberEventFilter): boolean {
  // Both switches on (the default): nothing to work out for each event of every timeline build.
  if ((!hide.joinLeave && !hide.profile) || e.type !== 'm.room.member' || e.state_key === undefined) return false;
  const verb = membershipVerb(e);
  if (verb === 'changed their profile') return hide.profile;
  if (verb === 'was removed' || verb === 'was banned' || verb === 'was unbanned') return false;
  return hide.joinLeave;
}

const isState = (r: TimelineRow | undefined): r is EventRowData => r?.kind === 'event' && r.view.kind === 'state';

/** The rows with each foldable run replaced by a group row (followed by its rows when the group is open). */
export function foldStateRuns(rows: readonly TimelineRow[], expanded: ReadonlySet<string>): TimelineRow[] {
  const out: TimelineRow[] = [];
  for (let i = 0; i < rows.length;) {
    const row = rows[i];
    const run = isState(row) ? runAt(rows, i) : 0;
    if (run === 0) {
      out.push(row);
      i++;
      continue;
    }
    const members = rows.slice(i, i + run) as EventRowData[];
    const key = `group-${members[0].key}`;
    const open = expanded.has(key);
    const group: StateGroupRow = { kind: 'group', key, creation: members[0].item.event.type === 'm.room.create', rows: members, expanded: open };
    out.push(group);
    if (open) out.push(...members);
    i += run;
  }
  return out;
}

/** How many rows from `i` fold into one group (0: none). */
function runAt(rows: readonly TimelineRow[], i: number): number {
  const first = rows[i] as EventRowData;
  const ev = first.item.event;
  let n = 1;
  if (ev.type === 'm.room.create') {
    // The room's setup: every state event its creator sent right after creating it.
    // State events only: a call started or a verification asked right after is not part of the setup.
    while (isState(rows[i + n]) && (rows[i + n] as EventRowData).item.event.sender === ev.sender
      && (rows[i + n] as EventRowData).item.event.state_key !== undefined) n++;
    return n >= 2 ? n : 0;
  }
  if (ev.type !== 'm.room.member') return 0;
  while (isState(rows[i + n]) && (rows[i + n] as EventRowData).item.event.type === 'm.room.member') n++;
  return n >= MIN_MEMBER_RUN ? n : 0;
}

/**
 * The group's one line: "Alice created and configured the room", or who joined, left, was invited... Each person's
 * changes are told in order, and people with the same changes are named together once, as Element does: a crowd
 * that was invited and then joined is "Ann, Bo and 10 others were invited and joined", not the same names twice.
 */
export function summarizeGroup(group: StateGroupRow, name: NameOf): string {
  const first = group.rows[0].item.event;
  if (group.creation) return `${name(first.sender)} created and configured the room`;
  const verbsOf = new Map<string, string[]>();
  for (const r of group.rows) {
    const e = r.item.event;
    const verb = membershipVerb(e);
    const target = e.state_key ?? e.sender;
    const verbs = verbsOf.get(target) ?? [];
    // The same change twice in a row (a profile changed again) is told once.
    if (verbs.at(-1) !== verb) verbs.push(verb);
    verbsOf.set(target, verbs);
  }
  const bySequence = new Map<string, { verbs: string[]; users: string[] }>();
  for (const [user, verbs] of verbsOf) {
    const key = verbs.join('\n');
    const same = bySequence.get(key) ?? { verbs, users: [] };
    same.users.push(user);
    bySequence.set(key, same);
  }
  return [...bySequence.values()]
    .map(({ verbs, users }) => `${people(users, name)} ${list(users.length === 1 ? verbs : verbs.map(plural))}`)
    .join(', ');
}

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0];
}

function membershipVerb(e: Event): string {
  const content: JSONObject = e.content;
  const prev = e.unsigned?.prev_content;
  const prevMembership = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev.membership : undefined;
  const self = (e.state_key ?? e.sender) === e.sender;
  switch (content.membership) {
    case 'join': return prevMembership === 'join' ? 'changed their profile' : 'joined';
    case 'invite': return 'was invited';
    case 'ban': return 'was banned';
    case 'knock': return 'asked to join';
    case 'leave':
      if (prevMembership === 'ban') return 'was unbanned';
      if (prevMembership === 'invite' && self) return 'declined the invitation';
      return self ? 'left' : 'was removed';
    default: return 'changed their membership';
  }
}

function plural(verb: string): string {
  return verb.replace(/^was /, 'were ').replace(/^changed their profile$/, 'changed their profiles');
}

/** "Alice", "Alice and Bob", "Alice, Bob and 3 others". */
function people(users: readonly string[], name: NameOf): string {
  const shown = users.slice(0, users.length > 3 ? 2 : 3).map((u) => name(u));
  const others = users.length - shown.length;
  if (others > 0) return `${shown.join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
  return list(shown);
}
