/**
 * Which dialog about one message is open: forwarding it, or its source. Opened from the message's options menu
 * but shown over the whole app (App renders MessageDialogLayer), so it stays when the row scrolls away or is
 * virtualized out of the timeline.
 */
import type { Event } from '../../shared/rpc/types.ts';
import { uiValue } from './listeners.ts';

export interface MessageDialog {
  kind: 'forward' | 'source';
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
