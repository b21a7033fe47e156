/**
 * The Notifications tab: account-wide switches kept in the push rules (so every client of the account follows
 * them): everything on or off, mentions of me, @room, the default for group and one-to-one chats, keywords, other
 * events and sounds (those three in NotificationDefaults.tsx); then this device's own notifications (the web host's
 * browser notifications, and whether they show the message text).
 */
import { useState } from 'react';
import { getBridge } from '../../api/bridge.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import {
  addKeyword, keywordProblem, MENTION_RULES, removeKeyword, ROOM_MENTION_RULES, selectNotificationSettings, setNotificationsEnabled,
  setRuleGroup,
} from '../../api/notification-rules.ts';
import { hideTextSetting, setHideTextSetting } from '../../notify/web-notifier.ts';
import { ErrorLine, Toggle, useAction } from './controls.tsx';
import { MessageDefaults, OtherEvents, Sounds } from './NotificationDefaults.tsx';

export function NotificationSettings() {
  const session = useSession();
  const settings = useStoreSelector(selectNotificationSettings);
  const action = useAction();
  const keywordAction = useAction();
  const [word, setWord] = useState('');
  const off = !settings.loaded || !settings.enabled;

  async function add(): Promise<void> {
    const problem = keywordProblem(word, settings.keywords);
    if (problem) { keywordAction.setError(problem); return; }
    if (await keywordAction.run(() => addKeyword(session, word))) setWord('');
  }

  return (
    <>
      <h3>Notifications</h3>
      <p className="settings-intro">These apply to your account everywhere you are signed in.</p>
      {!settings.loaded && <p className="settings-hint" role="status">Waiting for your notification rules from the homeserver…</p>}
      <div className="settings-group">
        <Toggle label="Enable notifications for this account" testId="notify-master" checked={settings.enabled}
          hint="Off: no notification, sound or badge count for any message, on any device."
          disabled={!settings.loaded || action.busy} onChange={(on) => void action.run(() => setNotificationsEnabled(session, on))} />
        <Toggle label="Messages that mention me" testId="notify-mentions" checked={settings.mentions}
          hint="My display name or user ID, or a mention pill." disabled={off || action.busy}
          onChange={(on) => void action.run(() => setRuleGroup(session, MENTION_RULES, on))} />
        <Toggle label="@room mentions" testId="notify-room-mentions" checked={settings.roomMentions}
          hint="Messages that notify the whole room." disabled={off || action.busy}
          onChange={(on) => void action.run(() => setRuleGroup(session, ROOM_MENTION_RULES, on))} />
      </div>
      <ErrorLine error={action.error} testId="notify-error" />
      <MessageDefaults off={off} />
      <h4 className="settings-subhead">Keywords</h4>
      <p className="settings-hint">Be notified, as for a mention, of messages that contain these words.</p>
      <form className="settings-inline" onSubmit={(e) => { e.preventDefault(); void add(); }}>
        <input className="settings-textbox" value={word} placeholder="A word or name" aria-label="New keyword" maxLength={100}
          disabled={off} data-testid="notify-keyword-input" onChange={(e) => { setWord(e.target.value); keywordAction.setError(null); }} />
        <button type="submit" className="settings-button" disabled={off || keywordAction.busy || !word.trim()} data-testid="notify-keyword-add">Add</button>
      </form>
      {settings.keywords.length > 0 && (
        <ul className="settings-keywords" aria-label="Keywords">
          {settings.keywords.map((k) => (
            <li key={k} className="settings-keyword" data-testid="notify-keyword">
              {k}
              <button type="button" className="settings-keyword-remove" aria-label={`Remove keyword ${k}`} disabled={keywordAction.busy}
                onClick={() => void keywordAction.run(() => removeKeyword(session, k))}>✕</button>
            </li>
          ))}
        </ul>
      )}
      <ErrorLine error={keywordAction.error} testId="notify-keyword-error" />
      <OtherEvents off={off} />
      <Sounds off={off} mentionsNotify={settings.mentions || settings.keywords.length > 0} />
      <h4 className="settings-subhead">This device</h4>
      <DeviceNotifications />
    </>
  );
}

/** The browser's permission for the web host's notifications, and whether they show message text. */
function DeviceNotifications() {
  const [permission, setPermission] = useState(() => (typeof Notification === 'function' ? Notification.permission : 'unsupported'));
  const [hideText, setHideText] = useState(() => hideTextSetting());
  if (getBridge()) return <p className="settings-hint">The desktop app shows notifications through your system's notification centre.</p>;
  return (
    <div className="settings-group">
      {permission === 'granted' && <p className="settings-hint" data-testid="notify-permission">Desktop notifications are on in this browser.</p>}
      {permission === 'denied' && (
        <p className="settings-hint" data-testid="notify-permission">This browser blocks notifications from Lattice: allow them in its site settings.</p>
      )}
      {permission === 'unsupported' && <p className="settings-hint" data-testid="notify-permission">This browser cannot show notifications.</p>}
      {permission === 'default' && (
        <div className="settings-inline">
          <span className="settings-hint" data-testid="notify-permission">Desktop notifications are off in this browser.</span>
          <button type="button" className="settings-button"
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
