/**
 * Stores one event from the server, whichever way it came (sync timeline, sync state, /messages): derived fields
 * (sanitized HTML, relation) are computed here once, and a remote echo of our own send lands on the local echo's
 * row via its transaction ID.
 */
import type { Event, JSONObject, LocalContent, SenderProfile } from '../../../shared/rpc/index.ts';
import { hasReplyFallback, sanitizeMatrixHtml } from '../html/sanitize.ts';
import type { ClientEvent } from '../matrix/types.ts';
import { insertedEvent, type EventInput } from '../store/events.ts';
import type { Store } from '../store/store.ts';
import type { Decryption } from './prepared.ts';
import { redactContent } from './redaction.ts';

export interface IngestResult {
  rowid: number;
  /** Rowids of other stored events this one changed (a redaction's target). */
  touched: number[];
  /** The event as stored, when this call inserted it (then it need not be read back for the diff). */
  inserted?: Event;
}

/**
 * `profile`: the sender's member content at this event, when the caller knows it (history walks its chunk); by
 * default the room's member state as stored now, which is the state at the event for /sync timelines, applied in
 * order. Kept in local_content.sender_profile for events that show a sender (not state events). `decryption`: the
 * outcome of decrypting an m.room.encrypted event (the sync loop's prepare step), stored beside the ciphertext.
 */
export function ingestEvent(store: Store, roomId: string, raw: ClientEvent, profile?: JSONObject,
  decryption?: Decryption): IngestResult | undefined {
  if (!isWellFormed(raw)) return undefined;
  const input = toEventInput(roomId, raw);
  if (decryption) withDecryption(input, decryption);
  if (raw.state_key === undefined) {
    const sp = senderProfile(profile ?? store.state.get(roomId, 'm.room.member', raw.sender)?.content);
    if (sp) input.local_content = { ...input.local_content, sender_profile: sp };
  }
  const touched: number[] = [];
  let rowid: number | undefined;
  let inserted: Event | undefined;
  if (input.transaction_id) {
    // Possibly the remote echo of our own send: it takes over the local echo's row.
    rowid = store.events.rowidByEventID(raw.event_id);
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
  }

  if (raw.type === 'm.room.redaction') {
    const target = typeof raw.content.redacts === 'string' ? raw.content.redacts : raw.redacts;
    const targetRowid = target ? store.events.rowidByEventID(target) : undefined;
    if (targetRowid !== undefined) {
      const old = store.events.get(targetRowid);
      if (old && !old.redacted_by) {
        store.events.redact(targetRowid, redactContent(old.type, old.content), raw.event_id);
        touched.push(targetRowid);
      }
    }
  }
  return inserted ? { rowid, touched, inserted } : { rowid, touched };
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
    const local = localContent(d.decrypted_type, d.decrypted);
    if (local) input.local_content = { ...input.local_content, ...local };
  } else if (d.error) {
    input.decryption_error = d.error;
  }
}

/** Malformed events from the network are dropped here rather than poisoning the store or the UI. */
function isWellFormed(e: ClientEvent): boolean {
  return typeof e === 'object' && e !== null && typeof e.event_id === 'string' && e.event_id !== ''
    && typeof e.type === 'string' && typeof e.sender === 'string'
    && typeof e.content === 'object' && e.content !== null && !Array.isArray(e.content)
    && (e.state_key === undefined || typeof e.state_key === 'string');
}

export function toEventInput(roomId: string, raw: ClientEvent): EventInput {
  const input: EventInput = {
    room_id: roomId,
    event_id: raw.event_id,
    sender: raw.sender,
    type: raw.type,
    timestamp: typeof raw.origin_server_ts === 'number' ? raw.origin_server_ts : Date.now(),
    content: raw.content,
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
  const local = localContent(raw.type, raw.content);
  if (local) input.local_content = local;
  return input;
}

export function localContent(type: string, content: JSONObject): LocalContent | undefined {
  if (type !== 'm.room.message') return undefined;
  if (content.format === 'org.matrix.custom.html' && typeof content.formatted_body === 'string') {
    const lc: LocalContent = { sanitized_html: sanitizeMatrixHtml(content.formatted_body) };
    if (hasReplyFallback(content.formatted_body)) lc.reply_fallback_removed = true;
    return lc;
  }
  return undefined;
}
