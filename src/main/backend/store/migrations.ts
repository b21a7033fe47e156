/**
 * The database schema, as an append-only list of migrations. `PRAGMA user_version` records how many have run;
 * each runs in its own transaction, so a crash mid-upgrade leaves the previous version intact.
 */
import { migrationEventKey } from './migration-event-key.ts';
import { migrations1To10 } from './migrations-1-10.ts';

export const migrations: readonly string[] = [
  ...migrations1To10,
  // 11: /timestamp. The origin_server_ts a message asks for (the `ts` query parameter, honoured for application
  // services), kept with its outbox row so a retry after a restart asks for the same time.
  `
  ALTER TABLE outbox ADD COLUMN ts INTEGER;
  `,
  // 12: sticky events (MSC4354). Each event keeps its sticky duration (gomuks' sticky_duration) and when it stops
  // being sticky on our clock (the server's remaining time at receipt, authoritative for clients); the sync sets
  // sticky_until back to NULL once passed, so the partial index holds only the few events that are sticky now.
  // Events stored before kept only unsigned: their end is their timestamp plus what the server said was left plus
  // its age then (rows that do not mention stickiness are skipped by the LIKE before any JSON is parsed).
  `
  ALTER TABLE event ADD COLUMN sticky_duration INTEGER;
  ALTER TABLE event ADD COLUMN sticky_until INTEGER;
  UPDATE event SET
      sticky_duration = MIN(3600000, COALESCE(unsigned ->> '$.age', 0) + (unsigned ->> '$.msc4354_sticky_duration_ttl_ms')),
      sticky_until = timestamp + MIN(3600000, COALESCE(unsigned ->> '$.age', 0) + (unsigned ->> '$.msc4354_sticky_duration_ttl_ms'))
    WHERE unsigned LIKE '%msc4354_sticky_duration_ttl_ms%'
      AND typeof(unsigned ->> '$.msc4354_sticky_duration_ttl_ms') = 'integer'
      AND redacted_by IS NULL AND send_error IS NULL;
  CREATE INDEX event_sticky_until_idx ON event (sticky_until) WHERE sticky_until IS NOT NULL;
  `,
  // 13: the insert trigger of migration 10 goes too: the event store enqueues an undecryptable event's session as it
  // inserts (store/event-derived.ts). With any insert trigger on `event`, every insert paid for it, not only the rare
  // undecryptable one: without it the ingest of npm run bench's account needs 30-45% less CPU time. The update
  // trigger stays (decryption failing later is rare).
  `
  DROP TRIGGER session_request_on_insert;
  `,
  // 14: cheaper writes to the word index and the event table's indexes (issue 10); nothing a search, get_mentions or
  // an encrypted attachment's lookup needs goes. The word index merges its segments 16 at a time instead of 4 (FTS5's automerge; kept in its config table,
  // so a rebuild of event_search must set it again): each sync response writes a small segment and merging them in
  // fours rewrote every entry about twice as often. Over 50,000 messages in 100 commits that is ~15% of the index's
  // write cost, with as many segments at the end and the same search times (test/bench/search.bench.ts).
  // get_mentions' index holds only events with the highlight or sound bit (4, 8) instead of every unread one: with
  // the default push rules every message in a group room is unread (1|2), so the old index took an entry per
  // message; the highlight list (type 4) reads the new one, other bits scan (nothing asks for them).
  // The indexes of encrypted attachments (migration 10) hold only events that have such a URI instead of every
  // decrypted event (in an encrypted room, every message, each with a NULL key in both): their lookups by URI
  // (`expr = ?`, so the expression is not NULL) read them as before.
  `
  INSERT INTO event_search (event_search, rank) VALUES ('automerge', 16);
  DROP INDEX event_mention_idx;
  CREATE INDEX event_mention_idx ON event (timestamp DESC) WHERE unread_type >= 4;
  DROP INDEX event_file_url_idx;
  DROP INDEX event_thumbnail_file_url_idx;
  CREATE INDEX event_file_url_idx ON event (decrypted ->> '$.file.url') WHERE decrypted ->> '$.file.url' IS NOT NULL;
  CREATE INDEX event_thumbnail_file_url_idx ON event (decrypted ->> '$.info.thumbnail_file.url')
    WHERE decrypted ->> '$.info.thumbnail_file.url' IS NOT NULL;
  `,
  // 15: the timeline names its room by a small number (room_key) instead of the room ID. Its (room, rowid) index
  // takes an entry in each room a sync touches, so every page of it is rewritten by a sync spread over many rooms:
  // with the room ID in each entry it was most of the pages a sync writes (npm run bench's account: its 411 pages of
  // the 522 a response wrote); with a number it is half as large (287 pages a response). Room keys are never deleted
  // (a room left and joined again keeps its number).
  `
  CREATE TABLE room_key (
    nid     INTEGER PRIMARY KEY,
    room_id TEXT NOT NULL UNIQUE
  ) STRICT;
  INSERT INTO room_key (room_id) SELECT room_id FROM room UNION SELECT room_id FROM timeline;
  CREATE TABLE timeline_keyed (
    rowid       INTEGER PRIMARY KEY,
    room_nid    INTEGER NOT NULL,
    event_rowid INTEGER NOT NULL UNIQUE REFERENCES event (rowid) ON DELETE CASCADE
  ) STRICT;
  INSERT INTO timeline_keyed (rowid, room_nid, event_rowid)
    SELECT t.rowid, k.nid, t.event_rowid FROM timeline t JOIN room_key k ON k.room_id = t.room_id;
  DROP TABLE timeline;
  ALTER TABLE timeline_keyed RENAME TO timeline;
  CREATE INDEX timeline_room_idx ON timeline (room_nid, rowid);
  `,
  // 16: a message sent while its link previews were still loading (send_message's `pending_url_previews`) keeps, in
  // its outbox row, the links whose previews the backend fetches before sending it (a JSON array) and until when
  // (epoch ms) it waits for them; both NULL once it stopped waiting. After a restart it waits only what is left.
  `
  ALTER TABLE outbox ADD COLUMN preview_urls TEXT;
  ALTER TABLE outbox ADD COLUMN preview_until INTEGER;
  `,
  // 17: stored HTML sanitized again. HTML is sanitized once, at ingest (local_content.sanitized_html), so when the
  // sanitizer changes, messages already stored keep the old output until a pass (html/resanitize-stored.ts) runs
  // them through it again. Each row here is one such pass: the formatted bodies it concerns (a LIKE pattern over
  // content and decrypted) and the range of event rowids still to do, which the backend works through in small
  // transactions after opening the database; the row goes when the range is done. Events stored later were
  // sanitized by the new code already, so the range ends at the newest event now. This one: inline images (<img>
  // with an mxc:// source kept as data-mxc), which earlier builds stored as their alt text.
  `
  CREATE TABLE resanitize_pass (
    id         INTEGER PRIMARY KEY,
    pattern    TEXT NOT NULL,
    next_rowid INTEGER NOT NULL,
    last_rowid INTEGER NOT NULL
  ) STRICT;
  -- MIN and MAX each in their own query: together in one, SQLite would scan the table for them.
  INSERT INTO resanitize_pass (pattern, next_rowid, last_rowid)
    SELECT '%<img%', (SELECT MIN(rowid) FROM event), (SELECT MAX(rowid) FROM event) WHERE EXISTS (SELECT 1 FROM event);
  `,
  // 18: reactions in encrypted rooms are counted. Such a reaction is stored as m.room.encrypted, m.reaction only in
  // decrypted_type, so migration 6's redaction trigger (type = 'm.reaction') never took one back: our own, counted
  // from its cleartext local echo, stayed counted once redacted. Both triggers now read the decrypted type, and one
  // more counts a reaction decrypted late (its key, in m.relates_to, is in the clear). A local echo taking its
  // remote echo's fields is no such decryption (its old type was m.reaction, and it is counted already). Inserts
  // are counted by store/event-derived.ts. Reaction counts already stored are counted again.
  `
  DROP TRIGGER event_redact_count_reaction;
  CREATE TRIGGER event_redact_count_reaction
    AFTER UPDATE OF redacted_by ON event
    WHEN OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL AND COALESCE(NEW.decrypted_type, NEW.type) = 'm.reaction'
      AND NEW.relation_type = 'm.annotation'
  BEGIN
    -- The redaction pruned the content (and its key): count again from the reactions left.
    UPDATE event SET reactions = (
      SELECT json_group_object(k, n) FROM (
        SELECT r.content ->> '$."m.relates_to".key' AS k, COUNT(*) AS n FROM event r
        WHERE r.relates_to = event.event_id AND r.room_id = event.room_id AND COALESCE(r.decrypted_type, r.type) = 'm.reaction'
          AND r.relation_type = 'm.annotation' AND r.redacted_by IS NULL
          AND typeof(r.content ->> '$."m.relates_to".key') = 'text'
        GROUP BY 1))
    WHERE event_id = NEW.relates_to AND room_id = NEW.room_id;
  END;
  CREATE TRIGGER event_decrypt_count_reaction
    AFTER UPDATE OF decrypted_type ON event
    WHEN OLD.decrypted_type IS NULL AND OLD.type = 'm.room.encrypted' AND NEW.decrypted_type = 'm.reaction'
      AND NEW.relation_type = 'm.annotation' AND NEW.redacted_by IS NULL
      AND typeof(NEW.content ->> '$."m.relates_to".key') = 'text'
      AND NEW.content ->> '$."m.relates_to".key' NOT LIKE '%"%'
  BEGIN
    UPDATE event SET reactions = json_set(COALESCE(reactions, '{}'),
        '$.' || json_quote(NEW.content ->> '$."m.relates_to".key'),
        COALESCE(reactions ->> ('$.' || json_quote(NEW.content ->> '$."m.relates_to".key')), 0) + 1)
    WHERE event_id = NEW.relates_to AND room_id = NEW.room_id;
  END;
  UPDATE event SET reactions = (
      SELECT NULLIF(json_group_object(k, n), '{}') FROM (
        SELECT r.content ->> '$."m.relates_to".key' AS k, COUNT(*) AS n FROM event r
        WHERE r.relates_to = event.event_id AND r.room_id = event.room_id AND COALESCE(r.decrypted_type, r.type) = 'm.reaction'
          AND r.relation_type = 'm.annotation' AND r.redacted_by IS NULL
          AND typeof(r.content ->> '$."m.relates_to".key') = 'text'
        GROUP BY 1))
    WHERE event_id IN (SELECT relates_to FROM event WHERE type = 'm.room.encrypted' AND decrypted_type = 'm.reaction');
  `,
  // 19: a deleted encrypted message forgets its cleartext, its edits' too. A redaction pruned the ciphertext but kept
  // the decrypted copy, which the timeline then still showed; redactions now clear it (store/events.ts), and those
  // stored before are cleared here (the search index follows by trigger).
  `
  UPDATE event SET decrypted = NULL WHERE redacted_by IS NOT NULL AND decrypted IS NOT NULL;
  UPDATE event SET decrypted = NULL WHERE relation_type = 'm.replace' AND decrypted IS NOT NULL AND EXISTS (
    SELECT 1 FROM event target WHERE target.event_id = event.relates_to AND target.room_id = event.room_id
      AND target.redacted_by IS NOT NULL);
  `,
  // 20: an edit counts only if its type is its message's, both as decrypted (the spec's rule; the event store does
  // the same at insert, store/event-derived.ts, and after a late decryption, refreshRelations). Migration 6's
  // redaction trigger compared the types as sent: for a message sent in the clear, an encrypted edit
  // (m.room.encrypted) was never found to hand over to once the newer edit was deleted, and for an encrypted message
  // any encrypted event claiming m.replace was, a reaction as much as a real edit. A message decrypted after its
  // edits takes its latest edit again, since only now is its type known (an edit not decrypted yet matches only a
  // message not decrypted yet). The word index's view (migration 5) had no type check at all: a newer event of
  // another type, or one not decrypted, claiming m.replace hid the latest edit's text from search (it has no
  // m.new_content.body, so the message's first text was indexed). Stored latest edits and the index entries of
  // edited messages are computed again.
  `
  DROP TRIGGER event_redact_update_last_edit;
  CREATE TRIGGER event_redact_update_last_edit
    AFTER UPDATE OF redacted_by ON event
    WHEN OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL AND NEW.relation_type = 'm.replace'
      AND NEW.state_key IS NULL
  BEGIN
    UPDATE event SET last_edit_rowid = (
      SELECT edit.rowid FROM event edit
      WHERE edit.relates_to = event.event_id AND edit.relation_type = 'm.replace' AND edit.room_id = event.room_id
        AND COALESCE(edit.decrypted_type, edit.type) = COALESCE(event.decrypted_type, event.type)
        AND edit.sender = event.sender AND edit.redacted_by IS NULL AND edit.state_key IS NULL
      ORDER BY edit.timestamp DESC LIMIT 1)
    WHERE event_id = NEW.relates_to AND room_id = NEW.room_id AND last_edit_rowid = NEW.rowid;
  END;

  -- A remote echo taking its local echo's row is no decryption (the local echo's type was never m.room.encrypted).
  CREATE TRIGGER event_decrypt_update_last_edit
    AFTER UPDATE OF decrypted_type ON event
    WHEN OLD.decrypted_type IS NULL AND OLD.type = 'm.room.encrypted' AND NEW.decrypted_type IS NOT NULL
      AND NEW.state_key IS NULL AND (NEW.relation_type IS NULL OR NEW.relation_type NOT IN ('m.replace', 'm.annotation'))
  BEGIN
    UPDATE event SET last_edit_rowid = (
      SELECT edit.rowid FROM event edit
      WHERE edit.relates_to = NEW.event_id AND edit.relation_type = 'm.replace' AND edit.room_id = NEW.room_id
        AND COALESCE(edit.decrypted_type, edit.type) = NEW.decrypted_type
        AND edit.sender = NEW.sender AND edit.redacted_by IS NULL AND edit.state_key IS NULL
      ORDER BY edit.timestamp DESC LIMIT 1)
    WHERE rowid = NEW.rowid AND EXISTS (SELECT 1 FROM event r WHERE r.relates_to = NEW.event_id AND r.relation_type = 'm.replace');
  END;

  DROP VIEW event_search_source;
  CREATE VIEW event_search_source AS
    SELECT e.rowid AS rowid, COALESCE(
        (SELECT COALESCE(edit.decrypted, edit.content) ->> '$."m.new_content".body' FROM event edit
          WHERE edit.relates_to = e.event_id AND edit.relation_type = 'm.replace' AND edit.room_id = e.room_id
            AND COALESCE(edit.decrypted_type, edit.type) = COALESCE(e.decrypted_type, e.type)
            AND edit.sender = e.sender AND edit.redacted_by IS NULL AND edit.state_key IS NULL
          ORDER BY edit.timestamp DESC LIMIT 1),
        COALESCE(e.decrypted, e.content) ->> '$.body') AS body
    FROM event e
    WHERE COALESCE(e.decrypted_type, e.type) IN ('m.room.message', 'm.sticker') AND e.state_key IS NULL
      AND e.redacted_by IS NULL AND (e.relation_type IS NULL OR e.relation_type <> 'm.replace');

  CREATE TEMP TABLE edited AS SELECT DISTINCT t.rowid AS rowid FROM event edit JOIN event t ON t.event_id = edit.relates_to
    WHERE edit.relation_type = 'm.replace' AND t.room_id = edit.room_id
      AND (t.relation_type IS NULL OR t.relation_type NOT IN ('m.replace', 'm.annotation'));
  UPDATE event SET last_edit_rowid = (
      SELECT edit.rowid FROM event edit
      WHERE edit.relates_to = event.event_id AND edit.relation_type = 'm.replace' AND edit.room_id = event.room_id
        AND COALESCE(edit.decrypted_type, edit.type) = COALESCE(event.decrypted_type, event.type)
        AND edit.sender = event.sender AND edit.redacted_by IS NULL AND edit.state_key IS NULL
      ORDER BY edit.timestamp DESC LIMIT 1)
    WHERE rowid IN (SELECT rowid FROM edited) AND state_key IS NULL;
  DELETE FROM event_search WHERE rowid IN (SELECT rowid FROM edited);
  INSERT INTO event_search (rowid, body) SELECT rowid, body FROM event_search_source
    WHERE rowid IN (SELECT rowid FROM edited) AND typeof(body) = 'text' AND body <> '';
  DROP TABLE edited;
  `,
  // 21: room-list previews chosen again. Which event previews a room is a TypeScript rule (sync/preview-event.ts),
  // which SQL cannot run: rows stored by an older rule (a call never previewed a room; an encrypted event counted by
  // its outer type, so a call's candidates or a reaction could) keep their preview until the room's next event. This
  // row queues a pass (sync/preview-recheck.ts) that the backend works through after opening the database, in room ID
  // order, a slice of rooms per transaction: rooms after `after_room_id` are still to do; the row goes when done. A
  // new database has no rooms and queues nothing.
  `
  CREATE TABLE preview_recheck (
    after_room_id TEXT NOT NULL
  ) STRICT;
  INSERT INTO preview_recheck (after_room_id) SELECT '' WHERE EXISTS (SELECT 1 FROM room);
  `,
  // 22: what a sync changes in a room's row (its preview, sorting time and unread counts) moves to a narrow table of
  // its own, keyed by the room's number (room_key). A sync updates these in every room it touches; in the room row
  // SQLite rewrote the whole record (with its name, summary and creation content: about 200 bytes) found through
  // the room ID's index, and the commit wrote the room table's every page (26 of a response's 816 pages on npm run
  // bench's account). The room row keeps what changes with state, rarely. Every room row has its activity row
  // (RoomStore.ensure writes both, delete removes both).
  `
  CREATE TABLE room_activity (
    room_nid             INTEGER PRIMARY KEY,
    preview_event_rowid  INTEGER NOT NULL DEFAULT 0,
    sorting_timestamp    INTEGER NOT NULL DEFAULT 0,
    unread_highlights    INTEGER NOT NULL DEFAULT 0,
    unread_notifications INTEGER NOT NULL DEFAULT 0,
    unread_messages      INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  INSERT OR IGNORE INTO room_key (room_id) SELECT room_id FROM room;
  INSERT INTO room_activity (room_nid, preview_event_rowid, sorting_timestamp, unread_highlights, unread_notifications,
      unread_messages)
    SELECT k.nid, r.preview_event_rowid, r.sorting_timestamp, r.unread_highlights, r.unread_notifications, r.unread_messages
    FROM room r JOIN room_key k ON k.room_id = r.room_id;
  ALTER TABLE room DROP COLUMN preview_event_rowid;
  ALTER TABLE room DROP COLUMN sorting_timestamp;
  ALTER TABLE room DROP COLUMN unread_highlights;
  ALTER TABLE room DROP COLUMN unread_notifications;
  ALTER TABLE room DROP COLUMN unread_messages;
  `,
  // 23: events are found by an integer key of their ID, the ID's text index goes (store/migration-event-key.ts).
  migrationEventKey,
];

/**
 * Migrations that build a table again which other tables' foreign keys name: store/database.ts runs them with
 * foreign keys off (dropping the old table would otherwise delete the rows that name it) and checks the keys before
 * they commit.
 */
export const rebuildingMigrations: ReadonlySet<number> = new Set([23]);
