/**
 * A fake of the parts of `electron` the desktop shell touches (no Electron binary can run here), and a fake
 * backend. The fake records calls and lets a test play Electron's part: emit app and webContents events, send IPC
 * from chosen frames, click tray and menu items, and look at what the shell did.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, NotificationConstructorOptions } from 'electron';
import type { Envelope, Event, MediaRequest } from '../../src/shared/rpc/index.ts';
import type { EnvelopeSink } from '../../src/main/backend/rpc/connection.ts';
import type { BackendWorkerOptions, HostSafeStorage } from '../../src/main/host/backend-worker.ts';
import {
  createDesktopApp, type BackendProcess, type DesktopDeps, type ElectronMain,
} from '../../src/main/desktop/app.ts';
import { APP_ENTRY_URL } from '../../src/main/desktop/security.ts';

type Listener = (...args: unknown[]) => unknown;

export class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return fn(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, fn: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** A navigation/IPC event as Electron passes it: `preventDefault` records that it was called. */
export function navEvent(fields: Record<string, unknown> = {}): { prevented: boolean; preventDefault(): void } & Record<string, unknown> {
  const e = { prevented: false, preventDefault() { e.prevented = true; }, ...fields };
  return e;
}

export interface Frame { url: string; parent: Frame | null }

let nextWcId = 1;
export class FakeWebContents extends Emitter {
  readonly id = nextWcId++;
  readonly sent: Array<[string, unknown]> = [];
  readonly replaced: string[] = [];
  readonly dictionary: string[] = [];
  destroyed = false;
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  readonly mainFrame: Frame = { url: APP_ENTRY_URL, parent: null };
  readonly session = { addWordToSpellCheckerDictionary: (w: string) => { this.dictionary.push(w); return true; } };
  send(channel: string, payload: unknown): void { this.sent.push([channel, payload]); }
  isDestroyed(): boolean { return this.destroyed; }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void { this.windowOpenHandler = h; }
  replaceMisspelling(w: string): void { this.replaced.push(w); }
  destroy(): void { this.destroyed = true; this.emit('destroyed'); }
}

export interface FakeMenu { template: MenuItemConstructorOptions[]; popups: number; popup(): void }

/** Finds a menu item by label anywhere in a template (submenus included). */
export function findItem(template: MenuItemConstructorOptions[], label: string | RegExp): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (typeof item.label === 'string' && (typeof label === 'string' ? item.label === label : label.test(item.label))) return item;
    if (Array.isArray(item.submenu)) {
      const found = findItem(item.submenu, label);
      if (found) return found;
    }
  }
  return undefined;
}

/** Clicks a menu item the way Electron does (checkboxes flip first). */
export function clickItem(item: MenuItemConstructorOptions | undefined): void {
  assert.ok(item, 'menu item exists');
  const menuItem = { checked: item.type === 'checkbox' ? !item.checked : !!item.checked };
  (item.click as unknown as (mi: { checked: boolean }) => void)(menuItem);
}

export class FakeNotification extends Emitter {
  static readonly all: FakeNotification[] = [];
  static isSupported(): boolean { return true; }
  readonly options: NotificationConstructorOptions;
  shown = false;
  closed = false;
  constructor(options: NotificationConstructorOptions) {
    super();
    this.options = options;
    FakeNotification.all.push(this);
  }
  show(): void { this.shown = true; }
  close(): void { this.closed = true; this.emit('close'); }
}

/** What the getDisplayMedia handler is asked with. */
export interface DisplayMediaRequest {
  securityOrigin: string; videoRequested: boolean; audioRequested: boolean; userGesture?: boolean; frame: Frame | null;
}

/** A NativeImage as far as the shell uses one. */
export interface FakeImage { isEmpty(): boolean; toDataURL(): string }
const fakeImage = (dataUrl: string): FakeImage => ({ isEmpty: () => dataUrl === '', toDataURL: () => dataUrl });

export interface FakeSource { id: string; name: string; display_id: string; thumbnail: FakeImage; appIcon: FakeImage }

