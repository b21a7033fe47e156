/** IDBObjectStore: record reads and writes, queued on the owning transaction and run against SQLite. */
import v8 from 'node:v8';
import { DOMStringList } from './events.ts';
import { IDBIndex } from './index-handle.ts';
import { IDBCursor, IDBCursorWithValue, checkDirection } from './cursor.ts';
import { getAllArgs, toKeyRange } from './key-range.ts';
import { dataError, decodeKey, encodeKey, evaluateKeyPath, indexKeys, injectKey, isFailure, tryEncodeKey, validateKeyPath } from './keys.ts';
import type { EncodedKey, KeyPath } from './keys.ts';
import type { IndexMeta, StoreMeta } from './sqlite-backing.ts';
import type { IDBRequest } from './request.ts';
import type { IDBTransaction } from './transaction.ts';

const MAX_GENERATED_KEY = 2 ** 53;

export function serialize(value: unknown): Buffer {
  try {
    return v8.serialize(value);
  } catch (e) {
    throw new DOMException(`The value cannot be stored: ${e instanceof Error ? e.message : String(e)}`, 'DataCloneError');
  }
}

export function deserialize(bytes: Buffer): unknown {
  return v8.deserialize(bytes);
}

function constraintError(message: string): DOMException {
  return new DOMException(message, 'ConstraintError');
}

function copyKeyPath(path: KeyPath | null): KeyPath | null {
  return Array.isArray(path) ? [...path] : path;
}

export class IDBObjectStore {
  readonly transaction: IDBTransaction;
  _meta: StoreMeta;
  #indexes = new Map<string, IDBIndex>();

  constructor(transaction: IDBTransaction, meta: StoreMeta) {
    this.transaction = transaction;
    this._meta = meta;
  }

  get name(): string {
    return this._meta.name;
  }

  get keyPath(): KeyPath | null {
    return copyKeyPath(this._meta.keyPath);
  }

  get autoIncrement(): boolean {
    return this._meta.autoIncrement;
  }

  get indexNames(): DOMStringList {
    return DOMStringList.of_(this._meta.indexes.keys());
  }

  _checkAlive(): void {
    if (this.transaction.db._meta.get(this._meta.name) !== this._meta) {
      throw new DOMException('The object store has been deleted.', 'InvalidStateError');
    }
  }

  /** Checks shared by every request: store alive, transaction active, and writable when `write`. */
  _checkRequest(write: boolean): void {
    this._checkAlive();
    this.transaction._checkActive();
    if (write) this.transaction._checkWritable();
  }

  put(value: unknown, key?: unknown): IDBRequest {
    return this._store(value, key, false, this);
  }

  add(value: unknown, key?: unknown): IDBRequest {
    return this._store(value, key, true, this);
  }

  /** "Store a record into an object store", with the synchronous checks of put/add/cursor.update. */
  _store(value: unknown, key: unknown, noOverwrite: boolean, source: unknown): IDBRequest {
    this._checkRequest(true);
    const meta = this._meta;
    if (meta.keyPath !== null && key !== undefined) throw dataError('This object store uses in-line keys; no key may be given.');
    if (meta.keyPath === null && !meta.autoIncrement && key === undefined) throw dataError('This object store needs a key.');
    let explicit: EncodedKey | null = key === undefined ? null : encodeKey(key);
    let bytes = serialize(value);
    // Keys are extracted from the clone, as the spec says; only clone when a key path needs reading.
    const clone = meta.keyPath !== null || meta.indexes.size > 0 ? deserialize(bytes) : undefined;
    let inject = false;
    if (meta.keyPath !== null) {
      const raw = evaluateKeyPath(clone, meta.keyPath);
      if (!isFailure(raw)) {
        explicit = tryEncodeKey(raw);
        if (explicit === null) throw dataError('The key path of the value does not yield a valid key.');
      } else if (!meta.autoIncrement) {
        throw dataError('The value has no key at the store key path.');
      } else {
        inject = true;
        if (!injectKey(deserialize(bytes), meta.keyPath as string, 0)) throw dataError('A generated key cannot be put into this value.');
      }
    }
    const backing = this.transaction._backing;
    return this.transaction._enqueue(source, () => {
      let primaryKey = explicit;
      let nextGenerator: number | null = null;
      if (meta.autoIncrement) {
        const current = backing.keyGenerator(meta);
        if (primaryKey === null) {
          if (current > MAX_GENERATED_KEY) throw constraintError('The key generator has run out of keys.');
          primaryKey = encodeKey(current);
          nextGenerator = current >= MAX_GENERATED_KEY ? Infinity : current + 1; // 2^53 + 1 is not a double
          if (inject) {
            injectKey(clone, meta.keyPath as string, current);
            bytes = serialize(clone);
          }
        } else {
          const n = decodeKey(primaryKey);
          if (typeof n === 'number' && n >= current) nextGenerator = n >= MAX_GENERATED_KEY ? Infinity : Math.floor(n) + 1;
        }
      }
      if (primaryKey === null) throw dataError('No key for the record.');
      if (noOverwrite && backing.hasRecord(meta, primaryKey)) throw constraintError('A record with this key already exists.');
      const entries = new Map<IndexMeta, EncodedKey[]>();
      for (const index of meta.indexes.values()) {
        const keys = indexKeys(clone, index.keyPath, index.multiEntry);
        if (index.unique) {
          for (const indexKey of keys) {
            if (backing.uniqueHolder(index, indexKey, primaryKey)) {
              throw constraintError(`The unique index "${index.name}" already has a record with this key.`);
            }
          }
        }
        entries.set(index, keys);
      }
      if (nextGenerator !== null) backing.setKeyGenerator(meta, nextGenerator);
      backing.putRecord(meta, primaryKey, bytes, entries);
      return decodeKey(primaryKey);
    });
  }

