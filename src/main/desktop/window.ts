/**
 * The app window's hardening: what the page may run, where it may go and what it may ask for. Kept apart from
 * the lifecycle glue so tests can read the exact options and drive the handlers.
 */
import type { BrowserWindowConstructorOptions, Session, Shell, WebContents } from 'electron';
import { errorMessage } from '../../shared/error-message.ts';
import { decidePermission, isAllowedExternalUrl, isAllowedNavigation } from './security.ts';
import { DEFAULT_WINDOW_STATE, type WindowState } from './window-state.ts';

export function windowOptions(preloadPath: string, icon?: string, bounds: WindowState = DEFAULT_WINDOW_STATE): BrowserWindowConstructorOptions {
  return {
    width: bounds.width,
    height: bounds.height,
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 480,
    minHeight: 360,
    title: 'Lattice',
    // Shown on 'ready-to-show' so the user never sees a blank white frame.
    show: false,
    ...(icon ? { icon } : {}),
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a file on the window must not navigate away from the app.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    },
  };
}

export type Logger = (message: string) => void;

/** Hands a link to the OS browser/mail client when policy allows; never opens anything inside the app. */
export function openExternally(shell: Pick<Shell, 'openExternal'>, url: string, log: Logger): void {
  if (!isAllowedExternalUrl(url)) {
    log(`refused to open ${JSON.stringify(url.slice(0, 200))}: only http, https and mailto links open externally`);
    return;
  }
  shell.openExternal(url).catch((e: unknown) => log(`could not open ${url}: ${errorMessage(e)}`));
}

/**
 * No new windows (links with target=_blank go to the OS browser instead), no navigation or redirect away from
 * the app origin (a clicked plain link also goes to the OS browser), and no <webview>.
 */
export function hardenWebContents(wc: WebContents, shell: Pick<Shell, 'openExternal'>, log: Logger): void {
  wc.setWindowOpenHandler(({ url }) => {
    openExternally(shell, url, log);
    return { action: 'deny' };
  });
  wc.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url)) return;
    event.preventDefault();
    openExternally(shell, event.url, log);
  });
  wc.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
}

/** Grants the permissions in `allowed` to the app origin only; denies every device (HID, serial, USB) outright. */
export function hardenSession(ses: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
  allowed: ReadonlySet<string>): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl, allowed, 'mediaTypes' in details ? { mediaTypes: details.mediaTypes ?? [] } : undefined));
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    decidePermission(permission, requestingOrigin, allowed, { mediaType: details.mediaType }));
  ses.setDevicePermissionHandler(() => false);
}
