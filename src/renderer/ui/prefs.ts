/**
 * Preferences of this device (theme, compact layout, text size, time format, what the timeline shows, how the
 * composer sends, typing notices), kept in localStorage: they belong to the screen they are set on, not to the
 * account. The theme is applied as `data-theme` on <html>; "system" follows the OS setting live through matchMedia;
 * the text size is the `--message-font-size` variable there. Every change applies at once: components read them
 * with usePrefs, which re-renders them.
 */
import { useSyncExternalStore } from 'react';
import { listeners } from '../api/listeners.ts';

export type ThemeSetting = 'system' | 'light' | 'dark';
/** 'system': whatever the locale uses. */
export type TimeFormat = 'system' | '12' | '24';

/** Message text sizes offered, in px; 14 is the size the rest of the interface uses. */
export const TEXT_SIZES = [13, 14, 15, 16, 18] as const;
export type TextSize = (typeof TEXT_SIZES)[number];
export const DEFAULT_TEXT_SIZE: TextSize = 14;

export interface Prefs {
  readonly theme: ThemeSetting;
  readonly compact: boolean;
  /** Ask the homeserver for previews of links in messages that came without any (never in encrypted rooms). */
  readonly urlPreviews: boolean;
  readonly timeFormat: TimeFormat;
  /** Message and room list text, in px. */
  readonly textSize: TextSize;
  /** Joins, leaves and invitations in the timeline (removals and bans always show). */
  readonly showJoinLeave: boolean;
  /** Display name and avatar changes in the timeline. */
  readonly showProfileChanges: boolean;
  /** Ctrl+Enter sends and Enter starts a new line, as Element's option. */
  readonly ctrlEnterSends: boolean;
  /** The "… is typing" line under the timeline. */
  readonly showTyping: boolean;
  /** Tell the room when we type. */
  readonly sendTyping: boolean;
}

const KEY = 'lattice.prefs';
const DEFAULTS: Prefs = {
  theme: 'system', compact: false, urlPreviews: true, timeFormat: 'system', textSize: DEFAULT_TEXT_SIZE,
  showJoinLeave: true, showProfileChanges: true, ctrlEnterSends: false, showTyping: true, sendTyping: true,
};

function load(): Prefs {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return DEFAULTS;
    const r = raw as Record<string, unknown>;
    return {
      theme: r.theme === 'light' || r.theme === 'dark' ? r.theme : 'system',
      compact: r.compact === true,
      urlPreviews: r.urlPreviews !== false,
      timeFormat: r.timeFormat === '12' || r.timeFormat === '24' ? r.timeFormat : 'system',
      textSize: TEXT_SIZES.find((t) => t === r.textSize) ?? DEFAULT_TEXT_SIZE,
      showJoinLeave: r.showJoinLeave !== false,
      showProfileChanges: r.showProfileChanges !== false,
      ctrlEnterSends: r.ctrlEnterSends === true,
      showTyping: r.showTyping !== false,
      sendTyping: r.sendTyping !== false,
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

/**
 * The clock for formatting times: undefined follows the locale. A hook of its own so every timeline row can use it
 * and re-render only when this one preference changes.
 */
export function useHour12(): boolean | undefined {
  return useSyncExternalStore(changed.subscribe, () => hour12Of(getPrefs().timeFormat));
}

export function hour12Of(format: TimeFormat): boolean | undefined {
  return format === 'system' ? undefined : format === '12';
}

const darkQuery = (): MediaQueryList | null => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null);

/** Sets <html data-theme data-density> and the text size (and its scale) from the preferences and the system's colour scheme. */
export function applyPrefs(): void {
  const { theme, compact, textSize } = getPrefs();
  const dark = theme === 'dark' || (theme === 'system' && (darkQuery()?.matches ?? false));
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  document.documentElement.dataset.density = compact ? 'compact' : 'comfortable';
  document.documentElement.style.setProperty('--message-font-size', `${textSize}px`);
  // The chosen size against the default, for the text drawn smaller or larger than the messages (times, state lines,
  // date separators, reply quotes) and the room list's width, which scale with it in the stylesheets.
  document.documentElement.style.setProperty('--text-scale', String(textSize / DEFAULT_TEXT_SIZE));
}

/** Applies the preferences now and whenever the system's colour scheme changes. */
export function startPrefs(): void {
  applyPrefs();
  darkQuery()?.addEventListener('change', applyPrefs);
}
