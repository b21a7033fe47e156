/**
 * Which dialog about one message is open: forwarding it, its source, or its edit history. Opened from the
 * message's options menu (the history also from its "(edited)") but shown over the whole app (App renders
 * MessageDialogLayer), so it stays when the row scrolls away or is virtualized out of the timeline. Also what the
 * edit history reads: the message's edits that count.
 */
import type { Event } from '../../shared/rpc/types.ts';
import { uiValue } from './listeners.ts';
import type { Session } from './session.ts';

export interface MessageDialog {
  kind: 'forward' | 'source' | 'history';
  /** The message as it was when the dialog opened. */
  event: Event;
}

const open = uiValue<MessageDialog | null>(null);

/** Opens a dialog about a message, or closes it with null. */
export const setOpenMessageDialog = open.set;
export const useOpenMessageDialog = open.use;

/**
 * The event as the server sent it (the fields a Matrix client sees), for "View source": the ciphertext of an
 * encrypted message, its decrypted form apart.
 */
export function eventSource(e: Event): { original: Record<string, unknown>; decrypted: Record<string, unknown> | null } {
  const original: Record<string, unknown> = {
    type: e.type, room_id: e.room_id, sender: e.sender, event_id: e.event_id, origin_server_ts: e.timestamp,
    ...(e.state_key !== undefined ? { state_key: e.state_key } : {}),
    content: e.content,
    ...(e.unsigned ? { unsigned: e.unsigned } : {}),
  };
  const decrypted = e.decrypted ? { type: e.decrypted_type ?? e.type, content: e.decrypted } : null;
  return { original, decrypted };
}

/**
 * The edits of a message that count, oldest first, from the backend's stored events (gomuks' get_related_events
 * with m.replace; an encrypted edit comes decrypted, as the timeline has it). The spec ignores a replacement sent by
 * anyone but the original sender, of another event type (an encrypted message's edits are encrypted too) or of a
 * state event; a deleted edit says nothing any more. The store's last_edit_rowid follows the same rules, so the
 * history ends with the version the timeline shows.
 */
export async function messageEdits(session: Session, original: Event): Promise<Event[]> {
  const related = await session.client.request('get_related_events', {
    room_id: original.room_id, event_id: original.event_id, relation_type: 'm.replace',
  });
  return countingEdits(original, related);
}

export function countingEdits(original: Event, related: readonly Event[]): Event[] {
  return related.filter((e) => e.relation_type === 'm.replace' && e.relates_to === original.event_id
    && e.sender === original.sender && sameType(e, original) && e.state_key === undefined && !e.redacted_by)
    .sort((a, b) => a.timestamp - b.timestamp);
}

/** Both as sent (m.room.encrypted in an encrypted room, one that cannot be decrypted yet too), or both decrypted. */
function sameType(a: Event, b: Event): boolean {
  return a.type === b.type || (a.decrypted_type ?? a.type) === (b.decrypted_type ?? b.type);
}
