/**
 * The web host's HTTP side: serves the built renderer and relays gomuks-style RPC envelopes between websockets
 * and the backend. This file routes requests and owns the server's lifecycle; the parts live beside it:
 * http-policy.ts (Host/Origin checks, headers), auth-route.ts, static-route.ts, media-route.ts, websocket-relay.ts.
 *
 * upload-route.ts, and the sessions in web-auth.ts / web-sessions.ts.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaRequest, MediaResponse } from '../../../shared/rpc/index.ts';
import { silentLogger, type Logger } from '../../backend/log/logger.ts';
import type { BackendHost } from '../../backend/rpc/connection.ts';
import { handleAuth } from './auth-route.ts';
import { HttpPolicy, isWildcardHost, NOT_AUTHENTICATED, sendText, urlHost } from './http-policy.ts';
import { serveMedia } from './media-route.ts';
import { serveStatic } from './static-route.ts';
import type { UploadBackend } from '../upload-core.ts';
import { handleUpload } from './upload-route.ts';
import type { WebAuth } from './web-auth.ts';
import { WEBSOCKET_PATH, WebSocketRelay } from './websocket-relay.ts';

export { CLOSE_IDLE, CLOSE_REPLACED, CLOSE_SIGNED_OUT, CLOSE_TOO_SLOW } from './websocket-relay.ts';

export interface WebServerOptions {
  backend: BackendHost;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer: index.html plus its assets. */
  staticDir: string;
  auth: WebAuth;
  logger?: Logger;
  /** A socket that sends nothing for this long is closed; gomuks' rule is 60 s. */
  idleTimeoutMs?: number;
  /** Unsent bytes a socket may queue before it is closed as too slow to keep up. */
  maxBufferedBytes?: number;
  /** Serves `/_gomuks/media/<server>/<mediaId>` (see src/shared/rpc/media.ts); absent: 404. */
  media?: (req: MediaRequest) => Promise<MediaResponse>;
  /** The backend's upload for `/_gomuks/upload`; absent: the route answers 501. */
  upload?: UploadBackend;
  /** A private folder for upload bodies on their way to the backend (default: a new one in the system's temp). */
  uploadDir?: string;
  /** How long a dropped websocket's session waits to be resumed (default 5 minutes). */
  resumeWindowMs?: number;
  /** Unacknowledged events kept per session for resumption (default 5,000 events, 32 MiB). */
  resumeBuffer?: { maxEvents: number; maxBytes: number };
  /** How often each socket gets a new `image_auth_token` (gomuks: 30 minutes). */
  imageTokenIntervalMs?: number;
}

export interface WebServer {
  /** Base URL a local browser can open, e.g. http://127.0.0.1:29325 (no trailing slash). */
  url: string;
  port: number;
  /** Names this run for websocket resumption (the `run_id` clients get). */
  runId: string;
  /** Backend connections kept by the websocket relay, attached or waiting to be resumed. */
  sessionCount(): number;
  close(): Promise<void>;
}

export const AUTH_PATH = '/_gomuks/auth';
export const MEDIA_PREFIX = '/_gomuks/media/';
export const UPLOAD_PATH = '/_gomuks/upload';
/** Lower-case, as Node presents header names. */
const PAGE_TOKEN_HEADER = 'x-lattice-token';

const DEFAULT_IDLE_MS = 60_000;
const DEFAULT_MAX_BUFFERED = 64 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 2_000;

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { backend, auth, media, upload } = opts;
  const bindHost = opts.host ?? '127.0.0.1';
  const logger = opts.logger ?? silentLogger;

  let staticRoot: string;
  try { staticRoot = realpathSync(opts.staticDir); } catch {
    throw new Error(`static directory ${opts.staticDir} does not exist`);
  }

  const policy = new HttpPolicy(bindHost);
  let uploadDir: string | undefined;
  const relay = new WebSocketRelay({
    backend, auth, policy, logger,
    idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_IDLE_MS,
    maxBufferedBytes: opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED,
    resumeWindowMs: opts.resumeWindowMs ?? 5 * 60_000,
    bufferLimits: opts.resumeBuffer ?? { maxEvents: 5000, maxBytes: 32 * 1024 * 1024 },
    imageTokenIntervalMs: opts.imageTokenIntervalMs ?? 30 * 60_000,
  });

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    policy.securityHeaders(res);
    if (!policy.hostAllowed(req)) { sendText(res, 421, 'Misdirected Request: unexpected Host header'); return; }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (rawPath === AUTH_PATH) { await handleAuth(auth, policy, req, res, query); return; }
    if (rawPath === '/_gomuks' || rawPath.startsWith('/_gomuks/')) {
      // The cookie never counts here on its own (web-auth.ts): media takes gomuks' `image_auth` token, which only
      // the page's websocket hands out; everything else a session token or Basic credentials in Authorization.
      if (rawPath.startsWith(MEDIA_PREFIX) && media && auth.checkImageToken(query.get('image_auth'))) {
        await serveMedia(media, req, res, rawPath.slice(MEDIA_PREFIX.length), query);
        return;
      }
      if (!policy.originAllowed(req)) { sendText(res, 403, 'Forbidden: foreign origin'); return; }
      // The page asks here why its websocket failed, with the token it offers there: judged by the same rule.
      const pageToken = req.headers[PAGE_TOKEN_HEADER];
      const allowed = typeof pageToken === 'string'
        ? auth.browserSession(req.headers.cookie, pageToken) !== undefined
        : await auth.headerPrincipal(req.headers.authorization) !== undefined;
      if (!allowed) { sendText(res, 401, NOT_AUTHENTICATED); return; }
      if (rawPath === WEBSOCKET_PATH) { sendText(res, 426, 'Upgrade Required: this is a websocket endpoint', { Upgrade: 'websocket' }); return; }
      if (rawPath.startsWith(MEDIA_PREFIX) && media) { await serveMedia(media, req, res, rawPath.slice(MEDIA_PREFIX.length), query); return; }
      if (rawPath === UPLOAD_PATH) {
        uploadDir ??= opts.uploadDir ?? await mkdtemp(path.join(tmpdir(), 'lattice-uploads-'));
        await handleUpload(upload, uploadDir, req, res, query);
        return;
      }
      sendText(res, 404, 'Not Found');
      return;
    }
    await serveStatic(staticRoot, auth, logger, req, res, rawPath);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((e: unknown) => {
      // The path only: query strings carry login keys and image tokens.
      logger.error(`${req.method} ${(req.url ?? '').split('?', 1)[0]} failed: ${errorMessage(e)}`);
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => relay.upgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', (e) => logger.error(`server error: ${e.message}`));

  const port = (server.address() as AddressInfo).port;
  policy.listeningOn(port);
  const url = `http://${isWildcardHost(bindHost) ? '127.0.0.1' : urlHost(bindHost)}:${port}`;
  logger.info(`listening on ${url}`);
  let closed: Promise<void> | undefined;

  return {
    url,
    port,
    runId: relay.runId,
    sessionCount: () => relay.sessionCount,
    close() {
      closed ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        relay.beginClose();
        server.closeIdleConnections();
        // Peers that never answer the close frame would otherwise hold shutdown for ws' 30 s close timeout.
        const grace = setTimeout(() => {
          relay.terminateAll();
          server.closeAllConnections();
        }, SHUTDOWN_GRACE_MS);
        await done;
        clearTimeout(grace);
        relay.close();
        // A folder of our own making; bodies still in it were interrupted uploads.
        if (uploadDir && !opts.uploadDir) await rm(uploadDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
