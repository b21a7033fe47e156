/** Events: stored once under an integer rowid, whatever path they arrived by (sync, pagination, local echo). */
import type Database from 'better-sqlite3';
import type { Event, JSONObject, LocalContent } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';
import { EventDerived } from './event-derived.ts';
import { eventKey, eventWithID, KEY_AND_ID } from './event-key.ts';
import { insertParams, insertShape, MAX_INSERT_SHAPES, type InsertShape } from './event-insert.ts';

export interface EventRow {
  rowid: number;
  timeline_rowid: number | null;
  room_id: string;
  event_id: string;
  sender: string;
  type: string;
  state_key: string | null;
  timestamp: number;
  content: string;
  decrypted: string | null;
  decrypted_type: string | null;
  unsigned: string | null;
  local_content: string | null;
  transaction_id: string | null;
  redacted_by: string | null;
  relates_to: string | null;
  relation_type: string | null;
  decryption_error: string | null;
  send_error: string | null;
  reactions: string | null;
  last_edit_rowid: number | null;
  unread_type: number;
  sticky_duration: number | null;
}

/**
 * The columns of an Event with its timeline_rowid; every read selects these so Events always look the same.
 * Each query supplies its own FROM clause, starting from the table its WHERE narrows (SQLite keeps the written
 * join order around a LEFT JOIN, and starting from `event` would scan it).
 */
export const EVENT_COLUMNS = `
  SELECT e.rowid, COALESCE(t.rowid, 0) AS timeline_rowid, e.room_id, e.event_id, e.sender, e.type, e.state_key,
         e.timestamp, e.content, e.decrypted, e.decrypted_type, e.unsigned, e.local_content, e.transaction_id,
         e.redacted_by, e.relates_to, e.relation_type, e.decryption_error, e.send_error, e.reactions, e.last_edit_rowid,
         e.unread_type, e.sticky_duration`;

export const EVENT_SELECT = `${EVENT_COLUMNS} FROM event e LEFT JOIN timeline t ON t.event_rowid = e.rowid`;

export function rowToEvent(r: EventRow): Event {
  const ev: Event = {
    rowid: r.rowid,
    timeline_rowid: r.timeline_rowid ?? 0,
    room_id: r.room_id,
    event_id: r.event_id,
    sender: r.sender,
    type: r.type,
    timestamp: r.timestamp,
    content: JSON.parse(r.content) as JSONObject,
    // gomuks always sends unsigned (a frontend may read unsigned.prev_content without a check).
    unsigned: r.unsigned !== null ? JSON.parse(r.unsigned) as JSONObject : {},
  };
  if (r.state_key !== null) ev.state_key = r.state_key;
  if (r.decrypted !== null) ev.decrypted = JSON.parse(r.decrypted) as JSONObject;
  if (r.decrypted_type !== null) ev.decrypted_type = r.decrypted_type;
  if (r.local_content !== null) ev.local_content = JSON.parse(r.local_content) as LocalContent;
  if (r.transaction_id !== null) ev.transaction_id = r.transaction_id;
  if (r.redacted_by !== null) ev.redacted_by = r.redacted_by;
  if (r.relates_to !== null) ev.relates_to = r.relates_to;
  if (r.relation_type !== null) ev.relation_type = r.relation_type;
  if (r.decryption_error !== null) ev.decryption_error = r.decryption_error;
  if (r.send_error !== null) ev.send_error = r.send_error;
  if (r.reactions !== null) ev.reactions = JSON.parse(r.reactions) as Record<string, number>;
  if (r.last_edit_rowid) ev.last_edit_rowid = r.last_edit_rowid;
  if (r.unread_type) ev.unread_type = r.unread_type;
  if (r.sticky_duration !== null) ev.sticky_duration_ms = r.sticky_duration;
  return ev;
}

