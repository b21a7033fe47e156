/**
 * Appearance preferences of this device (theme, compact layout, link previews), kept in localStorage: they belong
 * to the screen they are set on, not to the account. The theme is applied as `data-theme` on <html>; "system"
 * follows the OS setting live through matchMedia.
 */
import { useSyncExternalStore } from 'react';
import { listeners } from '../api/listeners.ts';

export type ThemeSetting = 'system' | 'light' | 'dark';

export interface Prefs {
  readonly theme: ThemeSetting;
  readonly compact: boolean;
  /** Ask the homeserver for previews of links in messages that came without any (never in encrypted rooms). */
  readonly urlPreviews: boolean;
}

const KEY = 'lattice.prefs';
const DEFAULTS: Prefs = { theme: 'system', compact: false, urlPreviews: true };

function load(): Prefs {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return DEFAULTS;
    const r = raw as Record<string, unknown>;
    return {
      theme: r.theme === 'light' || r.theme === 'dark' ? r.theme : 'system',
      compact: r.compact === true,
      urlPreviews: r.urlPreviews !== false,
    };
  } catch {
    return DEFAULTS; // unreadable or blocked storage: defaults, never a crash
  }
}

let current: Prefs | null = null;
const changed = listeners();

export function getPrefs(): Prefs {
  current ??= load();
  return current;
}

export function setPrefs(change: Partial<Prefs>): void {
  current = { ...getPrefs(), ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Storage full or blocked: the change still applies for this session.
  }
  applyPrefs();
  changed.notify();
}

export function usePrefs(): Prefs {
  return useSyncExternalStore(changed.subscribe, getPrefs);
}

const darkQuery = (): MediaQueryList | null => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null);

/** Sets <html data-theme data-density> from the preferences and the system's colour scheme. */
export function applyPrefs(): void {
  const { theme, compact } = getPrefs();
  const dark = theme === 'dark' || (theme === 'system' && (darkQuery()?.matches ?? false));
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  document.documentElement.dataset.density = compact ? 'compact' : 'comfortable';
}

/** Applies the preferences now and whenever the system's colour scheme changes. */
export function startPrefs(): void {
  applyPrefs();
  darkQuery()?.addEventListener('change', applyPrefs);
}
