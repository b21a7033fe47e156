/**
 * The listeners of a small piece of UI state kept outside the store (which panel or dialog is open): `subscribe`
 * is what useSyncExternalStore takes, `notify` tells every listener after a change. Listeners added or removed while
 * being told take effect from the next change.
 */
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
