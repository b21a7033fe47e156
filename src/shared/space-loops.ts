/**
 * Whether listing a room in a space would make a loop of spaces: the room is the space itself, or a space that holds
 * the space already, directly or through its sub-spaces. Element keeps such spaces out of "Add existing rooms"; the
 * space tree (spaces bar, room list, space home) cannot show a space inside itself. Read from the space edges the
 * backend keeps (m.space.child events of the spaces we are in), so a sub-space we are not in counts only as far as
 * we know its children. Shared: the renderer's dialog greys such a space out, the backend's set_state refuses it.
 */
import type { SpaceEdge } from './rpc/types.ts';

export type SpaceEdges = Readonly<Record<string, readonly SpaceEdge[] | undefined>>;

/**
 * The spaces from `from` down to `target` (both included) through listed children (an m.space.child event; a child
 * that only names its parent holds nothing), shortest first; null when `from` does not hold `target`.
 */
export function spacePath(edges: SpaceEdges, from: string, target: string): string[] | null {
  if (from === target) return [from];
  const cameFrom = new Map<string, string>([[from, '']]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const space = queue[i];
    for (const e of edges[space] ?? []) {
      if (e.child_event_rowid === undefined || cameFrom.has(e.child_id)) continue;
      cameFrom.set(e.child_id, space);
      if (e.child_id === target) {
        const path = [target];
        for (let at = space; at !== ''; at = cameFrom.get(at)!) path.unshift(at);
        return path;
      }
      queue.push(e.child_id);
    }
  }
  return null;
}

/**
 * Why `childId` cannot be listed in `spaceId`, in words (its names from `nameOf`), or null when it can. The sentence
 * finishes "X cannot be added: …".
 */
export function spaceLoopReason(edges: SpaceEdges, spaceId: string, childId: string, nameOf: (id: string) => string): string | null {
  if (childId === spaceId) return 'a space cannot contain itself.';
  const path = spacePath(edges, childId, spaceId);
  if (!path) return null;
  const through = path.slice(1, -1).map(nameOf);
  const via = through.length ? ` through ${through.join(', then ')}` : '';
  return `it contains ${nameOf(spaceId)}${via}, so adding it would put ${nameOf(spaceId)} inside itself.`;
}
