/**
 * Settings: appearance (light, dark or the system's theme; compact layout) and the keyboard shortcuts. Applied
 * at once and kept on this device (prefs.ts). Profile, sessions, security and notifications join as the backend
 * commands behind them land.
 */
import { useEffect, useRef } from 'react';
import { setPrefs, usePrefs, type ThemeSetting } from '../prefs.ts';
import { SecuritySection } from '../security/SecuritySection.tsx';
import '../switcher/switcher.css';
import './settings.css';

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
  ['Esc', 'Close a panel; jump to the newest message and mark the room read'],
  ['Enter / Shift+Enter', 'Send / new line'],
];

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const prefs = usePrefs();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
      <div className="settings" role="dialog" aria-modal="true" aria-labelledby="settings-title" data-testid="settings" ref={ref}>
        <header className="settings-header">
          <h2 id="settings-title">Settings</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close settings" data-testid="settings-close">✕</button>
        </header>
        <section className="settings-section">
          <h3>Appearance</h3>
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
        </section>
        <SecuritySection />
        <section className="settings-section">
          <h3>Keyboard shortcuts</h3>
          <dl className="settings-shortcuts">
            {SHORTCUTS.map(([keys, what]) => (
              <div key={keys}><dt><kbd>{keys}</kbd></dt><dd>{what}</dd></div>
            ))}
          </dl>
        </section>
      </div>
    </div>
  );
}
