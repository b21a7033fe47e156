/**
 * The media cache under the cache folder: each file stored once by the SHA-256 of its bytes (`media/blobs/<hash>`),
 * and a small index entry per thing asked for (an mxc URI, or one of its thumbnails) naming its hash and type
 * (`media/index/<key>.json`). Identical files sent in many rooms take the space once. Writes go through a
 * temporary name and a rename, and the index entry is written last, so a crash never leaves a half file that
 * counts as cached. The folder is private (0700): it holds what was sent in private rooms.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE, ensurePrivateDir, fchmodPrivate } from '../private-files.ts';

export interface CachedMedia {
  contentType: string;
  /** The file on disk. */
  path: string;
  sha256: string;
}

export class MediaCache {
  private readonly blobs: string;
  private readonly index: string;
  /** Where work on media in progress keeps its private temporary files (re-encoding with ffmpeg). */
  readonly tempDir: string;

  constructor(cacheDir: string) {
    this.blobs = path.join(cacheDir, 'media', 'blobs');
    this.index = path.join(cacheDir, 'media', 'index');
    this.tempDir = path.join(cacheDir, 'media', 'tmp');
  }

  /** The index key of an mxc URI's original or one thumbnail size. */
  static key(server: string, mediaId: string, thumbnail?: { width: number; height: number; scale?: true }): string {
    const size = thumbnail ? `@${thumbnail.width}x${thumbnail.height}${thumbnail.scale ? '-scale' : ''}` : '';
    return createHash('sha256').update(`${server}/${mediaId}${size}`).digest('hex');
  }

  get(key: string): CachedMedia | undefined {
    try {
      const meta = JSON.parse(readFileSync(path.join(this.index, `${key}.json`), 'utf8')) as { contentType: string; sha256: string };
      if (!/^[0-9a-f]{64}$/.test(meta.sha256)) return undefined;
      const file = path.join(this.blobs, meta.sha256);
      statSync(file);
      return { contentType: meta.contentType, path: file, sha256: meta.sha256 };
    } catch {
      return undefined;
    }
  }

  read(entry: CachedMedia): Uint8Array | undefined {
    try {
      return readFileSync(entry.path);
    } catch {
      return undefined;
    }
  }

  /** Deletes every cached file and index entry (and temporary files): the account signed out. */
  clear(): void {
    for (const dir of [this.index, this.blobs, this.tempDir]) rmSync(dir, { recursive: true, force: true });
  }

  /** Stores the bytes (once per content) and points `key` at them; undefined if the disk refused. */
  put(key: string, body: Uint8Array, contentType: string): CachedMedia | undefined {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const file = path.join(this.blobs, sha256);
    try {
      ensurePrivateDir(path.dirname(this.blobs));
      ensurePrivateDir(this.blobs);
      ensurePrivateDir(this.index);
      try {
        statSync(file);
      } catch {
        writePrivate(file, body);
      }
      writePrivate(path.join(this.index, `${key}.json`), Buffer.from(JSON.stringify({ contentType, sha256 })));
      return { contentType, path: file, sha256 };
    } catch {
      return undefined;
    }
  }
}

/** Through a temporary name and a rename, mode 0600 even over a temporary file a crash left behind. */
function writePrivate(file: string, data: Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE);
  try {
    fchmodPrivate(fd);
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
