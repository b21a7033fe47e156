/**
 * The desktop shell's glue: app lifecycle, the window, the IPC relay between each page and the backend, and the
 * OS integration (tray, badge, notifications, links, menus, screen sharing). It takes the `electron` module as a parameter (only
 * main.ts imports it) so the wiring is tested under plain Node with a fake, since no Electron binary can run here.
 * The decisions live in plain modules beside it (security, options, window-state, menus, tray, notifications), and
 * the handlers of the pages' messages (page-ipc.ts) and of getDisplayMedia (display-media.ts) in their own.
 */
import { errorMessage } from '../../shared/error-message.ts';
import path from 'node:path';
import type * as ElectronModule from 'electron';
import type { BrowserWindow, WebContents } from 'electron';
import type { MatrixLink } from '../../shared/matrix-uri.ts';
import type { ShellNotificationState } from '../../shared/shell-notifications.ts';
import { resolveDataPaths } from '../backend/paths.ts';
import type { BackendWorkerOptions } from '../host/backend-worker.ts';
import { createAppMenu } from './app-menu.ts';
import { NOTIFY_STATE_CHANNEL } from './channels.ts';
import { registerAppScheme, serveAppScheme } from './app-protocol.ts';
import type { Attention } from './attention.ts';
import type { BackendProcess } from './backend-process.ts';
import { serveDisplayMedia, type ScreenPicker } from './display-media.ts';
import { contextMenuTemplate } from './menus.ts';
import { forwardedArgv, parseDesktopArgs, profilePaths } from './options.ts';
import { LinkRouter } from './link-router.ts';
import { createOsAttention } from './os-attention.ts';
import { listenToPages } from './page-ipc.ts';
import { PageRelay } from './page-relay.ts';
import { hostSafeStorage } from './safe-storage.ts';
import { ShellRpc } from './shell-rpc.ts';
import { APP_ENTRY_URL, allowedPermissions } from './security.ts';
import { DEFAULT_SETTINGS, loadSettings, type DesktopSettings } from './settings.ts';
import { initialShellState } from './state.ts';
import { detectTrayHost, hasTray, type TrayHost } from './status-notifier.ts';
import { loadWindowState, restoreBounds, saveWindowState, trackWindowState } from './window-state.ts';
import { hardenSession, hardenWebContents, windowOptions, type Logger } from './window.ts';

export { OPEN_CHANNEL, RPC_CHANNEL } from './channels.ts';
export { hostSafeStorage } from './safe-storage.ts';
export { parseDesktopArgs } from './options.ts';
export type { BackendProcess } from './backend-process.ts';

/** The parts of Electron's main-process API the shell uses. */
export type ElectronMain = Pick<typeof ElectronModule,
  'app' | 'BrowserWindow' | 'clipboard' | 'desktopCapturer' | 'dialog' | 'ipcMain' | 'Menu' | 'nativeImage' | 'Notification'
  | 'protocol' | 'safeStorage' | 'screen' | 'session' | 'shell' | 'Tray' | 'webContents'>;

export interface DesktopDeps {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** The compiled sandboxed preload (dist/preload/preload.cjs). */
  preloadPath: string;
  /** The built renderer served at lattice://app/ (dist/renderer). */
  rendererDir: string;
  /** The window icon (Linux, Windows). */
  iconPath?: string;
  /** The folder with the tray icons (tray.png, tray-unread.png, tray-highlight.png and their @2x). */
  trayIconDir: string;
  startBackend(opts: BackendWorkerOptions): Promise<BackendProcess>;
  /** Whether a StatusNotifier host is on the session bus (Linux); the default asks D-Bus. */
  detectTrayHost?: () => Promise<TrayHost>;
  log?: Logger;
}

export interface DesktopApp {
  /** Wires everything that must happen before `ready`; false if another instance already runs. */
  start(): boolean;
  /** The window, if one is open (tests and the second-instance handler use it). */
  mainWindow(): BrowserWindow | null;
  /** Resolves once the ready-time setup (protocol, session, backend start, window) has run. */
  whenStarted(): Promise<void>;
  /** Opens a matrix: or matrix.to link (also what a second launch or the OS's open-url does). */
  openLink(text: string): void;
  /** The current settings (tests, debug info). */
  settings(): DesktopSettings;
}


