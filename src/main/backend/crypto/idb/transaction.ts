/**
 * IDBTransaction and the scheduler that runs transactions one at a time on the single SQLite connection.
 *
 * Each IndexedDB transaction is one SQLite transaction (readwrite and versionchange: BEGIN IMMEDIATE … COMMIT, so
 * abort is a ROLLBACK). Readonly transactions need no SQLite transaction: nothing else writes while they run.
 * Requests run in order, one per macrotask; after a request's event the transaction stays active through the
 * microtasks that follow (promise-based callers such as the wasm engine's futures place their next request there),
 * and it commits by itself at the first step that finds no request pending — IndexedDB's auto-commit.
 * Running transactions strictly one after another is a valid IndexedDB schedule and cannot deadlock: a transaction
 * with nothing to do commits at its next step.
 */
import { DOMStringList, IdbEvent, IdbEventTarget, defineHandlers } from './events.ts';
import type { ListenerError } from './events.ts';
import { IDBRequest } from './request.ts';
import type { SqliteBacking } from './sqlite-backing.ts';
import type { IDBDatabase } from './database.ts';
import { IDBObjectStore } from './object-store.ts';

export type TransactionMode = 'readonly' | 'readwrite' | 'versionchange';

interface Job {
  run(done: () => void): void;
}

/** First come, first served; one job (transaction, open, delete) at a time. */
export class Scheduler {
  #queue: Job[] = [];
  #busy = false;

  enqueue(job: Job): void {
    this.#queue.push(job);
    this.#pump();
  }

  #pump(): void {
    if (this.#busy) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#busy = true;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      this.#busy = false;
      this.#pump();
    };
    try {
      job.run(done);
    } catch {
      done(); // a job that throws (database closed underneath it) must not stall every later one
    }
  }
}

interface PendingRequest {
  request: IDBRequest;
  op: () => unknown;
}

export class IDBTransaction extends IdbEventTarget {
  readonly db: IDBDatabase;
  readonly mode: TransactionMode;
  readonly durability = 'default';
  error: DOMException | null = null;
  readonly _scope: readonly string[];
  readonly _backing: SqliteBacking;
  _state: 'waiting' | 'running' | 'finished' = 'waiting';
  _active = true;
  #commitRequested = false;
  #began = false;
  #pending: PendingRequest[] = [];
  #stores = new Map<string, IDBObjectStore>();
  #done: (() => void) | null = null;
  #failLater: DOMException | null = null;
  #finishHooks: ((aborted: boolean) => void)[] = [];

  constructor(db: IDBDatabase, scope: readonly string[], mode: TransactionMode, backing: SqliteBacking) {
    super();
    this.db = db;
    this._scope = scope;
    this.mode = mode;
    this._backing = backing;
    // The creating task ends at the next macrotask: a transaction still waiting to run is inactive from then on.
    setImmediate(() => {
      if (this._state === 'waiting') this._active = false;
    });
  }

  get objectStoreNames(): DOMStringList {
    return this.mode === 'versionchange' ? this.db.objectStoreNames : DOMStringList.of_(this._scope);
  }

  override _parent(): IdbEventTarget | null {
    return this.db;
  }

  objectStore(name: string): IDBObjectStore {
    if (this._state === 'finished') throw new DOMException('The transaction has finished.', 'InvalidStateError');
    const meta = this.db._meta.get(name);
    if (!meta || (this.mode !== 'versionchange' && !this._scope.includes(name))) {
      throw new DOMException(`No object store named "${name}" in this transaction.`, 'NotFoundError');
    }
    let store = this.#stores.get(name);
    if (!store || store._meta !== meta) {
      store = new IDBObjectStore(this, meta);
      this.#stores.set(name, store);
    }
    return store;
  }

  _forgetStore(name: string): void {
    this.#stores.delete(name);
  }

  abort(): void {
    if (this._state === 'finished' || this.#commitRequested) {
      throw new DOMException('The transaction has already committed or aborted.', 'InvalidStateError');
    }
    this._abortWith(null);
  }

  commit(): void {
    if (this._state === 'finished' || this.#commitRequested || !this._active) {
      throw new DOMException('The transaction is not active.', 'InvalidStateError');
    }
    this.#commitRequested = true;
  }

