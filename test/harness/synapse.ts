// Starts a throwaway real Synapse homeserver for integration and browser tests.
// Synapse itself comes from the venv that scripts/setup-synapse.sh builds.

import { createHmac, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForBackgroundUpdates } from './synapse-background-updates.ts';
import { launchSynapse, type SynapseProcess } from './synapse-process.ts';

export interface TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  password: string;
}

export interface SynapseServer {
  baseUrl: string;
  serverName: string;
  registrationSecret: string;
  dataDir: string;
  /** Synapse's own log (WARNING and up); the child's stdout/stderr go to stdio.log beside it. */
  logFile: string;
  registerUser(
    localpart: string,
    password: string,
    opts?: { admin?: boolean; displayname?: string },
  ): Promise<TestUser>;
  /**
   * Exempts one user from the message/request rate limiter (rc_message), so with
   * `rcLimits: true` a helper peer can set rooms up while the client under test
   * stays limited.
   */
  disableRateLimits(userId: string): Promise<void>;
  /**
   * Limits one user's messages and requests (rc_message) to `perSecond` (a whole number: Synapse's admin API takes
   * no fractions), with a burst of `burst`, while everyone else stays unlimited: a test can provoke HTTP 429 on the
   * shared server without a second Synapse.
   */
  limitMessages(userId: string, perSecond: number, burst: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartSynapseOptions {
  /** Keep a low rc_message limit (0.5/s, burst 2) so tests can provoke HTTP 429. */
  rcLimits?: boolean;
  /** Turn presence on (off by default: it costs Synapse work on every sync that only the presence tests need). */
  presence?: boolean;
  /** Let room moderators and server admins see redacted content (MSC2815, an experimental Synapse feature). */
  msc2815?: boolean;
  /**
   * Synapse's `ui_auth.session_timeout` (e.g. '15m'): a request that may skip user-interactive auth (signing
   * sessions out) needs none within this long of the access token's login or last confirmation.
   */
  uiAuthSessionTimeout?: string;
  /**
   * Turn URL previews on, allowing loopback addresses (Synapse refuses them otherwise) so a test can have it
   * preview a page served on 127.0.0.1.
   */
  urlPreviews?: boolean;
  /**
   * Refuse room and user reports with HTTP 429 (Synapse rate-limits those, not event reports) until
   * `disableRateLimits` lifts the limits for the user, so a test can see a refused report in words.
   */
  refuseRoomReports?: boolean;
  /** Synapse's password policy at `minimum_length` characters: a shorter new password is refused (M_WEAK_PASSWORD). */
  passwordMinLength?: number;
}

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;

export function synapseVenvDir(): string {
  const cache = process.env.LATTICE_TEST_CACHE || join(homedir(), '.cache', 'lattice-test');
  return join(cache, 'synapse-venv');
}

export async function startSynapse(opts: StartSynapseOptions = {}): Promise<SynapseServer> {
  const venv = synapseVenvDir();
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python) || !existsSync(join(venv, '.lattice-synapse-installed'))) {
    throw new Error(
      `Synapse is not installed at ${venv}. Run scripts/setup-synapse.sh first ` +
        '(it installs Synapse from PyPI into that cached virtualenv).',
    );
  }

