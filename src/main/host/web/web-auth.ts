/**
 * Authentication for the web host. The backend holds the user's access token and encryption keys, so the
 * websocket and media must only open for a browser the user let in, even though the port is reachable by every
 * local program and, through the browser, every web page.
 *
 * Browsers send cookies for 127.0.0.1 to every port, so a program listening on another port can collect the
 * `lattice_auth` cookie. The cookie therefore never suffices on its own: a browser also presents a session token
 * that its page keeps in its own origin's storage (another port is another origin, so no other page can read it):
 * as a websocket subprotocol on connect, and on media as a short-lived signed `image_auth` query token (an <img>
 * cannot send headers) that the websocket hands out. Programs that are not browsers send no Origin and use
 * `Authorization: Bearer <token>` (from a login link or Basic credentials, `/_gomuks/auth?output=json`) or Basic.
 *
 * Sessions live in a server-side table (web-sessions.ts); login links are single-use keys valid for minutes.
 * `<config>/web-host.json` (mode 0600) holds the secret that signs image tokens and the optional scrypt hash of
 * the Basic password (`web-main --set-password`).
 */
import { ensurePrivateDir } from '../../backend/private-files.ts';
import { createHmac, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { open, readFile, chmod, stat, writeFile, rename } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SESSION_TTL_MS, WebSessions, type NewSession } from './web-sessions.ts';

const AUTH_COOKIE_NAME = 'lattice_auth';
export const WEB_HOST_CONFIG_FILE = 'web-host.json';
/** The websocket subprotocol a browser offers, beside `lattice.token.<token>`, and that the host selects. */
export const WS_PROTOCOL = 'lattice';
const WS_TOKEN_PROTOCOL_PREFIX = 'lattice.token.';
/** As in gomuks: image tokens last an hour and a new one is sent every 30 minutes. */
const IMAGE_TOKEN_TTL_MS = 3600_000;

/** Who is on the other end: a signed-in browser or token client, or a client that sent the Basic password. */
export type Principal = { kind: 'session'; id: string } | { kind: 'basic' };

export interface WebHostConfig {
  /** base64url of 32 random bytes. */
  secret: string;
  /** `hashPassword` output; absent means HTTP Basic login is off. */
  password_hash?: string;
}

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const configSchema = z.looseObject({
  secret: b64url.refine((s) => Buffer.from(s, 'base64url').length === 32, 'must be 32 bytes, base64url'),
  password_hash: z.string().optional(),
});

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual throws on a length mismatch; lengths here are public (fixed-size MACs), so an early exit leaks nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}

export class WebAuth {
  readonly sessions: WebSessions;
  private readonly imageKey: Buffer;
  private readonly now: () => number;
  /** web-host.json, re-read when it changes so `--set-password` applies to a running host. */
  private readonly configFile: string | undefined;
  private passwordHash: string | undefined;
  private configMtime = -1;

  constructor(config: WebHostConfig, sessions: WebSessions, opts: { now?: () => number; configFile?: string } = {}) {
    const secret = Buffer.from(config.secret, 'base64url');
    if (secret.length !== 32) throw new Error('web host secret must be 32 bytes');
    this.imageKey = hmac(secret, 'lattice web-host image token key v2');
    this.passwordHash = config.password_hash;
    this.sessions = sessions;
    this.now = opts.now ?? Date.now;
    this.configFile = opts.configFile;
    if (this.configFile) try { this.configMtime = statSync(this.configFile).mtimeMs; } catch { /* created later */ }
  }

  /** A login link with a new single-use key. */
  loginUrl(base: string): string {
    return `${base.replace(/\/+$/, '')}/_gomuks/auth?token=${this.sessions.mintLoginKey()}`;
  }

  /** A complete Set-Cookie header value carrying a session's cookie. */
  cookieHeader(s: Pick<NewSession, 'cookie'>): string {
    // No `Secure`: the host speaks plain HTTP on loopback, where browsers would otherwise drop the cookie.
    return `${AUTH_COOKIE_NAME}=${s.cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}`;
  }

