/** IDBKeyRange: an interval of keys, kept both as the caller's values and as encoded bounds for SQL. */
import { compareKeys, dataError, encodeKey, tryEncodeKey } from './keys.ts';
import type { EncodedKey } from './keys.ts';

export class IDBKeyRange {
  readonly lower: unknown;
  readonly upper: unknown;
  readonly lowerOpen: boolean;
  readonly upperOpen: boolean;
  /** Encoded bounds; null means unbounded on that side. */
  readonly _lower: EncodedKey | null;
  readonly _upper: EncodedKey | null;

  private constructor(lower: unknown, upper: unknown, lowerOpen: boolean, upperOpen: boolean, encoded?: EncodedKey) {
    this._lower = encoded ?? (lower === undefined ? null : encodeKey(lower));
    this._upper = encoded ?? (upper === undefined ? null : encodeKey(upper));
    if (this._lower !== null && this._upper !== null) {
      const order = compareKeys(this._lower, this._upper);
      if (order > 0 || (order === 0 && (lowerOpen || upperOpen))) {
        throw dataError('The lower bound of the key range is above its upper bound.');
      }
    }
    this.lower = lower;
    this.upper = upper;
    this.lowerOpen = lowerOpen;
    this.upperOpen = upperOpen;
  }

  static only(value: unknown): IDBKeyRange {
    return new IDBKeyRange(value, value, false, false, encodeKey(value));
  }

  /** only() for a value already encoded (saves encoding every lookup key twice). */
  static _only(value: unknown, encoded: EncodedKey): IDBKeyRange {
    return new IDBKeyRange(value, value, false, false, encoded);
  }

  static lowerBound(lower: unknown, open = false): IDBKeyRange {
    encodeKey(lower);
    return new IDBKeyRange(lower, undefined, Boolean(open), true);
  }

  static upperBound(upper: unknown, open = false): IDBKeyRange {
    encodeKey(upper);
    return new IDBKeyRange(undefined, upper, true, Boolean(open));
  }

  static bound(lower: unknown, upper: unknown, lowerOpen = false, upperOpen = false): IDBKeyRange {
    encodeKey(lower);
    encodeKey(upper);
    return new IDBKeyRange(lower, upper, Boolean(lowerOpen), Boolean(upperOpen));
  }

  /** An unbounded range, for queries given no key. */
  static _all(): IDBKeyRange {
    return new IDBKeyRange(undefined, undefined, true, true);
  }

  includes(value: unknown): boolean {
    return this._includes(encodeKey(value));
  }

  _includes(key: EncodedKey): boolean {
    if (this._lower !== null) {
      const order = compareKeys(key, this._lower);
      if (order < 0 || (order === 0 && this.lowerOpen)) return false;
    }
    if (this._upper !== null) {
      const order = compareKeys(key, this._upper);
      if (order > 0 || (order === 0 && this.upperOpen)) return false;
    }
    return true;
  }

  /** The SQL condition on `column` for this range, with its parameters. */
  _sql(column: string): { where: string; params: Buffer[] } {
    if (this._lower !== null && this._upper !== null && !this.lowerOpen && !this.upperOpen && this._lower.equals(this._upper)) {
      return { where: `${column} = ?`, params: [this._lower] };
    }
    const terms: string[] = [];
    const params: Buffer[] = [];
    if (this._lower !== null) {
      terms.push(`${column} ${this.lowerOpen ? '>' : '>='} ?`);
      params.push(this._lower);
    }
    if (this._upper !== null) {
      terms.push(`${column} ${this.upperOpen ? '<' : '<='} ?`);
      params.push(this._upper);
    }
    return { where: terms.length === 0 ? '1' : terms.join(' AND '), params };
  }
}

/** "Convert a value to a key range": a range as is, a key as a single-key range, null/undefined as all (if allowed). */
export function toKeyRange(query: unknown, nullMeansAll: boolean): IDBKeyRange {
  if (query instanceof IDBKeyRange) return query;
  if (query === undefined || query === null) {
    if (nullMeansAll) return IDBKeyRange._all();
    throw dataError('A key or key range is required.');
  }
  const encoded = tryEncodeKey(query);
  if (encoded === null) throw dataError('The value is not a valid IndexedDB key or key range.');
  return IDBKeyRange._only(query, encoded);
}

/** Spec: a key range, or anything that converts to a key or fails only by value (NaN, invalid Date, bad array). */
function isPotentiallyValidKeyRange(value: unknown): boolean {
  return (
    value instanceof IDBKeyRange ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    value instanceof Date ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    Array.isArray(value)
  );
}

export interface GetAllArgs {
  range: IDBKeyRange;
  /** 0 = no limit. */
  limit: number;
  direction: 'next' | 'nextunique' | 'prev' | 'prevunique';
}

/** getAll/getAllKeys arguments: (query, count) or an options dictionary {query, count, direction}. */
export function getAllArgs(queryOrOptions: unknown, count: unknown): GetAllArgs {
  if (queryOrOptions === undefined || queryOrOptions === null || isPotentiallyValidKeyRange(queryOrOptions)) {
    return { range: toKeyRange(queryOrOptions, true), limit: toCount(count), direction: 'next' };
  }
  const options = queryOrOptions as { query?: unknown; count?: unknown; direction?: unknown };
  const direction = options.direction ?? 'next';
  if (direction !== 'next' && direction !== 'nextunique' && direction !== 'prev' && direction !== 'prevunique') {
    throw new TypeError(`${typeof direction === 'string' ? JSON.stringify(direction) : typeof direction} is not a valid direction.`);
  }
  return { range: toKeyRange(options.query, true), limit: toCount(options.count ?? count), direction };
}

/** WebIDL [EnforceRange] unsigned long, as getAll's count; 0 and undefined mean no limit. */
export function toCount(count: unknown): number {
  if (count === undefined) return 0;
  const n = Number(count);
  if (!Number.isFinite(n) || n < 0 || n > 0xffffffff) throw new TypeError('count must be a non-negative integer.');
  return Math.trunc(n);
}
