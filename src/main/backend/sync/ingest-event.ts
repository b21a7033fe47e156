/**
 * Stores one event from the server, whichever way it came (sync timeline, sync state, /messages): derived fields
 * (sanitized HTML, relation, unread type) are computed here once, and a remote echo of our own send lands on the
 * local echo's row via its transaction ID. Reaction counts and the latest edit are kept on the target by triggers
 * (migration 4); the target is reported as touched so the diff carries its new copy.
 */
import type { Event, JSONObject, LocalContent, SenderProfile } from '../../../shared/rpc/index.ts';
import { hasReplyFallback, sanitizeMatrixHtml } from '../html/sanitize.ts';
import type { ClientEvent } from '../matrix/types.ts';
import { insertedEvent, type EventInput } from '../store/events.ts';
import type { Store } from '../store/store.ts';
import type { Decryption } from './prepared.ts';
import { redactContent } from './redaction.ts';
import { serverMillis } from './server-millis.ts';
import { stickiness } from './sticky.ts';

export interface IngestResult {
  rowid: number;
  /**
   * Rowids of other stored events this one changed or refers to, which the diff should carry: a redaction's
   * target, an edit's or a reaction's target (their last_edit_rowid or reactions changed), a reply's target.
   */
  touched: readonly number[];
  /** This event redacted a stored event. */
  redacted: boolean;
  /** The event as stored, when this call inserted it (then it need not be read back for the diff). */
  inserted?: Event;
}

/**
 * `profile`: the sender's member content at this event, when the caller knows it (history walks its chunk); by
 * default the room's member state as stored now, which is the state at the event for /sync timelines, applied in
 * order. Kept in local_content.sender_profile for events that show a sender (not state events).
 * `ownUserId` decides unread_type (our own events are never unread); without it no event counts as unread.
 * `decryption`: the outcome of decrypting an m.room.encrypted event (the sync loop's prepare step), stored beside
 * the ciphertext.
 * `unreadType`: the event's unread_type as the push rules decided it (sync evaluates them before the insert, so
 * the row is written once); without it, the guess from the sender and type.
 */
export function ingestEvent(store: Store, roomId: string, raw: ClientEvent, profile?: JSONObject,
  ownUserId?: string, decryption?: Decryption, unreadType?: number): IngestResult | undefined {
  if (!isWellFormed(raw)) return undefined;
  const input = toEventInput(roomId, raw, ownUserId);
  if (unreadType !== undefined) {
    if (unreadType) input.unread_type = unreadType;
    else delete input.unread_type;
  }
  if (decryption) withDecryption(input, decryption);
  if (raw.state_key === undefined) {
    const sp = senderProfile(profile ?? store.state.memberContent(roomId, raw.sender));
    // The input's local content was made for it just now (toEventInput, withDecryption): added to in place.
    if (sp) (input.local_content ??= {}).sender_profile = sp;
  }
  let touched: number[] | undefined;
  let redacted = false;
  let rowid: number | undefined;
  let inserted: Event | undefined;
  if (input.transaction_id) {
    // Possibly the remote echo of our own send: it takes over the local echo's row.
    rowid = store.events.rowidByEventID(raw.event_id);
    if (rowid !== undefined && store.events.roomOf(rowid) !== roomId) return undefined;
    // After the Sender recorded the event ID of our own encrypted send: the local echo held the cleartext as
    // content, the stored event gets the ciphertext with the cleartext beside it.
    if (rowid !== undefined && decryption) store.events.update(rowid, input);
    if (rowid === undefined) {
      rowid = store.events.rowidByTransactionID(input.transaction_id);
      if (rowid !== undefined) store.events.update(rowid, input);
    }
    if (rowid === undefined) {
      rowid = store.events.insert(input);
      inserted = insertedEvent(rowid, input);
    }
  } else {
    // Nearly every event is new: insert first, and look the rowid up only when the event was already stored.
    rowid = store.events.insertIfNew(input);
    if (rowid !== undefined) inserted = insertedEvent(rowid, input);
    else rowid = store.events.rowidByEventID(raw.event_id);
    if (rowid === undefined) return undefined; // unreachable: the insert conflicted on this event_id
    // Event IDs are unique across rooms: one a server repeats in another room is not that room's event (it would
    // show there, and an insert under the same ID cannot be made), so the repeat is passed over.
    if (store.events.roomOf(rowid) !== roomId) return undefined;
  }

  if (raw.type === 'm.room.redaction') {
    // Room versions 11+ put it in content; older ones at the top, where the server's JSON may hold anything.
    const target = typeof raw.content.redacts === 'string' ? raw.content.redacts
      : typeof raw.redacts === 'string' ? raw.redacts : undefined;
    const targetRowid = target ? store.events.rowidByEventID(target) : undefined;
    if (targetRowid !== undefined) {
      const old = store.events.get(targetRowid);
      if (old && !old.redacted_by) {
        store.events.redact(targetRowid, redactContent(old.type, old.content), raw.event_id);
        if (old.type === 'm.room.member' && old.state_key !== undefined) store.state.forgetMember(old.room_id, old.state_key);
        touched = [targetRowid];
        redacted = true;
        // A redacted edit or reaction changes its own target too (the triggers recount it).
        if (old.relates_to && (old.relation_type === 'm.replace' || old.relation_type === 'm.annotation')) {
          const t = store.events.rowidByEventID(old.relates_to);
          if (t !== undefined) touched.push(t);
        }
      }
    }
  } else if (inserted) {
    const target = input.relates_to ?? replyTarget(input.content);
    const targetRowid = target ? store.events.rowidByEventID(target) : undefined;
    if (targetRowid !== undefined && targetRowid !== rowid) touched = [targetRowid];
  }
  // Most events touch nothing: they share one empty list instead of each allocating its own.
  return inserted ? { rowid, touched: touched ?? NONE, redacted, inserted } : { rowid, touched: touched ?? NONE, redacted };
}

