/**
 * What storing a new event changes besides its own row: its words in the search index (event_search), for an edit
 * or a reaction, its target's latest edit or reaction counts, and for an event that could not be decrypted, its
 * megolm session in the `session_request` queue. SQLite triggers did this until migrations 9 and 12; they cost more
 * than the insert itself (a trigger program per insert, and the search view re-reading the row just written), while
 * here the event is at hand. Every insert goes through EventStore, which calls this.
 * Updates and deletes (redactions, decryption later, forgetting a room) are still kept by the triggers of
 * migrations 5, 6, 10 and 18: they are rare.
 */
import type { DB } from './database.ts';
import { eventKey, eventWithID, KEY_AND_ID } from './event-key.ts';
import type { EventInput } from './events.ts';

/** Message types whose body is searchable (as event_search_source in migration 5). */
const SEARCHABLE = new Set(['m.room.message', 'm.sticker']);

export class EventDerived {
  private readonly stmts;
  /**
   * Event IDs that a stored edit (m.replace) names but that were not stored when it was: the only events that can
   * arrive with an edit already stored (history walks backwards, an edit can come before its message), so the only
   * ones whose search entry must come through the view. Asking SQLite instead for every new message cost about a
   * tenth of a second per 50,000 messages. Loaded from the database on first use; an entry is dropped once its event
   * is stored. Extra entries (an edit forgotten with its room) only cost that query again; a rolled-back transaction
   * clears the set (Store.transaction), since it may have dropped entries whose events were not stored after all.
   */
  private orphans: Set<string> | undefined;

  constructor(db: DB) {
    this.stmts = {
      index: db.prepare<[number, string]>('INSERT INTO event_search (rowid, body) VALUES (?, ?)'),
      // Through the view, which finds a message's newest edit: for a message whose edit is stored before it (history
      // walks backwards), and for an edit's target.
      indexFromSource: db.prepare<[number]>(`INSERT INTO event_search (rowid, body) SELECT rowid, body FROM event_search_source
        WHERE rowid = ? AND typeof(body) = 'text' AND body <> ''`),
      unindex: db.prepare<[number]>('DELETE FROM event_search WHERE rowid = ?'),
      hasEdit: db.prepare<[string], number>(`SELECT 1 FROM event WHERE relates_to = ? AND relation_type = 'm.replace' LIMIT 1`).pluck(),
      // The event being stored when the set is first needed is not counted as stored: it is the one asking.
      orphanTargets: db.prepare<[number], string>(`SELECT DISTINCT e.relates_to FROM event e
        WHERE e.relation_type = 'm.replace' AND e.relates_to IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM event t WHERE ${eventWithID('e.relates_to', 't.')} AND t.rowid <> ?)`).pluck(),
      rowidByEventID: db.prepare<[number, string], number>(`SELECT rowid FROM event WHERE ${KEY_AND_ID}`).pluck(),
      // An edit's type must be its message's (the spec's rule), each as decrypted: an encrypted m.reaction (or any
      // other type) claiming m.replace is no edit of an encrypted message, though both were sent as
      // m.room.encrypted. Our own edit's local echo in an encrypted room is stored as the m.room.message it is before
      // it goes out encrypted, and matches its message's decrypted type. An edit or message not decrypted yet is
      // m.room.encrypted here, so it matches only another one not decrypted; decryption later compares again
      // (refreshRelations, and migration 20's trigger for a message decrypted after its edit).
      lastEdit: db.prepare<[number, number, string, string, string, string, number]>(`UPDATE event SET last_edit_rowid = ?
        WHERE ${KEY_AND_ID} AND room_id = ? AND COALESCE(decrypted_type, type) = ? AND sender = ?
          AND state_key IS NULL
          AND (relation_type IS NULL OR relation_type NOT IN ('m.replace', 'm.annotation'))
          AND ? > COALESCE((SELECT prev.timestamp FROM event prev WHERE prev.rowid = event.last_edit_rowid), 0)`),
      // The path is bound twice (positional parameters only: better-sqlite3 takes ?NNN for named ones).
      // As the trigger of migration 10 did (session_request_on_update still does it for updates).
      enqueueSession: db.prepare<[string, string, string]>(`INSERT INTO session_request (session_id, room_id, sender, created_at)
        VALUES (?, ?, ?, CAST(unixepoch('subsec') * 1000 AS INTEGER)) ON CONFLICT (session_id) DO NOTHING`),
      countReaction: db.prepare<[string, string, number, string, string]>(`UPDATE event SET reactions = json_set(COALESCE(reactions, '{}'),
          ?, COALESCE(reactions ->> ?, 0) + 1)
        WHERE ${KEY_AND_ID} AND room_id = ?`),
    };
  }

