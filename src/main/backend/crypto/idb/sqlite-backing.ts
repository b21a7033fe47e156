/**
 * The SQLite side of the IndexedDB: databases, object stores and indexes as metadata rows, records keyed by the
 * order-preserving key encoding (keys.ts), and one row per index entry. Only SQL lives here; IndexedDB semantics
 * (requests, events, errors) live in the classes that call it.
 */
import type Database from 'better-sqlite3';
import type { EncodedKey, KeyPath } from './keys.ts';
import type { IDBKeyRange } from './key-range.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS idb_database (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS idb_store (
  id INTEGER PRIMARY KEY,
  database TEXT NOT NULL,
  name TEXT NOT NULL,
  key_path TEXT,                 -- JSON, null for out-of-line keys
  auto_increment INTEGER NOT NULL,
  key_generator REAL NOT NULL DEFAULT 1,
  UNIQUE (database, name)
) STRICT;
CREATE TABLE IF NOT EXISTS idb_index (
  id INTEGER PRIMARY KEY,
  store INTEGER NOT NULL,
  name TEXT NOT NULL,
  key_path TEXT NOT NULL,        -- JSON
  is_unique INTEGER NOT NULL,
  multi_entry INTEGER NOT NULL,
  UNIQUE (store, name)
) STRICT;
CREATE TABLE IF NOT EXISTS idb_record (
  store INTEGER NOT NULL,
  key BLOB NOT NULL,
  value BLOB NOT NULL,           -- v8.serialize of the structured clone
  PRIMARY KEY (store, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idb_index_entry (
  idx INTEGER NOT NULL,
  key BLOB NOT NULL,
  primary_key BLOB NOT NULL,
  PRIMARY KEY (idx, key, primary_key)
) STRICT, WITHOUT ROWID;
-- Deleting or replacing a record finds its index entries by primary key.
CREATE INDEX IF NOT EXISTS idb_index_entry_by_record ON idb_index_entry (idx, primary_key);
`;

export interface IndexMeta {
  id: number;
  name: string;
  keyPath: KeyPath;
  unique: boolean;
  multiEntry: boolean;
}

export interface StoreMeta {
  id: number;
  name: string;
  keyPath: KeyPath | null;
  autoIncrement: boolean;
  indexes: Map<string, IndexMeta>;
}

export interface RecordRow {
  key: EncodedKey;
  value: Buffer;
}

export interface IndexRow {
  key: EncodedKey;
  primary_key: EncodedKey;
}

export class SqliteBacking {
  readonly db: Database.Database;
  #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
    db.exec(SCHEMA);
  }

  /** Prepared statements by SQL text; the set of texts is small and fixed (range shapes × queries), so bounded. */
  #stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  begin(write: boolean): void {
    this.db.exec(write ? 'BEGIN IMMEDIATE' : 'BEGIN');
  }

  commit(): void {
    this.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  // ---- databases and metadata

  version(name: string): number {
    const row = this.#stmt('SELECT version FROM idb_database WHERE name = ?').get(name) as { version: number } | undefined;
    return row?.version ?? 0;
  }

  setVersion(name: string, version: number): void {
    this.#stmt('INSERT INTO idb_database (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version').run(name, version);
  }

  databases(): { name: string; version: number }[] {
    return this.#stmt('SELECT name, version FROM idb_database ORDER BY name').all() as { name: string; version: number }[];
  }

  deleteDatabase(name: string): void {
    for (const store of this.stores(name).values()) this.deleteStore(store);
    this.#stmt('DELETE FROM idb_database WHERE name = ?').run(name);
  }

  stores(database: string): Map<string, StoreMeta> {
    const rows = this.#stmt('SELECT id, name, key_path, auto_increment FROM idb_store WHERE database = ?').all(database) as {
      id: number;
      name: string;
      key_path: string | null;
      auto_increment: number;
    }[];
    const stores = new Map<string, StoreMeta>();
    for (const row of rows) {
      const indexes = new Map<string, IndexMeta>();
      const indexRows = this.#stmt('SELECT id, name, key_path, is_unique, multi_entry FROM idb_index WHERE store = ?').all(row.id) as {
        id: number;
        name: string;
        key_path: string;
        is_unique: number;
        multi_entry: number;
      }[];
      for (const i of indexRows) {
        const keyPath = JSON.parse(i.key_path) as KeyPath;
        indexes.set(i.name, { id: i.id, name: i.name, keyPath, unique: i.is_unique === 1, multiEntry: i.multi_entry === 1 });
      }
      const keyPath = row.key_path === null ? null : (JSON.parse(row.key_path) as KeyPath);
      stores.set(row.name, { id: row.id, name: row.name, keyPath, autoIncrement: row.auto_increment === 1, indexes });
    }
    return stores;
  }

  createStore(database: string, name: string, keyPath: KeyPath | null, autoIncrement: boolean): StoreMeta {
    const info = this.#stmt('INSERT INTO idb_store (database, name, key_path, auto_increment) VALUES (?, ?, ?, ?)').run(
      database,
      name,
      keyPath === null ? null : JSON.stringify(keyPath),
      autoIncrement ? 1 : 0,
    );
    return { id: Number(info.lastInsertRowid), name, keyPath, autoIncrement, indexes: new Map() };
  }

  deleteStore(store: StoreMeta): void {
    for (const index of store.indexes.values()) this.deleteIndex(index);
    this.#stmt('DELETE FROM idb_record WHERE store = ?').run(store.id);
    this.#stmt('DELETE FROM idb_store WHERE id = ?').run(store.id);
  }

  createIndex(store: StoreMeta, name: string, keyPath: KeyPath, unique: boolean, multiEntry: boolean): IndexMeta {
    const info = this.#stmt('INSERT INTO idb_index (store, name, key_path, is_unique, multi_entry) VALUES (?, ?, ?, ?, ?)').run(
      store.id,
      name,
      JSON.stringify(keyPath),
      unique ? 1 : 0,
      multiEntry ? 1 : 0,
    );
    return { id: Number(info.lastInsertRowid), name, keyPath, unique, multiEntry };
  }

  deleteIndex(index: IndexMeta): void {
    this.#stmt('DELETE FROM idb_index_entry WHERE idx = ?').run(index.id);
    this.#stmt('DELETE FROM idb_index WHERE id = ?').run(index.id);
  }

  keyGenerator(store: StoreMeta): number {
    return (this.#stmt('SELECT key_generator FROM idb_store WHERE id = ?').get(store.id) as { key_generator: number }).key_generator;
  }

  setKeyGenerator(store: StoreMeta, value: number): void {
    this.#stmt('UPDATE idb_store SET key_generator = ? WHERE id = ?').run(value, store.id);
  }

  // ---- records

  getRecord(store: StoreMeta, key: EncodedKey): Buffer | undefined {
    const row = this.#stmt('SELECT value FROM idb_record WHERE store = ? AND key = ?').get(store.id, key) as { value: Buffer } | undefined;
    return row?.value;
  }

  hasRecord(store: StoreMeta, key: EncodedKey): boolean {
    return this.#stmt('SELECT 1 FROM idb_record WHERE store = ? AND key = ?').get(store.id, key) !== undefined;
  }

  putRecord(store: StoreMeta, key: EncodedKey, value: Buffer, indexEntries: Map<IndexMeta, EncodedKey[]>): void {
    this.#stmt('INSERT OR REPLACE INTO idb_record (store, key, value) VALUES (?, ?, ?)').run(store.id, key, value);
    for (const [index, keys] of indexEntries) {
      this.#stmt('DELETE FROM idb_index_entry WHERE idx = ? AND primary_key = ?').run(index.id, key);
      for (const indexKey of keys) this.addIndexEntry(index, indexKey, key);
    }
  }

  addIndexEntry(index: IndexMeta, key: EncodedKey, primaryKey: EncodedKey): void {
    this.#stmt('INSERT OR IGNORE INTO idb_index_entry (idx, key, primary_key) VALUES (?, ?, ?)').run(index.id, key, primaryKey);
  }

  /** Another record's primary key holding `key` in a unique index, if any. */
  uniqueHolder(index: IndexMeta, key: EncodedKey, except: EncodedKey): boolean {
    return this.#stmt('SELECT 1 FROM idb_index_entry WHERE idx = ? AND key = ? AND primary_key != ? LIMIT 1').get(index.id, key, except) !== undefined;
  }

  deleteRange(store: StoreMeta, range: IDBKeyRange): void {
    const { where, params } = range._sql('key');
    for (const index of store.indexes.values()) {
      this.#stmt(`DELETE FROM idb_index_entry WHERE idx = ? AND primary_key IN (SELECT key FROM idb_record WHERE store = ? AND ${where})`).run(
        index.id,
        store.id,
        ...params,
      );
    }
    this.#stmt(`DELETE FROM idb_record WHERE store = ? AND ${where}`).run(store.id, ...params);
  }

  clear(store: StoreMeta): void {
    for (const index of store.indexes.values()) this.#stmt('DELETE FROM idb_index_entry WHERE idx = ?').run(index.id);
    this.#stmt('DELETE FROM idb_record WHERE store = ?').run(store.id);
  }

  /** Records in a range, ascending or descending by key, strictly past `after` if given, at most `limit` (0 = all). */
  records(
    store: StoreMeta,
    range: IDBKeyRange,
    limit: number,
    options: { descending?: boolean; withValues?: boolean; after?: EncodedKey | null } = {},
  ): RecordRow[] {
    const { where, params } = range._sql('key');
    const desc = options.descending === true;
    const columns = options.withValues === false ? 'key' : 'key, value';
    const args: unknown[] = [store.id, ...params];
    let position = '';
    if (options.after) {
      position = desc ? ' AND key < ?' : ' AND key > ?';
      args.push(options.after);
    }
    const sql = `SELECT ${columns} FROM idb_record WHERE store = ? AND ${where}${position} ORDER BY key ${desc ? 'DESC' : 'ASC'}${limit > 0 ? ' LIMIT ?' : ''}`;
    if (limit > 0) args.push(limit);
    if (limit === 1) {
      const row = this.#stmt(sql).get(...args) as RecordRow | undefined;
      return row ? [row] : [];
    }
    return this.#stmt(sql).all(...args) as RecordRow[];
  }

  countRecords(store: StoreMeta, range: IDBKeyRange): number {
    const { where, params } = range._sql('key');
    return (this.#stmt(`SELECT count(*) AS n FROM idb_record WHERE store = ? AND ${where}`).get(store.id, ...params) as { n: number }).n;
  }

  /**
   * Index entries in a range ordered by (index key, primary key), optionally strictly after/before a position, with
   * the record values joined in when asked.
   */
  indexEntries(
    store: StoreMeta,
    index: IndexMeta,
    range: IDBKeyRange,
    limit: number,
    options: { descending?: boolean; withValues?: boolean; after?: IndexRow | null; distinctAfterKey?: EncodedKey | null } = {},
  ): (IndexRow & { value?: Buffer })[] {
    const { where, params } = range._sql('e.key');
    const desc = options.descending === true;
    const args: unknown[] = [store.id, index.id, ...params];
    let position = '';
    if (options.after) {
      position = desc ? ' AND (e.key < ? OR (e.key = ? AND e.primary_key < ?))' : ' AND (e.key > ? OR (e.key = ? AND e.primary_key > ?))';
      args.push(options.after.key, options.after.key, options.after.primary_key);
    } else if (options.distinctAfterKey) {
      position = desc ? ' AND e.key < ?' : ' AND e.key > ?';
      args.push(options.distinctAfterKey);
    }
    const value = options.withValues === false ? '' : ', r.value';
    const dir = desc ? 'DESC' : 'ASC';
    const sql =
      `SELECT e.key, e.primary_key${value} FROM idb_index_entry e JOIN idb_record r ON r.store = ? AND r.key = e.primary_key ` +
      `WHERE e.idx = ? AND ${where}${position} ORDER BY e.key ${dir}, e.primary_key ${dir}${limit > 0 ? ' LIMIT ?' : ''}`;
    if (limit > 0) args.push(limit);
    return this.#stmt(sql).all(...args) as (IndexRow & { value?: Buffer })[];
  }

  /** The entry with the lowest primary key for an exact index key (prevunique cursors). */
  firstEntryForKey(store: StoreMeta, index: IndexMeta, key: EncodedKey): (IndexRow & { value: Buffer }) | undefined {
    return this.#stmt(
      'SELECT e.key, e.primary_key, r.value FROM idb_index_entry e JOIN idb_record r ON r.store = ? AND r.key = e.primary_key ' +
        'WHERE e.idx = ? AND e.key = ? ORDER BY e.primary_key ASC LIMIT 1',
    ).get(store.id, index.id, key) as (IndexRow & { value: Buffer }) | undefined;
  }

  countIndex(index: IndexMeta, range: IDBKeyRange): number {
    const { where, params } = range._sql('key');
    return (this.#stmt(`SELECT count(*) AS n FROM idb_index_entry WHERE idx = ? AND ${where}`).get(index.id, ...params) as { n: number }).n;
  }
}