/** A desktopCapturer source: its thumbnail and icon are data URLs naming it, so a test can tell them apart. */
export function fakeSource(id: string, name: string, displayId: string, opts: { thumbnail?: boolean; icon?: boolean } = {}): FakeSource {
  const png = (what: string) => `data:image/png;base64,${Buffer.from(`${what} of ${id}`).toString('base64')}`;
  return {
    id, name, display_id: displayId,
    thumbnail: fakeImage(opts.thumbnail === false ? '' : png('picture')),
    appIcon: fakeImage(opts.icon ? png('icon') : ''),
  };
}

export function fakeElectron() {
  const calls: string[] = [];
  const windows: FakeBrowserWindow[] = [];
  const opened: string[] = [];
  const errors: Array<[string, string]> = [];
  const clipboard: string[] = [];
  const badge: number[] = [];
  const loginItems: Array<{ openAtLogin: boolean; args: string[] }> = [];
  const trays: FakeTray[] = [];
  const menus: FakeMenu[] = [];
  let appMenu: FakeMenu | null = null;
  const proxyQuestions: string[] = [];
  let proxyAnswer = 'DIRECT';
  const protocolHandlers = new Map<string, (req: Request) => Promise<Response>>();
  let lock = true;
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => { resolveReady = r; });
  const perms: {
    request?: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: { requestingUrl: string; mediaTypes?: string[] }) => void;
    check?: (wc: unknown, permission: string, origin: string, details: { mediaType?: string }) => boolean;
    device?: () => boolean;
    /** The getDisplayMedia handler (screen sharing) and the options it was set with. */
    displayMedia?: (request: DisplayMediaRequest, cb: (streams: { video?: { id: string; name: string } } | null) => void) => void;
    displayMediaOpts?: { useSystemPicker: boolean };
  } = {};
  /**
   * What desktopCapturer lists (screens of two displays, the primary one second, and two windows, one minimized so
   * without a picture), and the options it was asked with. A test may replace the list's contents.
   */
  const captureSources: FakeSource[] = [
    fakeSource('screen:1:0', 'Screen 1', '1'),
    fakeSource('screen:2:0', 'Screen 2', '2'),
    fakeSource('window:11:0', 'Notes — draft.txt', '', { icon: true }),
    fakeSource('window:12:0', 'Terminal', '', { thumbnail: false }),
  ];
  const captureQuestions: unknown[] = [];
  const displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];

  class FakeBrowserWindow extends Emitter {
    readonly options: BrowserWindowConstructorOptions;
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    minimized = false;
    maximized = false;
    visible = false;
    focused = 0;
    hasFocus = false;
    flashing = false;
    destroyed = false;
    constructor(options: BrowserWindowConstructorOptions) {
      super();
      this.options = options;
      windows.push(this);
      calls.push('new BrowserWindow');
      app.emit('web-contents-created', navEvent(), this.webContents);
    }
    loadURL(url: string): Promise<void> { this.loadedUrl = url; return Promise.resolve(); }
    isDestroyed(): boolean { return this.destroyed; }
    isMinimized(): boolean { return this.minimized; }
    isMaximized(): boolean { return this.maximized; }
    maximize(): void { this.maximized = true; }
    restore(): void { this.minimized = false; }
    isVisible(): boolean { return this.visible; }
    isFocused(): boolean { return this.hasFocus; }
    show(): void { this.visible = true; this.emit('show'); }
    hide(): void { this.visible = false; this.hasFocus = false; this.emit('hide'); }
    focus(): void { this.focused++; this.hasFocus = true; this.emit('focus'); }
    flashFrame(on: boolean): void { this.flashing = on; }
    overlay: string | null = null;
    setOverlayIcon(icon: { path: string } | null, description: string): void { this.overlay = icon ? `${icon.path} ${description}` : null; }
    getNormalBounds() {
      const o = this.options;
      return { x: o.x ?? 100, y: o.y ?? 50, width: o.width ?? 800, height: o.height ?? 600 };
    }
    /** Gone without a 'close' that could be prevented (like `destroy()`). */
    destroyNow(): void {
      this.destroyed = true;
      this.webContents.destroy();
      this.emit('closed');
    }
    /** Like a user closing the window: 'close' may be prevented (close to tray). */
    close(): void {
      const e = navEvent();
      this.emit('close', e);
      if (e.prevented) return;
      this.destroyed = true;
      this.webContents.destroy();
      this.emit('closed');
    }
  }

  class FakeTray extends Emitter {
    image: string;
    tooltip = '';
    menu: FakeMenu | null = null;
    destroyed = false;
    constructor(image: { path: string }) {
      super();
      this.image = image.path;
      trays.push(this);
    }
    setImage(image: { path: string }): void { this.image = image.path; }
    setToolTip(t: string): void { this.tooltip = t; }
    setContextMenu(m: FakeMenu): void { this.menu = m; }
    destroy(): void { this.destroyed = true; }
  }

  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: () => { calls.push('requestSingleInstanceLock'); return lock; },
    enableSandbox: () => { calls.push('enableSandbox'); },
    setPath: (name: string, p: string) => { calls.push(`setPath ${name} ${p}`); },
    getPath: (name: string) => `/fake/${name}`,
    getVersion: () => '0.1.0',
    getLocale: () => 'en-US',
    setBadgeCount: (n: number) => { badge.push(n); return true; },
    setLoginItemSettings: (s: { openAtLogin: boolean; args: string[] }) => { loginItems.push(s); },
    setAppUserModelId: (id: string) => { calls.push(`setAppUserModelId ${id}`); },
    whenReady: () => readyPromise,
    quit: () => { calls.push('quit'); },
    isPackaged: false,
  });
  const ipcMain = new Emitter();
  const Menu = {
    buildFromTemplate: (template: MenuItemConstructorOptions[]): FakeMenu => {
      const m: FakeMenu = { template, popups: 0, popup() { m.popups++; } };
      menus.push(m);
      return m;
    },
    setApplicationMenu: (m: FakeMenu) => { appMenu = m; },
  };
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    Menu,
    Tray: FakeTray,
    Notification: FakeNotification,
    nativeImage: {
      createFromPath: (p: string) => ({ path: p }),
      createFromBuffer: (b: Buffer) => ({ path: `buffer:${b.length}`, isEmpty: () => b.length === 0 }),
    },
    screen: { getAllDisplays: () => displays, getPrimaryDisplay: () => ({ id: 2 }) },
    webContents: { fromFrame: (frame: Frame) => windows.map((w) => w.webContents).find((wc) => wc.mainFrame === frame) },
    desktopCapturer: { getSources: async (opts: unknown) => { captureQuestions.push(opts); return captureSources; } },
    clipboard: { writeText: (t: string) => { clipboard.push(t); return Promise.resolve(); } },
    protocol: {
      registerSchemesAsPrivileged: () => { calls.push('registerSchemesAsPrivileged'); },
      handle: (scheme: string, h: (req: Request) => Promise<Response>) => { calls.push(`handle ${scheme}`); protocolHandlers.set(scheme, h); },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof perms.request) => { perms.request = h; },
        setPermissionCheckHandler: (h: typeof perms.check) => { perms.check = h; },
        setDevicePermissionHandler: (h: typeof perms.device) => { perms.device = h; },
        setDisplayMediaRequestHandler: (h: typeof perms.displayMedia, opts: typeof perms.displayMediaOpts) => {
          perms.displayMedia = h;
          perms.displayMediaOpts = opts;
        },
        resolveProxy: async (url: string) => { proxyQuestions.push(url); return proxyAnswer; },
      },
    },
    shell: { openExternal: async (url: string) => { opened.push(url); } },
    dialog: { showErrorBox: (title: string, content: string) => { errors.push([title, content]); } },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`enc:${s}`),
      decryptString: (b: Buffer) => b.toString().replace(/^enc:/, ''),
    },
  };
  return {
    electron: electron as unknown as ElectronMain,
    app, ipcMain, calls, windows, opened, errors, perms, protocolHandlers, clipboard, badge, loginItems, trays, menus, displays,
    captureSources, captureQuestions,
    appMenu: () => appMenu,
    /** The URLs session.defaultSession.resolveProxy was asked about, and what it answers. */
    proxyQuestions,
    setProxyAnswer: (answer: string) => { proxyAnswer = answer; },
    setLock: (v: boolean) => { lock = v; },
    ready: () => resolveReady(),
  };
}

