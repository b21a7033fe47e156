/**
 * `/_gomuks/websocket`: relays gomuks-style RPC envelopes between each websocket and its own backend connection.
 * It adds nothing to the stream except `pong` (pings are a websocket-layer concern in gomuks), closes sockets that
 * go quiet or cannot keep up, and refuses upgrades from foreign origins and hosts.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Envelope } from '../../../shared/rpc/index.ts';
import type { Logger } from '../../backend/log/logger.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../../backend/rpc/connection.ts';
import { NOT_AUTHENTICATED, type HttpPolicy } from './http-policy.ts';
import type { WebAuth } from './web-auth.ts';

export const WEBSOCKET_PATH = '/_gomuks/websocket';
/** Close code for idle sockets: in the application range, mirroring HTTP 408. */
export const CLOSE_IDLE = 4408;
/** Close code for sockets that cannot keep up (RFC 6455 "try again later"). */
export const CLOSE_TOO_SLOW = 1013;

/** Requests are small; this only bounds what a misbehaving client can make us hold in memory. */
const MAX_INCOMING_FRAME = 16 * 1024 * 1024;

export interface RelayOptions {
  backend: BackendHost;
  auth: WebAuth;
  policy: HttpPolicy;
  logger: Logger;
  idleTimeoutMs: number;
  maxBufferedBytes: number;
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

function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  const buf = Buffer.from(`${body}\n`);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${buf.length}\r\nCache-Control: no-store\r\n\r\n${buf.toString()}`,
  );
}

export class WebSocketRelay {
  private readonly opts: RelayOptions;
  private readonly log: Logger;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_FRAME, perMessageDeflate: false });
  private readonly sockets = new Set<WebSocket>();
  private closing = false;

  constructor(opts: RelayOptions) {
    this.opts = opts;
    this.log = opts.logger;
  }

  /** The HTTP server's 'upgrade' event. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { auth, policy } = this.opts;
    socket.on('error', (e) => this.log.warn(`socket error before upgrade: ${e.message}`));
    const url = req.url ?? '';
    const rawPath = url.split('?', 1)[0];
    if (rawPath !== WEBSOCKET_PATH) { refuseUpgrade(socket, 404, 'Not Found'); return; }
    if (!policy.hostAllowed(req)) { refuseUpgrade(socket, 421, 'Misdirected Request: unexpected Host header'); return; }
    if (!policy.originAllowed(req)) {
      this.log.warn(`refused websocket from foreign origin ${req.headers.origin}`);
      refuseUpgrade(socket, 403, 'Forbidden: foreign origin');
      return;
    }
    if (!auth.checkCookie(req.headers.cookie)) { refuseUpgrade(socket, 401, NOT_AUTHENTICATED); return; }
    if (this.closing) { refuseUpgrade(socket, 503, 'Service Unavailable: shutting down'); return; }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
  }

  /** Refuses new sockets and asks the open ones to close. */
  beginClose(): void {
    this.closing = true;
    for (const ws of this.sockets) {
      if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'web host shutting down');
    }
  }

  /** Drops the sockets whose peers never answered the close frame. */
  terminateAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  close(): void {
    this.wss.close();
  }

  private onSocket(ws: WebSocket): void {
    const { backend, idleTimeoutMs, maxBufferedBytes: maxBuffered } = this.opts;
    const log = this.log;
    this.sockets.add(ws);
    let connection: BackendConnection | undefined;
    let detached = false;
    let idleTimer: NodeJS.Timeout | undefined;
    // Acknowledged position from pings. Kept for when an event buffer makes resumption possible; unused now.
    const resume: { lastReceivedId?: number } = {};

    // Stop feeding the socket as soon as we decide to close it, not only when the closing handshake ends.
    const detach = () => {
      if (detached) return;
      detached = true;
      clearTimeout(idleTimer);
      connection?.close();
    };
    const closeWith = (code: number, reason: string) => {
      log.info(`closing websocket: ${reason}`);
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
        log.error(`dropping unserializable ${env.command}: ${errorMessage(e)}`, { request_id: env.request_id });
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
        if (ping.last_received_id !== undefined) resume.lastReceivedId = ping.last_received_id;
        if (ping.request_id !== undefined) send({ command: 'pong', request_id: ping.request_id });
        return;
      }
      try { connection?.receive(parsed); } catch (e) {
        const id = requestIdOf(parsed);
        log.error(`backend rejected a message: ${errorMessage(e)}`, { request_id: id });
        if (id !== undefined && id > 0) sendError(id, 'internal error: the backend could not take the request');
      }
    });
    ws.on('ping', () => resetIdle());
    ws.on('error', (e) => log.warn(`websocket error: ${e.message}`));
    ws.on('close', () => {
      this.sockets.delete(ws);
      detach();
    });

    resetIdle();
    try {
      connection = backend.connect(send);
    } catch (e) {
      log.error(`backend connect failed: ${errorMessage(e)}`);
      closeWith(1011, 'backend unavailable');
      return;
    }
    // The backend may have been told to close before connect() returned (e.g. it flooded the socket at once).
    if (detached) connection.close();
  }
}