const NONE: readonly number[] = [];

/** The event a reply (m.in_reply_to) quotes, if `content` is a reply's. */
export function replyTarget(content: JSONObject): string | undefined {
  const rel = content['m.relates_to'];
  if (!rel || typeof rel !== 'object' || Array.isArray(rel)) return undefined;
  const reply = rel['m.in_reply_to'];
  if (!reply || typeof reply !== 'object' || Array.isArray(reply)) return undefined;
  return typeof reply.event_id === 'string' ? reply.event_id : undefined;
}

/** Message-like events that count as unread (gomuks' non-push unread type: 1). Edits and our own don't. */
const UNREAD_TYPES = new Set(['m.room.message', 'm.sticker', 'm.room.encrypted']);
const UNREAD_NORMAL = 1;

function unreadType(input: EventInput, ownUserId: string | undefined): number {
  if (!ownUserId || input.sender === ownUserId || input.state_key !== undefined || input.redacted_by) return 0;
  if (!UNREAD_TYPES.has(input.type) || input.relation_type === 'm.replace') return 0;
  return UNREAD_NORMAL;
}

/** The name and avatar from a member event's content, if it has either. */
export function senderProfile(content: JSONObject | undefined): SenderProfile | undefined {
  if (!content) return undefined;
  const p: SenderProfile = {};
  if (typeof content.displayname === 'string' && content.displayname.trim() !== '') p.displayname = content.displayname;
  if (typeof content.avatar_url === 'string' && content.avatar_url !== '') p.avatar_url = content.avatar_url;
  return p.displayname !== undefined || p.avatar_url !== undefined ? p : undefined;
}

/** An encrypted event keeps its ciphertext as content; the cleartext goes beside it (gomuks' fields). */
function withDecryption(input: EventInput, d: Decryption): void {
  if (d.decrypted && d.decrypted_type) {
    input.decrypted = d.decrypted;
    input.decrypted_type = d.decrypted_type;
    // An edit's relation is outside the ciphertext (toEventInput read it): its text is that of m.new_content.
    const local = localContent(d.decrypted_type, d.decrypted, input.relation_type);
    if (local) input.local_content = { ...input.local_content, ...local };
  } else if (d.error) {
    input.decryption_error = d.error;
  }
}

