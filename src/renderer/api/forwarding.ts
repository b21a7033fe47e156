/**
 * Forwarding a message to other rooms, as Element does: the message as it reads now (its latest edit), sent afresh
 * into each room the user picks. What made it part of its old room is left out: its reply, thread or edit relation,
 * the quoted fallback of a reply, and its mentions (a copy pings nobody). An attachment keeps its media (the same
 * mxc:// URI, and for an encrypted one the same key, so the new room's members can open it).
 */
import { stripReplyFallbackBody, stripReplyFallbackHtml } from '../../shared/reply-fallback.ts';
import { NOT_SENT, type Event, type JSONObject, type JSONValue } from '../../shared/rpc/types.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';
import { canSendEvent } from './room-state.ts';
import type { Session } from './session.ts';
import { effectiveContent, effectiveType } from '../../shared/event-cleartext.ts';

/** What a forward sends: an event type and its content. */
export interface Forwarded {
  type: string;
  content: JSONObject;
}

/** Message kinds a copy of makes sense: a poll's votes or an edit would point back at the old room's event. */
const FORWARDABLE_TYPES = new Set(['m.room.message', 'm.sticker']);

function objectOf(v: JSONValue | undefined): JSONObject | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Whether `event` can be forwarded: a message or sticker, not deleted, and decrypted if it was encrypted. */
export function canForward(event: Event): boolean {
  return FORWARDABLE_TYPES.has(effectiveType(event)) && !event.redacted_by
    && (event.type !== 'm.room.encrypted' || event.decrypted !== undefined);
}

/** The event type and content to send for `event` (of `room`), or null when it cannot be forwarded (canForward). */
export function forwardedContent(room: RoomData | undefined, event: Event): Forwarded | null {
  const original = event.type === 'm.room.encrypted' ? event.decrypted : event.content;
  if (!canForward(event) || !original) return null;
  const type = effectiveType(event);
  const edit = event.last_edit_rowid !== undefined ? room?.events.get(event.last_edit_rowid) : undefined;
  const edited = edit && !edit.redacted_by ? objectOf(effectiveContent(edit)['m.new_content']) : undefined;
  const content: JSONObject = { ...(edited ?? original) };
  delete content['m.relates_to'];
  delete content['m.new_content'];
  // An empty m.mentions says "mentions nobody": without it, servers fall back to matching names in the body.
  content['m.mentions'] = {};
  // An old client's reply quotes what it answers; the copy is no reply, so the quote goes. The backend already took
  // it out of a plaintext reply's body when it stored it (the quote left at its start now is the user's own), not
  // out of a decrypted one's.
  if (!edited && objectOf(objectOf(original['m.relates_to'])?.['m.in_reply_to'])) {
    if (typeof content.body === 'string' && event.type === 'm.room.encrypted') content.body = stripReplyFallbackBody(content.body);
    if (typeof content.formatted_body === 'string') content.formatted_body = stripReplyFallbackHtml(content.formatted_body);
  }
  return { type, content };
}

/**
 * Whether forwarding `event` (from the room `source`) to `target` takes it out of end-to-end encryption: an encrypted
 * message (with, for an attachment, its file's key) sent in the clear, readable by the homeserver and anyone who can
 * read that room. Our own message sent in an encrypted room counts from the start: until the sync brings its stored
 * ciphertext, its local echo holds the cleartext as an m.room.message (a forward right after sending did not ask).
 * Element forwards it without a word (element-hq/riot-meta#197 asks for a warning since 2018); Lattice asks first.
 */
export function leavesEncryption(event: Event, target: RoomData, source: RoomData | undefined): boolean {
  const encrypted = event.type === 'm.room.encrypted' || (event.transaction_id !== undefined && !!source?.meta?.encryption_event);
  return encrypted && !target.meta?.encryption_event;
}

/**
 * Rooms a message can be forwarded to, of the room list's rooms (selectSpacesModel's: joined, not spaces, not an
 * upgraded room whose successor is listed): those where our power level lets us send it, in the list's order.
 */
export function forwardTargets(listed: readonly RoomData[], ownUserId: string | undefined, type: string): RoomData[] {
  return listed.filter((r) => canSendEvent(r, ownUserId, type));
}

/**
 * Sends the copy into `roomId`, through the outbox like any message (it tries again through an outage, and a refused
 * copy stays in that room, failed, to be tried again or discarded there). Resolves with its local echo, which is in
 * the store from then on: forwardState follows it.
 */
export async function forwardTo(session: Session, roomId: string, forwarded: Forwarded): Promise<Event> {
  const echo = await session.client.request('send_event', { room_id: roomId, type: forwarded.type, content: forwarded.content });
  session.store.addLocalEcho(echo);
  return echo;
}

/** Where a forwarded copy is, from its local echo as the store has it now. */
export type ForwardState = { state: 'sending' } | { state: 'sent' } | { state: 'failed'; error: string } | { state: 'discarded' };

export function forwardState(rooms: StoreSnapshot['rooms'], echo: Event): ForwardState {
  const now = rooms.get(echo.room_id)?.events.get(echo.rowid);
  if (!now) return { state: 'discarded' };
  if (now.send_error === NOT_SENT) return { state: 'sending' };
  if (now.send_error !== undefined) return { state: 'failed', error: now.send_error };
  return { state: 'sent' };
}
