/**
 * Authentication for the web host. The backend holds the user's access token and encryption keys, so the
 * websocket must only open for a browser the user let in, even though it listens on a port every local program
 * (and every web page, through the browser) can reach.
 *
 * Design: one random 32-byte secret lives in `<config>/web-host.json` (mode 0600), created on first run and
 * reused. The login token is an HMAC of that secret, so the printed login URL stays the same across restarts.
 * Cookies are `v1.<random session id>.<expiry>.<HMAC>`: validated without any server-side session table, so they
 * survive host restarts. Replacing the secret (deleting web-host.json) revokes the login URL and every cookie.
 * An optional scrypt password hash in the same file enables gomuks-style HTTP Basic login.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { mkdir, open, readFile, chmod, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const AUTH_COOKIE_NAME = 'lattice_auth';
export const WEB_HOST_CONFIG_FILE = 'web-host.json';

/** Long enough that a daily user never sees the login page again; the server refreshes it when the app loads. */
export const COOKIE_TTL_SECONDS = 30 * 24 * 3600;

export interface WebAuth {
  /** True if the Cookie header carries a valid, unexpired `lattice_auth` cookie. */
  checkCookie(header: string | undefined): boolean;
  /** Unix ms at which the longest-lived valid cookie in the header expires; undefined if none is valid. */
  cookieExpiresAt(header: string | undefined): number | undefined;
  /** Constant-time check of the `token` query parameter of the login URL. */
  checkLoginToken(token: string | null | undefined): boolean;
  /** Whether a password is configured, i.e. whether HTTP Basic login is possible at all. */
  hasPassword(): boolean;
  /** Checks an `Authorization: Basic …` header against the configured password; false when none is set. */
  checkBasic(header: string | undefined): Promise<boolean>;
  /** A complete Set-Cookie header value for a fresh session. */
  issueCookie(): string;
}

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

/** Builds the WebAuth for a config already in memory. `now` is injectable so expiry can be tested. */
export function createWebAuth(config: WebHostConfig, now: () => number = Date.now): WebAuth & { loginToken: string } {
  const secret = Buffer.from(config.secret, 'base64url');
  if (secret.length !== 32) throw new Error('web host secret must be 32 bytes');
  // Separate keys per purpose, so a login token can never pass as a cookie MAC or vice versa.
  const cookieKey = hmac(secret, 'lattice web-host cookie key v1');
  const loginToken = hmac(secret, 'lattice web-host login token v1').toString('base64url');
  const loginTokenBuf = Buffer.from(loginToken);
  const passwordHash = config.password_hash;

  const cookieMac = (sid: string, exp: number) => hmac(cookieKey, `v1.${sid}.${exp}`);

  const expiryOf = (value: string): number | undefined => {
    const parts = value.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
    const [, sid, expStr, mac] = parts;
    if (!/^[A-Za-z0-9_-]{22}$/.test(sid) || !/^\d{1,12}$/.test(expStr) || !/^[A-Za-z0-9_-]{43}$/.test(mac)) return undefined;
    const exp = Number(expStr);
    if (!safeEqual(Buffer.from(mac, 'base64url'), cookieMac(sid, exp))) return undefined;
    return exp * 1000 > now() ? exp * 1000 : undefined;
  };

  const cookieExpiresAt = (header: string | undefined): number | undefined => {
    let best: number | undefined;
    // Cookies ignore ports, so another local app on 127.0.0.1 may have set a cookie of the same name: try each.
    for (const value of cookieValues(header, AUTH_COOKIE_NAME)) {
      const exp = expiryOf(value);
      if (exp !== undefined && (best === undefined || exp > best)) best = exp;
    }
    return best;
  };

  return {
    loginToken,
    cookieExpiresAt,
    checkCookie: (header) => cookieExpiresAt(header) !== undefined,
    checkLoginToken: (token) => typeof token === 'string' && safeEqual(Buffer.from(token), loginTokenBuf),
    hasPassword: () => passwordHash !== undefined,
    async checkBasic(header) {
      if (passwordHash === undefined || !header) return false;
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
      if (!m) return false;
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // The user name is ignored, as there is only one account; the password alone is the credential.
      return verifyPassword(decoded.slice(colon + 1), passwordHash);
    },
    issueCookie() {
      const sid = randomBytes(16).toString('base64url');
      const exp = Math.floor(now() / 1000) + COOKIE_TTL_SECONDS;
      const value = `v1.${sid}.${exp}.${cookieMac(sid, exp).toString('base64url')}`;
      // No `Secure`: the host speaks plain HTTP on loopback, where browsers would otherwise drop the cookie.
      return `${AUTH_COOKIE_NAME}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_TTL_SECONDS}`;
    },
  };
}

/** Every value of cookie `name` in a Cookie header, in order. */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Reads `<configDir>/web-host.json`, creating it with a fresh secret on first run. A corrupt file is an error,
 * never silently replaced: it may hold a password hash the user set.
 */
export async function loadOrCreateWebAuth(configDir: string): Promise<WebAuth & { loginUrl(base: string): string }> {
  const file = path.join(configDir, WEB_HOST_CONFIG_FILE);
  const config = await loadOrCreateConfig(file);
  const auth = createWebAuth(config);
  return {
    ...auth,
    loginUrl: (base) => `${base.replace(/\/+$/, '')}/_gomuks/auth?token=${encodeURIComponent(auth.loginToken)}`,
  };
}

async function loadOrCreateConfig(file: string): Promise<WebHostConfig> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
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