/** The member list comes from the local database: slower than this means something is wrong. */
const MEMBERS_TIMEOUT_MS = 10_000;

/** electron-builder.yml's appId. */
const APP_USER_MODEL_ID = 'chat.lattice.desktop';

export function createDesktopApp(electron: ElectronMain, deps: DesktopDeps): DesktopApp {
  const { app, BrowserWindow, clipboard, desktopCapturer, dialog, ipcMain, Menu, protocol, safeStorage, screen, session, shell, webContents } = electron;
  const log: Logger = deps.log ?? ((m) => console.error(`lattice: ${m}`));
  const options = parseDesktopArgs(deps.argv);
  const state = initialShellState(DEFAULT_SETTINGS);
  const relays = new Map<number, PageRelay>();
  let attention: Attention | null = null;
  let screenPicker: ScreenPicker | null = null;
  /** Requests on the shell's own connection (member names for notifications). */
  let shellRpc = new ShellRpc(() => {});
  /** Asked before `ready` so the D-Bus round trip overlaps Electron's own startup. */
  let trayHost: Promise<TrayHost> = Promise.resolve('unknown');
  let started: Promise<void> = new Promise<void>(() => {});

  const backend = (): Promise<BackendProcess | null> => state.backend.starting ?? Promise.resolve(null);

  function fail(title: string, message: string): void {
    log(`${title}: ${message}`);
    if (state.lifecycle.stopping) return;
    dialog.showErrorBox(title, message);
    quit();
  }

  function quit(): void {
    state.lifecycle.quitting = true;
    app.quit();
  }

  // --- backend ------------------------------------------------------------------------------------------------

  function startBackend(): Promise<BackendProcess | null> {
    const opts: BackendWorkerOptions = {
      paths: state.paths!, insecureSecretsFile: options.insecureSecretsFile, safeStorage: hostSafeStorage(safeStorage, deps.platform),
      // The operating system's proxy settings as Chromium resolves them (GNOME/KDE, Windows, macOS, PAC files),
      // for the backend's homeserver calls; proxy variables in the environment still win (system-proxy.ts).
      resolveProxy: (url) => session.defaultSession.resolveProxy(url),
    };
    return deps.startBackend(opts).then(
      (b) => {
        b.onFatal = (e) => {
          state.backend.dead = true;
          state.backend.running = null;
          state.backend.ownConnection = null;
          shellRpc.failAll('the backend stopped');
          fail('Lattice stopped', `The Lattice backend stopped unexpectedly: ${e}`);
        };
        state.backend.running = b;
        // The shell is a frontend too: unread counts and notifications come to it like to any window.
        const conn = b.connect((env) => {
          if (!shellRpc.receive(env)) attention?.receive(env);
        });
        shellRpc = new ShellRpc((env) => conn.receive(env));
        state.backend.ownConnection = conn;
        return b;
      },
      (e: unknown) => {
        state.backend.dead = true;
        fail('Lattice could not start', `The Lattice backend could not start: ${errorMessage(e)}`);
        return null;
      },
    );
  }

  // --- links --------------------------------------------------------------------------------------------------

  const links = new LinkRouter({ state, focusWindow: () => focusWindow(), log });
  const navigate = (link: MatrixLink): void => links.navigate(link);
  const openLink = (text: string): void => links.open(text);
  const flushLinks = (): void => links.flush();

  // --- windows ------------------------------------------------------------------------------------------------

  function createWindow(showWhenReady: boolean): BrowserWindow {
    const configDir = state.paths!.config;
    const bounds = restoreBounds(loadWindowState(configDir, log), screen.getAllDisplays().map((d) => d.workArea));
    const w = new BrowserWindow(windowOptions(deps.preloadPath, deps.iconPath, bounds));
    const wc = w.webContents;
    const id = wc.id;
    const relay = new PageRelay(wc, backend);
    relays.set(id, relay);
    wc.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) relay.navigationStarted();
    });
    wc.on('did-navigate', () => {
      relay.navigationCommitted();
      // A new page: it must subscribe again before links are sent to it.
      state.navigateReady.delete(id);
    });
    wc.on('render-process-gone', () => relay.close());
    wc.on('destroyed', () => {
      relay.close();
      relays.delete(id);
      state.navigateReady.delete(id);
    });
    wc.on('context-menu', (_event, params) => showContextMenu(w, wc, params));
    if (bounds.maximized) w.maximize();
    w.once('ready-to-show', () => {
      if (showWhenReady) w.show();
    });
    trackWindowState(w, (ws) => {
      try {
        saveWindowState(state.paths!.config, ws);
      } catch (e) {
        log(`could not save the window state: ${errorMessage(e)}`);
      }
    });
    w.on('close', (event) => {
      if (!state.lifecycle.quitting && state.trayAvailable && state.settings.closeToTray) {
        event.preventDefault();
        w.hide();
      }
    });
    w.on('show', () => attention?.render());
    w.on('hide', () => attention?.render());
    w.on('focus', () => {
      w.flashFrame(false);
      // Coming back to the room in view counts as seeing its new messages.
      if (state.viewedRoomId) attention?.notifications.withdraw(state.viewedRoomId);
    });
    w.on('closed', () => {
      if (state.win === w) state.win = null;
    });
    w.loadURL(APP_ENTRY_URL).catch((e: unknown) => log(`could not load the app page: ${errorMessage(e)}`));
    state.win = w;
    return w;
  }

  function showContextMenu(w: BrowserWindow, wc: WebContents, params: ElectronModule.ContextMenuParams): void {
    const template = contextMenuTemplate(params, {
      replaceMisspelling: (word) => wc.replaceMisspelling(word),
      addToDictionary: (word) => { wc.session.addWordToSpellCheckerDictionary(word); },
      copyLink: (url) => { clipboard.writeText(url).catch((e: unknown) => log(`could not copy the link: ${errorMessage(e)}`)); },
    });
    if (template.length) Menu.buildFromTemplate(template).popup({ window: w });
  }

  function focusWindow(): void {
    const w = state.win;
    if (!w || w.isDestroyed()) {
      if (state.lifecycle.ready) createWindow(true);
      return;
    }
    if (w.isMinimized()) w.restore();
    if (!w.isVisible()) w.show();
    w.focus();
  }

  function toggleWindow(): void {
    const w = state.win;
    if (w && !w.isDestroyed() && w.isVisible() && !w.isMinimized()) w.hide();
    else focusWindow();
  }

  // --- settings and menus -------------------------------------------------------------------------------------

  /** What the page's Settings → Notifications shows about the shell's notifications. */
  function notificationState(): ShellNotificationState {
    return { enabled: state.settings.notifications, supported: electron.Notification.isSupported(), hide_text: state.settings.hideMessageText };
  }

  const appMenu = createAppMenu({
    electron, platform: deps.platform, env: deps.env, options, state, attention: () => attention, showWindow: focusWindow, quit, log,
    notificationStateChanged: () => {
      const w = state.win;
      if (w && !w.isDestroyed()) w.webContents.send(NOTIFY_STATE_CHANNEL, notificationState());
    },
  });

  // --- attention: tray, badge, notifications ------------------------------------------------------------------

  function setupAttention(): void {
    const a = createOsAttention(electron, {
      platform: deps.platform, trayIconDir: deps.trayIconDir, profile: options.profile, state, log,
      lookupMembers: (roomId) => shellRpc.request('get_room_state', { room_id: roomId, include_members: true }, MEMBERS_TIMEOUT_MS),
      runTrayAction: (a) => {
        switch (a.type) {
          case 'toggle-window': toggleWindow(); break;
          case 'open-room': navigate({ kind: 'room', room: a.roomId, via: [] }); break;
          case 'quit': quit(); break;
          default: {
            const never: never = a;
            log(`unknown tray action ${JSON.stringify(never)}`);
          }
        }
      },
      openTarget: (t) => navigate({ kind: 'room', room: t.room_id, ...(t.event_id ? { event_id: t.event_id } : {}), via: t.via }),
    });
    attention = a;
    a.render();
  }

  // --- lifecycle ----------------------------------------------------------------------------------------------

  async function onReady(): Promise<void> {
    state.lifecycle.ready = true;
    serveAppScheme(protocol, deps.rendererDir, () => state.backend.running, {
      backend: () => {
        const b = state.backend.running;
        return b && { maxBytes: () => b.maxUploadBytes(), upload: (params, file, onProgress) => b.uploadMedia(params, file, onProgress) };
      },
      dir: () => path.join(state.paths!.cache, 'uploads'),
    });
    hardenSession(session.defaultSession, allowedPermissions({ microphone: true, camera: true }));
    screenPicker = serveDisplayMedia(session.defaultSession, desktopCapturer, screen, (frame) => {
      const wc = webContents.fromFrame(frame);
      return wc && relays.has(wc.id) ? wc : null;
    }, log);
    state.trayHost = await trayHost;
    state.trayAvailable = hasTray(deps.platform, state.trayHost);
    setupAttention();
    appMenu.build();
    appMenu.applyLoginItem();
    state.backend.starting = startBackend();
    // --hidden starts in the tray, but only if there is one: otherwise the app would run with no way to reach it.
    createWindow(!(options.hidden && state.trayAvailable));
    flushLinks();
  }

  return {
    start() {
      // Electron fires `ready` on its own schedule: everything Chromium reads at startup (sandbox, scheme
      // privileges, the profile folder) is set synchronously here, before any await.
      for (const p of options.problems) log(p);
      state.paths = profilePaths(resolveDataPaths(deps.env, deps.platform), options.profile);
      // Chromium's own profile (cookies, caches, local storage) in Lattice's data folder, not ~/.config/Electron,
      // and in a subfolder of its own so it never mixes with the database. Set before the single-instance lock,
      // which Electron keys on this folder: so each --profile is its own instance.
      app.setPath('userData', path.join(state.paths.data, 'chromium'));
      if (!app.requestSingleInstanceLock({ argv: [...deps.argv] })) {
        app.quit();
        return false;
      }
      app.enableSandbox();
      // Windows shows notifications only for an app with a user model ID; it must match the installer's (appId).
      if (deps.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
      trayHost = deps.platform === 'linux' ? (deps.detectTrayHost ?? (() => detectTrayHost(deps.env)))() : Promise.resolve('present');
      state.settings = loadSettings(state.paths.config, log);
      registerAppScheme(protocol);
      if (options.link) openLink(options.link);

      app.on('second-instance', (_event, argv, _cwd, additionalData) => {
        // The second launch's own arguments: a link to open, or --hidden (then there is nothing to show). Taken
        // from the data it sent with its lock request when present: Chromium rewrites the argv it forwards.
        const second = parseDesktopArgs(forwardedArgv(additionalData) ?? argv);
        if (second.link) openLink(second.link);
        else if (!second.hidden) focusWindow();
      });
      // macOS hands links over with open-url (also before ready, for the link that launched the app).
      app.on('open-url', (event, url) => {
        event.preventDefault();
        openLink(url);
      });
      app.on('activate', () => focusWindow());
      app.on('web-contents-created', (_event, wc) => hardenWebContents(wc, shell, log));
      app.on('before-quit', () => {
        state.lifecycle.quitting = true;
      });
      app.on('window-all-closed', () => {
        if (deps.platform !== 'darwin') quit();
      });
      app.on('will-quit', (event) => {
        attention?.destroy();
        const b = state.backend;
        if (!b.starting || b.stopped || b.dead) return;
        // Stop the sync loop and close the database before the process ends.
        event.preventDefault();
        if (state.lifecycle.stopping) return;
        state.lifecycle.stopping = true;
        b.ownConnection?.close();
        b.ownConnection = null;
        shellRpc.failAll('Lattice is quitting');
        void b.starting
          .then((p) => p?.stop())
          .catch((e: unknown) => log(`backend did not stop cleanly: ${errorMessage(e)}`))
          .finally(() => {
            b.stopped = true;
            app.quit();
          });
      });
      listenToPages(ipcMain, { relays, state, attention: () => attention, flushLinks, screenPicker: () => screenPicker, notificationState, log });
      started = app.whenReady().then(onReady);
      started.catch((e: unknown) => fail('Lattice could not start', errorMessage(e)));
      return true;
    },
    mainWindow: () => state.win,
    whenStarted: () => started,
    openLink,
    settings: () => state.settings,
  };
}


