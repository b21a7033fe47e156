/**
 * Small JSON files of the shell's own (window state, desktop settings): read leniently, written atomically and
 * private. A file that is missing, unreadable or fails its schema gives the defaults rather than stopping the app,
 * and the reason is logged; a write goes to a temporary file first so a crash never leaves half a file.
 */
import { ensurePrivateDir } from '../backend/private-files.ts';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export function readJsonFile<T>(file: string, schema: z.ZodType<T>, fallback: T, log: (m: string) => void): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`could not read ${file}: ${(e as Error).message}; using defaults`);
    return fallback;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    log(`${file} is not valid JSON; using defaults`);
    return fallback;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    log(`${file} has unexpected contents (${parsed.error.issues.map((i) => i.path.join('.') || 'value').join(', ')}); using defaults`);
    return fallback;
  }
  return parsed.data;
}

/** Writes `value` as JSON readable only by the user (0600, folder 0700). */
export function writeJsonFile(file: string, value: unknown): void {
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  // The mode above only applies when the file is created; a leftover temp file keeps its old mode.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
