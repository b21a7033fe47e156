/**
 * `/_gomuks/websocket`: relays gomuks-style RPC envelopes between each websocket and a backend connection, as
 * gomuks' own backend speaks it: `run_id` then `image_auth_token` (again every 30 minutes), resumption with
 * `run_id` + `last_received_event` (relay-session.ts), `compress=1` (frame-writer.ts) and `pong` for pings. It
 * refuses upgrades from foreign origins and hosts, and ones without both halves of a browser session (web-auth.ts),
 * closes sockets that go quiet or cannot keep up, and closes the sockets of sessions that sign out.
 */
import { randomInt } from 'node:crypto';
import { errorMessage } from '../../../shared/error-message.ts';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Envelope } from '../../../shared/rpc/index.ts';
import type { Logger } from '../../backend/log/logger.ts';
import type { BackendHost } from '../../backend/rpc/connection.ts';
import { envelopeText } from '../serialized-envelope.ts';
import { FrameWriter } from './frame-writer.ts';
import { NOT_AUTHENTICATED, type HttpPolicy } from './http-policy.ts';
import { RelaySession, type BufferLimits, type SessionSink } from './relay-session.ts';
import { tokenFromProtocols, WS_PROTOCOL, type Principal, type WebAuth } from './web-auth.ts';

export const WEBSOCKET_PATH = '/_gomuks/websocket';
/** Close code for idle sockets: in the application range, mirroring HTTP 408. */
export const CLOSE_IDLE = 4408;
/** Close code for sockets that cannot keep up (RFC 6455 "try again later"). */
export const CLOSE_TOO_SLOW = 1013;
/** The socket's web session ended (sign-out, "sign out all browsers"). */
export const CLOSE_SIGNED_OUT = 4401;
/** Another socket resumed this one's session. */
export const CLOSE_REPLACED = 4409;

const NOT_BROWSER_UNAUTHENTICATED = 'Not authenticated: a client that is not a browser (no Origin header) '
  + 'signs in with "Authorization: Bearer <token>" (POST /_gomuks/auth?output=json with a login link\'s token) or Basic credentials.';

/** Requests are small; this only bounds what a misbehaving client can make us hold in memory. */
const MAX_INCOMING_FRAME = 16 * 1024 * 1024;

export interface RelayOptions {
  backend: BackendHost;
  auth: WebAuth;
  policy: HttpPolicy;
  logger: Logger;
  idleTimeoutMs: number;
  maxBufferedBytes: number;
  /** How long a session whose socket dropped waits to be resumed. */
  resumeWindowMs: number;
  bufferLimits: BufferLimits;
  /** gomuks sends a new image token every 30 minutes. */
  imageTokenIntervalMs: number;
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

const isRequestId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[name] : undefined;
}

