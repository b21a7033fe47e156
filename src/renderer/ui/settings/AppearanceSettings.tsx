/**
 * The Appearance tab (light, dark or the system's theme; compact layout; link previews for messages without one)
 * and the Keyboard tab (the shortcuts).
 */
import { setPrefs, usePrefs, type ThemeSetting } from '../prefs.ts';

const THEMES: { value: ThemeSetting; label: string }[] = [
  { value: 'system', label: 'Follow system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const SHORTCUTS: [string, string][] = [
  ['Ctrl+K', 'Go to a room by name'],
  ['Alt+↑ / Alt+↓', 'Previous / next room'],
  ['Alt+Shift+↑ / ↓', 'Previous / next unread room'],
  ['Page Up / Page Down', 'Scroll the timeline'],
  ['↑ / ↓', 'In the timeline: previous / next message (Tab enters its actions)'],
  ['Home / End', 'On a message: the oldest / newest message loaded'],
  ['Esc', 'Close a panel; jump to the newest message and mark the room read'],
  ['Enter / Shift+Enter', 'Send / new line'],
];

export function AppearanceSettings() {
  const prefs = usePrefs();
  return (
    <>
      <h3>Appearance</h3>
      <p className="settings-intro">Kept on this device only.</p>
      <fieldset className="settings-themes">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value} className={`settings-theme${prefs.theme === t.value ? ' is-selected' : ''}`}>
            <input type="radio" name="theme" value={t.value} checked={prefs.theme === t.value}
              data-testid={`theme-${t.value}`} onChange={() => setPrefs({ theme: t.value })} />
            <span className={`settings-theme-swatch swatch-${t.value}`} aria-hidden="true" />
            {t.label}
          </label>
        ))}
      </fieldset>
      <label className="settings-check">
        <input type="checkbox" checked={prefs.compact} data-testid="compact-layout" onChange={(e) => setPrefs({ compact: e.target.checked })} />
        Compact layout <span className="settings-hint">smaller room list rows, no previews</span>
      </label>
      <label className="settings-check">
        <input type="checkbox" checked={prefs.urlPreviews} data-testid="url-previews" onChange={(e) => setPrefs({ urlPreviews: e.target.checked })} />
        Preview links <span className="settings-hint">in messages sent without a preview; not in encrypted rooms</span>
      </label>
    </>
  );
}

export function KeyboardSettings() {
  return (
    <>
      <h3>Keyboard shortcuts</h3>
      <p className="settings-intro">Everything else is reachable with Tab, the arrow keys and Enter.</p>
      <dl className="settings-shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}><dt><kbd>{keys}</kbd></dt><dd>{what}</dd></div>
        ))}
      </dl>
    </>
  );
}
