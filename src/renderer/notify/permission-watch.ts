/**
 * Follows the page's notification permission while something shows it: the user may allow or block notifications
 * in the browser's site settings at any time, with no event on `Notification` itself. Where the Permissions API
 * answers for notifications its status object says when the permission changes; everywhere (it is missing in some
 * browsers and may reject the name) the permission is also read again when the window regains focus or the tab
 * becomes visible, which is where a person comes back from the site settings.
 */
import { useEffect, useRef, useState } from 'react';

export type PermissionState = NotificationPermission | 'unsupported';

/** What the watch listens on: a window, a document, a PermissionStatus. */
interface Listenable {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The parts of the browser this reads, so tests can hand in stand-ins. */
export interface PermissionEnv {
  /** The current permission; undefined where the page has no Notification API. */
  read(): NotificationPermission | undefined;
  /** navigator.permissions.query, when present. */
  query?: (descriptor: { name: 'notifications' }) => Promise<Listenable>;
  /** Where focus and visibilitychange are heard (window and document). */
  targets: readonly Listenable[];
}

/**
 * Calls `onChange` with the permission each time it may have changed (only when it differs from the last one told,
 * `known` at first: what the caller shows, which may be older than now); returns the stop.
 */
export function watchNotificationPermission(env: PermissionEnv, onChange: (p: PermissionState) => void,
  known: PermissionState = env.read() ?? 'unsupported'): () => void {
  let last = known;
  let stopped = false;
  const reread = (): void => {
    if (stopped) return;
    const now = env.read() ?? 'unsupported';
    if (now === last) return;
    last = now;
    onChange(now);
  };
  for (const t of env.targets) {
    t.addEventListener('focus', reread);
    t.addEventListener('visibilitychange', reread);
  }
  // What changed since the caller read it counts too.
  reread();
  let status: Listenable | undefined;
  env.query?.({ name: 'notifications' }).then((s) => {
    if (stopped) return;
    status = s;
    s.addEventListener('change', reread);
    // It may have changed between the first read and the answer.
    reread();
  }, () => { /* not queryable here: focus and visibility still tell */ });
  return () => {
    stopped = true;
    for (const t of env.targets) {
      t.removeEventListener('focus', reread);
      t.removeEventListener('visibilitychange', reread);
    }
    status?.removeEventListener('change', reread);
  };
}

function browserEnv(): PermissionEnv {
  const permissions = typeof navigator === 'object' ? navigator.permissions : undefined;
  return {
    read: () => (typeof Notification === 'function' ? Notification.permission : undefined),
    ...(permissions?.query ? { query: (d) => permissions.query(d) } : {}),
    targets: [window, document],
  };
}

/**
 * The page's notification permission, kept current. `set` records an answer the page got itself (from
 * requestPermission), which the browser may not announce as a change.
 */
export function useNotificationPermission(): [PermissionState, (p: PermissionState) => void] {
  const [permission, setPermission] = useState<PermissionState>(() => browserEnv().read() ?? 'unsupported');
  const shown = useRef(permission);
  useEffect(() => watchNotificationPermission(browserEnv(), setPermission, shown.current), []);
  return [permission, setPermission];
}