  /** The same valid cookie with a fresh Max-Age (the session's expiry slides server-side), or undefined. */
  refreshedCookie(header: string | undefined): string | undefined {
    for (const value of cookieValues(header, AUTH_COOKIE_NAME)) {
      const id = this.sessions.sessionOfCookie(value);
      if (id) { this.sessions.touch(id); return this.cookieHeader({ cookie: value }); }
    }
    return undefined;
  }

  /** The session of a valid `lattice_auth` cookie in a Cookie header (another port's app may set one too: try each). */
  cookieSession(header: string | undefined): string | undefined {
    for (const value of cookieValues(header, AUTH_COOKIE_NAME)) {
      const id = this.sessions.sessionOfCookie(value);
      if (id) return id;
    }
    return undefined;
  }

  /** A browser: cookie and page token of the same live session. */
  browserSession(cookieHeader: string | undefined, token: string | undefined): string | undefined {
    if (!token) return undefined;
    const byToken = this.sessions.sessionOfToken(token);
    return byToken !== undefined && byToken === this.cookieSession(cookieHeader) ? byToken : undefined;
  }

  /** A client that is not a browser: `Authorization: Bearer <token>` or Basic with the configured password. */
  async headerPrincipal(header: string | undefined): Promise<Principal | undefined> {
    if (!header) return undefined;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer) {
      const id = this.sessions.sessionOfToken(bearer[1]);
      return id ? { kind: 'session', id } : undefined;
    }
    return (await this.checkBasic(header)) ? { kind: 'basic' } : undefined;
  }

  /** Whether a password is configured, i.e. whether HTTP Basic login is possible at all. */
  hasPassword(): boolean {
    this.refreshConfig();
    return this.passwordHash !== undefined;
  }

  /** Checks an `Authorization: Basic …` header against the configured password; false when none is set. */
  async checkBasic(header: string | undefined): Promise<boolean> {
    if (!header || !this.hasPassword()) return false;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // The user name is ignored, as there is only one account; the password alone is the credential.
    return verifyPassword(decoded.slice(colon + 1), this.passwordHash ?? '');
  }

  /** A media token for one principal, as gomuks' `image_auth`: `<payload>.<mac>`, valid for an hour. */
  imageToken(p: Principal, ttlMs = IMAGE_TOKEN_TTL_MS): string {
    const payload = Buffer.from(JSON.stringify({ sid: p.kind === 'session' ? p.id : '', exp: this.now() + ttlMs })).toString('base64url');
    return `${payload}.${hmac(this.imageKey, payload).toString('base64url')}`;
  }

  /** Whether an `image_auth` token is genuine, unexpired, and its session still signed in. */
  checkImageToken(token: string | null): boolean {
    if (!token || token.length > 500) return false;
    const dot = token.indexOf('.');
    if (dot < 0) return false;
    const payload = token.slice(0, dot);
    if (!safeEqual(Buffer.from(token.slice(dot + 1), 'base64url'), hmac(this.imageKey, payload))) return false;
    let data: unknown;
    try { data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { return false; }
    const { sid, exp } = data as { sid?: unknown; exp?: unknown };
    if (typeof exp !== 'number' || exp <= this.now() || typeof sid !== 'string') return false;
    // Basic clients have no session row; their tokens end with the hour.
    return sid === '' || this.sessions.isLive(sid);
  }

  private refreshConfig(): void {
    if (!this.configFile) return;
    let m: number;
    try { m = statSync(this.configFile).mtimeMs; } catch { return; }
    if (m === this.configMtime) return;
    this.configMtime = m;
    try {
      const r = configSchema.safeParse(JSON.parse(readFileSync(this.configFile, 'utf8')));
      if (r.success) this.passwordHash = r.data.password_hash;
    } catch { /* keep the last good value; the next start reports the broken file */ }
  }
}