export class FakeConnection {
  readonly received: unknown[] = [];
  closed = false;
  readonly sink: EnvelopeSink;
  constructor(sink: EnvelopeSink) { this.sink = sink; }
}

export function fakeBackend() {
  const connections: FakeConnection[] = [];
  const started: Array<{ opts: BackendWorkerOptions; safeStorage: HostSafeStorage }> = [];
  const media: MediaRequest[] = [];
  /** Member events the fake answers get_room_state with, by room. */
  const members = new Map<string, Event[]>();
  /** When false, get_room_state requests are left unanswered (a slow backend). */
  let answerState = true;
  let stopped = 0;
  const backend: BackendProcess = {
    fetchMedia: async (req) => { media.push(req); return { status: 200, contentType: 'image/png', body: new Uint8Array([137, 80, 78, 71]) }; },
    maxUploadBytes: async () => undefined,
    uploadMedia: async () => { throw new Error('the fake backend does not upload'); },
    onFatal: () => {},
    connect(sink) {
      const c = new FakeConnection(sink);
      connections.push(c);
      return {
        receive: (raw) => {
          c.received.push(raw);
          const env = raw as Envelope<string, { room_id?: string }>;
          if (c === connections[0] && env.command === 'get_room_state' && answerState && typeof env.request_id === 'number') {
            const roomId = env.data?.room_id ?? '';
            queueMicrotask(() => c.sink({ command: 'response', request_id: env.request_id, data: members.get(roomId) ?? [] }));
          }
        },
        close: () => { c.closed = true; },
      };
    },
    stop: async () => { stopped++; },
  };
  return {
    backend, connections, started, media, members,
    setAnswerState: (v: boolean) => { answerState = v; },
    /** The shell's own connection is the first one the backend gets; pages' come after. */
    shellConnection: () => connections[0],
    pageConnections: () => connections.slice(1),
    stopped: () => stopped,
    start: async (opts: BackendWorkerOptions) => { started.push({ opts, safeStorage: opts.safeStorage! }); return backend; },
  };
}