/** What is written for a new or updated event; absent optional fields are stored as NULL. */
export interface EventInput {
  room_id: string;
  event_id: string;
  sender: string;
  type: string;
  state_key?: string;
  timestamp: number;
  content: JSONObject;
  decrypted?: JSONObject;
  decrypted_type?: string;
  decryption_error?: string;
  unsigned?: JSONObject;
  local_content?: LocalContent;
  transaction_id?: string;
  redacted_by?: string;
  relates_to?: string;
  relation_type?: string;
  send_error?: string;
  /** Bit flags (see Event.unread_type), decided at ingest. */
  unread_type?: number;
  /** MSC4354: the event's sticky duration, and when (local clock) it stops being sticky. */
  sticky_duration?: number;
  sticky_until?: number;
}

export class EventStore {
  private readonly db: DB;
  private readonly stmts;
  /** The search index, latest edits and reaction counts each insert changes. */
  private readonly derived: EventDerived;
  /** Insert statements by the set of columns they write (see runInsert). */
  private readonly insertShapes = new Map<number, InsertShape>();

  constructor(db: DB) {
    this.db = db;
    this.derived = new EventDerived(db);
    this.stmts = {
      byRowID: db.prepare<[number], EventRow>(`${EVENT_SELECT} WHERE e.rowid = ?`),
      // By event ID: bound to the ID's key and the ID (store/event-key.ts).
      byEventID: db.prepare<[number, string], EventRow>(`${EVENT_SELECT} WHERE e.rowid = (SELECT rowid FROM event WHERE ${KEY_AND_ID})`),
      // One statement for a whole diff's events instead of one lookup each.
      byRowIDs: db.prepare<[string], EventRow>(`${EVENT_COLUMNS} FROM json_each(?) j JOIN event e ON e.rowid = j.value
        LEFT JOIN timeline t ON t.event_rowid = e.rowid`),
      rowidByEventID: db.prepare<[number, string], number>(`SELECT rowid FROM event WHERE ${KEY_AND_ID}`).pluck(),
      roomOf: db.prepare<[number], string>('SELECT room_id FROM event WHERE rowid = ?').pluck(),
      keyHolder: db.prepare<[number], { rowid: number; event_id: string }>('SELECT rowid, event_id FROM event WHERE event_key = ?'),
      unkeyed: db.prepare<[string], number>('SELECT rowid FROM event WHERE event_key IS NULL AND event_id = ?').pluck(),
      rowidByTxn: db.prepare<[string], number>('SELECT rowid FROM event WHERE transaction_id = ?').pluck(),
      // A remote echo replaces the local echo's fields but keeps its rowid (and its transaction_id).
      update: db.prepare<[UpdateParams]>(`UPDATE event SET event_id = @event_id, event_key = @event_key, sender = @sender,
          type = @type, state_key = @state_key, timestamp = @timestamp, content = @content, unsigned = @unsigned, local_content = @local_content,
          redacted_by = COALESCE(@redacted_by, redacted_by), relates_to = @relates_to, relation_type = @relation_type,
          send_error = @send_error, decrypted = @decrypted, decrypted_type = @decrypted_type,
          decryption_error = @decryption_error, sticky_duration = @sticky_duration, sticky_until = @sticky_until
        WHERE rowid = @rowid`),
      setSendResult: db.prepare<[string, number | null, string | null, number]>(
        'UPDATE event SET event_id = ?, event_key = ?, send_error = ? WHERE rowid = ?'),
      // A local echo's content completed before it is sent (the link previews it waited for).
      setLocalEchoContent: db.prepare<[string, string | null, number]>('UPDATE event SET content = ?, local_content = ? WHERE rowid = ?'),
      // A redacted event is no longer sticky (MSC4354: `sticky` is not kept by redaction).
      // The cleartext of an encrypted event goes with its content (what was said is what a redaction removes); its
      // decrypted_type stays, so the event is still known as the message or reaction it was.
      redact: db.prepare<[string, string, number]>(`UPDATE event SET content = ?, redacted_by = ?, local_content = NULL,
          decrypted = NULL, sticky_duration = NULL, sticky_until = NULL WHERE rowid = ?`),
      // Its edits' cleartext too: the words of a deleted message are gone in every version (the edits stay, as
      // their ciphertext and relation, since the server keeps them and they count for nothing now).
      forgetEditsCleartext: db.prepare<[number, number]>(`UPDATE event SET decrypted = NULL
        WHERE relates_to = (SELECT event_id FROM event WHERE rowid = ?) AND relation_type = 'm.replace'
          AND room_id = (SELECT room_id FROM event WHERE rowid = ?) AND decrypted IS NOT NULL`),
      // Edits and reactions of a set of events (a page of history), for paginate's related_events.
      related: db.prepare<[string, string], EventRow>(`${EVENT_COLUMNS} FROM json_each(?) j JOIN event e ON e.relates_to = j.value
        LEFT JOIN timeline t ON t.event_rowid = e.rowid
        WHERE e.room_id = ? AND e.relation_type IN ('m.replace', 'm.annotation')`),
      byEventIDs: db.prepare<[string], EventRow>(`${EVENT_COLUMNS} FROM json_each(?) j JOIN event e ON ${eventWithID('j.value', 'e.')}
        LEFT JOIN timeline t ON t.event_rowid = e.rowid`),
      // Events stored after their reactions and edits (history arrives newest first), and the target of an edit
      // decrypted late: count them now. An edit's type must be its message's, both as decrypted (as at insert,
      // store/event-derived.ts): an encrypted edit of a message sent before the room was encrypted is m.room.message
      // only once decrypted, and one that decrypts to another type (a reaction claiming m.replace) is no edit,
      // though it was sent as m.room.encrypted like an encrypted message.
      refreshRelations: db.prepare<[string]>(`UPDATE event SET
          reactions = (SELECT NULLIF(json_group_object(k, n), '{}') FROM (
            SELECT r.content ->> '$."m.relates_to".key' AS k, COUNT(*) AS n FROM event r
            WHERE r.relates_to = event.event_id AND r.room_id = event.room_id AND COALESCE(r.decrypted_type, r.type) = 'm.reaction'
              AND r.relation_type = 'm.annotation' AND r.redacted_by IS NULL
              AND typeof(r.content ->> '$."m.relates_to".key') = 'text'
            GROUP BY 1)),
          last_edit_rowid = (SELECT edit.rowid FROM event edit
            WHERE edit.relates_to = event.event_id AND edit.relation_type = 'm.replace' AND edit.room_id = event.room_id
              AND COALESCE(edit.decrypted_type, edit.type) = COALESCE(event.decrypted_type, event.type)
              AND edit.sender = event.sender AND edit.redacted_by IS NULL AND edit.state_key IS NULL
            ORDER BY edit.timestamp DESC LIMIT 1)
        WHERE rowid IN (SELECT value FROM json_each(?))
          AND (relation_type IS NULL OR relation_type NOT IN ('m.replace', 'm.annotation'))
          AND EXISTS (SELECT 1 FROM event r WHERE r.relates_to = event.event_id)`),
    };
  }

