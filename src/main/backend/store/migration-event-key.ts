/**
 * Migration 23 (store/migrations.ts lists them all): events are found by an integer key of their ID (store/event-key.ts)
 * instead of the ID's text. Frozen history: a change to the schema is a new migration, never an edit here.
 *
 * The event ID's UNIQUE index was most of what a sync response wrote to the database: event IDs are random, so every
 * insert dirtied another leaf page, and its 48-byte text entries filled pages fast (about 490 of the 790 pages of a
 * 500-event response on npm run bench's account). An inline UNIQUE cannot be dropped, so the table is built again
 * (SQLite's 12-step procedure: store/database.ts runs this migration with foreign keys off and checks them before it
 * commits, so dropping the old table does not cascade to the timeline, state and outbox rows that name events).
 * Rowids are kept, and with them every reference and the word index. Every index and trigger of the event table is
 * made again: the three triggers that found an event by ID (`event_id = NEW.relates_to`) find it through the key.
 * Two stored events whose IDs share a key: the first (by rowid) keeps it, the other is stored without one.
 */
export const migrationEventKey = `
  CREATE TABLE event_keyed (
    rowid            INTEGER PRIMARY KEY,
    room_id          TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    -- event_key(event_id), or NULL when another event holds that key (see store/event-key.ts).
    event_key        INTEGER UNIQUE,
    sender           TEXT NOT NULL,
    type             TEXT NOT NULL,
    state_key        TEXT,
    timestamp        INTEGER NOT NULL,
    content          TEXT NOT NULL,
    decrypted        TEXT,
    decrypted_type   TEXT,
    unsigned         TEXT,
    local_content    TEXT,
    transaction_id   TEXT,
    redacted_by      TEXT,
    relates_to       TEXT,
    relation_type    TEXT,
    decryption_error TEXT,
    send_error       TEXT,
    unread_type      INTEGER NOT NULL DEFAULT 0,
    reactions        TEXT,
    last_edit_rowid  INTEGER,
    sticky_duration  INTEGER,
    sticky_until     INTEGER
  ) STRICT;
  INSERT INTO event_keyed (rowid, room_id, event_id, event_key, sender, type, state_key, timestamp, content, decrypted,
      decrypted_type, unsigned, local_content, transaction_id, redacted_by, relates_to, relation_type, decryption_error,
      send_error, unread_type, reactions, last_edit_rowid, sticky_duration, sticky_until)
    SELECT rowid, room_id, event_id, event_key(event_id), sender, type, state_key, timestamp, content, decrypted,
      decrypted_type, unsigned, local_content, transaction_id, redacted_by, relates_to, relation_type, decryption_error,
      send_error, unread_type, reactions, last_edit_rowid, sticky_duration, sticky_until
    FROM event WHERE true
    ON CONFLICT (event_key) DO NOTHING;
  INSERT INTO event_keyed (rowid, room_id, event_id, sender, type, state_key, timestamp, content, decrypted,
      decrypted_type, unsigned, local_content, transaction_id, redacted_by, relates_to, relation_type, decryption_error,
      send_error, unread_type, reactions, last_edit_rowid, sticky_duration, sticky_until)
    SELECT rowid, room_id, event_id, sender, type, state_key, timestamp, content, decrypted,
      decrypted_type, unsigned, local_content, transaction_id, redacted_by, relates_to, relation_type, decryption_error,
      send_error, unread_type, reactions, last_edit_rowid, sticky_duration, sticky_until
    FROM event WHERE rowid NOT IN (SELECT rowid FROM event_keyed);

  -- The view names the table: SQLite refuses to rename a table while a view names one that is missing.
  DROP VIEW event_search_source;
  DROP TABLE event;
  ALTER TABLE event_keyed RENAME TO event;

  -- Only local echoes have a transaction ID: a partial index has no entry for every other event (a UNIQUE column's
  -- index had one, a NULL, for each).
  CREATE UNIQUE INDEX event_transaction_id_idx ON event (transaction_id) WHERE transaction_id IS NOT NULL;
  -- The events stored without a key, found by their ID (no entries while no two IDs share a key).
  CREATE UNIQUE INDEX event_unkeyed_id_idx ON event (event_id) WHERE event_key IS NULL;
  CREATE INDEX event_relates_idx ON event (relates_to) WHERE relates_to IS NOT NULL;
  CREATE INDEX event_failed_session_idx ON event (content ->> '$.session_id') WHERE decryption_error IS NOT NULL;
  CREATE INDEX event_sticky_until_idx ON event (sticky_until) WHERE sticky_until IS NOT NULL;
  CREATE INDEX event_mention_idx ON event (timestamp DESC) WHERE unread_type >= 4;
  CREATE INDEX event_file_url_idx ON event (decrypted ->> '$.file.url') WHERE decrypted ->> '$.file.url' IS NOT NULL;
  CREATE INDEX event_thumbnail_file_url_idx ON event (decrypted ->> '$.info.thumbnail_file.url')
    WHERE decrypted ->> '$.info.thumbnail_file.url' IS NOT NULL;

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

  -- The invariant of store/event-key.ts: an event without a key has another event holding its ID's key. When that
  -- event goes (deleted, or its ID changed: a local echo taking its remote echo's ID), one keyless event whose ID has
  -- its key takes the key over. The EXISTS is one search of the key's index, and finds nothing nearly always.
  CREATE TRIGGER event_key_release_on_delete AFTER DELETE ON event
    WHEN OLD.event_key IS NOT NULL AND EXISTS (SELECT 1 FROM event WHERE event_key IS NULL)
  BEGIN
    UPDATE event SET event_key = OLD.event_key
    WHERE rowid = (SELECT rowid FROM event WHERE event_key IS NULL AND event_key(event_id) = OLD.event_key LIMIT 1);
  END;
  CREATE TRIGGER event_key_release_on_rekey AFTER UPDATE OF event_key ON event
    WHEN OLD.event_key IS NOT NULL AND OLD.event_key IS NOT NEW.event_key
      AND EXISTS (SELECT 1 FROM event WHERE event_key IS NULL)
  BEGIN
    UPDATE event SET event_key = OLD.event_key
    WHERE rowid = (SELECT rowid FROM event WHERE event_key IS NULL AND event_key(event_id) = OLD.event_key LIMIT 1);
  END;

  -- As migration 5 made it, the edit's target found through the key.
  CREATE TRIGGER event_search_update AFTER UPDATE OF content, decrypted, decrypted_type, redacted_by ON event
    WHEN COALESCE(NEW.decrypted_type, NEW.type) IN ('m.room.message', 'm.sticker') AND NEW.state_key IS NULL
  BEGIN
    DELETE FROM event_search WHERE rowid = NEW.rowid;
    INSERT INTO event_search (rowid, body) SELECT rowid, body FROM event_search_source
      WHERE rowid = NEW.rowid AND typeof(body) = 'text' AND body <> '';
    DELETE FROM event_search WHERE NEW.relation_type = 'm.replace' AND rowid = (SELECT rowid FROM event
      WHERE (event_key = event_key(NEW.relates_to) OR event_key IS NULL) AND event_id = NEW.relates_to);
    INSERT INTO event_search (rowid, body) SELECT rowid, body FROM event_search_source
      WHERE NEW.relation_type = 'm.replace' AND rowid = (SELECT rowid FROM event
          WHERE (event_key = event_key(NEW.relates_to) OR event_key IS NULL) AND event_id = NEW.relates_to)
        AND typeof(body) = 'text' AND body <> '';
  END;
  -- As migration 5 made it.
  CREATE TRIGGER event_search_delete AFTER DELETE ON event
    WHEN COALESCE(OLD.decrypted_type, OLD.type) IN ('m.room.message', 'm.sticker')
  BEGIN
    DELETE FROM event_search WHERE rowid = OLD.rowid;
  END;
  -- As migration 10 made it.
  CREATE TRIGGER session_request_on_update AFTER UPDATE OF decryption_error ON event
    WHEN NEW.decryption_error IS NOT NULL AND OLD.decryption_error IS NULL
      AND typeof(NEW.content ->> '$.session_id') = 'text'
  BEGIN
    INSERT INTO session_request (session_id, room_id, sender, created_at)
      VALUES (NEW.content ->> '$.session_id', NEW.room_id, NEW.sender, CAST(unixepoch('subsec') * 1000 AS INTEGER))
      ON CONFLICT (session_id) DO NOTHING;
  END;
  -- As migration 18 made them, the reaction's target found through the key.
  CREATE TRIGGER event_redact_count_reaction
    AFTER UPDATE OF redacted_by ON event
    WHEN OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL AND COALESCE(NEW.decrypted_type, NEW.type) = 'm.reaction'
      AND NEW.relation_type = 'm.annotation'
  BEGIN
    UPDATE event SET reactions = (
      SELECT json_group_object(k, n) FROM (
        SELECT r.content ->> '$."m.relates_to".key' AS k, COUNT(*) AS n FROM event r
        WHERE r.relates_to = event.event_id AND r.room_id = event.room_id AND COALESCE(r.decrypted_type, r.type) = 'm.reaction'
          AND r.relation_type = 'm.annotation' AND r.redacted_by IS NULL
          AND typeof(r.content ->> '$."m.relates_to".key') = 'text'
        GROUP BY 1))
    WHERE (event_key = event_key(NEW.relates_to) OR event_key IS NULL) AND event_id = NEW.relates_to
      AND room_id = NEW.room_id;
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
    WHERE (event_key = event_key(NEW.relates_to) OR event_key IS NULL) AND event_id = NEW.relates_to
      AND room_id = NEW.room_id;
  END;
  -- As migration 20 made them, the edit's target found through the key.
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
    WHERE (event_key = event_key(NEW.relates_to) OR event_key IS NULL) AND event_id = NEW.relates_to
      AND room_id = NEW.room_id AND last_edit_rowid = NEW.rowid;
  END;
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
`;
