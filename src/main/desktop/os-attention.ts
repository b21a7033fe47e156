/**
 * Attention (tray, badge, notifications) wired to Electron: the Tray, Notification and nativeImage parts, the
 * taskbar overlay on Windows, and notification icons fetched through the backend's media path.
 */
import path from 'node:path';
import type * as ElectronModule from 'electron';
import type { NativeImage } from 'electron';
import { mxcToPath, parseMediaPath } from '../../shared/rpc/media.ts';
import type { Event } from '../../shared/rpc/types.ts';
import { Attention } from './attention.ts';
import type { ShellState } from './state.ts';
import { trayIconFile, type TrayAction } from './tray.ts';
import type { Attention as AttentionLevel } from './unread-tracker.ts';

type ElectronParts = Pick<typeof ElectronModule, 'app' | 'Menu' | 'nativeImage' | 'Notification' | 'Tray'>;

export interface OsAttentionDeps {
  platform: NodeJS.Platform;
  trayIconDir: string;
  profile: string | null;
  state: ShellState;
  runTrayAction: (action: TrayAction) => void;
  /** A clicked notification: open the room (at the event, if there is one). */
  openTarget: (target: { room_id: string; event_id?: string; via: string[] }) => void;
  lookupMembers: (roomId: string) => Promise<readonly Event[]>;
  log: (m: string) => void;
}

/** A notification icon is nice to have: never hold a notification back longer than this for one. */
const ICON_TIMEOUT_MS = 1500;

export function createOsAttention(electron: ElectronParts, deps: OsAttentionDeps): Attention {
  const { app, Menu, nativeImage, Notification, Tray } = electron;
  const { state } = deps;
  const liveWindow = () => (state.win && !state.win.isDestroyed() ? state.win : null);

  const trayImage = (kind: AttentionLevel): NativeImage =>
    nativeImage.createFromPath(path.join(deps.trayIconDir, trayIconFile(kind, deps.platform)));

  async function notificationIcon(n: { sender_avatar?: string; room_avatar?: string }): Promise<NativeImage | undefined> {
    const b = state.backend.running;
    const mxc = n.sender_avatar ?? n.room_avatar;
    const p = mxc && mxcToPath(mxc);
    if (!b || !p) return undefined;
    const req = parseMediaPath(p, new URLSearchParams({ w: '96', h: '96' }));
    if ('error' in req) return undefined;
    const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), ICON_TIMEOUT_MS).unref());
    const res = await Promise.race([b.fetchMedia(req), timeout]);
    if (!res || res.status !== 200) return undefined;
    const img = nativeImage.createFromBuffer(Buffer.from(res.body));
    return img.isEmpty() ? undefined : img;
  }

  return new Attention({
    tray: state.trayAvailable ? {
      createTray: (icon) => new Tray(icon),
      image: trayImage,
      buildMenu: (t) => Menu.buildFromTemplate(t),
      profile: deps.profile,
    } : null,
    runTrayAction: deps.runTrayAction,
    createNotification: (opts) => new Notification(opts),
    notificationIcon,
    onNotificationClick: deps.openTarget,
    notifyContext: () => ({
      enabled: state.settings.notifications && Notification.isSupported(),
      viewedRoomId: state.viewedRoomId,
      windowFocused: !!liveWindow()?.isFocused(),
    }),
    hideText: () => state.settings.hideMessageText,
    setBadgeCount: (n) => {
      // macOS dock and Unity-style Linux launchers show the number; Windows has no badge API, so the taskbar
      // button gets an overlay dot instead.
      app.setBadgeCount(n);
      const w = liveWindow();
      if (deps.platform === 'win32' && w) {
        w.setOverlayIcon(n > 0 ? nativeImage.createFromPath(path.join(deps.trayIconDir, 'badge.png')) : null, n > 0 ? `${n} unread` : '');
      }
    },
    requestAttention: () => {
      if (deps.platform !== 'darwin') liveWindow()?.flashFrame(true);
    },
    windowVisible: () => !!liveWindow()?.isVisible(),
    lookupMembers: deps.lookupMembers,
    log: deps.log,
  });
}
