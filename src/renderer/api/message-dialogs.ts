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

/** The edits of a message that count, oldest first, and why the homeserver's were not merged in (if so). */
export interface MessageEdits {
  edits: Event[];
  /** In words: the list is then only the edits this device received. */
  serverProblem: string | null;
}

/**
 * The edits of a message that count (shared/counting-edits.ts), oldest first: the backend's get_edit_history, the
 * stored ones merged with those the homeserver lists (an encrypted edit comes decrypted, as the timeline has it).
 */
export async function messageEdits(session: Session, original: Event): Promise<MessageEdits> {
  const resp = await session.client.request('get_edit_history', { room_id: original.room_id, event_id: original.event_id });
  return { edits: resp.edits, serverProblem: resp.from_server ? null : resp.server_problem ?? 'The homeserver was not asked.' };
}
