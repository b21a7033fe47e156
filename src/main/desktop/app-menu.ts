/**
 * The app menu and the desktop settings it holds (menus.ts builds the template): changing a setting saves it,
 * applies it (start at login; notifications off withdraws the ones shown) and builds the menu again with it.
 */
import os from 'node:os';
import type * as ElectronModule from 'electron';
import { errorMessage } from '../../shared/error-message.ts';
import type { Attention } from './attention.ts';
import { applyStartAtLogin } from './login-item.ts';
import { appMenuTemplate, debugInfo } from './menus.ts';
import { relaunchArgs, type DesktopOptions } from './options.ts';
import { saveSettings, type DesktopSettings } from './settings.ts';
import type { ShellState } from './state.ts';
import type { Logger } from './window.ts';

export interface AppMenuDeps {
  electron: Pick<typeof ElectronModule, 'app' | 'clipboard' | 'Menu'>;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  options: DesktopOptions;
  state: ShellState;
  attention: () => Attention | null;
  showWindow: () => void;
  quit: () => void;
  /** Tells the pages the shell's notifications changed (on or off, message text), for their Settings screen. */
  notificationStateChanged: () => void;
  log: Logger;
}

export interface AppMenu {
  /** Sets the application menu from the current settings. */
  build(): void;
  /** Makes the OS's start-at-login match the setting (packaged apps only: a checkout has nothing to start). */
  applyLoginItem(): void;
}

export function createAppMenu(deps: AppMenuDeps): AppMenu {
  const { electron: { app, clipboard, Menu }, options, state, log } = deps;
  const loginItemSupported = (): boolean => app.isPackaged;

  function setSetting<K extends keyof DesktopSettings>(key: K, value: DesktopSettings[K]): void {
    state.settings = { ...state.settings, [key]: value };
    try {
      saveSettings(state.paths!.config, state.settings);
    } catch (e) {
      log(`could not save the settings: ${errorMessage(e)}`);
    }
    if (key === 'startAtLogin') applyLoginItem();
    if (key === 'notifications' && !value) deps.attention()?.notifications.withdrawAll();
    if (key === 'notifications' || key === 'hideMessageText') deps.notificationStateChanged();
    build();
  }

  function applyLoginItem(): void {
    if (!loginItemSupported()) return;
    try {
      applyStartAtLogin(state.settings.startAtLogin, relaunchArgs(options, true), options.profile, {
        platform: deps.platform, env: deps.env, execPath: app.getPath('exe'),
        setLoginItemSettings: (s) => app.setLoginItemSettings(s),
      });
    } catch (e) {
      log(`could not change start at login: ${errorMessage(e)}`);
    }
  }

  function build(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({
      platform: deps.platform, settings: state.settings, trayAvailable: state.trayAvailable,
      loginItemSupported: loginItemSupported(), isDev: !app.isPackaged,
    }, {
      copyDebugInfo: () => {
        clipboard.writeText(debugInfo({
          appVersion: app.getVersion(), versions: process.versions, platform: deps.platform, arch: process.arch,
          osRelease: os.release(), packaged: app.isPackaged, profile: options.profile, trayHost: state.trayHost,
          settings: state.settings, locale: app.getLocale(),
        })).catch((e: unknown) => log(`could not copy the debug info: ${errorMessage(e)}`));
      },
      setSetting,
      showWindow: deps.showWindow,
      quit: deps.quit,
    })));
  }

  return { build, applyLoginItem };
}
