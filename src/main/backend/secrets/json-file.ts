/**
 * A small JSON object of strings on disk, readable only by its owner, written atomically (temp file + rename).
 * Synchronous on purpose: the files are tiny, and no other call can interleave between a read and the write that
 * follows it, so two set() calls in one process never lose each other's entry.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync,
  rmSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../../shared/error-message.ts';

const PRIVATE = 0o600;

/**
 * Reads the file, tightening its mode to 0600 if someone loosened it. Refuses what isn't a plain file owned by
 * this user: a symlink or someone else's file could send secrets where this user doesn't control who reads them.
 */
export function readJsonFile(file: string): Record<string, string> {
  if (!existsSync(file)) return Object.create(null) as Record<string, string>;
  checkPrivate(file);
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Never start over with an empty file: that would silently drop the user's secrets.
    throw new Error(`${file} is damaged (not valid JSON: ${errorMessage(e)}); move it away to start over`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file} is not a JSON object`);
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') throw new Error(`${file}: the entry "${k}" is not a string`);
    out[k] = v;
  }
  return out;
}

export function writeJsonFile(file: string, data: Record<string, string>): void {
  // A unique name: a temp file left by a crash may have any mode, and reusing it would carry that mode over.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', PRIVATE);
  try {
    try {
      // The umask can only take bits away from 0600, but be exact about what the file ends up with.
      if (process.platform !== 'win32') fchmodSync(fd, PRIVATE);
      writeSync(fd, JSON.stringify(data, null, 2) + '\n');
      // On disk before the rename, so a crash leaves the old file or the new one, never an empty one.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(path.dirname(file));
}

/**
 * Checks an existing file before secrets are read from it; returns the mode it had if that was looser than 0600
 * (it has been tightened), so the caller can say so.
 */
export function checkPrivate(file: string): number | null {
  if (!existsSync(file)) return null;
  const st = lstatSync(file);
  if (!st.isFile()) throw new Error(`${file} is not a regular file; refusing to keep secrets there`);
  if (process.platform === 'win32') return null;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new Error(`${file} belongs to another user (uid ${st.uid}); refusing to use it`);
  if ((st.mode & 0o077) === 0) return null;
  chmodSync(file, PRIVATE);
  return st.mode & 0o777;
}

/** Makes the rename itself durable. Best effort: not every platform or file system lets a directory be fsynced. */
function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // The data itself was already synced; only the directory entry's durability is in question.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
