/**
 * The web host's server-side session table and its one-time login keys, kept in `<config>/web-sessions.json`
 * (mode 0600). A browser session is only as long-lived as its row here: deleting the row (sign out, "sign out all
 * browsers") ends it at once, and the relay closes its open websockets.
 *
 * Only SHA-256 hashes of the secrets are written, so the file alone lets nobody in. The file is the truth: every
 * change re-reads it before writing (atomically, by rename), so the running host and a second `web-main
 * --login-link` or `--sign-out-browsers` process can both edit it; the host watches it to notice the other's edits.
 */
import { ensurePrivateDir } from '../../backend/private-files.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WEB_SESSIONS_FILE = 'web-sessions.json';
/** A printed login link works once, for this long. */
export const LOGIN_KEY_TTL_MS = 10 * 60_000;
/** A browser that does not come back for this long must use a new login link. Extended on every connection. */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** Extending a session rewrites the file; once an hour per session is enough. */
const EXTEND_GRANULARITY_MS = 3600_000;

const sessionSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  cookie_hash: z.string(),
  token_hash: z.string(),
  created_at: z.number(),
  expires_at: z.number(),
});
const fileSchema = z.looseObject({
  url: z.string().optional(),
  sessions: z.array(sessionSchema).default([]),
  login_keys: z.array(z.object({ hash: z.string(), expires_at: z.number() })).default([]),
});
type SessionsFile = z.infer<typeof fileSchema>;
type StoredSession = z.infer<typeof sessionSchema>;

