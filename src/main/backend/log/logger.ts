/**
 * A small structured logger: levels, and context (request id, room id, command) carried by child loggers, so a
 * line from deep inside sync or crypto still says which request or room it belongs to. Each line is one JSON
 * record; where the records go (a rotated file, stderr, the host thread) is up to the sinks.
 *
 * Never pass secrets (tokens, passwords, keys, message text) as a message or context: the log files are meant to
 * be attached to bug reports.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Values a context may hold: ids and names, never payloads. */
export type LogContext = Record<string, string | number | boolean | null | undefined>;

/** One line of the log. `time`, `level` and `msg` come first; the context's keys follow. */
export interface LogRecord {
  time: string;
  level: LogLevel;
  msg: string;
  [key: string]: string | number | boolean | null | undefined;
}

export interface LogSink {
  write(record: LogRecord): void;
}

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  debug(msg: string, context?: LogContext): void;
  info(msg: string, context?: LogContext): void;
  warn(msg: string, context?: LogContext): void;
  error(msg: string, context?: LogContext): void;
  /** A logger that adds `context` to every record it writes. */
  child(context: LogContext): Logger;
  /** Passes on a record made elsewhere (the worker thread's), if its level is enabled here. */
  write(record: LogRecord): void;
}

const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);

export function createLogger(opts: { level: LogLevel; sinks: readonly LogSink[]; context?: LogContext }): Logger {
  const { level, sinks } = opts;
  const base = opts.context ?? {};
  const enabled = (l: LogLevel) => rank(l) >= rank(level);
  const write = (record: LogRecord) => {
    if (!enabled(record.level)) return;
    for (const s of sinks) {
      try {
        s.write(record);
      } catch {
        // A full disk or a closed stderr must not take the app down with it; the other sinks still get the line.
      }
    }
  };
  const emit = (l: LogLevel, msg: string, context?: LogContext) => {
    if (!enabled(l)) return;
    const record: LogRecord = { time: new Date().toISOString(), level: l, msg };
    // The fixed fields stay first and cannot be overwritten by a context key; unset values are left out.
    for (const [k, v] of Object.entries({ ...base, ...context })) if (v !== undefined && !(k in record)) record[k] = v;
    write(record);
  };
  return {
    level,
    enabled,
    debug: (msg, c) => emit('debug', msg, c),
    info: (msg, c) => emit('info', msg, c),
    warn: (msg, c) => emit('warn', msg, c),
    error: (msg, c) => emit('error', msg, c),
    child: (context) => createLogger({ level, sinks, context: { ...base, ...context } }),
    write,
  };
}

/** Writes nothing; for tests and for code that was given no logger. */
export const silentLogger: Logger = createLogger({ level: 'error', sinks: [] });
