/** Opens the SQLite database and brings its schema up to date. */
import Database from 'better-sqlite3';
import { privateSqlite } from '../private-files.ts';
import { registerEventKey } from './event-key.ts';
import { migrations, rebuildingMigrations } from './migrations.ts';

export type DB = Database.Database;

/** 256 MiB of 4 KiB pages: a burst of catching up (100 responses of 500 events) stays well below it. */
const WAL_AUTOCHECKPOINT_PAGES = 65_536;
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
/** SQLite's page cache for this connection, in KiB (see openDatabase). */
const PAGE_CACHE_KIB = 4096;

export function openDatabase(file: string): DB {
  const onDisk = file !== ':memory:' && file !== '';
  // 0600 before SQLite creates it: the -wal and -shm files it makes take the database file's mode.
  if (onDisk) privateSqlite.beforeOpen(file);
  const db = new Database(file);
  tune(db);
  migrate(db);
  if (onDisk) privateSqlite.afterOpen(file);
  return db;
}

/** The connection's settings: journal, durability, checkpoints, page cache (also the benchmark's storage floor's). */
export function tune(db: DB): void {
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // SQLite's automatic checkpoint copies the WAL into the database file (with fsyncs) inside whichever commit
  // crosses 1000 pages: during a large sync, over and over. The sync loop checkpoints when it goes idle instead
  // (Store.checkpoint); this higher limit only bounds the WAL if that never happens. Committed data in the WAL is
  // as crash-safe as in the database file, so durability does not change.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  // A sync response touches a page or two in each of hundreds of rooms' index ranges; what the page cache does not
  // hold is read again (from the OS's cache) on the next sync. 8 MiB once made ingest ~15% faster than SQLite's
  // default 2 MiB; with statements batched per response, in-process ingest now takes the same CPU time with 2, 4 or
  // 8 MiB (medians of 3-5 alternating runs within 3%), so 4 MiB: the cache is memory the backend's thread keeps
  // for good (its full 8 MiB showed in the benchmark's peak RSS).
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // After a checkpoint the WAL file is reused from its start; this truncates what a burst left behind.
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
}

export function migrate(db: DB): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > migrations.length) {
    throw new Error(`The database was written by a newer Lattice (schema ${current}, this one knows ${migrations.length}).`);
  }
  // Before any migration: the schema's triggers (and migration 23) call it.
  registerEventKey(db);
  for (let v = current; v < migrations.length; v++) {
    // PRAGMA foreign_keys is a no-op inside a transaction: switched around it.
    const keysOff = rebuildingMigrations.has(v + 1) && db.pragma('foreign_keys', { simple: true }) === 1;
    if (keysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migrations[v]);
        if (keysOff) {
          const broken = db.pragma('foreign_key_check') as { table: string }[];
          if (broken.length) throw new Error(`Migration ${v + 1} left ${broken.length} rows of ${broken[0].table} naming rows that are gone.`);
        }
        db.pragma(`user_version = ${v + 1}`);
      })();
    } finally {
      if (keysOff) db.pragma('foreign_keys = ON');
    }
  }
}
