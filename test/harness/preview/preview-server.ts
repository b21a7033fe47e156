/**
 * Serves the built `dist/renderer` over http with the preview backend behind it, the way the web host does: the
 * RPC envelope on `/_gomuks/websocket`, generated avatars on `/_gomuks/media/`. No login link or cookie: the
 * preview is for looking at the UI, and `authFail` imitates a web host that refuses the browser.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseMediaPath } from '../../../src/shared/rpc/media.ts';
import { previewMedia } from './fake-media.ts';
import { PreviewBackend, type PreviewBackendOptions } from './preview-backend.ts';

const DIST = resolve(import.meta.dirname, '../../../dist/renderer');

export interface PreviewOptions extends PreviewBackendOptions {
  /** Refuse every websocket with 401, as the web host does for a browser without its session cookie. */
  authFail: boolean;
}

export interface Preview {
  url: string;
  /** The websocket's URL, for a client outside the browser. */
  wsUrl: string;
  backend: PreviewBackend;
  close(): Promise<void>;
}

export async function startPreview(port: number, opts: PreviewOptions): Promise<Preview> {
  const backend = new PreviewBackend(opts);
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => { void serveHttp(req, res, backend, opts.authFail); });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/_gomuks/websocket' || opts.authFail) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => { attach(ws, backend); });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    wsUrl: `ws://127.0.0.1:${addr.port}/_gomuks/websocket`,
    backend,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One websocket is one backend connection: JSON text frames in and out. */
function attach(ws: WebSocket, backend: PreviewBackend): void {
  const conn = backend.connect((env) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(env));
  });
  ws.on('close', () => { conn.close(); });
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return;
    let message: unknown;
    try {
      const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      message = JSON.parse(bytes.toString('utf8'));
    } catch {
      return; // not JSON: nothing to answer, as no request_id can be read
    }
    conn.receive(message);
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

async function serveHttp(req: IncomingMessage, res: ServerResponse, backend: PreviewBackend, authFail: boolean): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/_gomuks/websocket') {
    res.writeHead(authFail ? 401 : 400, { 'content-type': 'text/plain' }).end(authFail ? 'unauthorized' : 'websocket only');
    return;
  }
  if (url.pathname.startsWith('/_gomuks/media/')) {
    serveMedia(res, url.pathname.slice('/_gomuks/media/'.length), url.searchParams, backend);
    return;
  }
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
  const file = join(DIST, rel === '' ? 'index.html' : rel);
  if (!file.startsWith(DIST)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found (did you run vite build?)');
  }
}

/** What the real hosts do with `/_gomuks/media/<server>/<mediaId>`, from generated files. */
function serveMedia(res: ServerResponse, pathPart: string, query: URLSearchParams, backend: PreviewBackend): void {
  const parsed = parseMediaPath(pathPart, query);
  const headers = { 'x-content-type-options': 'nosniff', 'content-security-policy': "sandbox; default-src 'none'" };
  if ('error' in parsed) { res.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end(`Bad media path: ${parsed.error}`); return; }
  backend.mediaRequests.push(parsed);
  const body = previewMedia(parsed.server, parsed.mediaId);
  if (!body) { res.writeHead(404, { ...headers, 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('M_NOT_FOUND'); return; }
  res.writeHead(200, { ...headers, 'content-type': 'image/png', 'cache-control': 'private, max-age=86400' }).end(body);
}
