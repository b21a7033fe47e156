/** Opens the SQLite database and brings its schema up to date. */
import Database from 'better-sqlite3';
import { privateSqlite } from '../private-files.ts';
import { migrations } from './migrations.ts';

export type DB = Database.Database;

export function openDatabase(file: string): DB {
  const onDisk = file !== ':memory:' && file !== '';
  // 0600 before SQLite creates it: the -wal and -shm files it makes take the database file's mode.
  if (onDisk) privateSqlite.beforeOpen(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  if (onDisk) privateSqlite.afterOpen(file);
  return db;
}

export function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`The database was written by a newer Lattice (schema ${current}, this one knows ${migrations.length}).`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
