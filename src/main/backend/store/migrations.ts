/**
 * The database schema, as an append-only list of migrations. `PRAGMA user_version` records how many have run;
 * each runs in its own transaction, so a crash mid-upgrade leaves the previous version intact.
 */
export const migrations: readonly string[] = [
  // 1: the walking skeleton's data model.
  `
  CREATE TABLE account (
    user_id        TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    homeserver_url TEXT NOT NULL,
    filter_id      TEXT,
    -- Saved in the same transaction as the sync response it came with, so a crash can never skip a sync.
    next_batch     TEXT
  ) STRICT;

  CREATE TABLE event (
    rowid            INTEGER PRIMARY KEY,
    room_id          TEXT NOT NULL,
    event_id         TEXT NOT NULL UNIQUE,
    sender           TEXT NOT NULL,
    type             TEXT NOT NULL,
    state_key        TEXT,
    timestamp        INTEGER NOT NULL,
    content          TEXT NOT NULL,
    decrypted        TEXT,
    decrypted_type   TEXT,
    unsigned         TEXT,
    local_content    TEXT,
    transaction_id   TEXT UNIQUE,
    redacted_by      TEXT,
    relates_to       TEXT,
    relation_type    TEXT,
    decryption_error TEXT,
    send_error       TEXT,
    unread_type      INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX event_room_idx ON event (room_id);
  CREATE INDEX event_relates_idx ON event (relates_to) WHERE relates_to IS NOT NULL;

  -- Order of a room's timeline. New events get rising rowids, history fetched backwards gets falling
  -- (negative) ones, so ORDER BY rowid is the timeline order.
  CREATE TABLE timeline (
    rowid       INTEGER PRIMARY KEY,
    room_id     TEXT NOT NULL,
    event_rowid INTEGER NOT NULL UNIQUE REFERENCES event (rowid) ON DELETE CASCADE
  ) STRICT;
  CREATE INDEX timeline_room_idx ON timeline (room_id, rowid);

  CREATE TABLE current_state (
    room_id     TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    state_key   TEXT NOT NULL,
    event_rowid INTEGER NOT NULL REFERENCES event (rowid) ON DELETE CASCADE,
    membership  TEXT,
    PRIMARY KEY (room_id, event_type, state_key)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE room (
    room_id              TEXT PRIMARY KEY,
    creation_content     TEXT,
    tombstone            TEXT,
    name                 TEXT,
    name_quality         INTEGER NOT NULL DEFAULT 0,
    avatar               TEXT,
    explicit_avatar      INTEGER NOT NULL DEFAULT 0,
    dm_user_id           TEXT,
    topic                TEXT,
    canonical_alias      TEXT,
    lazy_load_summary    TEXT,
    encryption_event     TEXT,
    has_member_list      INTEGER NOT NULL DEFAULT 0,
    preview_event_rowid  INTEGER NOT NULL DEFAULT 0,
    sorting_timestamp    INTEGER NOT NULL DEFAULT 0,
    unread_highlights    INTEGER NOT NULL DEFAULT 0,
    unread_notifications INTEGER NOT NULL DEFAULT 0,
    unread_messages      INTEGER NOT NULL DEFAULT 0,
    marked_unread        INTEGER NOT NULL DEFAULT 0,
    -- Token for /messages older than the oldest stored timeline event: NULL unknown, '' the start was reached.
    prev_batch           TEXT
  ) STRICT;

  CREATE TABLE invited_room (
    room_id      TEXT PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    invite_state TEXT NOT NULL
  ) STRICT;

  CREATE TABLE account_data (
    room_id TEXT NOT NULL DEFAULT '',
    type    TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (room_id, type)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE receipt (
    room_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    receipt_type TEXT NOT NULL,
    thread_id    TEXT NOT NULL DEFAULT '',
    event_id     TEXT NOT NULL,
    timestamp    INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
  ) STRICT, WITHOUT ROWID;
  `,
  // 2: the index of events by room goes. Each sync response adds events to hundreds of rooms, so keeping it meant
  // rewriting a leaf page per room per sync (half of what every commit wrote); only forgetting a left room used it,
  // and that rare delete can scan instead.
  `
  DROP INDEX event_room_idx;
  `,
  // 3: push registrations of frontend devices (register_push), stored only; their encryption keys live in the
  // secret store, never here.
  `
  CREATE TABLE push_registration (
    device_id  TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    data       TEXT NOT NULL,
    has_key    INTEGER NOT NULL DEFAULT 0,
    expiration INTEGER
  ) STRICT;
  `,
  // 4: presence per user, as last received in /sync (Required module of the spec's desktop profile).
  `
  CREATE TABLE presence (
    user_id          TEXT PRIMARY KEY,
    presence         TEXT NOT NULL,
    status_msg       TEXT,
    last_active_ts   INTEGER,
    currently_active INTEGER
  ) STRICT, WITHOUT ROWID;
  `,
];
