/**
 * The one HTTP exchange MatrixHttp's JSON calls make: a request with a small text body, the whole answer as text.
 * Two implementations: Node's own http/https modules (the default), and any `fetch` (what tests inject).
 *
 * Why not fetch by default: Node's fetch (undici, with WHATWG streams, Headers and AbortSignal plumbing) costs about
 * 1.2 ms of CPU more per request than http.request, and a third more on a large body (measured on this project's
 * machines: 100 responses of 300 KB, 280 against 155 ms; one of 20 MB, 180 against 120 ms); its module takes about
 * 50 ms of CPU and 5 MB of heap to load. A client catching up after a night offline makes hundreds of /sync
 * requests in a row. What fetch did beyond the exchange is kept here: compressed bodies (gzip, deflate, br) and
 * redirects with fetch's rules (at most 20; 303, and 301/302 after a POST, become a GET without a body; the token is
 * not sent on to another origin).
 */
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** A JSON text. */
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  statusText: string;
  /** A response header by name (any case), or undefined. */
  header(name: string): string | undefined;
  text: string;
}

/**
 * Rejects with the error of the connection (its `code`, e.g. ECONNREFUSED, says what went wrong) or, once the
 * signal has fired, with whatever the connection gave up with (the caller reads the signal's reason).
 */
export type JsonTransport = (req: TransportRequest) => Promise<TransportResponse>;

const MAX_REDIRECTS = 20;

/** Node's http/https modules, through their global agents (kept-alive connections, and the proxy Node may be told of). */
export const nodeTransport: JsonTransport = async (req) => {
  let { method, url, body } = req;
  // The homeserver shows the user agent in a session's details (other clients' session lists show it too).
  const headers: Record<string, string> = { 'User-Agent': 'Lattice', ...req.headers, 'Accept-Encoding': 'gzip, deflate, br' };
  for (let redirects = 0; ; redirects++) {
    const res = await exchange(method, url, headers, body, req.signal);
    const location = res.status >= 300 && res.status < 400 && res.status !== 304 ? res.header('location') : undefined;
    if (location === undefined) return res;
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

function exchange(method: string, url: URL, headers: Record<string, string>, body: string | undefined,
  signal: AbortSignal): Promise<TransportResponse> {
  const send = url.protocol === 'https:' ? https.request : http.request;
  const all = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  return new Promise<TransportResponse>((resolve, reject) => {
    const request = send(url, { method, headers: all, signal }, (res) => {
      const chunks: Buffer[] = [];
      const collect = async (source: AsyncIterable<Buffer>) => { for await (const c of source) chunks.push(c); };
      // A body-less answer may still name an encoding; there is nothing to decode.
      const bodyless = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      const decoder = bodyless ? undefined : decoderFor(res.headers['content-encoding']);
      const done = decoder ? pipeline(res, decoder, collect, { signal }) : pipeline(res, collect, { signal });
      done.then(() => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return Array.isArray(v) ? v.join(', ') : v;
          },
          text,
        });
      }, reject);
    });
    request.on('error', reject);
    request.end(body);
  });
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
export function fetchTransport(fetchImpl: typeof fetch): JsonTransport {
  return async (req) => {
    const res = await fetchImpl(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: req.body });
    const text = await res.text();
    return { status: res.status, statusText: res.statusText, header: (name) => res.headers.get(name) ?? undefined, text };
  };
}