  /** After inserting `ev` as `rowid`. */
  inserted(rowid: number, ev: EventInput): void {
    if (ev.decryption_error !== undefined && typeof ev.content.session_id === 'string') {
      this.stmts.enqueueSession.run(ev.content.session_id, ev.room_id, ev.sender);
    }
    if (ev.relation_type === 'm.replace' && ev.relates_to !== undefined) {
      const orphans = this.orphanTargets(rowid);
      if (!orphans.has(ev.relates_to) && this.stmts.rowidByEventID.get(eventKey(ev.relates_to), ev.relates_to) === undefined) orphans.add(ev.relates_to);
    }
    if (ev.state_key === undefined && SEARCHABLE.has(ev.decrypted_type ?? ev.type)) this.search(rowid, ev);
    if (ev.redacted_by !== undefined || ev.relates_to === undefined) return;
    if (ev.relation_type === 'm.replace') {
      if (ev.state_key !== undefined) return;
      this.stmts.lastEdit.run(rowid, eventKey(ev.relates_to), ev.relates_to, ev.room_id, ev.decrypted_type ?? ev.type, ev.sender, ev.timestamp);
    } else if ((ev.decrypted_type ?? ev.type) === 'm.reaction' && ev.relation_type === 'm.annotation') {
      // An encrypted reaction counts once decrypted; its relation (with the key) is in the clear, as the spec has it.
      const rel = ev.content['m.relates_to'];
      const key = rel && typeof rel === 'object' && !Array.isArray(rel) ? rel.key : undefined;
      // A key with a double quote cannot be a JSON path segment here; such reactions are not counted (as before).
      if (typeof key === 'string' && !key.includes('"')) {
        const path = `$.${JSON.stringify(key)}`;
        this.stmts.countReaction.run(path, path, eventKey(ev.relates_to), ev.relates_to, ev.room_id);
      }
    }
  }

  /** Forgets the orphan edits' targets (see `orphans`): after a rolled-back transaction. */
  forgetCached(): void {
    this.orphans = undefined;
  }

  /** The set, read from the database on first use, while `current` (just inserted) is being stored. */
  private orphanTargets(current: number): Set<string> {
    return this.orphans ??= new Set(this.stmts.orphanTargets.all(current));
  }

  private search(rowid: number, ev: EventInput): void {
    if (ev.relation_type === 'm.replace') {
      // An edit is not indexed itself; its message's text changes.
      const target = ev.relates_to === undefined ? undefined : this.stmts.rowidByEventID.get(eventKey(ev.relates_to), ev.relates_to);
      if (target === undefined) return;
      this.stmts.unindex.run(target);
      this.stmts.indexFromSource.run(target);
      return;
    }
    if (ev.redacted_by !== undefined) return;
    // Only an event some stored edit was waiting for can have one; it is stored now, so it waits no more.
    if (this.orphanTargets(rowid).delete(ev.event_id) && this.stmts.hasEdit.get(ev.event_id) !== undefined) {
      this.stmts.indexFromSource.run(rowid);
      return;
    }
    const body = (ev.decrypted ?? ev.content).body;
    if (typeof body === 'string' && body !== '') this.stmts.index.run(rowid, body);
  }
}
