/**
 * A log sink that appends JSON lines to `lattice.log` in the log directory and rotates by size: when the next line
 * would pass `maxBytes`, lattice.log becomes lattice.log.1 (and .1 becomes .2, …), keeping `files` files in all.
 * The directory is created 0700 and the files 0600: even without secrets, a log says who talks to whom.
 *
 * Writes are synchronous: a line is on disk before the next one is made, so a crash loses nothing, and the
 * volume (one line per command or sync at most) is far too small for that to cost anything.
 */
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, chmodSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LogRecord, LogSink } from './logger.ts';

export const LOG_FILE = 'lattice.log';

export interface RotatingFileOptions {
  dir: string;
  /** Size at which the file is rotated (default 5 MiB). */
  maxBytes?: number;
  /** How many files are kept, the current one included (default 3). */
  files?: number;
}

export class RotatingFileSink implements LogSink {
  readonly file: string;
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly files: number;
  private fd: number | null;
  private size: number;

  constructor(opts: RotatingFileOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.files = Math.max(1, opts.files ?? 3);
    this.file = path.join(this.dir, LOG_FILE);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // An older, wider directory is narrowed; one the user does not own (LATTICE_LOG_HOME=/somewhere) is left as it is.
    try { chmodSync(this.dir, 0o700); } catch { /* not ours to change */ }
    this.fd = this.open();
    this.size = fstatSync(this.fd).size;
  }

  write(record: LogRecord): void {
    if (this.fd === null) return;
    const line = Buffer.from(JSON.stringify(record) + '\n');
    if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += line.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    const fd = openSync(this.file, 'a', 0o600);
    // The mode given to open only applies to a new file; an older, wider one is narrowed here.
    fchmodSync(fd, 0o600);
    return fd;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.files - 1}`, { force: true });
    for (let i = this.files - 2; i >= 1; i--) {
      try { renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`); } catch { /* not there yet */ }
    }
    if (this.files > 1) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.fd = this.open();
    this.size = 0;
  }
}
