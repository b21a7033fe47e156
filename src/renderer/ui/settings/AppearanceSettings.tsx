/**
 * The Appearance tab (light, dark or the system's theme; text size; 12- or 24-hour times; compact layout; what the
 * timeline shows; how the composer sends; typing notices) and the Keyboard tab (the shortcuts). Every choice is a
 * device preference (prefs.ts) and applies as it is made.
 */
import { useId } from 'react';
import { formatClock } from '../common/format.ts';
import { hour12Of, setPrefs, TEXT_SIZES, DEFAULT_TEXT_SIZE, usePrefs, type ThemeSetting, type TimeFormat } from '../prefs.ts';
import { sendKeysHint } from '../room/send-keys.ts';
import { Toggle } from './controls.tsx';

const THEMES: { value: ThemeSetting; label: string }[] = [
  { value: 'system', label: 'Follow system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const TIME_FORMATS: { value: TimeFormat; label: string }[] = [
  { value: 'system', label: 'As the system' },
  { value: '12', label: '12-hour' },
  { value: '24', label: '24-hour' },
];

/** A fixed afternoon time, so each choice shows what it writes (an afternoon tells 12- and 24-hour apart). */
const SAMPLE_TIME = new Date(2026, 0, 15, 16, 5).getTime();

const SHORTCUTS: [string, string][] = [
  ['Ctrl+K', 'Go to a room by name'],
  ['Alt+↑ / Alt+↓', 'Previous / next room'],
  ['Alt+Shift+↑ / ↓', 'Previous / next unread room'],
  ['Page Up / Page Down', 'Scroll the timeline'],
  ['↑ / ↓', 'In the timeline: previous / next message (Tab enters its actions)'],
  ['Home / End', 'On a message: the oldest / newest message loaded'],
  ['Esc', 'Close a panel; jump to the newest message and mark the room read'],
];

export function AppearanceSettings() {
  const prefs = usePrefs();
  const timeId = useId();
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
      <fieldset className="settings-sizes">
        <legend>Text size <span className="settings-hint">messages, the composer and the room list</span></legend>
        <div className="settings-segments">
          {TEXT_SIZES.map((size) => (
            <label key={size} className={`settings-segment${prefs.textSize === size ? ' is-selected' : ''}`}
              title={size === DEFAULT_TEXT_SIZE ? `${size} px (default)` : `${size} px`}>
              <input type="radio" name="text-size" value={size} checked={prefs.textSize === size}
                data-testid={`text-size-${size}`} onChange={() => setPrefs({ textSize: size })} />
              <span style={{ fontSize: size }} aria-hidden="true">Aa</span>
              <span className="settings-segment-label">{size === DEFAULT_TEXT_SIZE ? `${size} (default)` : size}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="settings-row">
        <label htmlFor={timeId} className="settings-toggle-label">Time format</label>
        <select id={timeId} className="settings-textbox settings-select" data-testid="time-format" value={prefs.timeFormat}
          onChange={(e) => setPrefs({ timeFormat: e.target.value as TimeFormat })}>
          {TIME_FORMATS.map((f) => (
            <option key={f.value} value={f.value}>{f.label} ({formatClock(SAMPLE_TIME, { hour12: hour12Of(f.value) })})</option>
          ))}
        </select>
      </div>
      <div className="settings-group">
        <Toggle label="Compact layout" hint="Smaller room list rows, no previews" testId="compact-layout"
          checked={prefs.compact} onChange={(on) => setPrefs({ compact: on })} />
      </div>

      <h4 className="settings-subhead">Timeline</h4>
      <div className="settings-group">
        <Toggle label="Show join, leave and invite messages" hint="Removals and bans always show" testId="show-join-leave"
          checked={prefs.showJoinLeave} onChange={(on) => setPrefs({ showJoinLeave: on })} />
        <Toggle label="Show display name and avatar changes" testId="show-profile-changes"
          checked={prefs.showProfileChanges} onChange={(on) => setPrefs({ showProfileChanges: on })} />
        <Toggle label="Preview links" hint="In messages sent without a preview; not in encrypted rooms" testId="url-previews"
          checked={prefs.urlPreviews} onChange={(on) => setPrefs({ urlPreviews: on })} />
        <Toggle label="Show when others are typing" testId="show-typing"
          checked={prefs.showTyping} onChange={(on) => setPrefs({ showTyping: on })} />
      </div>

      <h4 className="settings-subhead">Composer</h4>
      <div className="settings-group">
        <Toggle label="Send with Ctrl+Enter" hint={sendKeysHint(prefs.ctrlEnterSends)} testId="ctrl-enter-sends"
          checked={prefs.ctrlEnterSends} onChange={(on) => setPrefs({ ctrlEnterSends: on })} />
        <Toggle label="Let others see when I'm typing" testId="send-typing"
          checked={prefs.sendTyping} onChange={(on) => setPrefs({ sendTyping: on })} />
      </div>
    </>
  );
}

export function KeyboardSettings() {
  const { ctrlEnterSends } = usePrefs();
  const shortcuts: [string, string][] = [
    ...SHORTCUTS,
    ctrlEnterSends ? ['Ctrl+Enter / Enter', 'Send / new line'] : ['Enter / Shift+Enter', 'Send / new line'],
  ];
  return (
    <>
      <h3>Keyboard shortcuts</h3>
      <p className="settings-intro">Everything else is reachable with Tab, the arrow keys and Enter.</p>
      <dl className="settings-shortcuts">
        {shortcuts.map(([keys, what]) => (
          <div key={keys}><dt><kbd>{keys}</kbd></dt><dd>{what}</dd></div>
        ))}
      </dl>
    </>
  );
}