  // The port is probed then released before Synapse binds it, so another process (often another test file's Synapse,
  // given the same free port) can take it in between; a fresh port covers that, whether this Synapse failed to bind
  // or the server answering on the port turned out to be someone else's.
  let lastError: unknown;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    try {
      return await startOnce(python, opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortInUseError)) throw err;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

/**
 * Where a throwaway Synapse keeps its data: in memory (/dev/shm) where there is a writable one, else the temp folder;
 * LATTICE_SYNAPSE_TMPDIR chooses. Synapse's SQLite commits each transaction with fsyncs (rollback journal,
 * synchronous=FULL), which on a disk bound a test's sending: 200 messages sent one after another took 22–23 s with
 * the data on this machine's disk and 6–13 s in /dev/shm. A server deleted after its test needs no durability.
 */
export function dataRoot(): string {
  if (process.env.LATTICE_SYNAPSE_TMPDIR) return process.env.LATTICE_SYNAPSE_TMPDIR;
  try {
    accessSync('/dev/shm', constants.W_OK);
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // No shared memory folder (macOS, Windows): the temp folder.
  }
  return tmpdir();
}

async function startOnce(python: string, opts: StartSynapseOptions): Promise<SynapseServer> {
  const port = await freeLoopbackPort();
  const dataDir = await mkdtemp(join(dataRoot(), 'lattice-synapse-'));
  const serverName = `localhost:${port}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const registrationSecret = randomBytes(24).toString('hex');
  const logFile = join(dataDir, 'homeserver.log');
  const stdioLog = join(dataDir, 'stdio.log');
  const configPath = join(dataDir, 'homeserver.yaml');

  // YAML is a superset of JSON, so JSON.stringify avoids a YAML dependency.
  await writeFile(
    configPath,
    JSON.stringify(
      homeserverConfig({ port, serverName, baseUrl, dataDir, registrationSecret, logFile, opts }),
      null,
      2,
    ),
  );
  await writeFile(join(dataDir, 'log.config'), JSON.stringify(logConfig(logFile), null, 2));
  // Writing the key ourselves saves a second Python start-up (--generate-keys);
  // an ed25519 signing key is just 32 random seed bytes in Synapse's key-file format.
  const keyVersion = 'a_' + randomBytes(3).toString('hex');
  await writeFile(
    join(dataDir, 'signing.key'),
    `ed25519 ${keyVersion} ${randomBytes(32).toString('base64').replace(/=+$/, '')}\n`,
  );

  let child: SynapseProcess;
  try {
    child = await launchSynapse(python, configPath, dataDir, stdioLog);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  trackChild(child, dataDir);
  const { exited } = child;

  const killAndClean = async (): Promise<void> => {
    await terminate(child);
    untrackChild(child);
    if (!process.env.LATTICE_KEEP_SYNAPSE_DATA) {
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  try {
    await waitUntilReady(baseUrl, `ed25519:${keyVersion}`, exited, () => logTail(logFile, stdioLog));
    let gone: Error | undefined;
    void exited.then(({ code, signal }) => {
      gone ??= new Error(`Synapse exited during its background updates (code ${code}, signal ${signal}).\n${logTail(logFile, stdioLog)}`);
    });
    await waitForBackgroundUpdates(join(dataDir, 'homeserver.db'), () => gone);
  } catch (err) {
    const tail = logTail(logFile, stdioLog);
    await killAndClean();
    if (err instanceof PortInUseError) throw err;
    if (/Address already in use|Couldn't listen|CannotListenError/i.test(tail)) {
      throw new PortInUseError(`Synapse could not bind ${baseUrl}`);
    }
    throw err;
  }

  let stopping: Promise<void> | undefined;
  let adminToken: Promise<string> | undefined;
  /** Synapse's per-user override of the rc_message limiter (the admin API drops its cache of it at once). */
  const overrideRateLimit = async (userId: string, perSecond: number, burst: number): Promise<void> => {
    adminToken ??= registerUser(
      baseUrl,
      registrationSecret,
      'lattice-harness-admin',
      randomBytes(12).toString('hex'),
      { admin: true },
    ).then((u) => u.accessToken);
    const token = await adminToken;
    await adminRequest(
      baseUrl,
      'POST',
      `/_synapse/admin/v1/users/${encodeURIComponent(userId)}/override_ratelimit`,
      { messages_per_second: perSecond, burst_count: burst },
      token,
    );
  };

  const server: SynapseServer = {
    baseUrl,
    serverName,
    registrationSecret,
    dataDir,
    logFile,
    registerUser: (localpart, password, ropts = {}) =>
      registerUser(baseUrl, registrationSecret, localpart, password, ropts),
    disableRateLimits(userId) {
      // Zero means no limit at all (Synapse's override_ratelimit).
      return overrideRateLimit(userId, 0, 0);
    },
    limitMessages(userId, perSecond, burst) {
      return overrideRateLimit(userId, perSecond, burst);
    },
    stop() {
      stopping ??= killAndClean();
      return stopping;
    },
  };
  return server;
}

interface ConfigInput {
  port: number;
  serverName: string;
  baseUrl: string;
  dataDir: string;
  registrationSecret: string;
  logFile: string;
  opts: StartSynapseOptions;
}

function homeserverConfig(c: ConfigInput): Record<string, unknown> {
  const generous = { per_second: 1000, burst_count: 10000 };
  const rcMessage = c.opts.rcLimits ? { per_second: 0.5, burst_count: 2 } : generous;
  return {
    server_name: c.serverName,
    public_baseurl: `${c.baseUrl}/`,
    pid_file: join(c.dataDir, 'homeserver.pid'),
    report_stats: false,
    listeners: [
      {
        port: c.port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        // 'client' also serves /_synapse/admin; 'keys' serves this server's signing key, which start-up reads to
        // know it reached this Synapse and not another one on the same port; no 'federation' resource at all.
        resources: [{ names: ['client', 'keys'], compress: false }],
      },
    ],
    database: { name: 'sqlite3', args: { database: join(c.dataDir, 'homeserver.db') } },
    log_config: join(c.dataDir, 'log.config'),
    media_store_path: join(c.dataDir, 'media_store'),
    signing_key_path: join(c.dataDir, 'signing.key'),
    macaroon_secret_key: randomBytes(24).toString('hex'),
    form_secret: randomBytes(24).toString('hex'),
    registration_shared_secret: c.registrationSecret,
    enable_registration: false,
    bcrypt_rounds: 4,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    federation_domain_whitelist: [],
    // Synapse's default lets nobody publish to the public room directory; tests publish rooms and browse it.
    room_list_publication_rules: [{ action: 'allow' }],
    presence: { enabled: c.opts.presence === true },
    ...(c.opts.urlPreviews
      ? { url_preview_enabled: true, url_preview_ip_range_blacklist: ['169.254.0.0/16'], url_preview_ip_range_whitelist: ['127.0.0.1/32', '::1/128'] }
      : { url_preview_enabled: false }),
    // Server facts and unstable features the backend's commands pass on: TURN credentials, MatrixRTC transports
    // (MSC4143), delayed events (MSC4140), sticky events (MSC4354).
    turn_uris: ['turn:turn.example.org:3478?transport=udp'],
    turn_shared_secret: randomBytes(12).toString('hex'),
    turn_user_lifetime: '1h',
    experimental_features: { msc4143_enabled: true, msc4354_enabled: true, ...(c.opts.msc2815 ? { msc2815_enabled: true } : {}) },
    matrix_rtc: { transports: [{ type: 'livekit', livekit_service_url: 'https://livekit-jwt.example.org' }] },
    max_event_delay_duration: '24h',
    ...(c.opts.uiAuthSessionTimeout ? { ui_auth: { session_timeout: c.opts.uiAuthSessionTimeout } } : {}),
    ...(c.opts.passwordMinLength ? { password_config: { policy: { enabled: true, minimum_length: c.opts.passwordMinLength } } } : {}),
    enable_metrics: false,
    // A fresh database's background updates back to back, not a batch a second (see synapse-background-updates.ts).
    background_updates: { sleep_enabled: false },
    // Tests fire hundreds of requests in quick succession; every limiter the
    // client could trip is opened wide except rc_message when rcLimits is set.
    rc_message: rcMessage,
    rc_registration: generous,
    rc_registration_token_validity: generous,
    rc_login: { address: generous, account: generous, failed_attempts: generous },
    rc_admin_redaction: generous,
    rc_joins: { local: generous, remote: generous },
    rc_joins_per_room: generous,
    rc_key_requests: generous,
    rc_3pid_validation: generous,
    rc_invites: { per_room: generous, per_user: generous, per_issuer: generous },
    rc_third_party_invite: generous,
    rc_media_create: generous,
    rc_presence: { per_user: generous },
    rc_delayed_event_mgmt: generous,
    rc_room_creation: generous,
    // No burst at all: every report is "too many" (retry in half a second, so the client's own retries end soon)
    // until disableRateLimits exempts the user.
    rc_reports: c.opts.refuseRoomReports ? { per_second: 2, burst_count: 0 } : generous,
    rc_user_directory: generous,
    rc_profile: generous,
  };
}

function logConfig(logFile: string): Record<string, unknown> {
  return {
    version: 1,
    formatters: {
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    handlers: {
      file: { class: 'logging.FileHandler', formatter: 'precise', filename: logFile, encoding: 'utf8' },
    },
    root: { level: 'WARNING', handlers: ['file'] },
    disable_existing_loggers: false,
  };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

/**
 * Waits until this Synapse answers on its port. It polls the server's signing key rather than a bare endpoint: another
 * test file's Synapse that was handed the same free port answers every endpoint too (its registrations then fail
 * with "HMAC incorrect"), but only this one holds `keyId`.
 */
async function waitUntilReady(
  baseUrl: string,
  keyId: string,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  tail: () => string,
): Promise<void> {
  let failure: Error | undefined;
  void exited.then(({ code, signal }) => {
    failure ??= new Error(
      `Synapse exited during start-up (code ${code}, signal ${signal}).\n${tail()}`,
    );
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (failure) throw failure;
    try {
      const res = await fetch(`${baseUrl}/_matrix/key/v2/server`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) {
        const body = (await res.json().catch(() => ({}))) as { verify_keys?: Record<string, unknown> };
        if (body.verify_keys && keyId in body.verify_keys) return;
        throw new PortInUseError(`another server answers on ${baseUrl} (its signing key is not ${keyId})`);
      }
      await res.body?.cancel();
    } catch (err) {
      if (err instanceof PortInUseError) throw err;
      // Not listening yet.
    }
    await sleep(150);
  }
  if (failure) throw failure;
  throw new Error(
    `Synapse did not answer ${baseUrl}/_matrix/key/v2/server within ${START_TIMEOUT_MS / 1000} s.\n${tail()}`,
  );
}

async function terminate(child: SynapseProcess): Promise<void> {
  if (child.gone()) return;
  child.kill('SIGTERM');
  // Polled with timers that keep Node running: a forked Synapse is not this process's child, so only its absence
  // says it has gone (synapse-process.ts), and that watch alone would not hold a test's last hook open.
  const deadline = Date.now() + STOP_GRACE_MS;
  while (!child.gone() && Date.now() < deadline) await sleep(25);
  if (!child.gone()) {
    child.kill('SIGKILL');
    while (!child.gone()) await sleep(25);
  }
}

function logTail(logFile: string, stdioLog: string, lines = 40): string {
  const part = (label: string, file: string): string => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return `--- ${label}: (missing) ---`;
    }
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    return `--- ${label} (${file}), last ${lines} lines ---\n${tail || '(empty)'}`;
  };
  return `${part('stdout/stderr', stdioLog)}\n${part('homeserver.log', logFile)}`;
}

async function registerUser(
  baseUrl: string,
  secret: string,
  localpart: string,
  password: string,
  opts: { admin?: boolean; displayname?: string },
): Promise<TestUser> {
  const path = '/_synapse/admin/v1/register';
  const { nonce } = (await adminRequest(baseUrl, 'GET', path)) as { nonce: string };
  const admin = opts.admin ?? false;
  const mac = createHmac('sha1', secret)
    .update(`${nonce}\0${localpart}\0${password}\0${admin ? 'admin' : 'notadmin'}`, 'utf8')
    .digest('hex');
  const body: Record<string, unknown> = { nonce, username: localpart, password, admin, mac };
  // Passing it here sets it at creation time, before the user is in any room.
  if (opts.displayname !== undefined) body.displayname = opts.displayname;
  const res = (await adminRequest(baseUrl, 'POST', path, body)) as {
    user_id: string;
    access_token: string;
    device_id: string;
  };
  return { userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id, password };
}

async function adminRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { error: text };
  }
  if (!res.ok) {
    throw new Error(
      `${method} ${path} failed: HTTP ${res.status} ${json.errcode ?? ''} ${json.error ?? ''}`.trim(),
    );
  }
  return json;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Children still running when Node goes away would otherwise outlive the test
// run and hold their ports; the hooks are installed on first use, not at import.
const liveChildren = new Map<SynapseProcess, string>();
let hooksInstalled = false;

function trackChild(child: SynapseProcess, dataDir: string): void {
  liveChildren.set(child, dataDir);
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllChildren();
      // Only re-raise when nobody else handles the signal, so default
      // termination still happens as it would have without us.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

function untrackChild(child: SynapseProcess): void {
  liveChildren.delete(child);
}

function killAllChildren(): void {
  for (const [child, dataDir] of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    if (!process.env.LATTICE_KEEP_SYNAPSE_DATA) {
      try {
        rmSync(dataDir, { recursive: true, force: true });
      } catch {
        // Best effort: the process is going away anyway.
      }
    }
  }
  liveChildren.clear();
}