  /** Throws unless requests may be placed now. */
  _checkActive(): void {
    if (this._state === 'finished' || !this._active || this.#commitRequested) {
      throw new DOMException('The transaction is not active.', 'TransactionInactiveError');
    }
  }

  _checkWritable(): void {
    if (this.mode === 'readonly') throw new DOMException('The transaction is read-only.', 'ReadOnlyError');
  }

  /** Queues an operation; its return value becomes the request's result, a thrown DOMException its error. */
  _enqueue(source: unknown, op: () => unknown, reuse?: IDBRequest): IDBRequest {
    const request = reuse ?? new IDBRequest(source, this);
    if (reuse) {
      reuse._done = false;
      reuse._result = undefined;
      reuse._error = null;
    }
    this.#pending.push({ request, op });
    return request;
  }

  /** Aborts with `error` at the next step: createIndex's "in parallel" failure over existing records. */
  _abortAtNextStep(error: DOMException): void {
    this.#failLater ??= error;
  }

  _onFinished(hook: (aborted: boolean) => void): void {
    this.#finishHooks.push(hook);
  }

  /** Called by the scheduler (or the open job, for versionchange) when it is this transaction's turn. */
  _start(done: () => void): void {
    if (this._state === 'finished') {
      done();
      return;
    }
    this.#done = done;
    this._state = 'running';
    if (this.mode !== 'readonly') {
      try {
        this._backing.begin(true);
        this.#began = true;
      } catch (e) {
        this._abortWith(asDomException(e));
        return;
      }
    }
    this.#scheduleStep();
  }

  #scheduleStep(): void {
    setImmediate(() => this.#step());
  }

  #step(): void {
    if (this._state !== 'running') return;
    this._active = false;
    if (this.#failLater) {
      this._abortWith(this.#failLater);
      return;
    }
    const next = this.#pending.shift();
    if (!next) {
      this.#commitNow();
      return;
    }
    const { request, op } = next;
    let event: IdbEvent;
    let failure: DOMException | null = null;
    try {
      request._result = op();
      request._done = true;
      event = new IdbEvent('success');
    } catch (e) {
      failure = asDomException(e);
      request._error = failure;
      request._result = undefined;
      request._done = true;
      event = new IdbEvent('error', { bubbles: true, cancelable: true });
    }
    this._active = true;
    const thrown: ListenerError | null = request._dispatch(event);
    if (this._state === 'running') {
      if (thrown) this._abortWith(new DOMException('A request listener threw an exception.', 'AbortError'));
      else if (failure && !event.defaultPrevented) this._abortWith(failure);
    }
    if (this._state === 'running') this.#scheduleStep();
  }

  #commitNow(): void {
    try {
      if (this.#began) this._backing.commit();
    } catch (e) {
      this._abortWith(new DOMException(`Could not commit: ${e instanceof Error ? e.message : String(e)}`, 'UnknownError'));
      return;
    }
    this._state = 'finished';
    this._dispatch(new IdbEvent('complete'));
    this.#finish(false);
  }

  /** Rolls back now; error events for unfinished requests and the abort event follow in a later task. */
  _abortWith(error: DOMException | null): void {
    if (this._state === 'finished') return;
    const wasRunning = this._state === 'running';
    this._state = 'finished';
    this._active = false;
    this.error = error;
    if (wasRunning && this.#began) this._backing.rollback();
    if (this.mode === 'versionchange') this.db._revertUpgrade();
    const unfinished = this.#pending.splice(0);
    setImmediate(() => {
      for (const { request } of unfinished) {
        request._done = true;
        request._result = undefined;
        request._error = new DOMException('The transaction was aborted.', 'AbortError');
        request._dispatch(new IdbEvent('error', { bubbles: true, cancelable: true }));
      }
      this._dispatch(new IdbEvent('abort', { bubbles: true }));
      this.#finish(true);
    });
  }

  #finish(aborted: boolean): void {
    for (const hook of this.#finishHooks.splice(0)) hook(aborted);
    const done = this.#done;
    this.#done = null;
    done?.();
  }
}
defineHandlers(IDBTransaction, ['abort', 'complete', 'error']);

function asDomException(e: unknown): DOMException {
  if (e instanceof DOMException) return e;
  return new DOMException(e instanceof Error ? e.message : String(e), 'UnknownError');
}
