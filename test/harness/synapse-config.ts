/**
 * What a throwaway test Synapse starts from, written into its data folder: homeserver.yaml (the options a test may
 * ask for, every rate limiter the client could trip opened wide, no federation), the logging config and a signing key.
 */

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

export interface ConfigInput {
  port: number;
  serverName: string;
  baseUrl: string;
  dataDir: string;
  registrationSecret: string;
  logFile: string;
  opts: StartSynapseOptions;
}

/**
 * Writes homeserver.yaml, log.config and signing.key into `c.dataDir`; resolves with the config's path and the
 * signing key's ID, which start-up looks for to know it reached this Synapse.
 */
export async function writeSynapseConfig(c: ConfigInput): Promise<{ configPath: string; keyId: string }> {
  const configPath = join(c.dataDir, 'homeserver.yaml');
  // YAML is a superset of JSON, so JSON.stringify avoids a YAML dependency.
  await writeFile(configPath, JSON.stringify(homeserverConfig(c), null, 2));
  await writeFile(join(c.dataDir, 'log.config'), JSON.stringify(logConfig(c.logFile), null, 2));
  // Writing the key ourselves saves a second Python start-up (--generate-keys);
  // an ed25519 signing key is just 32 random seed bytes in Synapse's key-file format.
  const keyVersion = 'a_' + randomBytes(3).toString('hex');
  await writeFile(
    join(c.dataDir, 'signing.key'),
    `ed25519 ${keyVersion} ${randomBytes(32).toString('base64').replace(/=+$/, '')}\n`,
  );
  return { configPath, keyId: `ed25519:${keyVersion}` };
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
