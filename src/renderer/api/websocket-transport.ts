/**
 * The web host's transport: gomuks' websocket at `/_gomuks/websocket` on the page's own origin, authenticated by
 * an HttpOnly cookie the browser sends by itself.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import { Listeners, type RequestIds, type Transport, type TransportStatus } from './transport.ts';

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
  createSocket?: (url: string) => WebSocketLike;
  /** Resolves with the HTTP status of a GET, or rejects when the host is unreachable. */
  probe?: (url: string) => Promise<number>;
  /** gomuks recommends 15 s; its backend drops connections silent for 60 s. */
  pingIntervalMs?: number;
  /** Reconnect when nothing (not even a pong) arrived for this long. */
  idleTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

export const NOT_AUTHENTICATED_MESSAGE =
  'Not signed in to this Lattice web host: open the login link it printed in its terminal.';

/** Same origin as the page, per the web host's cookie auth. */
export function websocketUrls(location: { protocol: string; host: string }): { url: string; probeUrl: string } {
  const secure = location.protocol === 'https:';
  return {
    url: `${secure ? 'wss' : 'ws'}://${location.host}/_gomuks/websocket`,
    probeUrl: `${location.protocol}//${location.host}/_gomuks/websocket`,
  };
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

  constructor(options: WebSocketTransportOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      probe: async (url) => (await fetch(url, { credentials: 'same-origin', cache: 'no-store' })).status,
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
    this.connect();
  }

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
    let socket: WebSocketLike;
    try {
      socket = this.opts.createSocket(url);
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
      status = await this.opts.probe(this.opts.probeUrl);
    } catch {
      status = null;
    }
    if (this.stopped || this.socket) return;
    if (status === 401 || status === 403) {
      this.scheduleRetry(NOT_AUTHENTICATED_MESSAGE, true);
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
