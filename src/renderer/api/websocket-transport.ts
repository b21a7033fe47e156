/**
 * The web host's transport: gomuks' websocket at `/_gomuks/websocket` on the page's own origin.
 *
 * Signing in to the web host: a login link lands on `/#login=KEY`; the page takes the key out of the address bar,
 * trades it once at `/_gomuks/auth?output=json` for an HttpOnly cookie plus a session token, and keeps the token
 * in localStorage, which belongs to this origin alone. Every connection presents both: the browser sends the
 * cookie, the page offers the token as a websocket subprotocol (`lattice.token.<token>`, beside `lattice`). A
 * program on another loopback port can collect the cookie but never the token. Media URLs carry the short-lived
 * `image_auth` token the websocket hands out (media-auth.ts).
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import { setImageAuthToken } from './media-auth.ts';
import { Listeners, type RequestIds, type Transport, type TransportStatus } from './transport.ts';

/** Where the page keeps its web-host session token. */
export const TOKEN_STORAGE_KEY = 'lattice.web_host_token';
const WS_PROTOCOL = 'lattice';
const WS_TOKEN_PROTOCOL_PREFIX = 'lattice.token.';

export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The outcome of trading a login key for a session. */
type Redeemed = { token: string } | { error: string };

/** The part of the browser's WebSocket this transport uses, so tests can hand in a fake. */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface WebSocketTransportOptions {
  /** ws(s) URL of the websocket. */
  url: string;
  /** http(s) URL fetched to learn why an upgrade failed; a browser WebSocket never shows the HTTP status. */
  probeUrl: string;
  ids: RequestIds;
  createSocket?: (url: string, protocols?: string[]) => WebSocketLike;
  /** Resolves with the HTTP status of a GET (with the page's token in X-Lattice-Token), or rejects when unreachable. */
  probe?: (url: string, token: string | null) => Promise<number>;
  /** Origin-scoped storage for the session token; null: none (the preview, tests). Default: localStorage. */
  storage?: TokenStorage | null;
  /** Takes a login key out of the address bar (`#login=KEY`), or returns null. */
  takeLoginKey?: () => string | null;
  /** Trades a login key for a session token (POST /_gomuks/auth?output=json&token=KEY). */
  redeemLoginKey?: (key: string) => Promise<Redeemed>;
  /** gomuks recommends 15 s; its backend drops connections silent for 60 s. */
  pingIntervalMs?: number;
  /** Reconnect when nothing (not even a pong) arrived for this long. */
  idleTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

export const NOT_AUTHENTICATED_MESSAGE =
  'Not signed in to this Lattice web host: open the login link it printed in its terminal (a link works once; '
  + '`web-main --login-link` prints a new one).';

/** Same origin as the page, per the web host's cookie auth. */
export function websocketUrls(location: { protocol: string; host: string }): { url: string; probeUrl: string } {
  const secure = location.protocol === 'https:';
  return {
    url: `${secure ? 'wss' : 'ws'}://${location.host}/_gomuks/websocket`,
    probeUrl: `${location.protocol}//${location.host}/_gomuks/websocket`,
  };
}

function defaultStorage(): TokenStorage | null {
  try {
    const s = (globalThis as { localStorage?: TokenStorage }).localStorage;
    return s ?? null;
  } catch {
    // Storage disabled by the browser's settings.
    return null;
  }
}

/** Reads `#login=KEY` and removes it from the address bar (and so from this history entry) at once. */
function takeLoginKeyFromLocation(): string | null {
  const loc = (globalThis as { location?: Location }).location;
  const m = loc ? /^#login=([A-Za-z0-9_-]{20,100})$/.exec(loc.hash) : null;
  if (!m || !loc) return null;
  try { history.replaceState(history.state, '', loc.pathname + loc.search); } catch { /* keep going: the key is used up anyway */ }
  return m[1];
}

async function redeemAtHost(key: string): Promise<Redeemed> {
  const res = await fetch(`/_gomuks/auth?output=json&token=${encodeURIComponent(key)}`, { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
  if (res.ok) {
    const body = await res.json() as { token?: unknown };
    if (typeof body.token === 'string') return { token: body.token };
    return { error: 'The web host answered the login link without a session.' };
  }
  return { error: (await res.text()).trim() || `The web host refused the login link (HTTP ${res.status}).` };
}

export class WebSocketTransport implements Transport {
  private readonly messages = new Listeners<Envelope>();
  private readonly statuses = new Listeners<TransportStatus>();
  private readonly opts: Required<WebSocketTransportOptions>;
  private current: TransportStatus = { state: 'connecting' };
  private socket: WebSocketLike | null = null;
  private opened = false;
  private stopped = true;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastMessageAt = 0;
  /** For gomuks' session resumption and ping acknowledgements. */
  private runId: string | null = null;
  private lastReceivedId = 0;
  /** Why the login link failed, shown instead of the generic "open the login link". */
  private loginError: string | null = null;

  constructor(options: WebSocketTransportOptions) {
    this.opts = {
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
      probe: async (url, token) => (await fetch(url, {
        credentials: 'same-origin', cache: 'no-store', headers: token ? { 'X-Lattice-Token': token } : {},
      })).status,
      storage: defaultStorage(),
      takeLoginKey: takeLoginKeyFromLocation,
      redeemLoginKey: redeemAtHost,
      pingIntervalMs: 15_000,
      idleTimeoutMs: 60_000,
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      now: Date.now,
      ...options,
    };
  }

  get status(): TransportStatus {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const key = this.opts.takeLoginKey();
    if (key === null) { this.connect(); return; }
    this.setStatus({ state: 'connecting' });
    void this.opts.redeemLoginKey(key).then((r) => r, (e: unknown) => ({ error: `Could not reach the web host: ${errorMessage(e)}` }))
      .then((r) => {
        if ('token' in r) this.saveToken(r.token);
        else this.loginError = r.error;
        if (!this.stopped) this.connect();
      });
  }

  private token(): string | null {
    try { return this.opts.storage?.getItem(TOKEN_STORAGE_KEY) ?? null; } catch { return null; }
  }

  private saveToken(token: string): void {
    try { this.opts.storage?.setItem(TOKEN_STORAGE_KEY, token); } catch { /* storage full or disabled: this tab still works until reload */ }
    this.memoryToken = token;
    this.loginError = null;
  }

  /** The token from this tab's own login, in case storage refused to keep it. */
  private memoryToken: string | null = null;

  /** Skips the backoff wait (a "Retry now" button). */
  reconnectNow(): void {
    if (this.stopped || this.socket) return;
    this.clearRetry();
    this.connect();
  }

  send(env: Envelope): void {
    if (!this.socket || this.current.state !== 'open') throw new Error('Not connected to the Lattice backend');
    this.socket.send(JSON.stringify(env));
  }

  onMessage(cb: (env: Envelope) => void): () => void {
    return this.messages.add(cb);
  }

  onStatus(cb: (status: TransportStatus) => void): () => void {
    return this.statuses.add(cb);
  }

  close(): void {
    this.stopped = true;
    this.clearRetry();
    this.dropSocket();
    this.setStatus({ state: 'closed', reason: 'closed', retryAt: null });
  }

  private connect(): void {
    this.setStatus({ state: 'connecting' });
    let url = this.opts.url;
    if (this.runId !== null) {
      const q = new URLSearchParams({ run_id: this.runId, last_received_event: String(this.lastReceivedId) });
      url += (url.includes('?') ? '&' : '?') + q.toString();
    }
    const token = this.token() ?? this.memoryToken;
    let socket: WebSocketLike;
    try {
      socket = token ? this.opts.createSocket(url, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`]) : this.opts.createSocket(url);
    } catch (err) {
      this.scheduleRetry(`Could not open the websocket: ${errorMessage(err)}`);
      return;
    }
    this.socket = socket;
    this.opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.opened = true;
      this.attempts = 0;
      this.lastMessageAt = this.opts.now();
      this.startPings();
      this.setStatus({ state: 'open' });
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.lastMessageAt = this.opts.now();
      if (typeof ev.data === 'string') this.receive(ev.data);
    };
    socket.onerror = () => {
      // Always followed by close, which does the work.
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      const wasOpen = this.opened;
      this.dropSocket();
      if (this.stopped) return;
      if (wasOpen) {
        this.scheduleRetry(`Connection to the Lattice backend lost${ev.reason ? `: ${ev.reason}` : ''}`);
      } else {
        void this.diagnoseFailedUpgrade();
      }
    };
  }

  private receive(text: string): void {
    // Batched frames (only with compression, which we do not ask for) put one JSON object per line.
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let env: Envelope;
      try {
        env = JSON.parse(line) as Envelope;
      } catch {
        console.error('lattice: unparseable message from backend', line.slice(0, 200));
        continue;
      }
      if (typeof env !== 'object' || env === null || typeof env.command !== 'string') continue;
      if (typeof env.request_id === 'number' && env.request_id < 0) this.lastReceivedId = env.request_id;
      if (env.command === 'pong') continue;
      if (env.command === 'image_auth_token') {
        if (typeof env.data === 'string') setImageAuthToken(env.data);
        continue;
      }
      if (env.command === 'run_id') {
        const id = (env.data as { run_id?: unknown } | undefined)?.run_id;
        if (typeof id === 'string') this.runId = id;
      }
      this.messages.emit(env);
    }
  }

  private async diagnoseFailedUpgrade(): Promise<void> {
    let status: number | null = null;
    try {
      status = await this.opts.probe(this.opts.probeUrl, this.token() ?? this.memoryToken);
    } catch {
      status = null;
    }
    if (this.stopped || this.socket) return;
    if (status === 401 || status === 403) {
      this.scheduleRetry(this.loginError ?? NOT_AUTHENTICATED_MESSAGE, true);
    } else if (status === null) {
      this.scheduleRetry('Cannot reach the Lattice web host');
    } else {
      this.scheduleRetry(`The Lattice web host refused the connection (HTTP ${status})`);
    }
  }

  private scheduleRetry(reason: string, unauthenticated = false): void {
    this.clearRetry();
    // Unauthenticated: keep trying at the slowest pace so the page recovers once the user opens the login link.
    const delay = unauthenticated
      ? this.opts.maxBackoffMs
      : Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.attempts);
    this.attempts += 1;
    const retryAt = this.opts.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
    this.setStatus(unauthenticated
      ? { state: 'unauthenticated', message: reason, retryAt }
      : { state: 'closed', reason, retryAt });
  }

  private startPings(): void {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket) return;
      if (this.opts.now() - this.lastMessageAt > this.opts.idleTimeoutMs) {
        // The backend went quiet without closing: treat it as lost.
        this.dropSocket();
        this.scheduleRetry('The Lattice backend stopped answering');
        return;
      }
      try {
        socket.send(JSON.stringify({
          command: 'ping', request_id: this.opts.ids.next(), data: { last_received_id: this.lastReceivedId },
        }));
      } catch {
        // close follows
      }
    }, this.opts.pingIntervalMs);
  }

  private stopPings(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dropSocket(): void {
    this.stopPings();
    const socket = this.socket;
    this.socket = null;
    this.opened = false;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = null;
      socket.onclose = null;
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  private setStatus(status: TransportStatus): void {
    this.current = status;
    this.statuses.emit(status);
  }
}
