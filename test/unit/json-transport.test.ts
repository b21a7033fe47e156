/**
 * MatrixHttp's JSON calls over Node's http module (json-transport.ts) against real local HTTP servers: compressed
 * bodies, fetch's redirect rules (method, body and token), a body split anywhere in a multi-byte character, and the
 * failures a user must be told about in words (refused, reset mid-body, timed out, cancelled).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { ConnectionError, MatrixError } from '../../src/main/backend/matrix/errors.ts';
import { MatrixHttp } from '../../src/main/backend/matrix/http.ts';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A loopback server answering with `handler`; records every request. */
async function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, encoding?: 'gzip' | 'br' | 'deflate'): void {
  const raw = Buffer.from(JSON.stringify(value));
  const body = encoding === 'gzip' ? zlib.gzipSync(raw) : encoding === 'br' ? zlib.brotliCompressSync(raw)
    : encoding === 'deflate' ? zlib.deflateSync(raw) : raw;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...(encoding ? { 'Content-Encoding': encoding } : {}) });
  res.end(body);
}

describe('MatrixHttp over Node http', () => {
  let hs: Awaited<ReturnType<typeof serve>>;
  let other: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    other = await serve((req, res, body) => sendJson(res, 200, { origin: 'other', method: req.method, body }));
    hs = await serve((req, res, body) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const enc = url.searchParams.get('enc');
      if (url.pathname === '/json') return sendJson(res, 200, { method: req.method, body, text: 'ü€😀'.repeat(50_000) }, (enc ?? undefined) as 'gzip' | undefined);
      if (url.pathname === '/redirect') {
        const to = url.searchParams.get('to') ?? '/json';
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { Location: to.startsWith('/') ? to : `${other.url}/echo` });
        return res.end();
      }
      if (url.pathname === '/loop') { res.writeHead(302, { Location: '/loop' }); return res.end(); }
      if (url.pathname === '/error') return sendJson(res, 429, { errcode: 'M_LIMIT_EXCEEDED', error: 'slow down' });
      if (url.pathname === '/retry-header') { res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' }); return res.end('{}'); }
      if (url.pathname === '/not-json') { res.writeHead(200, { 'Content-Type': 'text/html' }); return res.end('<html>'); }
      if (url.pathname === '/reset') {
        // Headers and half a body, then the connection dies.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 1000 });
        res.write('{"partial": "');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (url.pathname === '/bad-gzip') { res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }); return res.end('{"not": "gzip"}'); }
      if (url.pathname === '/hang') return; // never answers
      res.writeHead(404);
      res.end();
    });
  });
  after(async () => { await hs.close(); await other.close(); });

  it('sends the body and token, asks for compression and decodes every encoding it asks for', async () => {
    const client = new MatrixHttp(hs.url, 'secret-token');
    for (const enc of [undefined, 'gzip', 'deflate', 'br']) {
      const got = await client.request<{ method: string; body: string; text: string }>('POST', '/json',
        { query: enc ? { enc } : {}, body: { hello: 'wörld' } });
      assert.equal(got.method, 'POST');
      assert.deepEqual(JSON.parse(got.body), { hello: 'wörld' });
      // 200,000 characters of 2-, 3- and 4-byte UTF-8: chunk boundaries fall inside characters.
      assert.equal(got.text, 'ü€😀'.repeat(50_000), `body with encoding ${enc ?? 'identity'}`);
    }
    const last = hs.seen.at(-1);
    assert.equal(last?.headers.authorization, 'Bearer secret-token');
    assert.match(String(last?.headers['accept-encoding']), /gzip/);
    assert.match(String(last?.headers['accept-encoding']), /br/);
    assert.equal(last?.headers['content-type'], 'application/json');
    assert.equal(last?.headers['user-agent'], 'Lattice');
  });

  it('follows redirects as fetch does: 302 after a POST becomes a GET, 307 keeps both', async () => {
    const client = new MatrixHttp(hs.url, 't');
    const as302 = await client.request<{ method: string; body: string }>('POST', '/redirect', { query: { status: 302 }, body: { a: 1 } });
    assert.equal(as302.method, 'GET');
    assert.equal(as302.body, '');
    const as307 = await client.request<{ method: string; body: string }>('POST', '/redirect', { query: { status: 307 }, body: { a: 1 } });
    assert.equal(as307.method, 'POST');
    assert.deepEqual(JSON.parse(as307.body), { a: 1 });
    await assert.rejects(client.request('GET', '/loop'), (e: unknown) => e instanceof ConnectionError && /redirects/.test(e.message));
  });

  it('does not send the token on to another origin', async () => {
    const client = new MatrixHttp(hs.url, 'secret-token');
    const got = await client.request<{ origin: string }>('GET', '/redirect', { query: { to: 'other' } });
    assert.equal(got.origin, 'other');
    assert.equal(hs.seen.at(-1)?.headers.authorization, 'Bearer secret-token');
    assert.equal(other.seen.at(-1)?.headers.authorization, undefined);
  });

  it('turns error answers into MatrixErrors, with Retry-After read from the headers', async () => {
    const client = new MatrixHttp(hs.url, 't');
    await assert.rejects(client.request('GET', '/error', { rateLimitRetries: 0 }),
      (e: unknown) => e instanceof MatrixError && e.errcode === 'M_LIMIT_EXCEEDED' && e.status === 429);
    await assert.rejects(client.request('GET', '/retry-header', { rateLimitRetries: 0 }),
      (e: unknown) => e instanceof MatrixError && e.retryAfterMs === 7000);
    await assert.rejects(client.request('GET', '/not-json'), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
  });

  it('says in words when the server refuses, resets, does not answer, or the caller cancels', async () => {
    const gone = await serve(() => {});
    await gone.close();
    await assert.rejects(new MatrixHttp(gone.url).request('GET', '/json'),
      (e: unknown) => e instanceof ConnectionError && /Could not reach the homeserver at .*connection refused/.test(e.message));
    const client = new MatrixHttp(hs.url, 't');
    await assert.rejects(client.request('GET', '/reset'),
      (e: unknown) => e instanceof ConnectionError && /Could not reach the homeserver/.test(e.message));
    await assert.rejects(client.request('GET', '/bad-gzip'),
      (e: unknown) => e instanceof ConnectionError && /compressed but could not be decompressed/.test(e.message));
    await assert.rejects(client.request('GET', '/hang', { timeoutMs: 100 }),
      (e: unknown) => e instanceof ConnectionError && /the request timed out/.test(e.message));
    const ac = new AbortController();
    const pending = client.request('GET', '/hang', { signal: ac.signal });
    ac.abort(new Error('stopped by the user'));
    await assert.rejects(pending, /stopped by the user/);
  });
});