  get(rowid: number): Event | undefined {
    const r = this.stmts.byRowID.get(rowid);
    return r && rowToEvent(r);
  }

  getByEventID(eventId: string): Event | undefined {
    const r = this.stmts.byEventID.get(eventKey(eventId), eventId);
    return r && rowToEvent(r);
  }

  rowidByEventID(eventId: string): number | undefined {
    return this.stmts.rowidByEventID.get(eventKey(eventId), eventId);
  }

  /** The room of the stored event `rowid`. */
  roomOf(rowid: number): string | undefined {
    return this.stmts.roomOf.get(rowid);
  }

  rowidByTransactionID(txnId: string): number | undefined {
    return this.stmts.rowidByTxn.get(txnId);
  }

  /** The events with these rowids, in the order given (missing ones skipped). */
  getMany(rowids: Iterable<number>): Event[] {
    const ids = [...rowids];
    if (ids.length === 0) return [];
    const byId = new Map<number, Event>();
    for (const r of this.stmts.byRowIDs.all(JSON.stringify(ids))) byId.set(r.rowid, rowToEvent(r));
    const out: Event[] = [];
    for (const id of ids) {
      const ev = byId.get(id);
      if (ev) out.push(ev);
    }
    return out;
  }

  /** The stored edits and reactions of these events. */
  related(roomId: string, eventIds: string[]): Event[] {
    if (eventIds.length === 0) return [];
    return this.stmts.related.all(JSON.stringify(eventIds), roomId).map(rowToEvent);
  }

