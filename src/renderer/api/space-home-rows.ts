/**
 * The space home's rows and what each offers, from the hierarchy read so far (space-hierarchy.ts) and what the sync
 * says about our rooms. Pure, so each case is a unit-test row: the tree is walked from the space through its
 * children in the space's order, sub-spaces opened only when the user expanded them; a row offers Open (joined),
 * View invite (invited), Join, Ask to join, or, where there is no way in, says why in words.
 */
import type { HierarchyChild, HierarchyRoom, RowRequest } from './space-hierarchy.ts';

export interface SpaceHomeRow {
  readonly room: HierarchyRoom;
  /** How the parent lists it (its via servers, whether it is suggested). */
  readonly child: HierarchyChild;
  /** The space that lists it here: the home's space, or the sub-space it is shown under. */
  readonly parentId: string;
  /** 0 for the space's own children, 1 for a sub-space's, ... */
  readonly depth: number;
  /** For sub-spaces: whether their rooms are shown below them. */
  readonly expanded: boolean;
  /** For sub-spaces: how many of their children the hierarchy has described so far (while filtering: would show). */
  readonly childCount: number;
  /** Whether the filter matched it (always, without a filter); a row that does not is a sub-space around a match. */
  readonly match: boolean;
}

/**
 * The rows to show: the space's children that the server described (a child it left out is one we may not see, or
 * on a later page), each sub-space followed by its own when expanded. A cycle of spaces is shown once.
 */
export function spaceHomeRows(rooms: ReadonlyMap<string, HierarchyRoom>, spaceId: string,
  expanded: ReadonlySet<string>): SpaceHomeRow[] {
  const out: SpaceHomeRow[] = [];
  const seen = new Set<string>([spaceId]);
  const walk = (parentId: string, depth: number): void => {
    for (const child of rooms.get(parentId)?.children ?? []) {
      const room = rooms.get(child.roomId);
      if (!room || seen.has(room.roomId)) continue;
      seen.add(room.roomId);
      const open = room.isSpace && expanded.has(room.roomId);
      const childCount = room.children.filter((c) => rooms.has(c.roomId)).length;
      out.push({ room, child, parentId, depth, expanded: open, childCount, match: true });
      if (open) walk(room.roomId, depth + 1);
    }
  };
  walk(spaceId, 0);
  return out;
}

/**
 * The rows while a filter is typed, as Element's space home shows them: the rooms whose name, topic or address holds
 * `query` (any case), from every room read so far, in their place in the tree: a match a level down is shown under
 * its sub-space (the sub-space opened to show it, whether or not it is expanded without a filter), so one sees where
 * it is. `toggled` are the sub-spaces the user opened or closed while filtering: a sub-space around a match can be
 * closed, and one that matches can be opened to show all its rooms. Without a filter, `spaceHomeRows`.
 */
