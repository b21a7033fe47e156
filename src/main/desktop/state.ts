/**
 * Everything the desktop shell tracks while it runs, in one object instead of loose variables spread over the
 * glue: what is open, how far the backend got, whether the app is on its way out, and the user's desktop
 * settings. Reading one place tells what state the app is in (and "copy debug info" and tests can see it).
 */
import type { BrowserWindow } from 'electron';
import type { MatrixLink } from '../../shared/matrix-uri.ts';
import type { DataPaths } from '../backend/paths.ts';
import type { BackendConnection } from '../backend/rpc/connection.ts';
import type { BackendProcess } from './backend-process.ts';
import type { DesktopSettings } from './settings.ts';
import type { TrayHost } from './status-notifier.ts';

export interface ShellState {
  win: BrowserWindow | null;
  /** The data folders of this profile; set in start(), before ready. */
  paths: DataPaths | null;
  backend: {
    /** Settles once the backend has started (null: it could not). */
    starting: Promise<BackendProcess | null> | null;
    /** Set once started, for the media protocol, which answers at once rather than wait. */
    running: BackendProcess | null;
    dead: boolean;
    stopped: boolean;
    /** The shell's own frontend connection (unread counts, notifications). */
    ownConnection: BackendConnection | null;
  };
  lifecycle: {
    /** Electron's `ready` has fired. */
    ready: boolean;
    /** The user asked to quit: windows close for real instead of hiding in the tray. */
    quitting: boolean;
    /** will-quit is waiting for the backend to stop. */
    stopping: boolean;
  };
  settings: DesktopSettings;
  trayHost: TrayHost;
  /** A tray icon exists, so closing the window may keep the app running. */
  trayAvailable: boolean;
  /** The room the page shows, as it last told the shell. */
  viewedRoomId: string | null;
  /** Links waiting for the page to listen (`lattice:navigate-ready`), oldest first. */
  pendingLinks: MatrixLink[];
  /** webContents ids whose current page listens for navigation. */
  navigateReady: Set<number>;
}

export function initialShellState(settings: DesktopSettings): ShellState {
  return {
    win: null,
    paths: null,
    backend: { starting: null, running: null, dead: false, stopped: false, ownConnection: null },
    lifecycle: { ready: false, quitting: false, stopping: false },
    settings,
    trayHost: 'unknown',
    trayAvailable: false,
    viewedRoomId: null,
    pendingLinks: [],
    navigateReady: new Set(),
  };
}
