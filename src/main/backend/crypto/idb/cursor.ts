/**
 * IDBCursor and IDBCursorWithValue over an object store or an index. The cursor keeps only its position; every
 * step asks SQLite for the next entry past it, so changes made while iterating are seen as the spec requires and
 * nothing but the current record is held in memory.
 */
import v8 from 'node:v8';
import { IDBKeyRange } from './key-range.ts';
import { compareKeys, dataError, decodeKey, encodeKey, evaluateKeyPath, tryEncodeKey } from './keys.ts';
import type { EncodedKey } from './keys.ts';
import type { IndexRow } from './sqlite-backing.ts';
import type { IDBRequest } from './request.ts';
import type { IDBObjectStore } from './object-store.ts';
import type { IDBIndex } from './index-handle.ts';

export type CursorDirection = 'next' | 'nextunique' | 'prev' | 'prevunique';

export function checkDirection(direction: unknown): CursorDirection {
  if (direction === undefined) return 'next';
  if (direction === 'next' || direction === 'nextunique' || direction === 'prev' || direction === 'prevunique') return direction;
  throw new TypeError(`${typeof direction === 'string' ? JSON.stringify(direction) : typeof direction} is not a valid cursor direction.`);
}

/** The part of `range` on one side of `key` (inclusive or not); null when nothing is left. */
function narrow(range: IDBKeyRange, key: EncodedKey, open: boolean, side: 'lower' | 'upper'): IDBKeyRange | null {
  const bound = side === 'lower' ? range._lower : range._upper;
  const order = bound === null ? 0 : compareKeys(key, bound) * (side === 'lower' ? 1 : -1);
  const tighter = bound === null || order > 0 || (order === 0 && open);
  const lower = side === 'lower' && tighter ? key : range._lower;
  const upper = side === 'upper' && tighter ? key : range._upper;
  const lowerOpen = side === 'lower' && tighter ? open : range.lowerOpen;
  const upperOpen = side === 'upper' && tighter ? open : range.upperOpen;
  if (lower !== null && upper !== null) {
    const order = compareKeys(lower, upper);
    if (order > 0 || (order === 0 && (lowerOpen || upperOpen))) return null;
  }
  if (lower === null && upper === null) return IDBKeyRange._all();
  if (lower === null) return IDBKeyRange.upperBound(decodeKey(upper as EncodedKey), upperOpen);
  if (upper === null) return IDBKeyRange.lowerBound(decodeKey(lower), lowerOpen);
  return IDBKeyRange.bound(decodeKey(lower), decodeKey(upper), lowerOpen, upperOpen);
}

export class IDBCursor {
  readonly _store: IDBObjectStore;
  readonly _index: IDBIndex | null;
  readonly direction: CursorDirection;
  readonly _range: IDBKeyRange;
  _request: IDBRequest | null = null;
  _position: EncodedKey | null = null;
  _primaryPosition: EncodedKey | null = null;
  _valueBytes: Buffer | null = null;
  _gotValue = false;
  #key: unknown = undefined;
  #primaryKey: unknown = undefined;

  constructor(store: IDBObjectStore, index: IDBIndex | null, direction: CursorDirection, range: IDBKeyRange) {
    this._store = store;
    this._index = index;
    this.direction = direction;
    this._range = range;
  }

  get source(): IDBObjectStore | IDBIndex {
    return this._index ?? this._store;
  }

  get request(): IDBRequest | null {
    return this._request;
  }

  get key(): unknown {
    return this.#key;
  }

  get primaryKey(): unknown {
    return this.#primaryKey;
  }

  _withValue(): boolean {
    return false;
  }

  /** Moves `count` entries on (to the first entry ≥/≤ `target` for the first move, if given); null at the end. */
  _iterate(target: EncodedKey | null, count: number): this | null {
    let row: { key: EncodedKey; primary_key: EncodedKey; value?: Buffer } | undefined;
    for (let i = 0; i < count; i++) {
      row = this.#step(i === 0 ? target : null);
      if (!row) break;
      this._position = row.key;
      this._primaryPosition = row.primary_key;
    }
    if (!row) {
      this._position = null;
      this.#key = undefined;
      this.#primaryKey = undefined;
      this._valueBytes = null;
      this._gotValue = false;
      return null;
    }
    this.#key = decodeKey(row.key);
    this.#primaryKey = this._index ? decodeKey(row.primary_key) : this.#key;
    this._valueBytes = row.value ?? null;
    this._gotValue = true;
    return this;
  }

