/**
 * Is there a tray on this Linux desktop? Electron's tray is a StatusNotifierItem: it only appears when a host has
 * registered `org.kde.StatusNotifierWatcher` on the session bus (KDE, most panels; GNOME only with an extension).
 * Without one, an app that closes to the tray would vanish with no way back, so the shell asks the bus and, when
 * no watcher is there, lets closing the window quit.
 *
 * Asked with `dbus-send` (part of every D-Bus install) rather than a D-Bus library: one call at startup does not
 * justify a protocol implementation in the app.
 */
import { execFile } from 'node:child_process';

export const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';

export type TrayHost = 'present' | 'absent' | 'unknown';

type Env = Record<string, string | undefined>;

/** Runs a program and gives its stdout, or rejects (not found, non-zero exit, timeout). */
export type Exec = (file: string, args: readonly string[], env: Env, timeoutMs: number) => Promise<string>;

const execDefault: Exec = (file, args, env, timeoutMs) => new Promise<string>((resolve, reject) => {
  execFile(file, [...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => { if (err) reject(new Error(err.message, { cause: err })); else resolve(stdout); });
});

const NAME_HAS_OWNER_ARGS: readonly string[] = [
  '--session', '--print-reply', '--reply-timeout=1500', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
  'org.freedesktop.DBus.NameHasOwner', `string:${WATCHER_NAME}`,
];

/** `dbus-send --print-reply` output for a boolean reply → the answer; anything else → null. */
export function parseBooleanReply(stdout: string): boolean | null {
  const m = /^\s*boolean (true|false)\s*$/m.exec(stdout);
  return m ? m[1] === 'true' : null;
}

export async function detectTrayHost(env: Env, exec: Exec = execDefault): Promise<TrayHost> {
  if (!env.DBUS_SESSION_BUS_ADDRESS && !env.XDG_RUNTIME_DIR) return 'unknown';
  let out: string;
  try {
    out = await exec('dbus-send', NAME_HAS_OWNER_ARGS, env, 2000);
  } catch {
    return 'unknown';
  }
  const owned = parseBooleanReply(out);
  return owned === null ? 'unknown' : owned ? 'present' : 'absent';
}

/**
 * Whether the app gets a tray icon (and so may close to it). macOS and Windows always have a place for one; on
 * Linux only a detected watcher counts, since guessing wrong strands the user with an invisible app.
 */
export function hasTray(platform: NodeJS.Platform, host: TrayHost): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return host === 'present';
}
