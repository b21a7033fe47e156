/**
 * The listeners of a small piece of UI state kept outside the store (which panel or dialog is open): `subscribe`
 * is what useSyncExternalStore takes, `notify` tells every listener after a change. Listeners added or removed while
 * being told take effect from the next change. uiValue wraps one such value with its listeners.
 */
import { useSyncExternalStore } from 'react';

export interface Listeners {
  readonly subscribe: (listener: () => void) => () => void;
  readonly notify: () => void;
}

export function listeners(): Listeners {
  const set = new Set<() => void>();
  return {
    subscribe: (listener) => {
      set.add(listener);
      return () => { set.delete(listener); };
    },
    notify: () => {
      for (const l of [...set]) l();
    },
  };
}

/**
 * One value of UI state kept outside the store (which dialog is open, and about what), with its listeners: `set`
 * tells them when it changes, `use` reads it in a component and re-renders it on a change.
 */
export interface UiValue<T> {
  readonly get: () => T;
  readonly subscribe: Listeners['subscribe'];
  readonly set: (value: T) => void;
  readonly use: () => T;
}

export function uiValue<T>(initial: T): UiValue<T> {
  let value = initial;
  const changed = listeners();
  const get = () => value;
  return {
    get,
    subscribe: changed.subscribe,
    set: (next) => {
      if (Object.is(next, value)) return;
      value = next;
      changed.notify();
    },
    use: () => useSyncExternalStore(changed.subscribe, get),
  };
}
