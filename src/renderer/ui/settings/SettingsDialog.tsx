/**
 * The Settings screen: a modal with a header (the title and the close button), then a vertical tab list on the left
 * (Profile, Sessions, Notifications, Security, Voice & video, Appearance, Emoji & stickers, Keyboard), as Element's. The tabs follow the WAI-ARIA tabs pattern: one tab in the Tab order, arrows
 * move between them and show each at once. Esc closes the screen (unless a confirmation dialog inside has it).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { trapTab } from '../common/focus-return.ts';
import { SecuritySection } from '../security/SecuritySection.tsx';
import { AppearanceSettings, KeyboardSettings } from './AppearanceSettings.tsx';
import { NotificationSettings } from './NotificationSettings.tsx';
import { PackSettings } from './PackSettings.tsx';
import { ProfileSettings } from './ProfileSettings.tsx';
import { SessionsSettings } from './SessionsSettings.tsx';
import { VoiceVideoSettings } from './VoiceVideoSettings.tsx';
import { SETTINGS_TABS, tabAfterKey, type SettingsTab } from './settings-tabs.ts';
import '../switcher/switcher.css';
import './settings.css';

export function SettingsDialog({ onClose, initialTab = 'profile' }: { onClose: () => void; initialTab?: SettingsTab }) {
  const [tab, setTab] = useState<SettingsTab>(initialTab);
  const tabs = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    tabs.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus();
    return () => before?.focus();
  }, []);

  function onTabKey(e: KeyboardEvent): void {
    const next = tabAfterKey(tab, e.key);
    if (!next) return;
    e.preventDefault();
    setTab(next);
    tabs.current?.querySelector<HTMLElement>(`#settings-tab-${next}`)?.focus();
  }

  return (
    <div className="modal-backdrop settings-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}
      onKeyDown={(e) => {
        // A confirmation <dialog> inside closes itself on Esc; the screen stays.
        if (e.key === 'Escape' && !(e.target instanceof Element && e.target.closest('dialog'))) { e.stopPropagation(); onClose(); }
      }}>
      <div className="settings" role="dialog" aria-modal="true" aria-labelledby="settings-title" data-testid="settings"
        ref={dialog} tabIndex={-1} onKeyDown={trapTab}
        onBlur={(e) => {
          // A button disabled while its form is busy drops the focus to the page, where Esc and Tab no longer reach
          // the screen: the focus comes back to the dialog itself.
          if (e.relatedTarget !== null) return;
          requestAnimationFrame(() => { if (document.activeElement === document.body) dialog.current?.focus(); });
        }}>
        <div className="settings-body">
          <nav className="settings-nav">
            <div role="tablist" aria-orientation="vertical" aria-labelledby="settings-title" className="settings-tabs" ref={tabs} onKeyDown={onTabKey}>
              {SETTINGS_TABS.map((t) => (
                <button key={t.id} type="button" role="tab" id={`settings-tab-${t.id}`} aria-controls={`settings-panel-${t.id}`}
                  aria-selected={tab === t.id} tabIndex={tab === t.id ? 0 : -1} className="settings-tab"
                  data-testid={`settings-tab-${t.id}`} onClick={() => setTab(t.id)}>
                  {t.label}
                </button>
              ))}
            </div>
          </nav>
          <div className="settings-main">
            <section className="settings-panel" role="tabpanel" id={`settings-panel-${tab}`} aria-labelledby={`settings-tab-${tab}`}
              tabIndex={0} data-testid={`settings-panel-${tab}`}>
              {tab === 'profile' && <ProfileSettings />}
              {tab === 'sessions' && <SessionsSettings />}
              {tab === 'notifications' && <NotificationSettings />}
              {tab === 'security' && <SecuritySection />}
              {tab === 'voice' && <VoiceVideoSettings />}
              {tab === 'appearance' && <AppearanceSettings />}
              {tab === 'emoji' && <PackSettings />}
              {tab === 'keyboard' && <KeyboardSettings />}
            </section>
          </div>
        </div>
        {/*
          The close button lives in a header of its own, above the scrolling panel, so content never slides under it.
          The header comes last in the document and first on screen (CSS order): the tab list stays the dialog's
          first Tab stop, as it was, and Shift+Tab from it wraps to the close button.
        */}
        <header className="settings-header">
          <h2 id="settings-title">Settings</h2>
          <button type="button" className="icon-button settings-close" onClick={onClose} aria-label="Close settings" data-testid="settings-close">✕</button>
        </header>
      </div>
    </div>
  );
}
