/**
 * Random IndexedDB programs for the differential test: the same seed drives the same schema changes, transactions,
 * requests and cursor walks against any IndexedDB implementation, and every observable outcome (results, errors
 * thrown and fired, transaction endings, final contents) goes into a transcript to compare.
 */

export interface IdbImplementation {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

/** mulberry32: small, seeded, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values as comparable plain data (binary, dates and typed arrays tagged). */
export function canon(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { $ab: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { [`$${value.constructor.name}`]: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map(canon);
  if (typeof value === 'number' && Object.is(value, -0)) return { $num: '-0' };
  if (value && typeof value === 'object') {
    if (typeof (value as { length?: unknown }).length === 'number' && typeof (value as { item?: unknown }).item === 'function') {
      return { $list: [...(value as Iterable<unknown>)] };
    }
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canon((value as Record<string, unknown>)[k])]));
  }
  if (value === undefined) return { $undefined: true };
  return value;
}

const STORE_NAMES = ['s1', 's2', 's3'];
const INDEX_NAMES = ['i1', 'i2', 'i3'];
const FIELD_PATHS: (string | string[])[] = ['a', 'b', 'c.d', ['a', 'n'], ['c.d', 'a'], 'id', 'b.length', 'n', 'n'];
const DIRECTIONS: IDBCursorDirection[] = ['next', 'prev', 'nextunique', 'prevunique'];

export class Program {
  readonly transcript: unknown[] = [];
  readonly #r: () => number;
  readonly #impl: IdbImplementation;
  readonly #name: string;
  #db: IDBDatabase | null = null;
  #version = 0;
  /**
   * Auto-increment stores written by an aborted transaction: the spec (and browsers) roll their key generator back,
   * fake-indexeddb does not, so generated keys there are no longer compared.
   */
  #uncertainGenerators = new Set<string>();
  #written = new Set<string>();

  constructor(seed: number, impl: IdbImplementation, name: string) {
    this.#r = rng(seed);
    this.#impl = impl;
    this.#name = name;
  }

  #int(n: number): number {
    return Math.floor(this.#r() * n);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)];
  }