/** Malformed events from the network are dropped here rather than poisoning the store or the UI. */
export function isWellFormed(e: ClientEvent): boolean {
  return typeof e === 'object' && e !== null && typeof e.event_id === 'string' && e.event_id !== ''
    && typeof e.type === 'string' && typeof e.sender === 'string'
    && typeof e.content === 'object' && e.content !== null && !Array.isArray(e.content)
    && (e.state_key === undefined || typeof e.state_key === 'string');
}

export function toEventInput(roomId: string, raw: ClientEvent, ownUserId?: string): EventInput {
  const stripped = stripReplyFallback(raw.type, raw.content);
  const input: EventInput = {
    room_id: roomId,
    event_id: raw.event_id,
    sender: raw.sender,
    type: raw.type,
    timestamp: serverMillis(raw.origin_server_ts) ?? Date.now(),
    content: stripped ?? raw.content,
  };
  if (raw.state_key !== undefined) input.state_key = raw.state_key;
  if (raw.unsigned && typeof raw.unsigned === 'object') {
    input.unsigned = raw.unsigned;
    if (typeof raw.unsigned.transaction_id === 'string') input.transaction_id = raw.unsigned.transaction_id;
    const because = raw.unsigned.redacted_because;
    if (because && typeof because.event_id === 'string') input.redacted_by = because.event_id;
  }
  const rel = raw.content['m.relates_to'] as JSONObject | undefined;
  if (rel && typeof rel === 'object' && typeof rel.event_id === 'string' && typeof rel.rel_type === 'string') {
    input.relates_to = rel.event_id;
    input.relation_type = rel.rel_type;
  }
  const local = localContent(raw.type, input.content, input.relation_type);
  if (local) {
    if (stripped) local.reply_fallback_removed = true;
    input.local_content = local;
  }
  const unread = unreadType(input, ownUserId);
  if (unread) input.unread_type = unread;
  // A redacted event is not sticky (the redaction drops the field; a server may still say what was left).
  const sticky = input.redacted_by === undefined ? stickiness(raw, Date.now()) : undefined;
  if (sticky) {
    input.sticky_duration = sticky.duration;
    input.sticky_until = sticky.until;
  }
  return input;
}

/**
 * What every frontend renders a message from: sanitized HTML, or `was_plaintext` for a message without HTML. An
 * edit's local content is that of its new content (as gomuks does), so the edited text renders the same way.
 */
export function localContent(type: string, content: JSONObject, relationType?: string): LocalContent | undefined {
  if (type !== 'm.room.message') return undefined;
  const newContent = content['m.new_content'];
  const c = relationType === 'm.replace' && newContent && typeof newContent === 'object' && !Array.isArray(newContent)
    ? newContent : content;
  if (c.format === 'org.matrix.custom.html' && typeof c.formatted_body === 'string' && c.formatted_body !== '') {
    const lc: LocalContent = { sanitized_html: sanitizeMatrixHtml(c.formatted_body) };
    if (hasReplyFallback(c.formatted_body)) lc.reply_fallback_removed = true;
    return lc;
  }
  return { was_plaintext: true };
}

/**
 * A reply's plain-text fallback (the quoted lines starting with "> " and the blank line after them) taken out of
 * its body, as gomuks does at ingest, so that every frontend shows the reply without it. Undefined when there is
 * none. The HTML fallback (mx-reply) is left out of sanitized_html instead.
 */
export function stripReplyFallback(type: string, content: JSONObject): JSONObject | undefined {
  if ((type !== 'm.room.message' && type !== 'm.sticker') || !replyTarget(content)) return undefined;
  const body = content.body;
  if (typeof body !== 'string' || !body.startsWith('> ')) return undefined;
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i].startsWith('>')) i++;
  if (i >= lines.length || lines[i] !== '') return undefined;
  return { ...content, body: lines.slice(i + 1).join('\n') };
}
