/**
 * The application menu, the page's context menu (spelling suggestions, edit actions, links) and the "copy debug
 * info" text, as plain templates built from plain inputs. Electron's menu roles do the standard work (undo, cut,
 * zoom, full screen…), so the platform's own shortcuts and labels apply.
 */
import type { ContextMenuParams, MenuItemConstructorOptions } from 'electron';
import type { DesktopSettings } from './settings.ts';

/** Things the menus can ask the shell to do. */
export interface MenuActions {
  copyDebugInfo(): void;
  setSetting<K extends keyof DesktopSettings>(key: K, value: DesktopSettings[K]): void;
  showWindow(): void;
  quit(): void;
}

export interface AppMenuInput {
  platform: NodeJS.Platform;
  settings: DesktopSettings;
  /** A tray exists, so "close to tray" means something. */
  trayAvailable: boolean;
  /** Start at login can be set on this system. */
  loginItemSupported: boolean;
  isDev: boolean;
}

export function appMenuTemplate(input: AppMenuInput, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = input.platform === 'darwin';
  const s = input.settings;
  const settingsItems: MenuItemConstructorOptions[] = [
    {
      label: 'Show Notifications', type: 'checkbox', checked: s.notifications,
      click: (item) => actions.setSetting('notifications', item.checked),
    },
    {
      label: 'Hide Message Text in Notifications', type: 'checkbox', checked: s.hideMessageText,
      click: (item) => actions.setSetting('hideMessageText', item.checked),
    },
    ...(input.trayAvailable ? [{
      label: 'Keep Running in the Tray When Closed', type: 'checkbox' as const, checked: s.closeToTray,
      click: (item: { checked: boolean }) => actions.setSetting('closeToTray', item.checked),
    }] : []),
    ...(input.loginItemSupported ? [{
      label: 'Start at Login', type: 'checkbox' as const, checked: s.startAtLogin,
      click: (item: { checked: boolean }) => actions.setSetting('startAtLogin', item.checked),
    }] : []),
  ];
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'Lattice',
      submenu: [
        { role: 'about' }, { type: 'separator' }, ...settingsItems, { type: 'separator' }, { role: 'services' },
        { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' },
        { label: 'Quit Lattice', accelerator: 'Cmd+Q', click: () => actions.quit() },
      ],
    });
  } else {
    template.push({
      label: '&File',
      submenu: [...settingsItems, { type: 'separator' }, { label: '&Quit', accelerator: 'Ctrl+Q', click: () => actions.quit() }],
    });
  }
  template.push({
    label: mac ? 'Edit' : '&Edit',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' },
      { role: 'pasteAndMatchStyle' }, { role: 'delete' }, { role: 'selectAll' },
    ],
  });
  template.push({
    label: mac ? 'View' : '&View',
    submenu: [
      { role: 'resetZoom' }, { role: 'zoomIn' },
      // Ctrl+= is what most keyboards type for "+" without Shift; both zoom in.
      { role: 'zoomIn', accelerator: 'CommandOrControl+=', visible: false },
      { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
      ...(input.isDev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  });
  template.push({
    label: mac ? 'Window' : '&Window',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { label: 'Lattice', click: () => actions.showWindow() }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  template.push({
    // The "help" role is macOS's (it adds the search field); elsewhere it is a plain submenu.
    ...(mac ? { role: 'help' as const } : {}),
    label: mac ? 'Help' : '&Help',
    submenu: [
      { label: 'Copy Debug Info', click: () => actions.copyDebugInfo() },
      ...(mac ? [] : [{ role: 'about' as const }]),
    ],
  });
  return template;
}

/** The subset of ContextMenuParams the menu reads (plain data, easy to write in a test table). */
export type ContextParams = Pick<ContextMenuParams,
  'misspelledWord' | 'dictionarySuggestions' | 'isEditable' | 'selectionText' | 'linkURL' | 'editFlags' | 'mediaType'>;

export interface ContextActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
  copyLink(url: string): void;
}

/** How many spelling suggestions to list; more are rarely useful and make the menu long. */
const MAX_SUGGESTIONS = 5;

/**
 * The right-click menu: spelling suggestions and "add to dictionary" on a misspelt word, edit actions where they
 * apply, "copy link" on links. Empty when there is nothing to offer (no menu is shown then).
 */
export function contextMenuTemplate(p: ContextParams, actions: ContextActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (p.isEditable && p.misspelledWord) {
    const suggestions = p.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    if (suggestions.length === 0) items.push({ label: 'No spelling suggestions', enabled: false });
    for (const s of suggestions) items.push({ label: s, click: () => actions.replaceMisspelling(s) });
    const word = p.misspelledWord;
    items.push({ label: `Add “${word}” to Dictionary`, click: () => actions.addToDictionary(word) });
    items.push({ type: 'separator' });
  }
  if (p.linkURL && /^(https?|mailto):/i.test(p.linkURL)) {
    const url = p.linkURL;
    items.push({ label: 'Copy Link Address', click: () => actions.copyLink(url) });
    items.push({ type: 'separator' });
  }
  if (p.isEditable) {
    items.push(
      { role: 'undo', enabled: p.editFlags.canUndo }, { role: 'redo', enabled: p.editFlags.canRedo }, { type: 'separator' },
      { role: 'cut', enabled: p.editFlags.canCut }, { role: 'copy', enabled: p.editFlags.canCopy },
      { role: 'paste', enabled: p.editFlags.canPaste }, { role: 'selectAll', enabled: p.editFlags.canSelectAll },
    );
  } else if (p.selectionText.trim()) {
    items.push({ role: 'copy', enabled: p.editFlags.canCopy });
  }
  while (items.length && items[items.length - 1].type === 'separator') items.pop();
  return items;
}

export interface DebugInfoInput {
  appVersion: string;
  versions: Partial<Record<'electron' | 'chrome' | 'node' | 'v8', string>>;
  platform: NodeJS.Platform;
  arch: string;
  osRelease: string;
  packaged: boolean;
  profile: string | null;
  trayHost: string;
  settings: DesktopSettings;
  locale: string;
}

/**
 * Text for bug reports. Only versions and switches: no user ID, homeserver, room, path or token, since people
 * paste it into public issue trackers.
 */
export function debugInfo(i: DebugInfoInput): string {
  const v = i.versions;
  return [
    `Lattice ${i.appVersion}${i.packaged ? '' : ' (development)'}`,
    `Electron ${v.electron ?? '?'}, Chromium ${v.chrome ?? '?'}, Node ${v.node ?? '?'}, V8 ${v.v8 ?? '?'}`,
    `OS: ${i.platform} ${i.osRelease} (${i.arch}), locale ${i.locale}`,
    `Profile: ${i.profile ?? 'default'}`,
    `Tray: ${i.trayHost}`,
    `Settings: ${Object.entries(i.settings).map(([k, val]) => `${k}=${String(val)}`).join(', ')}`,
  ].join('\n');
}