function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  const buf = Buffer.from(`${body}\n`);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${buf.length}\r\nCache-Control: no-store\r\n\r\n${buf.toString()}`,
  );
}

const samePrincipal = (a: Principal, b: Principal): boolean =>
  a.kind === b.kind && (a.kind === 'basic' || (b.kind === 'session' && a.id === b.id));

/** One websocket's end of a session. */
interface SocketLink extends SessionSink {
  /** Closes the socket; `end` also ends its session instead of keeping it for resumption. */
  close(code: number, reason: string, end: boolean): void;
}

export class WebSocketRelay {
  /** Names this run of the relay: sessions (and their buffers) live only in its memory. */
  readonly runId = `${Date.now()}${randomInt(100_000, 999_999)}`;
  private readonly opts: RelayOptions;
  private readonly log: Logger;
  private readonly wss = new WebSocketServer({
    noServer: true, maxPayload: MAX_INCOMING_FRAME, perMessageDeflate: false,
    // Browsers offer `lattice` beside the token protocol; selecting it (never the token) completes their handshake.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  private readonly sockets = new Set<WebSocket>();
  private readonly sessions = new Set<RelaySession>();
  private readonly links = new Map<RelaySession, SocketLink>();
  private readonly parkTimers = new Map<RelaySession, NodeJS.Timeout>();
  private nextEventId = -1;
  private closing = false;
  private readonly unsubscribe: () => void;

  constructor(opts: RelayOptions) {
    this.opts = opts;
    this.log = opts.logger;
    this.unsubscribe = opts.auth.sessions.onEnded((ids) => {
      const ended = new Set(ids);
      this.endSessions((p) => p.kind === 'session' && ended.has(p.id), 'signed out of this web host');
    });
  }

  /** The HTTP server's 'upgrade' event. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (e) => this.log.warn(`socket error before upgrade: ${e.message}`));
    this.upgradeAsync(req, socket, head).catch((e: unknown) => {
      this.log.error(`websocket upgrade failed: ${errorMessage(e)}`);
      if (!socket.destroyed) refuseUpgrade(socket, 500, 'Internal Server Error');
    });
  }

  private async upgradeAsync(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { policy } = this.opts;
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname !== WEBSOCKET_PATH) { refuseUpgrade(socket, 404, 'Not Found'); return; }
    if (!policy.hostAllowed(req)) { refuseUpgrade(socket, 421, 'Misdirected Request: unexpected Host header'); return; }
    const auth = await this.authorize(req);
    if ('status' in auth) {
      if (auth.status === 403) this.log.warn(`refused websocket from foreign origin ${req.headers.origin}`);
      refuseUpgrade(socket, auth.status, auth.body);
      return;
    }
    if (this.closing) { refuseUpgrade(socket, 503, 'Service Unavailable: shutting down'); return; }
    if (socket.destroyed) return;
    const q = url.searchParams;
    const lastReceived = Number(q.get('last_received_event'));
    const resumeFrom = q.get('run_id') === this.runId && Number.isSafeInteger(lastReceived) && lastReceived < 0 ? lastReceived : undefined;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, auth.principal, resumeFrom, q.get('compress') === '1'));
  }

  /**
   * A browser (it sends Origin) needs its cookie and its page's token, of the same live session: the cookie alone
   * is what any program on another loopback port can collect. Other clients send Authorization instead.
   */
  private async authorize(req: IncomingMessage): Promise<{ principal: Principal } | { status: number; body: string }> {
    const { auth, policy } = this.opts;
    const origin = policy.origin(req);
    if (origin === 'foreign') return { status: 403, body: 'Forbidden: foreign origin' };
    let principal: Principal | undefined;
    if (origin === 'own') {
      const id = auth.browserSession(req.headers.cookie, tokenFromProtocols(req.headers['sec-websocket-protocol']));
      if (id !== undefined) principal = { kind: 'session', id };
    } else {
      principal = await auth.headerPrincipal(req.headers.authorization);
    }
    if (!principal) return { status: 401, body: origin === 'own' ? NOT_AUTHENTICATED : NOT_BROWSER_UNAUTHENTICATED };
    if (principal.kind === 'session') auth.sessions.touch(principal.id);
    return { principal };
  }

  /** Refuses new sockets and closes every session. */
  beginClose(): void {
    this.closing = true;
    this.unsubscribe();
    this.endSessions(() => true, 'web host shutting down', 1001);
  }

  /** Drops the sockets whose peers never answered the close frame. */
  terminateAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  close(): void {
    this.wss.close();
  }

  /** For tests and the bench: sessions kept, attached or waiting to be resumed. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Ends every session whose principal matches, closing its socket if one is attached. */
  private endSessions(match: (p: Principal) => boolean, reason: string, code = CLOSE_SIGNED_OUT): void {
    for (const s of [...this.sessions]) {
      if (!match(s.principal)) continue;
      const link = this.links.get(s);
      if (link) link.close(code, reason, true);
      else this.endSession(s, reason);
    }
  }

  private endSession(s: RelaySession, reason: string): void {
    if (!this.sessions.delete(s)) return;
    this.log.debug(`session ended: ${reason}`);
    clearTimeout(this.parkTimers.get(s));
    this.parkTimers.delete(s);
    this.links.delete(s);
    s.sink = undefined;
    s.connection?.close();
  }

  /** Keeps a session whose socket dropped, for `resumeWindowMs`. */
  private park(s: RelaySession): void {
    this.links.delete(s);
    s.sink = undefined;
    if (!this.sessions.has(s)) return;
    this.parkTimers.set(s, setTimeout(() => this.endSession(s, 'not resumed in time'), this.opts.resumeWindowMs));
  }

  /** Logging out of Matrix signs every browser out of the web host too. */
  private signOutEverything(): void {
    const n = this.opts.auth.sessions.endAll();
    this.endSessions((p) => p.kind === 'basic', 'signed out');
    this.log.info(`signed out: ${n} web session(s) ended`);
  }

  private fromBackend(s: RelaySession, env: Envelope): void {
    const link = this.links.get(s);
    if (typeof env.request_id === 'number' && env.request_id < 0) {
      const id = this.nextEventId--;
      if (env.command === 'run_id' && typeof env.data === 'object' && env.data !== null) s.runData = env.data as Record<string, unknown>;
      let text: string;
      // Events from the worker keep their data as the worker's JSON text (serialized-envelope.ts): only the id changes.
      try { text = env.command === 'run_id' ? envelopeText(RelaySession.renumber(env, id, this.runId)) : envelopeText(env, id); } catch (e) {
        this.log.error(`dropping unserializable ${env.command}: ${errorMessage(e)}`);
        return;
      }
      s.record(id, text);
      if (s.overflowed && !link) { this.endSession(s, 'too many events while disconnected'); return; }
      link?.send(text);
      if (env.command === 'run_id') link?.runIdSent();
      return;
    }
    let text: string;
    try { text = envelopeText(env); } catch (e) {
      this.log.error(`dropping unserializable ${env.command}: ${errorMessage(e)}`, { request_id: env.request_id });
      // A request still deserves an answer, or the frontend would wait for it forever.
      if (!isRequestId(env.request_id)) return;
      text = JSON.stringify({ command: 'error', request_id: env.request_id, data: 'internal error: the response could not be serialized' });
    }
    link?.send(text);
    if (isRequestId(env.request_id) && s.logoutRequests.delete(env.request_id) && env.command === 'response') this.signOutEverything();
  }

  private onSocket(ws: WebSocket, principal: Principal, resumeFrom: number | undefined, compress: boolean): void {
    const { backend, auth, idleTimeoutMs, maxBufferedBytes: maxBuffered } = this.opts;
    const log = this.log;
    this.sockets.add(ws);
    const writer = new FrameWriter(ws, compress);
    let session: RelaySession | undefined;
    let detached = false;
    let endOnClose = false;
    let idleTimer: NodeJS.Timeout | undefined;

    const sendImageToken = () => link.send(JSON.stringify({ command: 'image_auth_token', request_id: 0, data: auth.imageToken(principal) }));
    const imageTimer = setInterval(sendImageToken, this.opts.imageTokenIntervalMs);

    // Stop feeding the socket as soon as we decide to close it, not only when the closing handshake ends.
    const detach = (end: boolean) => {
      if (detached) return;
      detached = true;
      clearTimeout(idleTimer);
      clearInterval(imageTimer);
      if (session && this.links.get(session) === link) {
        if (end) this.endSession(session, 'socket closed');
        else this.park(session);
      }
    };
    const link: SocketLink = {
      send: (text) => {
        if (detached) return;
        if (writer.backlog + text.length > maxBuffered) {
          link.close(CLOSE_TOO_SLOW, `client too slow: over ${Math.round(maxBuffered / 1048576)} MiB unsent`, true);
          return;
        }
        writer.send(text);
      },
      runIdSent: sendImageToken,
      close: (code, reason, end) => {
        log.info(`closing websocket: ${reason}`);
        endOnClose ||= end;
        detach(end);
        writer.close(code, reason);
      },
    };
    const resetIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => link.close(CLOSE_IDLE, `no data received for ${Math.round(idleTimeoutMs / 1000)} s`, false), idleTimeoutMs);
    };
    const sendError = (requestId: number, message: string) => link.send(JSON.stringify({ command: 'error', request_id: requestId, data: message }));

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (detached) return;
      resetIdle();
      if (isBinary) { sendError(0, 'binary frames are not supported: send JSON text'); return; }
      let parsed: unknown;
      try { parsed = JSON.parse(rawDataToString(data)); } catch (e) {
        sendError(0, `malformed JSON: ${errorMessage(e)}`);
        return;
      }
      const id = field(parsed, 'request_id');
      if (field(parsed, 'command') === 'ping') {
        const ack = field(field(parsed, 'data'), 'last_received_id');
        if (typeof ack === 'number' && Number.isSafeInteger(ack) && ack < 0) session?.ack(ack);
        if (isRequestId(id)) link.send(JSON.stringify({ command: 'pong', request_id: id }));
        else if (id !== undefined) sendError(0, 'request_id must be a positive integer');
        return;
      }
      if (field(parsed, 'command') === 'logout' && isRequestId(id)) session?.logoutRequests.add(id);
      try { session?.connection?.receive(parsed); } catch (e) {
        log.error(`backend rejected a message: ${errorMessage(e)}`, { request_id: isRequestId(id) ? id : undefined });
        if (isRequestId(id)) sendError(id, 'internal error: the backend could not take the request');
      }
    });
    ws.on('ping', () => resetIdle());
    ws.on('error', (e) => log.warn(`websocket error: ${e.message}`));
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      // 1001: the page went away (closed or navigated); nothing will come back for this session.
      detach(endOnClose || code === 1001);
    });
    resetIdle();

    const resumable = resumeFrom === undefined ? undefined
      : [...this.sessions].find((s) => samePrincipal(s.principal, principal) && s.owns(resumeFrom));
    const replay = resumable && resumeFrom !== undefined ? resumable.replayAfter(resumeFrom) : undefined;
    if (resumable && replay) {
      const previous = this.links.get(resumable);
      // The old socket may still look open (its network went away without a close): this one replaces it.
      if (previous) { this.links.delete(resumable); previous.close(CLOSE_REPLACED, 'resumed on another connection', false); }
      clearTimeout(this.parkTimers.get(resumable));
      this.parkTimers.delete(resumable);
      session = resumable;
      this.links.set(session, link);
      session.sink = link;
      link.send(JSON.stringify({ command: 'run_id', request_id: 0, data: { ...session.runData, run_id: this.runId } }));
      sendImageToken();
      for (const text of replay) link.send(text);
      link.send(JSON.stringify({ command: 'init_complete', request_id: 0, data: {} }));
      log.info(`websocket resumed: ${replay.length} buffered event(s) replayed`);
      return;
    }
    if (resumeFrom !== undefined) log.info('websocket could not resume: starting over with the full state');
    const s = new RelaySession(principal, this.opts.bufferLimits);
    session = s;
    this.sessions.add(s);
    this.links.set(s, link);
    s.sink = link;
    try {
      s.connection = backend.connect((env) => this.fromBackend(s, env));
    } catch (e) {
      log.error(`backend connect failed: ${errorMessage(e)}`);
      link.close(1011, 'backend unavailable', true);
      return;
    }
    // The session may have ended before connect() returned (e.g. the backend flooded the socket at once).
    if (!this.sessions.has(s)) s.connection.close();
  }
}
