/**
 * The storage floor of the sync benchmark's account, run in its own process by backend.bench.ts: the same events
 * written to SQLite with only what any client keeping every event with Lattice's guarantees must write, and nothing
 * else: each event once under a unique key (so a repeat is found; the 48-bit key of its ID that Lattice indexes,
 * store/event-key.ts, with the partial index of keyless IDs beside it), its place in its room's timeline, the room's
 * current state, the word index of messages (the same FTS5 settings as Lattice's), one row per room touched, and
 * each response in one transaction with its next_batch, on a connection tuned as Lattice's (store/database.ts).
 * No push rules, no sanitizing, no diff for a frontend, no decryption. Lattice's in-process ingest divided by this
 * is the share of its ingest that is its own work rather than the storage's. Prints one JSON line; asserts nothing.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tune } from '../../src/main/backend/store/database.ts';
import { eventKey } from '../../src/main/backend/store/event-key.ts';
import type { ClientEvent } from '../../src/main/backend/matrix/types.ts';
import { buildAccount, countEvents, type AccountShape } from './synthetic-account.ts';

export interface FloorReport {
  events: number;
  cpuMs: number;
}

const SCHEMA = `
  CREATE TABLE event (
    rowid INTEGER PRIMARY KEY, room_id TEXT NOT NULL, event_id TEXT NOT NULL, event_key INTEGER UNIQUE, sender TEXT NOT NULL,
    type TEXT NOT NULL, state_key TEXT, timestamp INTEGER NOT NULL, content TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX event_unkeyed_id_idx ON event (event_id) WHERE event_key IS NULL;
  CREATE TABLE timeline (rowid INTEGER PRIMARY KEY, room_nid INTEGER NOT NULL, event_rowid INTEGER NOT NULL UNIQUE) STRICT;
  CREATE INDEX timeline_room_idx ON timeline (room_nid, rowid);
  CREATE TABLE current_state (
    room_id TEXT NOT NULL, event_type TEXT NOT NULL, state_key TEXT NOT NULL, event_rowid INTEGER NOT NULL,
    PRIMARY KEY (room_id, event_type, state_key)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE room (room_id TEXT PRIMARY KEY, nid INTEGER NOT NULL, preview_rowid INTEGER, sorting_timestamp INTEGER) STRICT;
  CREATE TABLE account (user_id TEXT PRIMARY KEY, next_batch TEXT) STRICT;
  CREATE VIRTUAL TABLE event_search USING fts5 (
    body, tokenize = 'porter unicode61 remove_diacritics 2', content = '', contentless_delete = 1, prefix = '2 3'
  );
`;

const shape = JSON.parse(process.env.BENCH_SHAPE ?? '{}') as AccountShape;
const responses = buildAccount(shape);
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-floor-'));
try {
  const db = new Database(path.join(dir, 'floor.db'));
  tune(db);
  db.exec(SCHEMA);
  db.prepare('INSERT INTO account (user_id) VALUES (?)').run('@me');
  const s = {
    event: db.prepare<[string, string, number, string, string, string | null, number, string]>(`INSERT INTO event
      (room_id, event_id, event_key, sender, type, state_key, timestamp, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (event_key) DO NOTHING`),
    timeline: db.prepare<[number, number]>('INSERT INTO timeline (room_nid, event_rowid) VALUES (?, ?)'),
    state: db.prepare<[string, string, string, number]>('INSERT OR REPLACE INTO current_state VALUES (?, ?, ?, ?)'),
    search: db.prepare<[number, string]>('INSERT INTO event_search (rowid, body) VALUES (?, ?)'),
    room: db.prepare<[string, number, number | null, number | null]>(`INSERT INTO room VALUES (?, ?, ?, ?)
      ON CONFLICT (room_id) DO UPDATE SET preview_rowid = excluded.preview_rowid, sorting_timestamp = excluded.sorting_timestamp`),
    nextBatch: db.prepare<[string]>('UPDATE account SET next_batch = ?'),
  };
  const nids = new Map<string, number>();
  const insert = (roomId: string, ev: ClientEvent): number => {
    const r = s.event.run(roomId, ev.event_id, eventKey(ev.event_id), ev.sender, ev.type, ev.state_key ?? null,
      ev.origin_server_ts, JSON.stringify(ev.content));
    // Lattice would look at the key's holder and store a different event keyless; the account never needs that.
    if (!r.changes) throw new Error(`${ev.event_id}: its key is taken`);
    return Number(r.lastInsertRowid);
  };
  const cpu0 = process.cpuUsage();
  for (const r of responses) {
    db.transaction(() => {
      for (const [roomId, jr] of Object.entries(r.rooms?.join ?? {})) {
        let nid = nids.get(roomId);
        if (nid === undefined) nids.set(roomId, nid = nids.size + 1);
        let last: number | null = null;
        let ts: number | null = null;
        for (const ev of jr.state?.events ?? []) {
          const rowid = insert(roomId, ev);
          s.state.run(roomId, ev.type, ev.state_key ?? '', rowid);
        }
        for (const ev of jr.timeline?.events ?? []) {
          const rowid = insert(roomId, ev);
          s.timeline.run(nid, rowid);
          if (ev.state_key !== undefined) s.state.run(roomId, ev.type, ev.state_key, rowid);
          last = rowid;
          ts = ev.origin_server_ts;
          const body = ev.content.body;
          if (ev.type === 'm.room.message' && typeof body === 'string' && body !== '') s.search.run(rowid, body);
        }
        s.room.run(roomId, nid, last, ts);
      }
      s.nextBatch.run(r.next_batch);
    })();
  }
  const cpu = process.cpuUsage(cpu0);
  db.close();
  const report: FloorReport = { events: countEvents(responses), cpuMs: (cpu.user + cpu.system) / 1000 };
  console.log(JSON.stringify(report));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
