/**
 * Just enough DOM eventing for IndexedDB: targets with listeners and `on…` handler properties, bubbling from
 * request to transaction to database, cancelable error events (an uncancelled request error aborts its transaction).
 */

type Listener = ((event: IdbEvent) => unknown) | { handleEvent(event: IdbEvent): unknown };

interface Registration {
  listener: Listener;
  once: boolean;
  removed: boolean;
}

export class IdbEvent {
  readonly type: string;
  readonly bubbles: boolean;
  readonly cancelable: boolean;
  readonly timeStamp = performance.now();
  target: IdbEventTarget | null = null;
  currentTarget: IdbEventTarget | null = null;
  eventPhase = 0;
  defaultPrevented = false;
  _stopped = false;
  _stoppedImmediately = false;

  constructor(type: string, init: { bubbles?: boolean; cancelable?: boolean } = {}) {
    this.type = type;
    this.bubbles = init.bubbles ?? false;
    this.cancelable = init.cancelable ?? false;
  }

  preventDefault(): void {
    if (this.cancelable) this.defaultPrevented = true;
  }

  stopPropagation(): void {
    this._stopped = true;
  }

  stopImmediatePropagation(): void {
    this._stopped = true;
    this._stoppedImmediately = true;
  }
}

export class IDBVersionChangeEvent extends IdbEvent {
  readonly oldVersion: number;
  readonly newVersion: number | null;

  constructor(type: string, oldVersion: number, newVersion: number | null) {
    super(type);
    this.oldVersion = oldVersion;
    this.newVersion = newVersion;
  }
}

/** Thrown by a listener: remembered so the transaction can abort, as the spec asks. */
export class ListenerError {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

export class IdbEventTarget {
  // Created on first use: most requests get one handler or none, and there are many requests.
  #listenerMap: Map<string, Registration[]> | null = null;
  #handlerMap: Map<string, { fn: ((event: IdbEvent) => unknown) | null; registration: Registration }> | null = null;

  get #listeners(): Map<string, Registration[]> {
    return (this.#listenerMap ??= new Map());
  }

  get #handlers(): Map<string, { fn: ((event: IdbEvent) => unknown) | null; registration: Registration }> {
    return (this.#handlerMap ??= new Map());
  }

  /** The next target on the bubbling path (request → transaction → database). */
  _parent(): IdbEventTarget | null {
    return null;
  }

  addEventListener(type: string, listener: Listener | null, options?: boolean | { once?: boolean }): void {
    if (listener === null) return;
    const list = this.#listeners.get(type) ?? [];
    if (list.some((r) => r.listener === listener && !r.removed)) return;
    list.push({ listener, once: typeof options === 'object' && options.once === true, removed: false });
    this.#listeners.set(type, list);
  }

  removeEventListener(type: string, listener: Listener | null): void {
    const list = this.#listeners.get(type);
    const index = list?.findIndex((r) => r.listener === listener && !r.removed) ?? -1;
    if (list && index >= 0) {
      list[index].removed = true;
      list.splice(index, 1);
    }
  }

  _getHandler(type: string): ((event: IdbEvent) => unknown) | null {
    return this.#handlerMap?.get(type)?.fn ?? null;
  }

  /** `onfoo = fn`: registered as a listener where first set, replaced in place afterwards (HTML's rule). */
  _setHandler(type: string, fn: unknown): void {
    const handler = typeof fn === 'function' ? (fn as (event: IdbEvent) => unknown) : null;
    const existing = this.#handlers.get(type);
    if (existing) {
      existing.fn = handler;
      return;
    }
    const entry = { fn: handler, registration: { listener: (e: IdbEvent) => entry.fn?.call(this, e), once: false, removed: false } };
    this.#handlers.set(type, entry);
    const list = this.#listeners.get(type) ?? [];
    list.push(entry.registration);
    this.#listeners.set(type, list);
  }

  /** Dispatches along the bubbling path; returns the first error a listener threw, if any. */
  _dispatch(event: IdbEvent): ListenerError | null {
    const path: IdbEventTarget[] = [];
    path.push(this);
    for (let t = this._parent(); t !== null; t = t._parent()) path.push(t);
    event.target = this;
    let thrown: ListenerError | null = null;
    // IDB targets have no capturing listeners of interest; walk target phase then bubble.
    for (const [i, target] of path.entries()) {
      if (i > 0 && !event.bubbles) break;
      event.currentTarget = target;
      event.eventPhase = i === 0 ? 2 : 3;
      const registrations = target.#listenerMap?.get(event.type);
      if (!registrations) {
        if (event._stopped) break;
        continue;
      }
      for (const registration of [...registrations]) {
        if (registration.removed) continue;
        if (registration.once) target.removeEventListener(event.type, registration.listener);
        try {
          const l = registration.listener;
          if (typeof l === 'function') l.call(target, event);
          else l.handleEvent(event);
        } catch (e) {
          thrown ??= new ListenerError(e);
        }
        if (event._stoppedImmediately) break;
      }
      if (event._stopped) break;
    }
    event.currentTarget = null;
    event.eventPhase = 0;
    return thrown;
  }
}

/** Adds `on<type>` accessor properties to a target class. */
export function defineHandlers(target: { prototype: IdbEventTarget }, types: readonly string[]): void {
  for (const type of types) {
    Object.defineProperty(target.prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: IdbEventTarget) {
        return this._getHandler(type);
      },
      set(this: IdbEventTarget, fn: unknown) {
        this._setHandler(type, fn);
      },
    });
  }
}

/** DOMStringList: a sorted, read-only list of names. */
export class DOMStringList extends Array<string> {
  static of_(names: Iterable<string>): DOMStringList {
    const list = new DOMStringList();
    for (const name of [...names].sort()) list.push(name);
    return list;
  }

  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  item(index: number): string | null {
    return this[index] ?? null;
  }

  contains(name: string): boolean {
    return this.includes(name);
  }
}
