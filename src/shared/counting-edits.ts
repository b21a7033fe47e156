/**
 * Which edits of a message count, for its edit history: the backend keeps these when it merges the homeserver's
 * list with the stored one (get_edit_history), and the frontend reads them in the same order. The spec ignores a
 * replacement sent by anyone but the original sender, of another event type (judged as decrypted: an encrypted
 * message's edits are encrypted too, and an encrypted reaction claiming m.replace is no edit) or of a state event; a
 * deleted edit says nothing any more. The store's last_edit_rowid follows the same rules, so the history ends with
 * the version the timeline shows, except that an encrypted edit not decrypted (yet) of an encrypted message is
 * listed here, saying it cannot be read, while the timeline keeps showing the newest version it can read.
 */
import type { Event } from './rpc/types.ts';

/** The edits of `original` among `related` that count, oldest first. */
export function countingEdits(original: Event, related: readonly Event[]): Event[] {
  return related.filter((e) => e.relation_type === 'm.replace' && e.relates_to === original.event_id
    && e.sender === original.sender && sameType(e, original) && e.state_key === undefined && !e.redacted_by)
    .sort((a, b) => a.timestamp - b.timestamp);
}

/** The edit `a`'s type is the message `b`'s, both as decrypted; or `a`, of an encrypted message, cannot be read yet. */
function sameType(a: Event, b: Event): boolean {
  if (a.decrypted_type === undefined && a.type === 'm.room.encrypted') return b.type === 'm.room.encrypted';
  return (a.decrypted_type ?? a.type) === (b.decrypted_type ?? b.type);
}
