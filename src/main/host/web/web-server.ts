/**
 * The web host's HTTP side: serves the built renderer and relays gomuks-style RPC envelopes between websockets
 * and the backend. It adds nothing to the RPC stream except `pong` (pings are a websocket-layer concern in gomuks);
 * `run_id`, the initial `sync_complete` and so on all come from the backend.
 *
 * Session resumption (gomuks' event buffer, `run_id`/`last_received_event` query params) is not supported: every
 * connection is a fresh `backend.connect`, so every client gets `clear_state: true`. Acknowledgements
 * (`last_received_id` in pings) are read but nothing is buffered yet.
 */
import { realpathSync, createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { errorMessage } from '../../../shared/error-message.ts';
import { parseMediaPath, type Envelope, type MediaRequest, type MediaResponse } from '../../../shared/rpc/index.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../../backend/rpc/connection.ts';
import { mimeTypeFor } from '../static-files.ts';
import type { WebAuth } from './web-auth.ts';

export interface WebServerOptions {
  backend: BackendHost;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer: index.html plus its assets. */
  staticDir: string;
  auth: WebAuth;
  log?: (m: string) => void;
  /** A socket that sends nothing for this long is closed; gomuks' rule is 60 s. */
  idleTimeoutMs?: number;
  /** Unsent bytes a socket may queue before it is closed as too slow to keep up. */
  maxBufferedBytes?: number;
  /** Serves `/_gomuks/media/<server>/<mediaId>` (see src/shared/rpc/media.ts); absent: 404. */
  media?: (req: MediaRequest) => Promise<MediaResponse>;
}

export interface WebServer {
  /** Base URL a local browser can open, e.g. http://127.0.0.1:29325 (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const WEBSOCKET_PATH = '/_gomuks/websocket';
export const AUTH_PATH = '/_gomuks/auth';
export const MEDIA_PREFIX = '/_gomuks/media/';
/** Close code for idle sockets: in the application range, mirroring HTTP 408. */
export const CLOSE_IDLE = 4408;
/** Close code for sockets that cannot keep up (RFC 6455 "try again later"). */
export const CLOSE_TOO_SLOW = 1013;

const DEFAULT_IDLE_MS = 60_000;
const DEFAULT_MAX_BUFFERED = 64 * 1024 * 1024;
/** Requests are small; this only bounds what a misbehaving client can make us hold in memory. */
const MAX_INCOMING_FRAME = 16 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 2_000;

const NOT_AUTHENTICATED = 'Not authenticated: open the login link printed by the web host.';


function isLoopbackHost(h: string): boolean {
  const host = h.toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(host);
}

function isWildcardHost(h: string): boolean {
  return h === '' || h === '0.0.0.0' || h === '::';
}

/** A host as it appears in a URL authority (IPv6 in brackets). */
function urlHost(h: string): string {
  return h.includes(':') ? `[${h}]` : h;
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function pingOf(v: unknown): { request_id?: number; last_received_id?: number } | undefined {
  if (typeof v !== 'object' || v === null || (v as { command?: unknown }).command !== 'ping') return undefined;
  const id = (v as { request_id?: unknown }).request_id;
  const data = (v as { data?: unknown }).data;
  const ack = typeof data === 'object' && data !== null ? (data as { last_received_id?: unknown }).last_received_id : undefined;
  return {
    request_id: Number.isInteger(id) ? (id as number) : undefined,
    last_received_id: Number.isInteger(ack) ? (ack as number) : undefined,
  };
}

function requestIdOf(v: unknown): number | undefined {
  const id = typeof v === 'object' && v !== null ? (v as { request_id?: unknown }).request_id : undefined;
  return Number.isInteger(id) ? (id as number) : undefined;
}

/**
 * Splits a request path into safe segments, or returns null. Each segment is decoded on its own, so an encoded
 * `%2f` cannot create new segments, and anything that could step outside the static root is refused outright
 * rather than normalized away.
 */
function safeSegments(rawPath: string): string[] | null {
  if (!rawPath.startsWith('/')) return null;
  const out: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try { seg = decodeURIComponent(raw); } catch { return null; }
    if (seg === '.' || seg === '..' || /[/\\\0:]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { backend, auth } = opts;
  const bindHost = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;

  let staticRoot: string;
  try { staticRoot = realpathSync(opts.staticDir); } catch {
    throw new Error(`static directory ${opts.staticDir} does not exist`);
  }

  // Filled in once the port is known.
  let ownAuthorities = new Set<string>();
  let ownOrigins = new Set<string>();
  let csp = '';
  let closing = false;
  const sockets = new Set<WebSocket>();

  // A page on any origin can ask the browser to open a websocket here, and cookies are shared by every port of
  // 127.0.0.1; the Origin check is what stops such a page from riding on the user's cookie.
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const o = origin.toLowerCase();
    if (ownOrigins.has(o)) return true;
    // Bound to a LAN address, the page's own origin is whatever name the user typed; it must match Host.
    return !isLoopbackHost(bindHost) && req.headers.host !== undefined && o === `http://${req.headers.host.toLowerCase()}`;
  };

  // On loopback, any other Host means DNS rebinding (a foreign name resolving to 127.0.0.1).
  const hostAllowed = (req: IncomingMessage): boolean =>
    !isLoopbackHost(bindHost) || (req.headers.host !== undefined && ownAuthorities.has(req.headers.host.toLowerCase()));

  const securityHeaders = (res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  const sendText = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    const buf = Buffer.from(body.endsWith('\n') ? body : `${body}\n`);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : buf);
  };

  const handleAuth = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, POST' });
      return;
    }
    // Login CSRF is harmless with one account, but a foreign page has no business here either.
    if (!originAllowed(req)) { sendText(res, 403, 'Forbidden: foreign origin'); return; }
    const token = query.get('token');
    if (token !== null) {
      if (!auth.checkLoginToken(token)) { sendText(res, 401, 'This login link is invalid or outdated. Use the one the web host printed when it started.'); return; }
      // 303 to / also takes the token out of the address bar.
      res.writeHead(303, { 'Set-Cookie': auth.issueCookie(), Location: '/', 'Cache-Control': 'no-store', 'Content-Length': 0 });
      res.end();
      return;
    }
    // As in gomuks: a valid cookie is extended; otherwise Basic credentials are checked.
    if (auth.checkCookie(req.headers.cookie) || await auth.checkBasic(req.headers.authorization)) {
      res.writeHead(204, { 'Set-Cookie': auth.issueCookie(), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const prompt = auth.hasPassword() && query.get('no_prompt') !== 'true';
    sendText(res, 401, NOT_AUTHENTICATED, prompt ? { 'WWW-Authenticate': 'Basic realm="Lattice", charset="UTF-8"' } : {});
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, rawPath: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' }); return; }
    const segs = safeSegments(rawPath);
    if (segs === null) { sendText(res, 400, 'Bad Request: invalid path'); return; }
    const rel = segs.length === 0 ? ['index.html'] : segs;
    const candidate = path.join(staticRoot, ...rel);
    const notFound = () => sendText(res, 404, 'Not Found');
    if (!candidate.startsWith(staticRoot + path.sep)) { notFound(); return; }
    let file: string;
    let size: number;
    try {
      // realpath too: a symlink inside the build output must not expose files outside it.
      file = await realpath(candidate);
      if (!file.startsWith(staticRoot + path.sep)) { notFound(); return; }
      const st = await stat(file);
      if (!st.isFile()) { notFound(); return; }
      size = st.size;
    } catch { notFound(); return; }
    const isIndex = rel.length === 1 && rel[0] === 'index.html';
    if (isIndex) {
      // Loading the app is the natural moment to extend a cookie that is partly used up.
      const exp = auth.cookieExpiresAt(req.headers.cookie);
      if (exp !== undefined && exp - Date.now() < 29 * 24 * 3600 * 1000) res.setHeader('Set-Cookie', auth.issueCookie());
    }
    res.writeHead(200, {
      'Content-Type': mimeTypeFor(file),
      'Content-Length': size,
      // Vite names assets by content hash; everything else (index.html) must be revalidated to pick up a new build.
      'Cache-Control': rel[0] === 'assets' && rel.length > 1 ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    const stream = createReadStream(file);
    stream.on('error', (e) => { log(`web host: reading ${file} failed: ${e.message}`); res.destroy(); });
    stream.pipe(res);
  };

  const serveMedia = async (req: IncomingMessage, res: ServerResponse, pathPart: string, query: URLSearchParams) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' }); return; }
    const parsed = parseMediaPath(pathPart, query);
    if ('error' in parsed) { sendText(res, 400, `Bad media path: ${parsed.error}`); return; }
    const media = await opts.media!(parsed);
    res.writeHead(media.status, {
      'Content-Type': media.contentType,
      'Content-Length': media.body.byteLength,
      'X-Content-Type-Options': 'nosniff',
      // Opened on its own, the response must not be able to run anything.
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': media.status === 200 ? 'private, max-age=86400' : 'no-store',
      ...(media.contentType === 'application/octet-stream' ? { 'Content-Disposition': 'attachment' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : media.body);
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    if (!hostAllowed(req)) { sendText(res, 421, 'Misdirected Request: unexpected Host header'); return; }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (rawPath === AUTH_PATH) { await handleAuth(req, res, query); return; }
    if (rawPath === '/_gomuks' || rawPath.startsWith('/_gomuks/')) {
      if (!auth.checkCookie(req.headers.cookie)) { sendText(res, 401, NOT_AUTHENTICATED); return; }
      if (rawPath === WEBSOCKET_PATH) { sendText(res, 426, 'Upgrade Required: this is a websocket endpoint', { Upgrade: 'websocket' }); return; }
      if (rawPath.startsWith(MEDIA_PREFIX) && opts.media) { await serveMedia(req, res, rawPath.slice(MEDIA_PREFIX.length), query); return; }
      sendText(res, 404, 'Not Found');
      return;
    }
    await serveStatic(req, res, rawPath);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((e: unknown) => {
      log(`web host: ${req.method} ${req.url} failed: ${errorMessage(e)}`);
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_FRAME, perMessageDeflate: false });

  const refuseUpgrade = (socket: Duplex, status: number, body: string) => {
    const buf = Buffer.from(`${body}\n`);
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${buf.length}\r\nCache-Control: no-store\r\n\r\n${buf.toString()}`,
    );
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (e) => log(`web host: socket error before upgrade: ${e.message}`));
    const url = req.url ?? '';
    const rawPath = url.split('?', 1)[0];
    if (rawPath !== WEBSOCKET_PATH) { refuseUpgrade(socket, 404, 'Not Found'); return; }
    if (!hostAllowed(req)) { refuseUpgrade(socket, 421, 'Misdirected Request: unexpected Host header'); return; }
    if (!originAllowed(req)) {
      log(`web host: refused websocket from foreign origin ${req.headers.origin}`);
      refuseUpgrade(socket, 403, 'Forbidden: foreign origin');
      return;
    }
    if (!auth.checkCookie(req.headers.cookie)) { refuseUpgrade(socket, 401, NOT_AUTHENTICATED); return; }
    if (closing) { refuseUpgrade(socket, 503, 'Service Unavailable: shutting down'); return; }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  const onSocket = (ws: WebSocket) => {
    sockets.add(ws);
    let connection: BackendConnection | undefined;
    let detached = false;
    let idleTimer: NodeJS.Timeout | undefined;
    // Acknowledged position from pings. Kept for when an event buffer makes resumption possible; unused now.
    let lastReceivedId: number | undefined;

    // Stop feeding the socket as soon as we decide to close it, not only when the closing handshake ends.
    const detach = () => {
      if (detached) return;
      detached = true;
      clearTimeout(idleTimer);
      connection?.close();
    };
    const closeWith = (code: number, reason: string) => {
      log(`web host: closing websocket: ${reason}`);
      detach();
      ws.close(code, reason);
    };
    const resetIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => closeWith(CLOSE_IDLE, `no data received for ${Math.round(idleTimeoutMs / 1000)} s`), idleTimeoutMs);
    };

    const send: EnvelopeSink = (env: Envelope) => {
      if (detached || ws.readyState !== WebSocket.OPEN) return;
      let text: string;
      try { text = JSON.stringify(env); } catch (e) {
        log(`web host: dropping unserializable ${env.command}: ${errorMessage(e)}`);
        // A request still deserves an answer, or the frontend would wait for it forever.
        if (env.request_id === undefined || env.request_id <= 0) return;
        text = JSON.stringify({ command: 'error', request_id: env.request_id, data: 'internal error: the response could not be serialized' });
      }
      if (ws.bufferedAmount + text.length > maxBuffered) {
        closeWith(CLOSE_TOO_SLOW, `client too slow: over ${Math.round(maxBuffered / 1048576)} MiB unsent`);
        return;
      }
      ws.send(text);
    };
    const sendError = (requestId: number, message: string) => send({ command: 'error', request_id: requestId, data: message });

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (detached) return;
      resetIdle();
      if (isBinary) { sendError(0, 'binary frames are not supported: send JSON text'); return; }
      let parsed: unknown;
      try { parsed = JSON.parse(rawDataToString(data)); } catch (e) {
        sendError(0, `malformed JSON: ${errorMessage(e)}`);
        return;
      }
      const ping = pingOf(parsed);
      if (ping) {
        if (ping.last_received_id !== undefined) lastReceivedId = ping.last_received_id;
        if (ping.request_id !== undefined) send({ command: 'pong', request_id: ping.request_id });
        return;
      }
      try { connection?.receive(parsed); } catch (e) {
        const id = requestIdOf(parsed);
        log(`web host: backend rejected a message: ${errorMessage(e)}`);
        if (id !== undefined && id > 0) sendError(id, 'internal error: the backend could not take the request');
      }
    });
    ws.on('ping', () => resetIdle());
    ws.on('error', (e) => log(`web host: websocket error: ${e.message}`));
    ws.on('close', () => {
      sockets.delete(ws);
      detach();
    });

    resetIdle();
    try {
      connection = backend.connect(send);
    } catch (e) {
      log(`web host: backend connect failed: ${errorMessage(e)}`);
      closeWith(1011, 'backend unavailable');
      return;
    }
    // The backend may have been told to close before connect() returned (e.g. it flooded the socket at once).
    if (detached) connection.close();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', (e) => log(`web host: server error: ${e.message}`));

  const port = (server.address() as AddressInfo).port;
  const hosts = ['127.0.0.1', 'localhost', '::1'];
  if (!isWildcardHost(bindHost) && !hosts.includes(bindHost.toLowerCase())) hosts.push(bindHost.toLowerCase());
  ownAuthorities = new Set(hosts.map((h) => `${urlHost(h)}:${port}`));
  ownOrigins = new Set([...ownAuthorities].map((a) => `http://${a}`));
  csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // 'self' should cover same-origin ws: in CSP3, but older engines (Safari) need the scheme spelled out.
    `connect-src 'self' ${[...ownAuthorities].map((a) => `ws://${a}`).join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

  const url = `http://${isWildcardHost(bindHost) ? '127.0.0.1' : urlHost(bindHost)}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    port,
    close() {
      closed ??= (async () => {
        closing = true;
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const ws of sockets) {
          if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'web host shutting down');
        }
        server.closeIdleConnections();
        // Peers that never answer the close frame would otherwise hold shutdown for ws' 30 s close timeout.
        const grace = setTimeout(() => {
          for (const ws of sockets) ws.terminate();
          server.closeAllConnections();
        }, SHUTDOWN_GRACE_MS);
        await done;
        clearTimeout(grace);
        wss.close();
      })();
      return closed;
    },
  };
}
