/**
 * Mounts the web host's notifier while signed in, and offers notifications with a small banner once the first
 * sync has arrived: permission is only ever requested from that button's click (browsers ignore or penalize
 * requests on page load, and a prompt before the user sees the app is noise). The banner also carries the "hide
 * message text" setting; it goes when the permission is given elsewhere (Settings, the site settings). Renders
 * nothing in the desktop app, whose shell notifies natively.
 */
import { useEffect, useRef, useState } from 'react';
import { getBridge } from '../api/bridge.ts';
import { useSession, useStoreSelector } from '../api/hooks.ts';
import { avatarImageUrl } from '../ui/common/avatar-url.ts';
import { useNotificationPermission } from './permission-watch.ts';
import { hideTextSetting, setHideTextSetting, WebNotifier, type NotificationCtor } from './web-notifier.ts';

/** Notification servers show icons at 48–64 px; this is sharp on a 1.5× screen too. */
const NOTIFICATION_ICON_PX = 64;

interface Props {
  selected: string | null;
  /** Shows a room, at the event when there is one. */
  open: (roomId: string, eventId?: string) => void;
}

function browserNotification(): NotificationCtor | undefined {
  if (getBridge()) return undefined;
  return typeof Notification === 'function' ? Notification : undefined;
}

export function WebNotifications({ selected, open }: Props) {
  const session = useSession();
  const synced = useStoreSelector((s) => s.initComplete || s.syncStatus.last_sync !== undefined);
  // Followed live: granted from the Settings screen or the site settings, the banner goes.
  const [permission, setPermission] = useNotificationPermission();
  const [dismissed, setDismissed] = useState(false);
  const [hideText, setHideText] = useState(() => hideTextSetting());
  const view = useRef({ selected, open });
  useEffect(() => {
    view.current = { selected, open };
  }, [selected, open]);

  useEffect(() => {
    const ctor = browserNotification();
    if (!ctor) return;
    const notifier = new WebNotifier(session, {
      Notification: ctor,
      viewedRoom: () => view.current.selected,
      focused: () => document.hasFocus() && document.visibilityState === 'visible',
      hideText: hideTextSetting,
      // A thumbnail through the web host's media route, absolute (the browser loads it for the notification, not
      // the page), with the image_auth token that route asks for like for any <img>.
      iconUrl: (mxc) => {
        const url = avatarImageUrl(mxc, NOTIFICATION_ICON_PX);
        return url && new URL(url, location.href).href;
      },
      openRoom: (roomId, eventId) => {
        window.focus();
        view.current.open(roomId, eventId);
      },
    });
    notifier.start();
    return () => notifier.stop();
  }, [session]);

  if (!browserNotification() || permission !== 'default' || dismissed || !synced) return null;

  async function ask(): Promise<void> {
    const ctor = browserNotification();
    if (!ctor) return;
    setPermission(await Notification.requestPermission());
  }

  return (
    <div className="banner banner-caution" role="status" data-testid="notification-banner">
      <span className="banner-text">Get a notification when a message arrives while Lattice is in the background.</span>
      <label className="banner-text" style={{ flex: 'none' }}>
        <input type="checkbox" checked={hideText} onChange={(e) => { setHideText(e.target.checked); setHideTextSetting(e.target.checked); }} />
        {' '}Hide message text
      </label>
      <button type="button" className="banner-action" onClick={() => void ask()}>Turn on notifications</button>
      <button type="button" className="banner-action" onClick={() => setDismissed(true)} aria-label="Not now">Not now</button>
    </div>
  );
}
