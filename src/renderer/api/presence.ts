/**
 * Others' presence in the renderer: the store keeps each user's as the backend last pushed it (`presence` events:
 * every stored user's on connect, then the users a sync changed), shared structurally so that a component reading
 * one user's presence re-renders only when that user's changes. Nothing is kept for a user the server never said
 * anything about, which is also every user when the homeserver has presence turned off: the member list then shows
 * no dots at all rather than everyone offline. The hooks that read it are in user-info.ts.
 */
import type { UserPresence } from '../../shared/rpc/types.ts';
import type { StoreSnapshot } from './snapshot.ts';

function samePresence(a: UserPresence, b: UserPresence): boolean {
  return a.presence === b.presence && a.status_msg === b.status_msg && a.last_active_ts === b.last_active_ts
    && a.currently_active === b.currently_active;
}

/**
 * A `presence` push (or a `get_presence` answer): the users whose presence differs from what the store holds are
 * replaced; everyone else keeps the same object, and a push that changes nothing keeps the same snapshot.
 */
export function reducePresence(snap: StoreSnapshot, users: readonly UserPresence[]): StoreSnapshot {
  let next: Map<string, UserPresence> | null = null;
  for (const u of users) {
    const prev = (next ?? snap.presence).get(u.user_id);
    if (prev && samePresence(prev, u)) continue;
    next ??= new Map(snap.presence);
    next.set(u.user_id, u);
  }
  return next ? { ...snap, presence: next } : snap;
}
