/** A small JSON object on disk, readable only by its owner, written atomically (temp file + rename). */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

export function readJsonFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file} is not a JSON object`);
  return data as Record<string, string>;
}

export function writeJsonFile(file: string, data: Record<string, string>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
  renameSync(tmp, file);
}
