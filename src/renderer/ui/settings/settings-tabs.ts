/** The Settings screen's tabs in order, and the arrow-key movement through them (WAI-ARIA tabs, vertical). */
import { indexAfterKey } from '../common/list-keys.ts';

export const SETTINGS_TABS = [
  { id: 'profile', label: 'Profile' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'security', label: 'Security' },
  { id: 'voice', label: 'Voice & video' },
  { id: 'appearance', label: 'Appearance' },
  { id: 'emoji', label: 'Emoji & stickers' },
  { id: 'keyboard', label: 'Keyboard' },
] as const;

export type SettingsTab = (typeof SETTINGS_TABS)[number]['id'];

/**
 * The tab a key moves to from `current`, or null for keys the tab list does not handle. Up/Down (and Left/Right,
 * for when the list lies across the top on a narrow window) wrap around; Home and End go to the ends.
 */
export function tabAfterKey(current: SettingsTab, key: string): SettingsTab | null {
  const across = key === 'ArrowRight' ? 'ArrowDown' : key === 'ArrowLeft' ? 'ArrowUp' : key;
  const next = indexAfterKey(across, SETTINGS_TABS.findIndex((t) => t.id === current), SETTINGS_TABS.length, 1, true);
  return next === null ? null : SETTINGS_TABS[next].id;
}
