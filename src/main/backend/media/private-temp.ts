/**
 * Private temporary files for work on media that an external program does (ffmpeg, ffprobe): each under the given
 * folder (made 0700), created 0600 under a random name that cannot already exist, and removed when the work ends,
 * whether it succeeded or threw.
 */
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_FILE, ensurePrivateDir } from '../private-files.ts';

/** Runs `work` with fresh private file names (one per suffix, the first holding `data`), then removes them all. */
export async function withPrivateTemp<T>(dir: string, data: Uint8Array, suffixes: string[],
  work: (files: string[]) => Promise<T>): Promise<T> {
  ensurePrivateDir(dir);
  const id = randomBytes(12).toString('hex');
  const files = suffixes.map((s) => path.join(dir, `media-${id}${s}`));
  try {
    for (const [i, f] of files.entries()) await writePrivate(f, i === 0 ? data : new Uint8Array());
    return await work(files);
  } finally {
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }
}

async function writePrivate(file: string, data: Uint8Array): Promise<void> {
  const fh = await open(file, 'wx', PRIVATE_FILE);
  try {
    await fh.chmod(PRIVATE_FILE);
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}
