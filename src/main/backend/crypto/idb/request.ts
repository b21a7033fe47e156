/** IDBRequest and IDBOpenDBRequest: a pending result that settles with a success or error event. */
import { defineHandlers, IdbEventTarget } from './events.ts';
import type { IDBTransaction } from './transaction.ts';

export class IDBRequest extends IdbEventTarget {
  _result: unknown = undefined;
  _error: DOMException | null = null;
  _done = false;
  source: unknown;
  transaction: IDBTransaction | null;

  constructor(source: unknown, transaction: IDBTransaction | null) {
    super();
    this.source = source;
    this.transaction = transaction;
  }

  get readyState(): 'pending' | 'done' {
    return this._done ? 'done' : 'pending';
  }

  get result(): unknown {
    if (!this._done) throw new DOMException('The request has not finished.', 'InvalidStateError');
    return this._result;
  }

  get error(): DOMException | null {
    if (!this._done) throw new DOMException('The request has not finished.', 'InvalidStateError');
    return this._error;
  }

  override _parent(): IdbEventTarget | null {
    return this.transaction;
  }
}
defineHandlers(IDBRequest, ['success', 'error']);

export class IDBOpenDBRequest extends IDBRequest {
  constructor() {
    super(null, null);
  }
}
defineHandlers(IDBOpenDBRequest, ['upgradeneeded', 'blocked']);