  /** The stored events with these event IDs (any order; unknown ones skipped). */
  getManyByEventID(eventIds: string[]): Event[] {
    if (eventIds.length === 0) return [];
    return this.stmts.byEventIDs.all(JSON.stringify(eventIds)).map(rowToEvent);
  }

  /**
   * Recounts reactions and finds the latest edit of these events: for events stored after their relations, and for
   * the target of an edit decrypted late.
   */
  refreshRelations(rowids: number[]): void {
    if (rowids.length) this.stmts.refreshRelations.run(JSON.stringify(rowids));
  }

  insert(ev: EventInput): number {
    const rowid = this.insertKeyed(ev);
    if (rowid === undefined) throw new Error(`The event ${ev.event_id} is stored already.`);
    this.derived.inserted(rowid, ev);
    return rowid;
  }

  /** Inserts an event unless one with its event_id is stored; returns the new rowid, or undefined if it was known. */
  insertIfNew(ev: EventInput): number | undefined {
    const rowid = this.insertKeyed(ev);
    if (rowid !== undefined) this.derived.inserted(rowid, ev);
    return rowid;
  }

  /**
   * Inserts the event under its ID's key, or returns undefined if it is stored. A free key means a new event (see
   * store/event-key.ts); a taken one is looked into, which is rare: the event again (a sync repeating it, history
   * overlapping), or another event whose ID shares the key, and then this one is stored without a key.
   */
  private insertKeyed(ev: EventInput): number | undefined {
    const key = eventKey(ev.event_id);
    const r = this.runInsert(ev, key);
    if (r.changes) return Number(r.lastInsertRowid);
    if (this.stmts.keyHolder.get(key)?.event_id === ev.event_id || this.stmts.unkeyed.get(ev.event_id) !== undefined) return undefined;
    return Number(this.runInsert(ev, null).lastInsertRowid);
  }

  /** The key an event `rowid` with this ID takes: the ID's key, or none when an event with another ID holds it. */
  private keyFor(eventId: string, rowid: number): number | null {
    const key = eventKey(eventId);
    const holder = this.stmts.keyHolder.get(key);
    // An event with this ID in another row keeps the key, and the update fails on it, as it must.
    return holder === undefined || holder.rowid === rowid || holder.event_id === eventId ? key : null;
  }

  update(rowid: number, ev: EventInput): void {
    const [, event_id, sender, type, state_key, timestamp, content, unsigned, local_content, , redacted_by,
      relates_to, relation_type, send_error, decrypted, decrypted_type, decryption_error, , sticky_duration,
      sticky_until] = insertParams(ev);
    this.stmts.update.run({
      rowid, event_id, event_key: this.keyFor(event_id, rowid), sender, type, state_key, timestamp, content, unsigned,
      local_content, redacted_by, relates_to, relation_type, send_error, decrypted, decrypted_type, decryption_error, sticky_duration, sticky_until,
    });
  }