export const tick = () => new Promise<void>((r) => setImmediate(r));

/** A fresh data root per call, so window state and settings files never leak between tests. */
export function tempRoot(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lattice-desktop-'));
}

export function baseDeps(root: string, fb: ReturnType<typeof fakeBackend>, overrides: Partial<DesktopDeps> = {}): DesktopDeps {
  return {
    argv: ['/usr/bin/electron', '.'],
    env: { LATTICE_ROOT: root },
    platform: 'linux',
    preloadPath: '/app/dist/preload/preload.cjs',
    rendererDir: '/app/dist/renderer',
    trayIconDir: '/app/assets/tray',
    startBackend: fb.start,
    detectTrayHost: async () => 'present',
    ...overrides,
  };
}

export async function startedApp(overrides: Partial<DesktopDeps> = {}) {
  const fe = fakeElectron();
  const fb = fakeBackend();
  const logs: string[] = [];
  const root = tempRoot();
  const desktop = createDesktopApp(fe.electron, baseDeps(root, fb, { log: (m) => logs.push(m), ...overrides }));
  assert.equal(desktop.start(), true);
  fe.ready();
  await desktop.whenStarted();
  await tick();
  const win = fe.windows[0];
  return { fe, fb, desktop, logs, win, wc: win.webContents, root };
}

export function ipcFrom(wc: FakeWebContents, frame: Frame | null = wc.mainFrame) {
  return { sender: wc, senderFrame: frame };
}
