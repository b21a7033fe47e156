/**
 * IDBFactory over one SQLite file: open (with versions, upgradeneeded, blocked), deleteDatabase, databases, cmp.
 * Opens and deletes go through the same scheduler as transactions, so they happen in the order they were asked.
 */
import { IdbEvent, IDBVersionChangeEvent } from './events.ts';
import { compareKeys, encodeKey } from './keys.ts';
import { IDBDatabase } from './database.ts';
import { IDBOpenDBRequest } from './request.ts';
import { Scheduler } from './transaction.ts';
import type { SqliteBacking } from './sqlite-backing.ts';

export class IDBFactory {
  readonly #backing: SqliteBacking;
  readonly #scheduler = new Scheduler();
  readonly #connections = new Set<IDBDatabase>();
  /** Opens and deletes waiting for other connections to close ("blocked"). */
  #waiting: (() => void)[] = [];

  constructor(backing: SqliteBacking) {
    this.#backing = backing;
  }

  open(name: string, version?: number): IDBOpenDBRequest {
    const dbName = String(name);
    let requested: number | undefined;
    if (version !== undefined) {
      requested = Number(version);
      if (!Number.isInteger(requested) || requested < 1 || requested > Number.MAX_SAFE_INTEGER) {
        throw new TypeError('The version must be a positive integer.');
      }
    }
    const request = new IDBOpenDBRequest();
    const job = (notified: boolean) => (done: () => void) =>
      setImmediate(() => guarded(request, done, () => this.#runOpen(request, dbName, requested, done, notified, job(true))));
    this.#scheduler.enqueue({ run: job(false) });
    return request;
  }

  deleteDatabase(name: string): IDBOpenDBRequest {
    const dbName = String(name);
    const request = new IDBOpenDBRequest();
    const job = (notified: boolean) => (done: () => void) =>
      setImmediate(() => guarded(request, done, () => this.#runDelete(request, dbName, done, notified, job(true))));
    this.#scheduler.enqueue({ run: job(false) });
    return request;
  }

  databases(): Promise<{ name: string; version: number }[]> {
    return Promise.resolve(this.#backing.databases());
  }

  cmp(first: unknown, second: unknown): number {
    return Math.sign(compareKeys(encodeKey(first), encodeKey(second)));
  }

  /**
   * Asks the other open connections to close (versionchange); true when some stay open, after firing "blocked"
   * once and queueing `retry` for when one closes.
   */
  #blocked(name: string, request: IDBOpenDBRequest, oldVersion: number, newVersion: number | null, notified: boolean, retry: (done: () => void) => void): boolean {
    const open = () => [...this.#connections].filter((c) => c.name === name && !c._closePending);
    if (!notified) for (const connection of open()) connection._dispatch(new IDBVersionChangeEvent('versionchange', oldVersion, newVersion));
    if (open().length === 0) return false;
    if (!notified) request._dispatch(new IDBVersionChangeEvent('blocked', oldVersion, newVersion));
    this.#waiting.push(() => this.#scheduler.enqueue({ run: retry }));
    return true;
  }

  #onClose = (db: IDBDatabase): void => {
    this.#connections.delete(db);
    for (const retry of this.#waiting.splice(0)) retry();
  };

  #runOpen(request: IDBOpenDBRequest, name: string, requested: number | undefined, done: () => void, notified: boolean, retry: (done: () => void) => void): void {
    const current = this.#backing.version(name);
    const version = requested ?? (current || 1);
    if (version < current) {
      fail(request, new DOMException(`The database is at version ${current}, newer than the requested ${version}.`, 'VersionError'));
      done();
      return;
    }
    if (version > current && this.#blocked(name, request, current, version, notified, retry)) {
      done();
      return;
    }
    const db = new IDBDatabase(name, current, this.#backing, this.#scheduler, this.#onClose);
    this.#connections.add(db);
    request._result = db;
    if (version === current) {
      request._done = true;
      request._dispatch(new IdbEvent('success'));
      done();
      return;
    }
    const tx = db._beginUpgrade(version);
    request.transaction = tx;
    tx._onFinished((aborted) => {
      request.transaction = null;
      db._upgrade = null;
      if (aborted) {
        db._closePending = true;
        this.#connections.delete(db);
        request._result = undefined;
        fail(request, new DOMException('The version upgrade was aborted.', 'AbortError'));
      } else {
        request._dispatch(new IdbEvent('success'));
      }
    });
    tx._start(done);
    this.#backing.setVersion(name, version);
    request._done = true;
    tx._active = true;
    const thrown = request._dispatch(new IDBVersionChangeEvent('upgradeneeded', current, version));
    if (thrown && tx._state === 'running') tx._abortWith(new DOMException('An upgradeneeded listener threw an exception.', 'AbortError'));
  }

  #runDelete(request: IDBOpenDBRequest, name: string, done: () => void, notified: boolean, retry: (done: () => void) => void): void {
    const current = this.#backing.version(name);
    if (this.#blocked(name, request, current, null, notified, retry)) {
      done();
      return;
    }
    try {
      this.#backing.begin(true);
      this.#backing.deleteDatabase(name);
      this.#backing.commit();
    } catch (e) {
      this.#backing.rollback();
      fail(request, new DOMException(`Could not delete the database: ${e instanceof Error ? e.message : String(e)}`, 'UnknownError'));
      done();
      return;
    }
    request._done = true;
    request._result = undefined;
    request._dispatch(new IDBVersionChangeEvent('success', current, null));
    done();
  }
}

/** Runs an open/delete step; a throw (e.g. the SQLite file was closed) fails the request instead of escaping. */
function guarded(request: IDBOpenDBRequest, done: () => void, step: () => void): void {
  try {
    step();
  } catch (e) {
    if (!request._done) fail(request, new DOMException(`The database could not be opened: ${e instanceof Error ? e.message : String(e)}`, 'UnknownError'));
    done();
  }
}

function fail(request: IDBOpenDBRequest, error: DOMException): void {
  request._done = true;
  request._error = error;
  request._dispatch(new IdbEvent('error', { bubbles: true, cancelable: true }));
}
