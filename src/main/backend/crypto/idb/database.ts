/** IDBDatabase: one connection to a named database, its object store metadata and its transactions. */
import { DOMStringList, IdbEventTarget, defineHandlers } from './events.ts';
import { validateKeyPath } from './keys.ts';
import type { SqliteBacking, StoreMeta } from './sqlite-backing.ts';
import { IDBTransaction } from './transaction.ts';
import type { Scheduler } from './transaction.ts';
import type { IDBObjectStore } from './object-store.ts';

export class IDBDatabase extends IdbEventTarget {
  readonly name: string;
  version: number;
  _meta: Map<string, StoreMeta>;
  _closePending = false;
  _upgrade: IDBTransaction | null = null;
  _versionBeforeUpgrade = 0;
  readonly #backing: SqliteBacking;
  readonly #scheduler: Scheduler;
  readonly #onClose: (db: IDBDatabase) => void;

  constructor(name: string, version: number, backing: SqliteBacking, scheduler: Scheduler, onClose: (db: IDBDatabase) => void) {
    super();
    this.name = name;
    this.version = version;
    this.#backing = backing;
    this.#scheduler = scheduler;
    this.#onClose = onClose;
    this._meta = backing.stores(name);
  }

  get objectStoreNames(): DOMStringList {
    return DOMStringList.of_(this._meta.keys());
  }

  transaction(storeNames: string | Iterable<string>, mode: unknown = 'readonly', _options?: unknown): IDBTransaction {
    if (mode !== 'readonly' && mode !== 'readwrite') throw new TypeError(`"${String(mode)}" is not a valid transaction mode.`);
    if (this._upgrade && this._upgrade._state !== 'finished') {
      throw new DOMException('A version upgrade is in progress.', 'InvalidStateError');
    }
    if (this._closePending) throw new DOMException('The database connection is closed.', 'InvalidStateError');
    const names = [...new Set(typeof storeNames === 'string' ? [storeNames] : [...storeNames].map(String))];
    for (const name of names) {
      if (!this._meta.has(name)) throw new DOMException(`No object store named "${name}".`, 'NotFoundError');
    }
    if (names.length === 0) throw new DOMException('A transaction needs at least one object store.', 'InvalidAccessError');
    const tx = new IDBTransaction(this, names, mode, this.#backing);
    this.#scheduler.enqueue({ run: (done) => tx._start(done) });
    return tx;
  }

  /** Starts the versionchange transaction of an open request (run by the open job, not the scheduler queue). */
  _beginUpgrade(newVersion: number): IDBTransaction {
    this._versionBeforeUpgrade = this.version;
    const tx = new IDBTransaction(this, [], 'versionchange', this.#backing);
    this._upgrade = tx;
    this.version = newVersion;
    return tx;
  }

  /** After an aborted upgrade (already rolled back): the metadata and version as they were. */
  _revertUpgrade(): void {
    this.version = this._versionBeforeUpgrade;
    this._meta = this.#backing.stores(this.name);
  }

  #checkUpgrade(): IDBTransaction {
    const tx = this._upgrade;
    if (!tx || tx._state === 'finished') throw new DOMException('Object stores can only be changed during a version upgrade.', 'InvalidStateError');
    tx._checkActive();
    return tx;
  }

  createObjectStore(name: string, options: { keyPath?: unknown; autoIncrement?: boolean } | null = {}): IDBObjectStore {
    const tx = this.#checkUpgrade();
    const rawPath = options?.keyPath;
    const keyPath = rawPath === undefined || rawPath === null ? null : validateKeyPath(rawPath);
    const autoIncrement = Boolean(options?.autoIncrement);
    if (this._meta.has(name)) throw new DOMException(`An object store named "${name}" already exists.`, 'ConstraintError');
    if (autoIncrement && (keyPath === '' || Array.isArray(keyPath))) {
      throw new DOMException('An auto-increment store cannot have an empty or array key path.', 'InvalidAccessError');
    }
    this._meta.set(name, this.#backing.createStore(this.name, String(name), keyPath, autoIncrement));
    return tx.objectStore(name);
  }

  deleteObjectStore(name: string): void {
    const tx = this.#checkUpgrade();
    const meta = this._meta.get(name);
    if (!meta) throw new DOMException(`No object store named "${name}".`, 'NotFoundError');
    this.#backing.deleteStore(meta);
    this._meta.delete(name);
    tx._forgetStore(name);
  }

  close(): void {
    if (this._closePending) return;
    this._closePending = true;
    this.#onClose(this);
  }
}
defineHandlers(IDBDatabase, ['abort', 'close', 'error', 'versionchange']);
