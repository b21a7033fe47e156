/**
 * Stores one event from the server, whichever way it came (sync timeline, sync state, /messages): derived fields
 * (sanitized HTML, relation) are computed here once, and a remote echo of our own send lands on the local echo's
 * row via its transaction ID.
 */
import type { Event, JSONObject, LocalContent } from '../../../shared/rpc/index.ts';
import { hasReplyFallback, sanitizeMatrixHtml } from '../html/sanitize.ts';
import type { ClientEvent } from '../matrix/types.ts';
import { insertedEvent, type EventInput } from '../store/events.ts';
import type { Store } from '../store/store.ts';
import { redactContent } from './redaction.ts';

export interface IngestResult {
  rowid: number;
  /** Rowids of other stored events this one changed (a redaction's target). */
  touched: number[];
  /** The event as stored, when this call inserted it (then it need not be read back for the diff). */
  inserted?: Event;
}

export function ingestEvent(store: Store, roomId: string, raw: ClientEvent): IngestResult | undefined {
  if (!isWellFormed(raw)) return undefined;
  const input = toEventInput(roomId, raw);
  const touched: number[] = [];
  let rowid: number | undefined;
  let inserted: Event | undefined;
  if (input.transaction_id) {
    // Possibly the remote echo of our own send: it takes over the local echo's row.
    rowid = store.events.rowidByEventID(raw.event_id);
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