  #chance(p: number): boolean {
    return this.#r() < p;
  }

  #log(...entry: unknown[]): void {
    this.transcript.push(canon(entry));
  }

  /** A key, sometimes an invalid one (typed as valid: the point is to see both sides reject it alike). */
  key(allowInvalid = true): IDBValidKey {
    return this.#anyKey(allowInvalid) as IDBValidKey;
  }

  #anyKey(allowInvalid: boolean): unknown {
    const kind = this.#int(allowInvalid ? 13 : 12);
    switch (kind) {
      case 0: case 1: case 2: return this.#int(7) - 2;
      case 3: return this.#pick([1.5, -0.5, Infinity, -Infinity]); // not -0: a stored -0 key reads back as 0 here (documented)
      case 4: case 5: return this.#pick(['', 'a', 'b', 'ab', 'b\u0000', '\u0000', '\uffff', '\ud800x', 'é', 'B']);
      case 6: return new Date(this.#pick([0, 1, -5, 1e12]));
      case 7: return new Uint8Array(this.#pick([[], [0], [0, 0], [1], [0, 1], [255]])).buffer;
      case 8: return this.#pick([[], [1], [1, 'a'], ['a'], [[1]], [1, [2]], [new Date(0)]]);
      case 9: return this.#pick([3, 4, 100, 2.5]);
      case 10: return this.#pick(['c', 'ba', 'a\u0001']);
      case 11: return [this.#int(3), this.#pick(['x', 'y'])];
      default: return this.#pick([NaN, null, { a: 1 }, true, new Date(NaN)]);
    }
  }

  value(): unknown {
    if (this.#chance(0.1)) return this.#pick([7, 'text', [1, 2], false, true]); // not null: fake-indexeddb throws TypeError on null where the spec says DataError
    const v: Record<string, unknown> = {};
    if (this.#chance(0.8)) v.a = this.key();
    if (this.#chance(0.6)) v.b = Array.from({ length: this.#int(4) }, () => this.key());
    if (this.#chance(0.5)) v.c = { d: this.key() };
    if (this.#chance(0.7)) v.n = this.#int(5);
    if (this.#chance(0.4)) v.id = this.key();
    if (this.#chance(0.2)) v.bin = new Uint8Array([this.#int(256), 0, 7]);
    return v;
  }

  range(): IDBKeyRange | IDBValidKey | undefined {
    const { IDBKeyRange: R } = this.#impl;
    try {
      switch (this.#int(6)) {
        case 0: return undefined;
        case 1: return this.key();
        case 2: return R.lowerBound(this.key(false), this.#chance(0.5));
        case 3: return R.upperBound(this.key(false), this.#chance(0.5));
        case 4: return R.bound(this.key(false), this.key(false), this.#chance(0.5), this.#chance(0.5));
        default: return R.only(this.key(false));
      }
    } catch (e) {
      this.#log('range-throw', (e as DOMException).name);
      return undefined;
    }
  }

  /** A request's outcome; request errors are cancelled (preventDefault) with probability `prevent`. */
  #settle(request: IDBRequest, prevent: boolean): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    return new Promise((resolve) => {
      request.onsuccess = () => resolve({ ok: true, result: request.result });
      request.onerror = (event) => {
        if (prevent) event.preventDefault();
        event.stopPropagation();
        resolve({ ok: false, error: request.error?.name });
      };
    });
  }

  #ended(tx: IDBTransaction): Promise<string> {
    return new Promise((resolve) => {
      tx.oncomplete = () => resolve('complete');
      tx.onabort = () => resolve(`abort:${tx.error?.name ?? 'none'}`);
    });
  }

  async run(steps: number): Promise<void> {
    await this.#upgrade(true);
    for (let i = 0; i < steps; i++) {
      if (this.#chance(0.15)) await this.#upgrade(false);
      else await this.#transaction();
    }
    await this.#dump();
    this.#db?.close();
  }

  async #upgrade(first: boolean): Promise<void> {
    this.#db?.close();
    const request = this.#impl.indexedDB.open(this.#name, this.#version + 1);
    const abort = !first && this.#chance(0.2);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      const tx = request.transaction as IDBTransaction;
      this.#log('upgrade', event.oldVersion, event.newVersion);
      const changes = first ? 3 : 1 + this.#int(3);
      for (let i = 0; i < changes; i++) this.#schemaChange(db, tx, first);
      if (abort) tx.abort();
    };
    const outcome = await new Promise<string>((resolve) => {
      request.onsuccess = () => resolve('success');
      request.onerror = (event) => {
        event.preventDefault();
        resolve(`error:${request.error?.name}`);
      };
    });
    this.#log('open', outcome);
    if (outcome === 'success') {
      this.#db = request.result;
      this.#version = this.#db.version;
    } else {
      const again = this.#impl.indexedDB.open(this.#name);
      this.#db = await new Promise<IDBDatabase>((resolve) => {
        again.onsuccess = () => resolve(again.result);
      });
      this.#log('reopened at', this.#db.version);
    }
    this.#logSchema();
  }

  #schemaChange(db: IDBDatabase, tx: IDBTransaction, first: boolean): void {
    try {
      const stores = [...db.objectStoreNames];
      const what = first ? 0 : this.#int(5);
      if (what === 0 || stores.length === 0) {
        const keyPath = this.#chance(0.6) ? null : this.#pick(['id', 'c.d', ['a', 'n']] as (string | string[])[]);
        const autoIncrement = typeof keyPath !== 'object' && this.#chance(0.4);
        db.createObjectStore(this.#pick(STORE_NAMES), keyPath === null ? { autoIncrement } : { keyPath, autoIncrement });
      } else if (what === 4) {
        db.deleteObjectStore(this.#pick(stores));
      } else {
        const store = tx.objectStore(this.#pick(stores));
        if (what === 3 && store.indexNames.length > 0) store.deleteIndex(this.#pick([...store.indexNames]));
        else {
          const keyPath = this.#pick(FIELD_PATHS);
          store.createIndex(this.#pick(INDEX_NAMES), keyPath, { unique: this.#chance(0.5), multiEntry: !Array.isArray(keyPath) && this.#chance(0.4) });
        }
      }
    } catch (e) {
      this.#log('schema-throw', (e as DOMException).name);
    }
  }

  #logSchema(): void {
    const db = this.#db as IDBDatabase;
    const names = [...db.objectStoreNames];
    this.#log('schema', db.version, names);
    if (names.length === 0) return;
    const tx = db.transaction(names);
    for (const name of names) {
      const store = tx.objectStore(name);
      const indexes = [...store.indexNames].map((i) => {
        const index = store.index(i);
        return [i, index.keyPath, index.unique, index.multiEntry];
      });
      this.#log('store', name, store.keyPath, store.autoIncrement, indexes);
    }
  }

  async #transaction(): Promise<void> {
    const db = this.#db as IDBDatabase;
    const names = [...db.objectStoreNames];
    if (names.length === 0) return;
    const scope = names.filter(() => this.#chance(0.6));
    if (scope.length === 0) scope.push(names[0]);
    const mode: IDBTransactionMode = this.#chance(0.75) ? 'readwrite' : 'readonly';
    const tx = db.transaction(scope, mode);
    const ended = this.#ended(tx);
    const ops = 1 + this.#int(10);
    const abortAt = this.#chance(0.15) ? this.#int(ops + 1) : -1;
    let alive = true;
    for (let i = 0; i < ops && alive; i++) {
      if (i === abortAt) {
        tx.abort();
        this.#log('abort()');
        break;
      }
      alive = await this.#op(tx, tx.objectStore(this.#pick(scope)));
    }
    if (alive && abortAt === ops) {
      tx.abort();
      this.#log('abort()');
    }
    const outcome = await ended;
    if (outcome.startsWith('abort')) for (const name of this.#written) this.#uncertainGenerators.add(name);
    this.#written.clear();
    this.#log('tx', mode, outcome);
  }

  /** One request (or a cursor walk); false once the transaction is known to be aborting. */
  async #op(tx: IDBTransaction, store: IDBObjectStore): Promise<boolean> {
    const prevent = this.#chance(0.75);
    const indexNames = [...store.indexNames];
    const source: IDBObjectStore | IDBIndex = indexNames.length > 0 && this.#chance(0.4) ? store.index(this.#pick(indexNames)) : store;
    const kind = this.#int(14);
    let request: IDBRequest;
    let label: string;
    try {
      switch (kind) {
        case 0: case 1: case 2: {
          const explicit = store.autoIncrement && this.#uncertainGenerators.has(store.name);
          const value = this.value();
          if (explicit && typeof store.keyPath === 'string' && value && typeof value === 'object') {
            if (store.keyPath === 'id') (value as Record<string, unknown>).id = this.key(false);
            else (value as Record<string, unknown>).c = { d: this.key(false) };
          }
          const key = store.keyPath === null && (!store.autoIncrement || explicit || this.#chance(0.5)) ? this.key() : undefined;
          if (store.autoIncrement) this.#written.add(store.name);
          label = kind === 2 ? 'add' : 'put';
          request = kind === 2 ? store.add(value, key) : store.put(value, key);
          break;
        }
        case 3: label = 'get'; request = source.get(this.range() ?? this.key()); break;
        case 4: label = 'getKey'; request = source.getKey(this.range() ?? this.key()); break;
        case 5: label = 'getAll'; request = source.getAll(this.range(), this.#chance(0.3) ? this.#int(4) : undefined); break;
        case 6: label = 'getAllKeys'; request = source.getAllKeys(this.range(), this.#chance(0.3) ? this.#int(4) : undefined); break;
        case 7: label = 'count'; request = source.count(this.range()); break;
        case 8: label = 'delete'; request = store.delete(this.range() ?? this.key()); break;
        case 9:
          if (!this.#chance(0.2)) return await this.#cursorWalk(tx, store, source, true, prevent);
          label = 'clear';
          request = store.clear();
          break;
        default: return await this.#cursorWalk(tx, store, source, kind === 10, prevent);
      }
    } catch (e) {
      this.#log('throw', (e as DOMException).name);
      return true;
    }
    const outcome = await this.#settle(request, prevent);
    // A failed put/add also rolls its key generator change back (spec); fake-indexeddb keeps it.
    if (!outcome.ok && store.autoIncrement && (label === 'put' || label === 'add')) this.#uncertainGenerators.add(store.name);
    this.#log(label, source === store ? 'store' : 'index', outcome);
    return outcome.ok || prevent;
  }

  async #cursorWalk(tx: IDBTransaction, store: IDBObjectStore, source: IDBObjectStore | IDBIndex, keysOnly: boolean, prevent: boolean): Promise<boolean> {
    const direction = this.#pick(DIRECTIONS);
    const request = keysOnly ? source.openKeyCursor(this.range(), direction) : source.openCursor(this.range(), direction);
    let outcome = await this.#settle(request, prevent);
    for (let step = 0; step < 8; step++) {
      const cursor = outcome.result as IDBCursorWithValue | null;
      if (!outcome.ok || !cursor) {
        this.#log('cursor-end', outcome.ok ? null : outcome.error);
        return outcome.ok || prevent;
      }
      this.#log('cursor', direction, cursor.key, cursor.primaryKey, keysOnly ? null : cursor.value);
      try {
        const action = this.#int(10);
        if (action === 0 && tx.mode === 'readwrite' && !keysOnly) {
          const updated = this.#chance(0.5) ? this.value() : { ...(cursor.value as object), n: 99 };
          const result = await this.#settle(cursor.update(updated), true);
          this.#log('cursor.update', result);
        } else if (action === 1 && tx.mode === 'readwrite' && !keysOnly) {
          this.#log('cursor.delete', await this.#settle(cursor.delete(), true));
        }
        if (action === 2) return true;
        const next = this.#settle(request, prevent);
        if (action === 3) {
          const key = this.key(false);
          this.#log('continue', key);
          cursor.continue(key);
        } else if (action === 4) {
          const count = 1 + this.#int(3);
          this.#log('advance', count);
          cursor.advance(count);
        } else cursor.continue();
        outcome = await next;
      } catch (e) {
        this.#log('cursor-throw', (e as DOMException).name);
        return true;
      }
    }
    return true;
  }

  async #dump(): Promise<void> {
    const db = this.#db as IDBDatabase;
    const names = [...db.objectStoreNames];
    if (names.length === 0) return;
    const tx = db.transaction(names);
    for (const name of names) {
      const store = tx.objectStore(name);
      this.#log('final', name, (await this.#settle(store.getAllKeys(), true)).result, (await this.#settle(store.getAll(), true)).result);
      for (const i of store.indexNames) {
        this.#log('final-index', name, i, (await this.#settle(store.index(i).getAllKeys(), true)).result);
      }
    }
  }
}
