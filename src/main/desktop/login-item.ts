/**
 * Start at login. macOS and Windows have an API for it (Electron's `setLoginItemSettings`); Linux desktops read
 * XDG autostart entries (`~/.config/autostart/*.desktop`), so there the shell writes or removes one. Either way
 * the app starts with `--hidden`, in the tray, and with its profile.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Quotes one argument for a desktop entry's Exec key (the XDG spec's rules: double quotes, escaped specials). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg.replace(/%/g, '%%');
  return `"${arg.replace(/([\\"`$])/g, '\\$1').replace(/%/g, '%%')}"`;
}

export function autostartEntry(exec: string, args: readonly string[], profile: string | null): string {
  const name = profile ? `Lattice (${profile})` : 'Lattice';
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    'Comment=Matrix client, started in the tray',
    `Exec=${[exec, ...args].map(quoteExecArg).join(' ')}`,
    'Icon=lattice',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function autostartFile(env: Record<string, string | undefined>, profile: string | null, home: string = os.homedir()): string {
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return path.join(config, 'autostart', profile ? `lattice-${profile}.desktop` : 'lattice.desktop');
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** The program to start: the AppImage itself when running from one (its mount path changes every launch). */
  execPath: string;
  setLoginItemSettings(s: { openAtLogin: boolean; args: string[] }): void;
}

/** Applies the "start at login" setting; args are what the launch should carry (see relaunchArgs). */
export function applyStartAtLogin(enabled: boolean, args: string[], profile: string | null, deps: LoginItemDeps): void {
  if (deps.platform === 'linux') {
    const file = autostartFile(deps.env, profile);
    if (!enabled) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, autostartEntry(deps.env.APPIMAGE || deps.execPath, args, profile), { mode: 0o644 });
    return;
  }
  deps.setLoginItemSettings({ openAtLogin: enabled, args });
}