/** Every value of cookie `name` in a Cookie header, in order. */
function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** The session token a browser offers among its websocket subprotocols. */
export function tokenFromProtocols(header: string | string[] | undefined): string | undefined {
  const all = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((p) => p.trim());
  const t = all.find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  return t?.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
}

/** web-host.json and the session table of a config folder, created on first use. */
export async function loadOrCreateWebAuth(configDir: string, now?: () => number): Promise<WebAuth> {
  const file = path.join(configDir, WEB_HOST_CONFIG_FILE);
  const config = await loadOrCreateConfig(file);
  return new WebAuth(config, WebSessions.inConfigDir(configDir, now), { now, configFile: file });
}

/** Turns Basic login on (with this password) or off (undefined), keeping the secret. */
export async function setWebPassword(configDir: string, password: string | undefined): Promise<void> {
  const file = path.join(configDir, WEB_HOST_CONFIG_FILE);
  const config = await loadOrCreateConfig(file);
  const next: WebHostConfig = { secret: config.secret };
  if (password !== undefined) {
    if (password.length < 8) throw new Error('the web password must have at least 8 characters');
    next.password_hash = await hashPassword(password);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * Reads `<configDir>/web-host.json`, creating it with a fresh secret on first run. A corrupt file is an error,
 * never silently replaced: it may hold a password hash the user set.
 */
async function loadOrCreateConfig(file: string): Promise<WebHostConfig> {
  // The config folder holds this file and the web sessions: private, and tightened if it already existed wider.
  ensurePrivateDir(path.dirname(file));
  const fresh: WebHostConfig = { secret: randomBytes(32).toString('base64url') };
  try {
    // 'wx' so two hosts starting at once cannot both write a secret; the loser reads the winner's.
    const fh = await open(file, 'wx', 0o600);
    try { await fh.writeFile(`${JSON.stringify(fresh, null, 2)}\n`); } finally { await fh.close(); }
    return fresh;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (process.platform !== 'win32') {
    const st = await stat(file);
    // The secret is as good as a password; tighten a file someone copied in with loose permissions.
    if ((st.mode & 0o077) !== 0) await chmod(file, 0o600);
  }
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); fix it or delete it to create a new secret`);
  }
  const r = configSchema.safeParse(json);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file} is invalid (${why}); fix it or delete it to create a new secret`);
  }
  if (r.data.password_hash !== undefined) parsePasswordHash(r.data.password_hash, file);
  return { secret: r.data.secret, password_hash: r.data.password_hash };
}

// scrypt N=2^15, r=8: ~32 MiB and tens of milliseconds per check, which also slows down guessing over HTTP.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 };

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

const scryptOpts = (N: number, r: number, p: number): ScryptOptions => ({ N, r, p, maxmem: 256 * N * r + 1024 * 1024 });

/** `scrypt$N$r$p$salt$hash` (base64url), the only form of the password ever written to disk. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, SCRYPT.keylen, scryptOpts(SCRYPT.N, SCRYPT.r, SCRYPT.p));
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash { N: number; r: number; p: number; salt: Buffer; key: Buffer }

function parsePasswordHash(hash: string, where = 'password hash'): ParsedHash {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(hash);
  const N = m ? Number(m[1]) : 0, r = m ? Number(m[2]) : 0, p = m ? Number(m[3]) : 0;
  // Bounds keep a tampered file from making every login attempt allocate gigabytes.
  if (!m || N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) {
    throw new Error(`${where}: password_hash must come from hashPassword (scrypt$N$r$p$salt$hash)`);
  }
  return { N, r, p, salt: Buffer.from(m[4], 'base64url'), key: Buffer.from(m[5], 'base64url') };
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  let h: ParsedHash;
  try { h = parsePasswordHash(hash); } catch { return false; }
  if (h.key.length < 16) return false;
  const key = await scryptAsync(password.normalize('NFC'), h.salt, h.key.length, scryptOpts(h.N, h.r, h.p));
  return safeEqual(key, h.key);
}
