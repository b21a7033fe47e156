/**
 * The desktop shell's glue: app lifecycle, the window, and the IPC relay between each page and the backend.
 * It takes the `electron` module as a parameter (only main.ts imports it) so the wiring is tested under plain
 * Node with a fake, since no Electron binary can run here.
 */
import path from 'node:path';
import type * as ElectronModule from 'electron';
import type { BrowserWindow, IpcMainEvent, WebContents } from 'electron';
import { errorMessage } from '../../shared/error-message.ts';
import type { Envelope, MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import { resolveDataPaths, type DataPaths } from '../backend/paths.ts';
import type { BackendConnection, BackendHost } from '../backend/rpc/connection.ts';
import type { BackendWorkerOptions, HostSafeStorage } from '../host/backend-worker.ts';
import { registerAppScheme, serveAppScheme } from './app-protocol.ts';
import { APP_ENTRY_URL, allowedPermissions, isAppUrl } from './security.ts';
import { hardenSession, hardenWebContents, windowOptions, type Logger } from './window.ts';

/** The parts of Electron's main-process API the shell uses. */
export type ElectronMain = Pick<typeof ElectronModule,
  'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'protocol' | 'safeStorage' | 'session' | 'shell'>;

/** Envelopes in both directions, on one channel, exactly as the web host's websocket carries them. */
export const RPC_CHANNEL = 'lattice:rpc';
/**
 * Sent by the preload once per page, before that page's first envelope: "a new frontend starts here". The shell
 * then gives the page a fresh backend connection, like a websocket opening, so the backend's greeting events
 * (run_id, client_state, init_complete) go to a page that is already listening.
 */
export const OPEN_CHANNEL = 'lattice:open';

export interface BackendProcess extends BackendHost {
  stop(): Promise<void>;
  /** Serves `lattice://media/…`: the backend fetches with the account's token, which the page never sees. */
  fetchMedia(req: MediaRequest): Promise<MediaResponse>;
  onFatal: (error: string) => void;
}

export interface DesktopOptions {
  /** `--insecure-secrets-file`: the user allows secrets in a 0600 file when no keychain works. */
  insecureSecretsFile: boolean;
}

export function parseDesktopArgs(argv: readonly string[]): DesktopOptions {
  return { insecureSecretsFile: argv.includes('--insecure-secrets-file') };
}

export interface DesktopDeps {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** The compiled sandboxed preload (dist/preload/preload.cjs). */
  preloadPath: string;
  /** The built renderer served at lattice://app/ (dist/renderer). */
  rendererDir: string;
  iconPath?: string;
  startBackend(opts: BackendWorkerOptions): Promise<BackendProcess>;
  log?: Logger;
}

export interface DesktopApp {
  /** Wires everything that must happen before `ready`; false if another instance already runs. */
  start(): boolean;
  /** The window, if one is open (tests and the second-instance handler use it). */
  mainWindow(): BrowserWindow | null;
  /** Resolves once the ready-time setup (protocol, session, backend start, window) has run. */
  whenStarted(): Promise<void>;
}

/**
 * Electron's safeStorage as the backend's fallback secret store. On Linux without a keyring Chromium silently
 * uses a hard-coded key ("basic_text"); that is not encryption, so it is reported as unavailable rather than
 * letting secrets land on disk as if they were protected.
 */
export function hostSafeStorage(ss: ElectronMain['safeStorage'], platform: NodeJS.Platform): HostSafeStorage {
  return {
    isEncryptionAvailable: () => {
      if (!ss.isEncryptionAvailable()) return false;
      if (platform !== 'linux') return true;
      const backend = ss.getSelectedStorageBackend();
      return backend !== 'basic_text' && backend !== 'unknown';
    },
    encryptString: (s) => ss.encryptString(s),
    decryptString: (b) => ss.decryptString(Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
  };
}

/**
 * One page's connection to the backend. Each page load gets its own, closed when the page goes away, so the
 * backend never answers a reloaded page's requests with the previous page's ids.
 */
class PageRelay {
  private readonly wc: WebContents;
  private readonly backend: () => Promise<BackendHost | null>;
  private conn: Promise<BackendConnection | null> | null = null;
  private generation = 0;
  /** The generation that was live when the last main-frame navigation started. */
  private generationAtNavigationStart: number | null = null;

  constructor(wc: WebContents, backend: () => Promise<BackendHost | null>) {
    this.wc = wc;
    this.backend = backend;
  }

  open(): void {
    this.close();
    const gen = ++this.generation;
    const wc = this.wc;
    // The sink checks the generation so nothing from a replaced connection reaches the next page, even in the
    // moment between deciding to close and the worker learning of it.
    this.conn = this.backend().then((b) => b && b.connect((env: Envelope) => {
      if (this.generation === gen && this.conn !== null && !wc.isDestroyed()) wc.send(RPC_CHANNEL, env);
    }));
  }

  receive(raw: unknown): void {
    if (!this.conn) this.open();
    // Chained on one promise, so envelopes reach the backend in the order the page sent them.
    void this.conn!.then((c) => c?.receive(raw));
  }

  close(): void {
    const conn = this.conn;
    if (!conn) return;
    this.conn = null;
    this.generation++;
    void conn.then((c) => c?.close());
  }

  navigationStarted(): void {
    this.generationAtNavigationStart = this.conn ? this.generation : null;
  }

  /**
   * A new document replaced the page. Closes the connection only if it predates the navigation: if the new
   * page already opened its own, that one stays.
   */
  navigationCommitted(): void {
    if (this.conn && this.generation === this.generationAtNavigationStart) this.close();
    this.generationAtNavigationStart = null;
  }
}

export function createDesktopApp(electron: ElectronMain, deps: DesktopDeps): DesktopApp {
  const { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell } = electron;
  const log: Logger = deps.log ?? ((m) => console.error(`lattice: ${m}`));
  const options = parseDesktopArgs(deps.argv);
  const relays = new Map<number, PageRelay>();
  let win: BrowserWindow | null = null;
  let paths: DataPaths | null = null;
  let backendReady: Promise<BackendProcess | null> | null = null;
  /** Set once the backend has started, for the media protocol, which answers at once rather than wait. */
  let runningBackend: BackendProcess | null = null;
  let backendDead = false;
  let backendStopped = false;
  let stopping = false;
  let ready = false;
  let started: Promise<void> = new Promise<void>(() => {});

  const backend = (): Promise<BackendProcess | null> => backendReady ?? Promise.resolve(null);

  function fail(title: string, message: string): void {
    log(`${title}: ${message}`);
    if (stopping) return;
    dialog.showErrorBox(title, message);
    app.quit();
  }

  function startBackend(): Promise<BackendProcess | null> {
    const opts: BackendWorkerOptions = {
      paths: paths!, insecureSecretsFile: options.insecureSecretsFile, safeStorage: hostSafeStorage(safeStorage, deps.platform),
    };
    return deps.startBackend(opts).then(
      (b) => {
        b.onFatal = (e) => {
          backendDead = true;
          runningBackend = null;
          fail('Lattice stopped', `The Lattice backend stopped unexpectedly: ${e}`);
        };
        runningBackend = b;
        return b;
      },
      (e: unknown) => {
        backendDead = true;
        fail('Lattice could not start', `The Lattice backend could not start: ${errorMessage(e)}`);
        return null;
      },
    );
  }

  /**
   * Only the app's own top-level page in one of our windows may talk to the backend: not an iframe, not a page
   * that somehow navigated elsewhere, not another webContents.
   */
  function relayFor(event: IpcMainEvent): PageRelay | undefined {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) return undefined;
    return relays.get(event.sender.id);
  }

  function onRpc(event: IpcMainEvent, raw: unknown): void {
    const relay = relayFor(event);
    if (relay) relay.receive(raw);
    else log('ignored an IPC message from a frame that is not the app');
  }

  function onOpen(event: IpcMainEvent): void {
    relayFor(event)?.open();
  }

  function createWindow(): BrowserWindow {
    const w = new BrowserWindow(windowOptions(deps.preloadPath, deps.iconPath));
    const wc = w.webContents;
    const id = wc.id;
    hardenWebContents(wc, shell, log);
    const relay = new PageRelay(wc, backend);
    relays.set(id, relay);
    wc.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) relay.navigationStarted();
    });
    wc.on('did-navigate', () => relay.navigationCommitted());
    wc.on('render-process-gone', () => relay.close());
    wc.on('destroyed', () => {
      relay.close();
      relays.delete(id);
    });
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.loadURL(APP_ENTRY_URL).catch((e: unknown) => log(`could not load the app page: ${errorMessage(e)}`));
    win = w;
    return w;
  }

  function focusWindow(): void {
    if (!win || win.isDestroyed()) {
      if (ready) createWindow();
      return;
    }
    if (win.isMinimized()) win.restore();
    if (!win.isVisible()) win.show();
    win.focus();
  }

  async function onReady(): Promise<void> {
    ready = true;
    serveAppScheme(protocol, deps.rendererDir, () => runningBackend);
    hardenSession(session.defaultSession, allowedPermissions());
    backendReady = startBackend();
    createWindow();
  }

  return {
    start() {
      // Electron fires `ready` on its own schedule: everything Chromium reads at startup (sandbox, scheme
      // privileges, the profile folder) is set synchronously here, before any await.
      if (!app.requestSingleInstanceLock()) {
        app.quit();
        return false;
      }
      app.enableSandbox();
      paths = resolveDataPaths(deps.env, deps.platform);
      // Chromium's own profile (cookies, caches, local storage) in Lattice's data folder, not ~/.config/Electron,
      // and in a subfolder of its own so it never mixes with the database.
      app.setPath('userData', path.join(paths.data, 'chromium'));
      registerAppScheme(protocol);

      app.on('second-instance', () => focusWindow());
      app.on('activate', () => focusWindow());
      app.on('window-all-closed', () => {
        if (deps.platform !== 'darwin') app.quit();
      });
      app.on('will-quit', (event) => {
        if (!backendReady || backendStopped || backendDead) return;
        // Stop the sync loop and close the database before the process ends.
        event.preventDefault();
        if (stopping) return;
        stopping = true;
        void backendReady
          .then((b) => b?.stop())
          .catch((e: unknown) => log(`backend did not stop cleanly: ${errorMessage(e)}`))
          .finally(() => {
            backendStopped = true;
            app.quit();
          });
      });
      ipcMain.on(RPC_CHANNEL, onRpc);
      ipcMain.on(OPEN_CHANNEL, onOpen);
      started = app.whenReady().then(onReady);
      started.catch((e: unknown) => fail('Lattice could not start', errorMessage(e)));
      return true;
    },
    mainWindow: () => win,
    whenStarted: () => started,
  };
}
