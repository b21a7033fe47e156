/**
 * What the user decided about encryption on this device, kept in localStorage per account and device: that they
 * skipped the first-run step knowingly (so it is not asked again) and that they dismissed the reminder banner.
 * Settings → Security still offers everything. A new login is a new device, which asks again. The reminder's
 * "Verify" / "Set up" reopens the step through the same store (`opened`, for this page only).
 */
import { useSyncExternalStore } from 'react';
import { listeners } from '../../api/listeners.ts';

export interface SecurityChoice {
  readonly skipped: boolean;
  readonly bannerDismissed: boolean;
  /** The step was asked for again in this page (not stored: a reload shows the reminder instead). */
  readonly opened: boolean;
}

const PREFIX = 'lattice.security.';
const NONE: SecurityChoice = { skipped: false, bannerDismissed: false, opened: false };
const cache = new Map<string, SecurityChoice>();
const changed = listeners();

/** The storage key for one device of one account; null before the session is known. */
export function deviceKey(userId: string | undefined, deviceId: string | undefined): string | null {
  return userId && deviceId ? `${PREFIX}${userId}/${deviceId}` : null;
}

export function parseChoice(raw: string | null): SecurityChoice {
  try {
    const v: unknown = JSON.parse(raw ?? '{}');
    if (typeof v !== 'object' || v === null) return NONE;
    const r = v as Record<string, unknown>;
    return { skipped: r.skipped === true, bannerDismissed: r.bannerDismissed === true, opened: false };
  } catch {
    return NONE; // unreadable: ask again rather than crash
  }
}

export function getChoice(key: string | null): SecurityChoice {
  if (!key) return NONE;
  let c = cache.get(key);
  if (!c) {
    let raw: string | null = null;
    try {
      raw = localStorage.getItem(key);
    } catch {
      // Blocked storage: nothing remembered.
    }
    c = parseChoice(raw);
    cache.set(key, c);
  }
  return c;
}

export function setChoice(key: string | null, change: Partial<SecurityChoice>): void {
  if (!key) return;
  const next = { ...getChoice(key), ...change };
  cache.set(key, next);
  try {
    localStorage.setItem(key, JSON.stringify({ skipped: next.skipped, bannerDismissed: next.bannerDismissed }));
  } catch {
    // Storage full or blocked: the choice holds for this page.
  }
  changed.notify();
}

export function useSecurityChoice(key: string | null): SecurityChoice {
  return useSyncExternalStore(changed.subscribe, () => getChoice(key));
}
