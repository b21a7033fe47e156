/**
 * The tray icon and its menu. What the tray shows is decided here from the unread summary (pure: icon, tooltip,
 * menu items); `TrayController` only hands that to Electron's Tray and re-renders when something changed.
 */
import type { MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { Attention, UnreadSummary } from './unread-tracker.ts';

/** Icon files in assets/ (see assets/generate-icons.sh): a plain one, a dot for unread, a red badge for highlights. */
export const TRAY_ICON_FILES: Record<Attention, string> = {
  none: 'tray.png',
  unread: 'tray-unread.png',
  highlight: 'tray-highlight.png',
};

/**
 * macOS menu bar icons are template images: black with alpha, which macOS tints to match the menu bar (light or
 * dark, highlighted when clicked); a coloured icon looks out of place there. Electron marks an image loaded from a
 * file whose name ends in "Template" as one. Colour cannot tell the states apart, so the shape does: a ring for
 * unread, a large dot for highlights.
 */
export const TRAY_TEMPLATE_FILES: Record<Attention, string> = {
  none: 'trayTemplate.png',
  unread: 'tray-unreadTemplate.png',
  highlight: 'tray-highlightTemplate.png',
};

export function trayIconFile(attention: Attention, platform: NodeJS.Platform): string {
  return (platform === 'darwin' ? TRAY_TEMPLATE_FILES : TRAY_ICON_FILES)[attention];
}

/** How many unread rooms the menu lists before it says "and N more". */
export const MAX_TRAY_ROOMS = 10;

export function trayTooltip(s: UnreadSummary, profile: string | null): string {
  const app = profile ? `Lattice (${profile})` : 'Lattice';
  if (s.attention === 'none') return app;
  const invites = s.rooms.filter((r) => r.invited).length;
  const unread = s.rooms.length - invites;
  const mentions = s.rooms.filter((r) => r.highlights > 0).length;
  const parts: string[] = [];
  if (unread) parts.push(`${unread} unread ${unread === 1 ? 'room' : 'rooms'}`);
  if (mentions) parts.push(`${mentions} with mentions`);
  if (invites) parts.push(`${invites} ${invites === 1 ? 'invite' : 'invites'}`);
  return `${app}: ${parts.join(', ')}`;
}

/** What a tray menu item does, kept as data so tests can read the menu and the glue can run it. */
export type TrayAction = { type: 'toggle-window' } | { type: 'open-room'; roomId: string } | { type: 'quit' };

export interface TrayMenuItem {
  label: string;
  action?: TrayAction;
  enabled?: boolean;
  separator?: boolean;
}

function roomLabel(name: string, notifications: number, highlights: number, invited: boolean): string {
  // Menu labels treat "&" as a mnemonic marker on Windows and Linux; doubled, it shows as itself.
  const safe = name.replace(/&/g, '&&');
  const short = safe.length > 40 ? `${safe.slice(0, 39)}…` : safe;
  if (invited) return `${short} (invited)`;
  if (highlights > 0) return `${short} (${notifications || highlights}, mentioned)`;
  return notifications > 0 ? `${short} (${notifications})` : short;
}

export function trayMenu(s: UnreadSummary, windowVisible: boolean): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ label: windowVisible ? 'Hide Lattice' : 'Show Lattice', action: { type: 'toggle-window' } }];
  items.push({ label: '', separator: true });
  if (s.rooms.length === 0) items.push({ label: 'No unread rooms', enabled: false });
  for (const r of s.rooms.slice(0, MAX_TRAY_ROOMS)) {
    items.push({ label: roomLabel(r.name, r.notifications, r.highlights, r.invited), action: { type: 'open-room', roomId: r.room_id } });
  }
  if (s.rooms.length > MAX_TRAY_ROOMS) items.push({ label: `and ${s.rooms.length - MAX_TRAY_ROOMS} more`, enabled: false });
  items.push({ label: '', separator: true });
  items.push({ label: 'Quit Lattice', action: { type: 'quit' } });
  return items;
}

export function toElectronMenu(items: readonly TrayMenuItem[], run: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((i): MenuItemConstructorOptions => {
    if (i.separator) return { type: 'separator' };
    const action = i.action;
    return {
      label: i.label,
      enabled: i.enabled ?? true,
      ...(action ? { click: () => run(action) } : {}),
    };
  });
}

export interface TrayDeps {
  createTray: (icon: NativeImage) => Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'on' | 'destroy'>;
  image: (attention: Attention) => NativeImage;
  buildMenu: (template: MenuItemConstructorOptions[]) => Parameters<Tray['setContextMenu']>[0];
  run: (action: TrayAction) => void;
  profile: string | null;
}

/** Owns the Tray; `render` is cheap to call and only touches Electron when the picture changed. */
export class TrayController {
  private readonly deps: TrayDeps;
  private tray: ReturnType<TrayDeps['createTray']> | null = null;
  private shown: { attention: Attention; tooltip: string; menu: string } | null = null;

  constructor(deps: TrayDeps) {
    this.deps = deps;
  }

  render(summary: UnreadSummary, windowVisible: boolean): void {
    const items = trayMenu(summary, windowVisible);
    const next = { attention: summary.attention, tooltip: trayTooltip(summary, this.deps.profile), menu: JSON.stringify(items) };
    if (!this.tray) {
      this.tray = this.deps.createTray(this.deps.image(next.attention));
      // A left click (where the platform reports one) shows or hides the window, like most chat apps.
      this.tray.on('click', () => this.deps.run({ type: 'toggle-window' }));
    } else if (this.shown?.attention !== next.attention) {
      this.tray.setImage(this.deps.image(next.attention));
    }
    if (this.shown?.tooltip !== next.tooltip) this.tray.setToolTip(next.tooltip);
    if (this.shown?.menu !== next.menu) this.tray.setContextMenu(this.deps.buildMenu(toElectronMenu(items, this.deps.run)));
    this.shown = next;
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = null;
    this.shown = null;
  }
}