  #step(target: EncodedKey | null): { key: EncodedKey; primary_key: EncodedKey; value?: Buffer } | undefined {
    const backing = this._store.transaction._backing;
    const descending = this.direction === 'prev' || this.direction === 'prevunique';
    const side = descending ? 'upper' : 'lower';
    const withValues = this._withValue();
    let range: IDBKeyRange | null = this._range;
    if (target !== null) range = narrow(range, target, false, side);
    if (!this._index) {
      if (target === null && this._position !== null) range = narrow(this._range, this._position, true, side);
      if (range === null) return undefined;
      const [row] = backing.records(this._store._meta, range, 1, { descending, withValues });
      return row ? { key: row.key, primary_key: row.key, value: row.value } : undefined;
    }
    if (range === null) return undefined;
    const store = this._store._meta;
    const index = this._index._meta;
    const unique = this.direction === 'nextunique' || this.direction === 'prevunique';
    const position: IndexRow | null =
      target === null && this._position !== null && this._primaryPosition !== null ? { key: this._position, primary_key: this._primaryPosition } : null;
    const options = unique
      ? { descending, withValues, distinctAfterKey: position?.key ?? null }
      : { descending, withValues, after: position };
    const [row] = backing.indexEntries(store, index, range, 1, options);
    if (row && this.direction === 'prevunique') return backing.firstEntryForKey(store, index, row.key);
    return row;
  }

  #checkCanMove(): void {
    this._store.transaction._checkActive();
    this._store._checkAlive();
    if (!this._gotValue) throw new DOMException('The cursor is moving or has finished.', 'InvalidStateError');
  }

  continue(key?: unknown): void {
    this.#checkCanMove();
    let target: EncodedKey | null = null;
    if (key !== undefined) {
      target = encodeKey(key);
      const order = compareKeys(target, this._position as EncodedKey);
      const forward = this.direction === 'next' || this.direction === 'nextunique';
      if (forward ? order <= 0 : order >= 0) throw dataError('continue() was given a key on the wrong side of the cursor.');
    }
    this._gotValue = false;
    this._store.transaction._enqueue(this, () => this._iterate(target, 1), this._request as IDBRequest);
  }

  advance(count: number): void {
    const n = Number(count);
    if (!Number.isInteger(n) || n <= 0 || n > 0xffffffff) throw new TypeError('advance() needs a positive integer.');
    this.#checkCanMove();
    this._gotValue = false;
    this._store.transaction._enqueue(this, () => this._iterate(null, n), this._request as IDBRequest);
  }

  #checkCanWrite(): void {
    this._store.transaction._checkActive();
    this._store.transaction._checkWritable();
    this._store._checkAlive();
    if (!this._gotValue || !this._withValue()) throw new DOMException('The cursor has no current value.', 'InvalidStateError');
  }

  update(value: unknown): IDBRequest {
    this.#checkCanWrite();
    const store = this._store;
    if (store._meta.keyPath !== null) {
      const key = tryEncodeKey(evaluateKeyPath(v8.deserialize(v8.serialize(value)), store._meta.keyPath));
      if (key === null || compareKeys(key, this._primaryPosition as EncodedKey) !== 0) {
        throw dataError("The value's key does not match the cursor's record.");
      }
      return store._store(value, undefined, false, this);
    }
    return store._store(value, this.#primaryKey, false, this);
  }

  delete(): IDBRequest {
    this.#checkCanWrite();
    return this._store._deleteRange(IDBKeyRange.only(this.#primaryKey), this);
  }
}

export class IDBCursorWithValue extends IDBCursor {
  #valueCache: { bytes: Buffer; value: unknown } | null = null;

  override _withValue(): boolean {
    return true;
  }

  get value(): unknown {
    const bytes = this._valueBytes;
    if (bytes === null) return undefined;
    if (this.#valueCache?.bytes !== bytes) this.#valueCache = { bytes, value: deserializeValue(bytes) };
    return this.#valueCache.value;
  }
}

function deserializeValue(bytes: Buffer): unknown {
  return v8.deserialize(bytes);
}
