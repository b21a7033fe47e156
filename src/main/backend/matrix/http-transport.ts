/**
 * The one HTTP exchange every homeserver call makes (MatrixHttp): a request with a JSON text or bytes (an upload,
 * with its progress) or no body, the whole answer as bytes, up to a size. Two implementations: Node's own http/https
 * modules (the default), and any `fetch` (what tests inject).
 *
 * Why not fetch by default: Node's fetch (undici, with WHATWG streams, Headers and AbortSignal plumbing) costs about
 * 1.2 ms of CPU more per request than http.request, and a third more on a large body (measured on this project's
 * machines: 100 responses of 300 KB, 280 against 155 ms; one of 20 MB, 180 against 120 ms); its module takes about
 * 50 ms of CPU and 5 MB of heap to load. A client catching up after a night offline makes hundreds of /sync
 * requests in a row. What fetch did beyond the exchange is kept here: compressed bodies (gzip, deflate, br) and
 * redirects with fetch's rules (at most 20; 303, and 301/302 after a POST, become a GET without a body; the token is
 * not sent on to another origin).
 *
 * Proxies come from the environment (proxy-env.ts) or, in the desktop app, the system's settings (system-proxy.ts),
 * chosen anew for each request and each redirect: https goes through a CONNECT tunnel (proxy-tunnel.ts), plain http
 * is sent to the proxy with the absolute URL.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import type { Proxy } from './proxy-env.ts';
import { ProxyRefused, ProxyUnreachable, tunnelAgent, type TunnelOptions } from './proxy-tunnel.ts';
import { chooseProxy } from './system-proxy.ts';

// Not `import http from 'node:http'`: an ES module's import of a built-in reads every export of it, and node:http's
// WebSocket, CloseEvent and MessageEvent are getters that load undici (about 50 ms of CPU at the worker's start, the
// cost this transport exists to avoid). process.getBuiltinModule gives the module without touching its exports.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** A JSON text, or bytes (an upload: sent in chunks, each reported to onProgress once written). */
  body?: string | Uint8Array;
  onProgress?: (sent: number, total: number) => void;
  signal: AbortSignal;
  /** A longer answer (as sent, or as it decompresses) is refused with BodyTooLarge, and its connection dropped. */
  maxBytes?: number;
  /**
   * 'manual' answers a redirect as it came (its status and Location), for a caller with its own rules about where
   * it may lead; the default follows it.
   */
  redirect?: 'follow' | 'manual';
}

export interface TransportResponse {
  status: number;
  statusText: string;
  /** A response header by name (any case), or undefined. */
  header(name: string): string | undefined;
  body: Buffer;
}

/** The answer was longer than the request's maxBytes. */
export class BodyTooLarge extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the answer is more than ${maxBytes} bytes`);
    this.name = 'BodyTooLarge';
    this.maxBytes = maxBytes;
  }
}

/**
 * Rejects with the error of the connection (its `code`, e.g. ECONNREFUSED, says what went wrong) or, once the
 * signal has fired, with whatever the connection gave up with (the caller reads the signal's reason).
 */
export type HttpTransport = (req: TransportRequest) => Promise<TransportResponse>;

const MAX_REDIRECTS = 20;

/** Node's http/https modules: their global agents (kept-alive connections), or the proxy chooseProxy names. */
export const nodeTransport: HttpTransport = async (req) => {
  let { method, url, body } = req;
  // The homeserver shows the user agent in a session's details (other clients' session lists show it too).
  const headers: Record<string, string> = { 'User-Agent': 'Lattice', ...req.headers, 'Accept-Encoding': 'gzip, deflate, br' };
  for (let redirects = 0; ; redirects++) {
    const chosen = chooseProxy(url);
    // Synchronous without a system proxy (the web host, the benchmark): then not even an extra turn of the loop.
    const proxy = chosen instanceof Promise ? await chosen : chosen;
    const res = await exchange(method, url, headers, body, proxy, req).catch((e: unknown) => {
      // A kept-alive connection the server had closed just as it was picked: the request never reached the
      // server, so one retry on a new connection is safe for a request that may be repeated anyway (Node's own
      // advice for its agent; POSTs are left to their callers).
      if (!(e instanceof StaleConnection)) throw e;
      return exchange(method, url, headers, body, proxy, req, false);
    });
    const location = res.status >= 300 && res.status < 400 && res.status !== 304 ? res.header('location') : undefined;
    if (location === undefined || req.redirect === 'manual') return res;
    if (redirects === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${req.url.origin}`);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`a redirect to ${next.protocol} is not followed`);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      delete headers['Content-Type'];
    }
    if (next.origin !== url.origin) delete headers.Authorization;
    url = next;
  }
};

/** Methods HTTP defines as safe to repeat (RFC 9110 9.2.2); the Matrix API sends with PUT and a transaction ID. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** A reused connection failed before any answer came (see nodeTransport). */
class StaleConnection extends Error {}