/** What a browser (or a token client) gets when a login key or Basic credentials start a session. */
export interface NewSession {
  id: string;
  /** Value of the HttpOnly `lattice_auth` cookie. */
  cookie: string;
  /** Kept by the page in its own origin's storage and presented on connect; also a Bearer token for scripts. */
  token: string;
  expiresAt: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

function hashEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `<session id>.<secret>`, the shape of both cookie values and tokens. */
function splitCredential(value: string): { id: string; secret: string } | undefined {
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export class WebSessions {
  private readonly file: string | undefined;
  private readonly now: () => number;
  private data: SessionsFile = { sessions: [], login_keys: [] };
  private readonly endedListeners = new Set<(ids: string[]) => void>();
  private watching = false;
  private mtimeMs = -1;

  /** `file` undefined keeps the table in memory only (tests). */
  constructor(file: string | undefined, now: () => number = Date.now) {
    this.file = file;
    this.now = now;
    this.data = this.read();
  }

  static inConfigDir(configDir: string, now?: () => number): WebSessions {
    return new WebSessions(path.join(configDir, WEB_SESSIONS_FILE), now);
  }

  /** Calls `cb` with the ids of sessions that ended (signed out here, or removed from the file by another process). */
  onEnded(cb: (ids: string[]) => void): () => void {
    this.endedListeners.add(cb);
    return () => { this.endedListeners.delete(cb); };
  }

  /** Picks up edits by another process (a `--sign-out-browsers` or `--login-link` run) while the host runs. */
  watch(intervalMs = 1000): void {
    if (!this.file || this.watching) return;
    this.watching = true;
    watchFile(this.file, { interval: intervalMs, persistent: false }, () => this.reload());
  }

  unwatch(): void {
    if (this.file && this.watching) unwatchFile(this.file);
    this.watching = false;
  }

  /** Remembers the address the host listens on, so a later `--login-link` run can print a complete link. */
  setUrl(url: string): void {
    this.update((d) => { d.url = url; });
  }

  get url(): string | undefined {
    return this.data.url;
  }

  /** A new single-use login key, valid for LOGIN_KEY_TTL_MS. */
  mintLoginKey(): string {
    const key = randomBytes(32).toString('base64url');
    this.update((d) => { d.login_keys.push({ hash: sha256(key), expires_at: this.now() + LOGIN_KEY_TTL_MS }); });
    return key;
  }

  /** Whether `key` would still be accepted, without using it up. */
  loginKeyValid(key: string | null | undefined): boolean {
    if (typeof key !== 'string' || key.length > 100) return false;
    const h = sha256(key);
    this.reload();
    return this.data.login_keys.some((k) => hashEquals(k.hash, h) && k.expires_at > this.now());
  }

  /** Uses up `key` and starts a session; undefined if the key is unknown, used or expired. */
  redeemLoginKey(key: string | null | undefined): NewSession | undefined {
    if (typeof key !== 'string' || key.length > 100) return undefined;
    const h = sha256(key);
    let ok = false;
    this.update((d) => {
      const i = d.login_keys.findIndex((k) => hashEquals(k.hash, h));
      if (i < 0) return;
      ok = d.login_keys[i].expires_at > this.now();
      d.login_keys.splice(i, 1);
    });
    return ok ? this.create() : undefined;
  }

  /** A session for credentials checked elsewhere (HTTP Basic). */
  create(): NewSession {
    const id = randomBytes(16).toString('base64url');
    const cookieSecret = randomBytes(32).toString('base64url');
    const tokenSecret = randomBytes(32).toString('base64url');
    const now = this.now();
    const row: StoredSession = {
      id, cookie_hash: sha256(cookieSecret), token_hash: sha256(tokenSecret), created_at: now, expires_at: now + SESSION_TTL_MS,
    };
    this.update((d) => { d.sessions.push(row); });
    return { id, cookie: `${id}.${cookieSecret}`, token: `${id}.${tokenSecret}`, expiresAt: row.expires_at };
  }

  /** The live session a cookie value belongs to. */
  sessionOfCookie(value: string): string | undefined {
    return this.match(value, 'cookie_hash');
  }

  /** The live session a token belongs to. */
  sessionOfToken(value: string): string | undefined {
    return this.match(value, 'token_hash');
  }

  isLive(id: string): boolean {
    this.refresh();
    const s = this.data.sessions.find((x) => x.id === id);
    return s !== undefined && s.expires_at > this.now();
  }

  /** Slides the expiry of a session that is in use. */
  touch(id: string): void {
    const s = this.data.sessions.find((x) => x.id === id);
    if (!s || this.now() + SESSION_TTL_MS - s.expires_at < EXTEND_GRANULARITY_MS) return;
    this.update((d) => {
      const row = d.sessions.find((x) => x.id === id);
      if (row) row.expires_at = this.now() + SESSION_TTL_MS;
    });
  }

  end(id: string): void {
    this.update((d) => { d.sessions = d.sessions.filter((s) => s.id !== id); });
  }

  /** Signs out every browser and token client; login keys already printed stay valid until they expire. */
  endAll(): number {
    const n = this.data.sessions.length;
    this.update((d) => { d.sessions = []; });
    return n;
  }

  count(): number {
    this.refresh();
    return this.data.sessions.filter((s) => s.expires_at > this.now()).length;
  }

  private match(value: string, field: 'cookie_hash' | 'token_hash'): string | undefined {
    const cred = splitCredential(value);
    if (!cred) return undefined;
    this.refresh();
    const s = this.data.sessions.find((x) => x.id === cred.id);
    if (!s || s.expires_at <= this.now() || !hashEquals(s[field], sha256(cred.secret))) return undefined;
    return s.id;
  }

  /** Re-reads the file if another process changed it, so a sign-out there counts here at once. */
  private refresh(): void {
    if (!this.file) return;
    let m: number;
    try { m = statSync(this.file).mtimeMs; } catch { m = 0; }
    if (m !== this.mtimeMs) this.reload();
  }

  private read(): SessionsFile {
    if (!this.file) return this.data;
    try { this.mtimeMs = statSync(this.file).mtimeMs; } catch { this.mtimeMs = 0; }
    let text: string;
    try { text = readFileSync(this.file, 'utf8'); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { sessions: [], login_keys: [] };
      throw e;
    }
    let json: unknown;
    try { json = JSON.parse(text); } catch {
      // Only hashes live here: starting over merely signs browsers out, which is the safe direction.
      return { sessions: [], login_keys: [] };
    }
    const r = fileSchema.safeParse(json);
    return r.success ? r.data : { sessions: [], login_keys: [] };
  }

  private reload(): void {
    const before = new Set(this.data.sessions.map((s) => s.id));
    this.data = this.read();
    this.announceEnded(before);
  }

  private update(change: (d: SessionsFile) => void): void {
    const before = new Set(this.data.sessions.map((s) => s.id));
    const d = this.read();
    change(d);
    const now = this.now();
    d.login_keys = d.login_keys.filter((k) => k.expires_at > now);
    d.sessions = d.sessions.filter((s) => s.expires_at > now);
    this.data = d;
    if (this.file) {
      ensurePrivateDir(path.dirname(this.file));
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(d, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
      const st = statSync(this.file);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) chmodSync(this.file, 0o600);
      this.mtimeMs = st.mtimeMs;
    }
    this.announceEnded(before);
  }

  private announceEnded(before: Set<string>): void {
    const now = new Set(this.data.sessions.map((s) => s.id));
    const ended = [...before].filter((id) => !now.has(id));
    if (ended.length === 0) return;
    for (const cb of [...this.endedListeners]) cb(ended);
  }
}
