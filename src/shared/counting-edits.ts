/**
 * Which edits of a message count, for its edit history: the backend keeps these when it merges the homeserver's
 * list with the stored one (get_edit_history), and the frontend reads them in the same order. The spec ignores a
 * replacement sent by anyone but the original sender, of another event type (an encrypted message's edits are
 * encrypted too) or of a state event; a deleted edit says nothing any more. The store's last_edit_rowid follows the
 * same rules, so the history ends with the version the timeline shows.
 */
import type { Event } from './rpc/types.ts';

/** The edits of `original` among `related` that count, oldest first. */
export function countingEdits(original: Event, related: readonly Event[]): Event[] {
  return related.filter((e) => e.relation_type === 'm.replace' && e.relates_to === original.event_id
    && e.sender === original.sender && sameType(e, original) && e.state_key === undefined && !e.redacted_by)
    .sort((a, b) => a.timestamp - b.timestamp);
}

/** Both as sent (m.room.encrypted in an encrypted room, one that cannot be decrypted yet too), or both decrypted. */
function sameType(a: Event, b: Event): boolean {
  return a.type === b.type || (a.decrypted_type ?? a.type) === (b.decrypted_type ?? b.type);
}
