/**
 * Opening the SQLite-backed IndexedDB, and installing it as the process's `indexedDB` for the wasm crypto engine,
 * which looks the API up on the global object (`indexedDB`, `IDBKeyRange`, and the classes it `instanceof`-checks).
 *
 * The file is opened with an exclusive lock held for as long as it is open: a second process opening the same store
 * (which would corrupt the engine's view of its keys) fails at once with CryptoStoreLockedError.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { IDBCursor, IDBCursorWithValue } from './cursor.ts';
import { IDBDatabase } from './database.ts';
import { IDBVersionChangeEvent } from './events.ts';
import { IDBFactory } from './factory.ts';
import { IDBIndex } from './index-handle.ts';
import { IDBKeyRange } from './key-range.ts';
import { IDBObjectStore } from './object-store.ts';
import { IDBOpenDBRequest, IDBRequest } from './request.ts';
import { SqliteBacking } from './sqlite-backing.ts';
import { IDBTransaction } from './transaction.ts';

export class CryptoStoreLockedError extends Error {
  constructor(path: string) {
    super(`The encryption key store ${path} is in use by another Lattice process. Close the other Lattice first; two copies must not share one store.`);
    this.name = 'CryptoStoreLockedError';
  }
}

export interface SqliteIndexedDb {
  readonly factory: IDBFactory;
  readonly path: string;
  close(): void;
}

/** SQLite's "database is locked"/"busy" errors, as opposed to corruption or permissions. */
function isLockError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

export interface OpenOptions {
  /** SQLite page cache in KiB: the only memory that grows with the store, so it is bounded. Default 8 MiB. */
  cacheKiB?: number;
}

export function openSqliteIndexedDb(path: string, options: OpenOptions = {}): SqliteIndexedDb {
  // Private from the first byte: SQLite gives its WAL the same mode as the database file.
  fs.closeSync(fs.openSync(path, 'a', 0o600));
  const db = new Database(path, { timeout: 200 });
  try {
    // 8 KiB pages (new files only): the engine's records are ~2 KB, which 4 KiB pages store half empty
    // (measured: 5.4 → 3.3 KB on disk a session).
    db.pragma('page_size = 8192');
    // EXCLUSIVE before WAL: the lock is then held for the connection's lifetime and no shared-memory file is used.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // FULL: a committed transaction is on disk before the engine is told so (keys must never be reused after a crash).
    db.pragma('synchronous = FULL');
    db.pragma(`cache_size = -${options.cacheKiB ?? 8192}`);
    db.exec('BEGIN IMMEDIATE; COMMIT'); // take the lock now rather than at the first write
    const backing = new SqliteBacking(db);
    return {
      factory: new IDBFactory(backing),
      path,
      close: () => db.close(),
    };
  } catch (e) {
    db.close();
    if (isLockError(e)) throw new CryptoStoreLockedError(path);
    throw e;
  }
}

const GLOBAL_NAMES = [
  'indexedDB',
  'IDBFactory',
  'IDBDatabase',
  'IDBObjectStore',
  'IDBIndex',
  'IDBTransaction',
  'IDBRequest',
  'IDBOpenDBRequest',
  'IDBCursor',
  'IDBCursorWithValue',
  'IDBKeyRange',
  'IDBVersionChangeEvent',
] as const;

/** Makes `factory` the global `indexedDB` (with its classes); returns a function that restores what was there. */
export function installIndexedDbGlobals(factory: IDBFactory): () => void {
  const values: Record<(typeof GLOBAL_NAMES)[number], unknown> = {
    indexedDB: factory,
    IDBFactory,
    IDBDatabase,
    IDBObjectStore,
    IDBIndex,
    IDBTransaction,
    IDBRequest,
    IDBOpenDBRequest,
    IDBCursor,
    IDBCursorWithValue,
    IDBKeyRange,
    IDBVersionChangeEvent,
  };
  const global = globalThis as Record<string, unknown>;
  const previous = GLOBAL_NAMES.map((name) => [name, Object.getOwnPropertyDescriptor(global, name)] as const);
  for (const name of GLOBAL_NAMES) {
    Object.defineProperty(global, name, { value: values[name], configurable: true, writable: true, enumerable: false });
  }
  return () => {
    for (const [name, descriptor] of previous) {
      if (descriptor) Object.defineProperty(global, name, descriptor);
      else Reflect.deleteProperty(global, name);
    }
  };
}