  get(query: unknown): IDBRequest {
    this._checkRequest(false);
    const range = toKeyRange(query, false);
    return this.transaction._enqueue(this, () => {
      const [row] = this.transaction._backing.records(this._meta, range, 1);
      return row ? deserialize(row.value) : undefined;
    });
  }

  getKey(query: unknown): IDBRequest {
    this._checkRequest(false);
    const range = toKeyRange(query, false);
    return this.transaction._enqueue(this, () => {
      const [row] = this.transaction._backing.records(this._meta, range, 1, { withValues: false });
      return row ? decodeKey(row.key) : undefined;
    });
  }

  getAll(queryOrOptions?: unknown, count?: unknown): IDBRequest {
    return this.#getAll(queryOrOptions, count, true);
  }

  getAllKeys(queryOrOptions?: unknown, count?: unknown): IDBRequest {
    return this.#getAll(queryOrOptions, count, false);
  }

  #getAll(queryOrOptions: unknown, count: unknown, withValues: boolean): IDBRequest {
    this._checkRequest(false);
    const { range, limit, direction } = getAllArgs(queryOrOptions, count);
    const descending = direction === 'prev' || direction === 'prevunique';
    return this.transaction._enqueue(this, () =>
      this.transaction._backing
        .records(this._meta, range, limit, { withValues, descending })
        .map((row) => (withValues ? deserialize(row.value) : decodeKey(row.key))),
    );
  }

  count(query?: unknown): IDBRequest {
    this._checkRequest(false);
    const range = toKeyRange(query, true);
    return this.transaction._enqueue(this, () => this.transaction._backing.countRecords(this._meta, range));
  }

  delete(query: unknown): IDBRequest {
    this._checkRequest(true);
    const range = toKeyRange(query, false);
    return this._deleteRange(range, this);
  }

  _deleteRange(range: ReturnType<typeof toKeyRange>, source: unknown): IDBRequest {
    return this.transaction._enqueue(source, () => {
      this.transaction._backing.deleteRange(this._meta, range);
      return undefined;
    });
  }

  clear(): IDBRequest {
    this._checkRequest(true);
    return this.transaction._enqueue(this, () => {
      this.transaction._backing.clear(this._meta);
      return undefined;
    });
  }

  openCursor(query?: unknown, direction?: unknown): IDBRequest {
    return this.#open(query, direction, true);
  }

  openKeyCursor(query?: unknown, direction?: unknown): IDBRequest {
    return this.#open(query, direction, false);
  }

  #open(query: unknown, direction: unknown, withValue: boolean): IDBRequest {
    this._checkRequest(false);
    const dir = checkDirection(direction);
    const range = toKeyRange(query, true);
    const cursor = withValue ? new IDBCursorWithValue(this, null, dir, range) : new IDBCursor(this, null, dir, range);
    const request = this.transaction._enqueue(cursor.source, () => cursor._iterate(null, 1));
    cursor._request = request;
    return request;
  }

  index(name: string): IDBIndex {
    this._checkAlive();
    if (this.transaction._state === 'finished') throw new DOMException('The transaction has finished.', 'InvalidStateError');
    const meta = this._meta.indexes.get(name);
    if (!meta) throw new DOMException(`No index named "${name}".`, 'NotFoundError');
    let index = this.#indexes.get(name);
    if (!index || index._meta !== meta) {
      index = new IDBIndex(this, meta);
      this.#indexes.set(name, index);
    }
    return index;
  }

  #checkUpgrade(): void {
    if (this.transaction.mode !== 'versionchange') {
      throw new DOMException('Indexes can only be changed during a version upgrade.', 'InvalidStateError');
    }
    this._checkAlive();
    this.transaction._checkActive();
  }

  createIndex(name: string, keyPath: unknown, options: { unique?: boolean; multiEntry?: boolean } = {}): IDBIndex {
    this.#checkUpgrade();
    if (this._meta.indexes.has(name)) throw constraintError(`An index named "${name}" already exists.`);
    const path = validateKeyPath(keyPath);
    const unique = Boolean(options.unique);
    const multiEntry = Boolean(options.multiEntry);
    if (multiEntry && Array.isArray(path)) throw new DOMException('A multiEntry index cannot have an array key path.', 'InvalidAccessError');
    const backing = this.transaction._backing;
    const meta = backing.createIndex(this._meta, name, path, unique, multiEntry);
    this._meta.indexes.set(name, meta);
    // Index the existing records a page at a time (SQLite cannot write while a read is still iterating).
    const all = toKeyRange(undefined, true);
    for (let after: EncodedKey | null = null; ; ) {
      const page = backing.records(this._meta, all, 256, { after });
      if (page.length === 0) break;
      for (const row of page) {
        for (const key of indexKeys(deserialize(row.value), path, multiEntry)) {
          if (unique && backing.uniqueHolder(meta, key, row.key)) {
            this.transaction._abortAtNextStep(constraintError(`Existing records break the unique index "${name}".`));
            return this.index(name);
          }
          backing.addIndexEntry(meta, key, row.key);
        }
      }
      after = page[page.length - 1].key;
    }
    return this.index(name);
  }

  deleteIndex(name: string): void {
    this.#checkUpgrade();
    const meta = this._meta.indexes.get(name);
    if (!meta) throw new DOMException(`No index named "${name}".`, 'NotFoundError');
    this.transaction._backing.deleteIndex(meta);
    this._meta.indexes.delete(name);
    this.#indexes.delete(name);
  }
}
