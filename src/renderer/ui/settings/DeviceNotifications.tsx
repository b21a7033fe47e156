/**
 * The Notifications tab's "This device" part. In a browser: the page's notification permission, followed live (the
 * person may allow or block notifications in the site settings while the tab is open), a button to ask for it, and
 * whether notifications show the message text (kept in this browser). In the desktop app: what the shell reports
 * about its notifications (on or off in the File menu, whether the system can show them, the message text), kept
 * current as the menu changes them.
 */
import { useEffect, useState } from 'react';
import { getBridge } from '../../api/bridge.ts';
import { useNotificationPermission } from '../../notify/permission-watch.ts';
import { hideTextSetting, setHideTextSetting } from '../../notify/web-notifier.ts';
import type { ShellNotificationState } from '../../../shared/shell-notifications.ts';
import { Toggle } from './controls.tsx';

export function DeviceNotifications() {
  return getBridge() ? <ShellNotifications /> : <BrowserNotifications />;
}

function ShellNotifications() {
  const [state, setState] = useState<ShellNotificationState | null>(null);
  useEffect(() => getBridge()?.onNotificationState?.(setState), []);
  if (!state) return <p className="settings-hint" data-testid="notify-permission">The desktop app shows notifications through your system&apos;s notification centre.</p>;
  let text: string;
  if (!state.supported) text = 'This system cannot show notifications from the desktop app.';
  else if (!state.enabled) text = 'Desktop notifications are off in this app: turn them on in the File menu (Notifications).';
  else text = `Desktop notifications are on, through your system's notification centre${state.hide_text ? ', without the message text' : ''}. Change this in the File menu.`;
  return <p className="settings-hint" data-testid="notify-permission" data-state={state.supported ? (state.enabled ? 'on' : 'off') : 'unsupported'}>{text}</p>;
}

function BrowserNotifications() {
  const [permission, setPermission] = useNotificationPermission();
  const [hideText, setHideText] = useState(() => hideTextSetting());
  return (
    <div className="settings-group">
      {permission === 'granted' && <p className="settings-hint" data-testid="notify-permission" data-state="granted">Desktop notifications are on in this browser.</p>}
      {permission === 'denied' && (
        <p className="settings-hint" data-testid="notify-permission" data-state="denied">This browser blocks notifications from Lattice: allow them in its site settings.</p>
      )}
      {permission === 'unsupported' && <p className="settings-hint" data-testid="notify-permission" data-state="unsupported">This browser cannot show notifications.</p>}
      {permission === 'default' && (
        <div className="settings-inline">
          <span className="settings-hint" data-testid="notify-permission" data-state="default">Desktop notifications are off in this browser.</span>
          <button type="button" className="settings-button" data-testid="notify-permission-ask"
            onClick={() => { void Notification.requestPermission().then(setPermission); }}>
            Turn on desktop notifications
          </button>
        </div>
      )}
      <Toggle label="Show message text in notifications" testId="notify-show-text" checked={!hideText}
        hint="Off: a notification only says who wrote, in which room."
        onChange={(show) => { setHideText(!show); setHideTextSetting(!show); }} />
    </div>
  );
}