export function filterSpaceHomeRows(rooms: ReadonlyMap<string, HierarchyRoom>, spaceId: string,
  expanded: ReadonlySet<string>, query: string, toggled: ReadonlySet<string> = new Set()): SpaceHomeRow[] {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '') return spaceHomeRows(rooms, spaceId, expanded);
  const matches = (r: HierarchyRoom): boolean =>
    [r.name, r.topic, r.alias].some((text) => text?.toLocaleLowerCase().includes(needle) === true);
  // The whole tree, every sub-space open, each room once (where it is first listed).
  const everySpace = new Set([...rooms.values()].filter((r) => r.isSpace).map((r) => r.roomId));
  const tree = spaceHomeRows(rooms, spaceId, everySpace);
  const matched = new Set(tree.filter((row) => matches(row.room)).map((row) => row.room.roomId));
  /** The sub-spaces with a match somewhere below them. */
  const aroundMatch = new Set<string>();
  /** Each row's parent row in `tree` (undefined at the top). */
  const parentOf = new Map<SpaceHomeRow, SpaceHomeRow | undefined>();
  const path: SpaceHomeRow[] = [];
  for (const row of tree) {
    path.length = row.depth;
    parentOf.set(row, path[path.length - 1]);
    if (matched.has(row.room.roomId)) for (const up of path) aroundMatch.add(up.room.roomId);
    path.push(row);
  }
  // A row is listed under its (open) parent when it matches, holds a match, or its parent itself matched.
  const listed = (row: SpaceHomeRow): boolean => {
    const id = row.room.roomId;
    const parent = parentOf.get(row);
    return matched.has(id) || aroundMatch.has(id) || (parent !== undefined && matched.has(parent.room.roomId));
  };
  const childCount = new Map<SpaceHomeRow, number>();
  for (const row of tree) {
    const parent = parentOf.get(row);
    if (parent && listed(row)) childCount.set(parent, (childCount.get(parent) ?? 0) + 1);
  }
  const out: SpaceHomeRow[] = [];
  const shown = new Set<SpaceHomeRow>();
  const open = new Set<SpaceHomeRow>();
  for (const row of tree) {
    const parent = parentOf.get(row);
    if (!listed(row) || (parent !== undefined && !(shown.has(parent) && open.has(parent)))) continue;
    const id = row.room.roomId;
    shown.add(row);
    const isOpen = row.room.isSpace && aroundMatch.has(id) !== toggled.has(id);
    if (isOpen) open.add(row);
    out.push({ ...row, expanded: isOpen, childCount: childCount.get(row) ?? 0, match: matched.has(id) });
  }
  return out;
}

export type RowAction = 'open' | 'explore' | 'view-invite' | 'join' | 'knock';

export interface RowOffer {
  readonly actions: readonly RowAction[];
  /** Why there is no way in (or only this one), in words; null when the buttons say it all. */
  readonly note: string | null;
}

export interface RowFacts {
  readonly joinRule: string | undefined;
  readonly joined: boolean;
  readonly invited: boolean;
  readonly request: RowRequest | undefined;
  /** For restricted rooms: whether we are in a room whose members may join; undefined when the server did not say. */
  readonly inAllowedRoom: boolean | undefined;
}

/** The offers as constants, so a row whose offer did not change gets the same object and is not re-rendered. */
const OFFER = {
  open: { actions: ['open'], note: null },
  invited: { actions: ['view-invite'], note: 'You are invited.' },
  knocked: { actions: [], note: 'You asked to join. A member has to let you in.' },
  join: { actions: ['join'], note: null },
  knock: { actions: ['knock'], note: null },
  joinOrKnock: { actions: ['join', 'knock'], note: null },
  notAllowed: { actions: [], note: 'Only members of certain other rooms or spaces can join.' },
  inviteOnly: { actions: [], note: 'Invite only: a member has to invite you.' },
} as const satisfies Record<string, RowOffer>;

export function rowOffer({ joinRule, joined, invited, request, inAllowedRoom }: RowFacts): RowOffer {
  if (joined) return OFFER.open;
  if (invited) return OFFER.invited;
  if (request?.kind === 'knocked') return OFFER.knocked;
  switch (joinRule) {
    case 'public':
    case undefined: // Without the rule, joining is the one way to find out: the server says why not.
      return OFFER.join;
    case 'restricted':
      return inAllowedRoom === false ? OFFER.notAllowed : OFFER.join;
    case 'knock':
      return OFFER.knock;
    case 'knock_restricted':
      return inAllowedRoom === false ? OFFER.knock : OFFER.joinOrKnock;
    case 'invite':
    case 'private':
      return OFFER.inviteOnly;
    default:
      return OFFER.join;
  }
}

const EXPLORABLE = new WeakMap<RowOffer, RowOffer>();

/**
 * A sub-space we are not in offers *Explore* first: its own home reads its hierarchy, which the server shares when
 * the space is public or peekable (and says why not otherwise, which that home shows). The same object per offer,
 * so the row stays memoized.
 */
export function subSpaceOffer(offer: RowOffer): RowOffer {
  let explorable = EXPLORABLE.get(offer);
  if (!explorable) {
    explorable = { ...offer, actions: ['explore', ...offer.actions] };
    EXPLORABLE.set(offer, explorable);
  }
  return explorable;
}
