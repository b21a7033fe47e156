/**
 * The Notifications tab: account-wide settings kept in the push rules (so every client of the account follows
 * them): everything on or off, then Element's Off / On / Noisy grid for messages, mentions and keywords (with the
 * keyword list under it) and other events (NotificationDefaults.tsx); then this device's own notifications (the
 * web host's browser notifications, and whether they show the message text; in the desktop app, the shell's).
 */
import { useState } from 'react';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { addKeyword, removeKeyword } from '../../api/notification-defaults.ts';
import { keywordProblem, selectNotificationSettings, setNotificationsEnabled } from '../../api/notification-rules.ts';
import { ErrorLine, Toggle, useAction } from './controls.tsx';
import { DeviceNotifications } from './DeviceNotifications.tsx';
import { LevelSection } from './NotificationDefaults.tsx';

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
      </div>
      <ErrorLine error={action.error} testId="notify-error" />
      <p className="settings-hint settings-levels-intro">
        On notifies; Noisy also plays a sound or highlights the message. A room&apos;s own notification setting still comes first.
      </p>
      <LevelSection section="messages" off={off} />
      <LevelSection section="mentions" off={off}>
        <form className="settings-inline settings-keyword-form" onSubmit={(e) => { e.preventDefault(); void add(); }}>
          <input className="settings-textbox" value={word} placeholder="New keyword" aria-label="New keyword" maxLength={100}
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
      </LevelSection>
      <LevelSection section="other" off={off} />
      <h4 className="settings-subhead">This device</h4>
      <DeviceNotifications />
    </>
  );
}
