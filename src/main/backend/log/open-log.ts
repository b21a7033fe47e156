/**
 * The app's log as the hosts set it up: JSON lines in the log directory (rotated, private), plus readable lines
 * on stderr in development. `--debug` or LATTICE_DEBUG=1 lowers the level from info to debug.
 */
import { createLogger, type LogLevel, type LogRecord, type LogSink, type Logger } from './logger.ts';
import { RotatingFileSink, type RotatingFileOptions } from './rotating-file.ts';

type Env = Record<string, string | undefined>;

export interface AppLog {
  logger: Logger;
  /** The file being written, for messages that tell the user where to look. */
  file: string;
  close(): void;
}

export interface AppLogOptions extends Omit<RotatingFileOptions, 'dir'> {
  /** The log directory from the data-location rules (DataPaths.logs). */
  dir: string;
  level: LogLevel;
  /** Also write readable lines to stderr (development). */
  stderr?: boolean;
}

/** Whether the user asked for debug logging: `--debug` on the command line, or LATTICE_DEBUG=1. */
export function debugRequested(argv: readonly string[], env: Env = process.env): boolean {
  return argv.includes('--debug') || env.LATTICE_DEBUG === '1';
}

export function openAppLog(opts: AppLogOptions): AppLog {
  const file = new RotatingFileSink(opts);
  const sinks: LogSink[] = [file];
  if (opts.stderr) sinks.push(stderrSink);
  return { logger: createLogger({ level: opts.level, sinks }), file: file.file, close: () => file.close() };
}

/** One readable line per record: `12:00:01.234 warn  message key=value …`. */
export const stderrSink: LogSink = {
  write(record: LogRecord): void {
    const { time, level, msg, ...context } = record;
    const extra = Object.entries(context).map(([k, v]) => ` ${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`).join('');
    process.stderr.write(`${time.slice(11, 23)} ${level.padEnd(5)} ${msg}${extra}\n`);
  },
};