function exchange(method: string, url: URL, headers: Record<string, string>, body: string | Uint8Array | undefined,
  proxy: Proxy | undefined, opts: Pick<TransportRequest, 'signal' | 'maxBytes' | 'onProgress'>, mayRetry = true): Promise<TransportResponse> {
  const { signal, maxBytes = Infinity } = opts;
  const length = body === undefined ? undefined : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const all = length === undefined ? headers : { ...headers, 'Content-Length': String(length) };
  return new Promise<TransportResponse>((resolve, reject) => {
    const request = open(url, method, all, signal, proxy, (res) => {
      if (proxy && url.protocol === 'http:' && res.statusCode === 407) {
        // The proxy's own refusal of a forwarded request, not the homeserver's answer.
        request.destroy();
        reject(new ProxyRefused(proxy.shown, 407, res.statusMessage ?? ''));
        return;
      }
      if (Number(res.headers['content-length']) > maxBytes) {
        request.destroy();
        reject(new BodyTooLarge(maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const collect = async (source: AsyncIterable<Buffer>) => {
        for await (const c of source) {
          size += c.length;
          // Thrown inside the pipeline, which then destroys the response and with it the connection.
          if (size > maxBytes) throw new BodyTooLarge(maxBytes);
          chunks.push(c);
        }
      };
      // A body-less answer may still name an encoding; there is nothing to decode.
      const bodyless = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      const decoder = bodyless ? undefined : decoderFor(res.headers['content-encoding']);
      const done = decoder ? pipeline(res, decoder, collect, { signal }) : pipeline(res, collect, { signal });
      done.then(() => {
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return Array.isArray(v) ? v.join(', ') : v;
          },
          body: Buffer.concat(chunks, size),
        });
      }, reject);
    });
    request.on('error', (e: NodeJS.ErrnoException) => {
      // A plain http request goes to the proxy itself: failing to reach it is the proxy's failure.
      if (proxy && url.protocol === 'http:' && !request.reusedSocket && !signal.aborted && isConnectFailure(e)) {
        reject(new ProxyUnreachable(proxy.shown, e));
        return;
      }
      const stale = mayRetry && request.reusedSocket && IDEMPOTENT.has(method) && !signal.aborted
        && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
      reject(stale ? new StaleConnection(e.message, { cause: e }) : e);
    });
    writeBody(request, body, opts.onProgress);
  });
}

/**
 * Starts a request: directly, through a CONNECT tunnel (https), or to the proxy with the absolute URL (http; the
 * homeserver's own headers go with it, as they would go in clear on a direct connection anyway).
 */
function open(url: URL, method: string, headers: Record<string, string>, signal: AbortSignal, proxy: Proxy | undefined,
  onResponse: (res: IncomingMessage) => void): ClientRequest {
  if (!proxy) return (url.protocol === 'https:' ? https.request : http.request)(url, { method, headers, signal }, onResponse);
  if (url.protocol === 'https:') {
    const options: HttpsRequestOptions & TunnelOptions = { method, headers, signal, agent: tunnelAgent(proxy), tunnelSignal: signal };
    return https.request(url, options, onResponse);
  }
  const auth = proxy.authorization ? { 'Proxy-Authorization': proxy.authorization } : {};
  return http.request({
    host: proxy.url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: proxy.url.port || 80,
    method,
    path: `${url.origin}${url.pathname}${url.search}`,
    headers: { ...headers, Host: url.host, ...auth },
    signal,
  }, onResponse);
}

function isConnectFailure(e: NodeJS.ErrnoException): boolean {
  return e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH';
}

const UPLOAD_CHUNK = 256 * 1024;

/** Sends the body: bytes chunk by chunk as the connection takes them, so the progress follows what went out. */
function writeBody(request: ClientRequest, body: string | Uint8Array | undefined,
  onProgress?: (sent: number, total: number) => void): void {
  if (body === undefined || typeof body === 'string') {
    request.end(body);
    return;
  }
  let offset = 0;
  const next = () => {
    while (offset < body.byteLength) {
      const chunk = body.subarray(offset, Math.min(offset + UPLOAD_CHUNK, body.byteLength));
      offset += chunk.byteLength;
      const sent = offset;
      const more = request.write(chunk, () => onProgress?.(sent, body.byteLength));
      if (!more) {
        request.once('drain', next);
        return;
      }
    }
    request.end();
  };
  next();
}

/** The decompressing stream for a Content-Encoding, or undefined for an identity body. */
function decoderFor(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip': case 'x-gzip': return zlib.createGunzip();
    case 'deflate': return zlib.createInflate();
    case 'br': return zlib.createBrotliDecompress();
    default: return undefined;
  }
}

/** A transport over a fetch function (tests inject a fake one; its failures reject as fetch's do). */
export function fetchTransport(fetchImpl: typeof fetch): HttpTransport {
  return async (req) => {
    // A streamed body has no length fetch could give; servers want one for an upload (Synapse refuses without).
    const data = req.body;
    const bytes = typeof data === 'object';
    const headers = bytes ? { ...req.headers, 'Content-Length': String(data.byteLength) } : req.headers;
    const body = bytes ? { body: uploadStream(data, req.onProgress), duplex: 'half' as const } : { body: data };
    const res = await fetchImpl(req.url, { method: req.method, headers, signal: req.signal, redirect: req.redirect ?? 'follow', ...body });
    const answer = Buffer.from(await res.arrayBuffer());
    if (req.maxBytes !== undefined && answer.length > req.maxBytes) throw new BodyTooLarge(req.maxBytes);
    return { status: res.status, statusText: res.statusText, header: (name) => res.headers.get(name) ?? undefined, body: answer };
  };
}

/** The bytes as a stream fetch pulls chunk by chunk, so the progress follows what was actually handed over. */
export function uploadStream(data: Uint8Array, onProgress?: (sent: number, total: number) => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.byteLength) {
        controller.close();
        return;
      }
      const chunk = data.subarray(offset, Math.min(offset + UPLOAD_CHUNK, data.byteLength));
      offset += chunk.byteLength;
      controller.enqueue(chunk);
      onProgress?.(offset, data.byteLength);
    },
  });
}
