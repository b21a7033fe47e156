/**
 * The web host program: the backend in a worker thread, headless, with the renderer served to a browser over
 * HTTP + websocket. Runs as src/main/host/web-main.ts (Node type stripping) and bundled as dist/main/web-main.js.
 *
 *   node web-main.js [--port N] [--host H] [--static DIR] [--insecure-secrets-file] [--debug]
 *   node web-main.js --login-link | --new-token | --sign-out-browsers | --set-password | --clear-password
 *
 * The second form acts on the web host's files in the config folder and exits; a running host notices at once:
 * `--login-link` prints a new single-use login link, `--new-token` a session token for a program that is not a browser
 * (`Authorization: Bearer <token>`), `--sign-out-browsers` ends every browser session (and closes
 * their websockets), `--set-password` turns on HTTP Basic login with a password read from LATTICE_WEB_PASSWORD or
 * standard input, `--clear-password` turns it off.
 *
 * Logs go to lattice.log in the log directory (see README, "Logs"); `--debug` or LATTICE_DEBUG=1 logs every command
 * and also prints the log on stderr, as does NODE_ENV=development.
 */
import { errorMessage } from '../../shared/error-message.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { debugRequested, openAppLog, type AppLog } from '../backend/log/open-log.ts';
import { resolveDataPaths } from '../backend/paths.ts';
import { BackendWorker } from './backend-worker.ts';
import { loadOrCreateWebAuth, setWebPassword } from './web/web-auth.ts';
import { WebSessions } from './web/web-sessions.ts';
import { startWebServer } from './web/web-server.ts';

export const DEFAULT_WEB_PORT = 29325;

type Env = Record<string, string | undefined>;

export interface WebHostIO {
  log(message: string): void;
  error(message: string): void;
}

export interface WebHostArgs {
  port: number;
  host: string;
  insecureSecretsFile: boolean;
  staticDir: string;
  /** `--debug` or LATTICE_DEBUG=1: log at debug level. */
  debug: boolean;
  /** `serve` runs the host; the others change its auth files and exit. */
  command: WebHostCommand;
}

export type WebHostCommand = 'serve' | 'login-link' | 'new-token' | 'sign-out-browsers' | 'set-password' | 'clear-password';

const USAGE = 'usage: web-main [--port N] [--host H] [--static DIR] [--insecure-secrets-file] [--debug]\n'
  + '       web-main --login-link | --new-token | --sign-out-browsers | --set-password | --clear-password';

function parsePort(value: string, from: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${from} must be a port number from 0 to 65535, not "${value}"`);
  }
  return n;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The folder holding Lattice's package.json. Found by walking up rather than by a fixed number of `..`,
 * because this file sits at different depths in the source tree and in the bundle.
 */
export function findAppRoot(fromUrl: string = import.meta.url): string | undefined {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        // A bundle may carry its own small package.json (e.g. {"type":"module"}); only ours counts.
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'lattice') return dir;
      } catch { /* unreadable: keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function parseWebHostArgs(argv: string[], env: Env = process.env): WebHostArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        static: { type: 'string' },
        'insecure-secrets-file': { type: 'boolean' },
        debug: { type: 'boolean' },
        'login-link': { type: 'boolean' },
        'new-token': { type: 'boolean' },
        'sign-out-browsers': { type: 'boolean' },
        'set-password': { type: 'boolean' },
        'clear-password': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new Error(`${errorMessage(e)}\n${USAGE}`);
  }
  const port = values.port !== undefined ? parsePort(values.port, '--port')
    : env.LATTICE_PORT ? parsePort(env.LATTICE_PORT, 'LATTICE_PORT') : DEFAULT_WEB_PORT;
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new Error('--host must not be empty');
  let staticDir = values.static ?? env.LATTICE_STATIC_DIR;
  if (!staticDir) {
    const root = findAppRoot();
    if (!root) throw new Error('cannot find the Lattice app folder to locate dist/renderer; pass --static DIR');
    staticDir = path.join(root, 'dist', 'renderer');
  }
  const commands = (['login-link', 'new-token', 'sign-out-browsers', 'set-password', 'clear-password'] as const).filter((c) => values[c] === true);
  if (commands.length > 1) throw new Error(`--${commands[0]} and --${commands[1]} cannot be combined\n${USAGE}`);
  return {
    port, host, insecureSecretsFile: values['insecure-secrets-file'] ?? false, staticDir: path.resolve(staticDir),
    debug: values.debug === true || debugRequested([], env), command: commands[0] ?? 'serve',
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * The commands that change the web host's auth files (web-sessions.json, web-host.json) and exit. A running
 * host re-reads them, so a new link works and signed-out browsers are disconnected without a restart.
 */
export async function runWebCommand(command: Exclude<WebHostCommand, 'serve'>, args: WebHostArgs, env: Env = process.env,
  io: WebHostIO = console, password: () => Promise<string> = readStdin): Promise<void> {
  const paths = resolveDataPaths(env);
  switch (command) {
    case 'login-link': {
      const auth = await loadOrCreateWebAuth(paths.config);
      const base = auth.sessions.url ?? `http://${args.host.includes(':') ? `[${args.host}]` : args.host}:${args.port}`;
      io.log(auth.loginUrl(base));
      return;
    }
    case 'new-token':
      // Only the token: a script can capture it with $(...). It lasts like a browser session and ends with them.
      io.log(WebSessions.inConfigDir(paths.config).create().token);
      return;
    case 'sign-out-browsers': {
      const n = WebSessions.inConfigDir(paths.config).endAll();
      io.log(`Lattice web host: signed out ${n} browser session(s); open websockets are closed.`);
      return;
    }
    case 'set-password': {
      const pw = env.LATTICE_WEB_PASSWORD ?? await password();
      await setWebPassword(paths.config, pw);
      io.log('Lattice web host: HTTP Basic login is on (any user name, this password).');
      return;
    }
    case 'clear-password':
      await setWebPassword(paths.config, undefined);
      io.log('Lattice web host: HTTP Basic login is off.');
      return;
    default: {
      const never: never = command;
      throw new Error(`unknown command ${String(never)}`);
    }
  }
}

