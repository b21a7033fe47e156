/**
 * Files that hold account data are readable by this user alone: directories 0700, files 0600, whatever the umask
 * and whatever mode an existing folder had. The umask cannot be set around a call here (process.umask() throws in
 * the worker thread the backend runs in), so files are created with an explicit mode and then fchmod/chmod'ed to it
 * exactly, and folders that already existed wider are tightened, and the caller is told so it can log it.
 */
import { chmodSync, closeSync, existsSync, fchmodSync, lstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import type { DataPaths } from './paths.ts';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

const posix = () => process.platform !== 'win32';

/**
 * Creates `dir` (and missing parents) as 0700, or tightens an existing one to 0700. Refuses, with the reason, a path
 * that is not a directory or belongs to another user: Lattice cannot make that private. Returns the old mode when it
 * had to tighten one, else null.
 */
export function ensurePrivateDir(dir: string): number | null {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  if (!posix()) return null;
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder; Lattice cannot keep its data there`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new Error(`${dir} belongs to another user (uid ${st.uid}); Lattice will not keep your account's data there`);
  }
  if ((st.mode & 0o777) === PRIVATE_DIR) return null;
  chmodSync(dir, PRIVATE_DIR);
  return st.mode & 0o777;
}

/**
 * Makes `file` exist as a private file before something else (SQLite) opens it: created 0600, or tightened to 0600.
 * Refuses a symlink or a non-file, which could put the data where this user doesn't control who reads it.
 */
export function ensurePrivateFile(file: string): void {
  tightenFile(file);
  const fd = openSync(file, 'a', PRIVATE_FILE);
  closeSync(fd);
  tightenFile(file);
}

/** Tightens `file` to 0600 if it exists; refuses a symlink or anything but a plain file. */
export function tightenFile(file: string): void {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return;
  }
  if (!st.isFile()) throw new Error(`${file} is not a regular file; Lattice will not keep your account's data in it`);
  if (posix() && (st.mode & 0o777) !== PRIVATE_FILE) chmodSync(file, PRIVATE_FILE);
}

/** Sets an open file's mode to exactly 0600 (the umask can only have narrowed it, but be exact). */
export function fchmodPrivate(fd: number): void {
  if (posix()) fchmodSync(fd, PRIVATE_FILE);
}

/**
 * An SQLite database file and its companions, private. SQLite's Unix VFS gives `-wal`, `-shm` and `-journal` the
 * main file's permission bits, so the main file is made 0600 before opening; `afterOpen` then checks the companions
 * (ones left wider by an older version are tightened). For lattice.db and any other store (crypto) beside it.
 */
export const privateSqlite = {
  beforeOpen(file: string): void {
    ensurePrivateFile(file);
  },
  afterOpen(file: string): void {
    for (const suffix of ['', '-wal', '-shm', '-journal']) tightenFile(file + suffix);
  },
};

/**
 * The data and cache folders made private (created 0700, or tightened to 0700 if they existed wider, as after an
 * install with umask 022); the config folder is tightened too when it exists. Says what it tightened, for the log.
 */
export function privateDataFolders(paths: DataPaths): string[] {
  const said: string[] = [];
  const folders = [['data', paths.data], ['cache', paths.cache]];
  if (existsSync(paths.config)) folders.push(['config', paths.config]);
  for (const [kind, dir] of folders) {
    const was = ensurePrivateDir(dir);
    if (was !== null) said.push(`the ${kind} folder ${dir} was readable by others (mode ${was.toString(8)}); it is now 0700`);
  }
  return said;
}