  /**
   * Writes only the columns the event has a value for, with a statement prepared once per set of columns (an event
   * from sync has 9 to 12 of the 21, its key included; the others are NULL, the table's default): binding a dozen
   * NULLs to every insert cost about a tenth of the insert. Positional parameters, as binding an array is cheaper
   * than looking up named ones. Nothing is written when another event holds `key` (changes = 0); with no key (null), nothing stops it.
   */
  private runInsert(ev: EventInput, key: number | null): Database.RunResult {
    const params = insertParams(ev, key);
    let mask = 0;
    for (let i = 0; i < params.length; i++) if (params[i] !== null) mask |= 1 << i;
    const shapes = this.insertShapes;
    let shape = shapes.get(mask);
    if (!shape) {
      shape = insertShape(this.db, mask);
      if (shapes.size < MAX_INSERT_SHAPES) shapes.set(mask, shape);
    }
    const args = shape.args;
    for (let i = 0, j = 0; i < params.length; i++) if (mask & (1 << i)) args[j++] = params[i];
    return shape.stmt.run(...args);
  }

  setSendResult(rowid: number, eventId: string, sendError: string | null): void {
    this.stmts.setSendResult.run(eventId, this.keyFor(eventId, rowid), sendError, rowid);
  }

  /** Replaces a local echo's content and local_content (it is not sent yet, so nothing derived from it changes). */
  setLocalEchoContent(rowid: number, content: JSONObject, localContent: LocalContent | undefined): void {
    this.stmts.setLocalEchoContent.run(JSON.stringify(content), localContent ? JSON.stringify(localContent) : null, rowid);
  }

  redact(rowid: number, prunedContent: JSONObject, redactedBy: string): void {
    this.stmts.redact.run(JSON.stringify(prunedContent), redactedBy, rowid);
    this.stmts.forgetEditsCleartext.run(rowid, rowid);
  }

  /** Forgets what was read (EventDerived's orphan edits): after a rolled-back transaction. */
  forgetCached(): void {
    this.derived.forgetCached();
  }

  /** All statements of this store run on the caller's transaction; this is only for tests and tools. */
  get database(): DB {
    return this.db;
  }
}

/**
 * The Event a just-inserted input reads back as, built without reading it back: the same fields rowToEvent gives
 * (the columns an insert leaves at their defaults are absent). `timeline_rowid` is 0 until it is placed.
 */
export function insertedEvent(rowid: number, ev: EventInput): Event {
  const out: Event = {
    rowid,
    timeline_rowid: 0,
    room_id: ev.room_id,
    event_id: ev.event_id,
    sender: ev.sender,
    type: ev.type,
    timestamp: ev.timestamp,
    content: ev.content,
    unsigned: ev.unsigned ?? {},
  };
  if (ev.state_key !== undefined) out.state_key = ev.state_key;
  if (ev.local_content) out.local_content = ev.local_content;
  if (ev.transaction_id !== undefined) out.transaction_id = ev.transaction_id;
  if (ev.redacted_by !== undefined) out.redacted_by = ev.redacted_by;
  if (ev.relates_to !== undefined) out.relates_to = ev.relates_to;
  if (ev.relation_type !== undefined) out.relation_type = ev.relation_type;
  if (ev.send_error !== undefined) out.send_error = ev.send_error;
  if (ev.decrypted) out.decrypted = ev.decrypted;
  if (ev.decrypted_type !== undefined) out.decrypted_type = ev.decrypted_type;
  if (ev.decryption_error !== undefined) out.decryption_error = ev.decryption_error;
  if (ev.unread_type) out.unread_type = ev.unread_type;
  if (ev.sticky_duration !== undefined) out.sticky_duration_ms = ev.sticky_duration;
  return out;
}

interface UpdateParams {
  rowid: number; event_id: string; event_key: number | null; sender: string; type: string; state_key: string | null; timestamp: number;
  content: string; unsigned: string | null; local_content: string | null; redacted_by: string | null;
  relates_to: string | null; relation_type: string | null; send_error: string | null;
  decrypted: string | null; decrypted_type: string | null; decryption_error: string | null;
  sticky_duration: number | null; sticky_until: number | null;
}