/** Starts the backend and the web server; the caller owns signals and the process' exit. */
export async function runWebHost(argv: string[], env: Env = process.env, io: WebHostIO = console)
  : Promise<{ url: string; loginUrl: string; newLoginUrl(): string; stop(): Promise<void> }> {
  const args = parseWebHostArgs(argv, env);
  if (args.command !== 'serve') throw new Error(`--${args.command} does not start the web host; use runWebCommand`);
  const index = path.join(args.staticDir, 'index.html');
  if (!existsSync(index) || !statSync(index).isFile()) {
    throw new Error(`no built renderer: ${index} does not exist. Run the renderer build first (vite build), or pass --static DIR.`);
  }
  if (!isLoopback(args.host)) {
    io.error([
      '',
      `!!! WARNING: the Lattice web host will listen on ${args.host}, which is not loopback.`,
      '!!! Anyone who can reach that address can try to log in, and everything (your messages, the login',
      '!!! token, the session cookie) travels as unencrypted HTTP. Use 127.0.0.1 and an SSH tunnel or a',
      '!!! TLS reverse proxy instead unless you really mean this.',
      '',
    ].join('\n'));
  }

  const paths = resolveDataPaths(env);
  const auth = await loadOrCreateWebAuth(paths.config);
  let log: AppLog;
  try {
    log = openAppLog({ dir: paths.logs, level: args.debug ? 'debug' : 'info', stderr: args.debug || env.NODE_ENV === 'development' });
  } catch (e) {
    throw new Error(`cannot write the log in ${paths.logs}: ${errorMessage(e)}`);
  }
  log.logger.info('web host starting', { debug: args.debug });

  let backend: BackendWorker;
  try {
    backend = await BackendWorker.start({ paths, insecureSecretsFile: args.insecureSecretsFile, logger: log.logger });
  } catch (e) {
    log.close();
    throw new Error(`could not start the backend: ${errorMessage(e)}`);
  }

  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer({
      backend, host: args.host, port: args.port, staticDir: args.staticDir, auth, logger: log.logger.child({ component: 'web' }),
      media: (req) => backend.fetchMedia(req),
      upload: { maxBytes: () => backend.maxUploadBytes(), upload: (params, file, onProgress) => backend.uploadMedia(params, file, onProgress) },
      uploadDir: path.join(paths.cache, 'uploads'),
    });
  } catch (e) {
    await backend.stop();
    log.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${args.port} on ${args.host} is already in use (another web host?); choose another with --port`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`cannot listen on ${args.host}: no such local address`);
    throw e;
  }

  auth.sessions.setUrl(server.url);
  // A `--sign-out-browsers` run in another terminal disconnects the browsers it signs out.
  auth.sessions.watch();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      auth.sessions.unwatch();
      await server.close();
      await backend.stop();
      log.logger.info('web host stopped');
      log.close();
    })();
    return stopped;
  };
  backend.onFatal = (error) => {
    log.logger.error(`the backend stopped unexpectedly: ${error}`);
    io.error(`Lattice web host: the backend stopped unexpectedly: ${error}`);
    process.exitCode = 1;
    void stop();
  };

  const loginUrl = auth.loginUrl(server.url);
  io.log(`Lattice web host: data in ${paths.data}, config (with the web login secret) in ${paths.config}, log in ${log.file}`);
  io.log(`Lattice web host: open ${loginUrl}`);
  io.log('Lattice web host: the link works once, for 10 minutes; `web-main --login-link` prints another.');
  return { url: server.url, loginUrl, newLoginUrl: () => auth.loginUrl(server.url), stop };
}

async function main(): Promise<void> {
  let host: Awaited<ReturnType<typeof runWebHost>>;
  try {
    const args = parseWebHostArgs(process.argv.slice(2), process.env);
    if (args.command !== 'serve') {
      await runWebCommand(args.command, args, process.env);
      return;
    }
    host = await runWebHost(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`Lattice web host: ${errorMessage(e)}`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`Lattice web host: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.error(`Lattice web host: ${signal}, stopping`);
    // The process should then end on its own; this only catches a handle someone forgot to close.
    setTimeout(() => {
      console.error('Lattice web host: still running 15 s after stop, exiting');
      process.exit(1);
    }, 15_000).unref();
    host.stop().catch((e: unknown) => {
      console.error(`Lattice web host: error while stopping: ${errorMessage(e)}`);
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
