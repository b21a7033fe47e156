/**
 * The desktop app's command line, read the same way for the first launch and for the arguments a second launch
 * hands over (the `second-instance` event). Chromium inserts its own switches into that argv and the OS adds the
 * executable (and in development `.`), so the parser picks out what it knows and ignores the rest.
 *
 *   lattice [--hidden] [--profile NAME] [--insecure-secrets-file] [matrix:… | https://matrix.to/#/…]
 */
import path from 'node:path';
import type { DataPaths } from '../backend/paths.ts';
import { looksLikeMatrixLink } from '../../shared/matrix-uri.ts';

export interface DesktopOptions {
  /** `--insecure-secrets-file`: the user allows secrets in a 0600 file when no keychain works. */
  insecureSecretsFile: boolean;
  /** `--hidden`: start in the tray without showing the window (start at login uses it). */
  hidden: boolean;
  /** `--profile NAME`: a second account with data folders of its own; null for the default profile. */
  profile: string | null;
  /** A `matrix:` or matrix.to link to open, as given (parsed where it is used). */
  link: string | null;
  /** What was wrong with the command line, in words; the app still starts with the rest. */
  problems: string[];
}

/** Profile names become folder names: kept to a safe, portable alphabet. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseDesktopArgs(argv: readonly string[]): DesktopOptions {
  const out: DesktopOptions = { insecureSecretsFile: false, hidden: false, profile: null, link: null, problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--insecure-secrets-file') out.insecureSecretsFile = true;
    else if (arg === '--hidden') out.hidden = true;
    else if (arg === '--profile' || arg.startsWith('--profile=')) {
      const value = arg === '--profile' ? argv[++i] : arg.slice('--profile='.length);
      if (value === undefined || value === '') out.problems.push('--profile needs a name, for example --profile work');
      else if (!PROFILE_NAME.test(value)) {
        out.problems.push(`--profile "${value}" is not a usable name: use letters, digits, ".", "_" or "-" (up to 64), starting with a letter or digit`);
      } else out.profile = value;
    } else if (looksLikeMatrixLink(arg)) out.link = arg.trim();
  }
  return out;
}

/**
 * A profile's own folders: each default folder with `-NAME` appended to its last part (`~/.config/lattice` →
 * `~/.config/lattice-work`), so profiles sit beside each other and never inside another's folder.
 */
export function profilePaths(paths: DataPaths, profile: string | null): DataPaths {
  if (!profile) return paths;
  const suffix = (p: string): string => path.join(path.dirname(p), `${path.basename(p)}-${profile}`);
  return { config: suffix(paths.config), data: suffix(paths.data), cache: suffix(paths.cache), logs: suffix(paths.logs) };
}

/** The arguments a launch at login, or a restart, should pass to come back the same way. */
export function relaunchArgs(opts: Pick<DesktopOptions, 'profile' | 'insecureSecretsFile'>, hidden: boolean): string[] {
  return [
    ...(hidden ? ['--hidden'] : []),
    ...(opts.profile ? ['--profile', opts.profile] : []),
    ...(opts.insecureSecretsFile ? ['--insecure-secrets-file'] : []),
  ];
}

/** The argv a second instance passed as `additionalData` to requestSingleInstanceLock, if it is well formed. */
export function forwardedArgv(data: unknown): string[] | null {
  const argv = typeof data === 'object' && data !== null ? (data as { argv?: unknown }).argv : undefined;
  return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? argv : null;
}
