/** IDBIndex: reads through an index (entries ordered by index key, then primary key). */
import { IDBCursor, IDBCursorWithValue, checkDirection } from './cursor.ts';
import { getAllArgs, toKeyRange } from './key-range.ts';
import { decodeKey } from './keys.ts';
import type { KeyPath } from './keys.ts';
import type { IndexMeta } from './sqlite-backing.ts';
import type { IDBRequest } from './request.ts';
import { deserialize } from './object-store.ts';
import type { IDBObjectStore } from './object-store.ts';

export class IDBIndex {
  readonly objectStore: IDBObjectStore;
  _meta: IndexMeta;

  constructor(objectStore: IDBObjectStore, meta: IndexMeta) {
    this.objectStore = objectStore;
    this._meta = meta;
  }

  get name(): string {
    return this._meta.name;
  }

  get keyPath(): KeyPath {
    return Array.isArray(this._meta.keyPath) ? [...this._meta.keyPath] : this._meta.keyPath;
  }

  get unique(): boolean {
    return this._meta.unique;
  }

  get multiEntry(): boolean {
    return this._meta.multiEntry;
  }

  _checkRequest(): void {
    this.objectStore._checkRequest(false);
    if (this.objectStore._meta.indexes.get(this._meta.name) !== this._meta) {
      throw new DOMException('The index has been deleted.', 'InvalidStateError');
    }
  }

  #first(query: unknown, withValues: boolean) {
    this._checkRequest();
    const range = toKeyRange(query, false);
    const tx = this.objectStore.transaction;
    return { tx, run: () => tx._backing.indexEntries(this.objectStore._meta, this._meta, range, 1, { withValues }) };
  }

  get(query: unknown): IDBRequest {
    const { tx, run } = this.#first(query, true);
    return tx._enqueue(this, () => {
      const [row] = run();
      return row?.value ? deserialize(row.value) : undefined;
    });
  }

  getKey(query: unknown): IDBRequest {
    const { tx, run } = this.#first(query, false);
    return tx._enqueue(this, () => {
      const [row] = run();
      return row ? decodeKey(row.primary_key) : undefined;
    });
  }

  getAll(queryOrOptions?: unknown, count?: unknown): IDBRequest {
    return this.#getAll(queryOrOptions, count, true);
  }

  getAllKeys(queryOrOptions?: unknown, count?: unknown): IDBRequest {
    return this.#getAll(queryOrOptions, count, false);
  }

  #getAll(queryOrOptions: unknown, count: unknown, withValues: boolean): IDBRequest {
    this._checkRequest();
    const { range, limit, direction } = getAllArgs(queryOrOptions, count);
    if (direction === 'nextunique' || direction === 'prevunique') {
      throw new DOMException('getAll with a unique direction is not supported on this IndexedDB (the crypto engine does not use it).', 'NotSupportedError');
    }
    const tx = this.objectStore.transaction;
    const options = { withValues, descending: direction === 'prev' };
    return tx._enqueue(this, () =>
      tx._backing
        .indexEntries(this.objectStore._meta, this._meta, range, limit, options)
        .map((row) => (withValues ? deserialize(row.value as Buffer) : decodeKey(row.primary_key))),
    );
  }

  count(query?: unknown): IDBRequest {
    this._checkRequest();
    const range = toKeyRange(query, true);
    const tx = this.objectStore.transaction;
    return tx._enqueue(this, () => tx._backing.countIndex(this._meta, range));
  }

  openCursor(query?: unknown, direction?: unknown): IDBRequest {
    return this.#open(query, direction, true);
  }

  openKeyCursor(query?: unknown, direction?: unknown): IDBRequest {
    return this.#open(query, direction, false);
  }

  #open(query: unknown, direction: unknown, withValue: boolean): IDBRequest {
    this._checkRequest();
    const dir = checkDirection(direction);
    const range = toKeyRange(query, true);
    const store = this.objectStore;
    const cursor = withValue ? new IDBCursorWithValue(store, this, dir, range) : new IDBCursor(store, this, dir, range);
    const request = store.transaction._enqueue(this, () => cursor._iterate(null, 1));
    cursor._request = request;
    return request;
  }
}
