/**
 * MatrixHttp's JSON calls and downloads over Node's http module (http-transport.ts) against real local HTTP servers: compressed
 * bodies, fetch's redirect rules (method, body and token), a body split anywhere in a multi-byte character, and the
 * failures a user must be told about in words (refused, reset mid-body, timed out, cancelled).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { ConnectionError, MatrixError } from '../../src/main/backend/matrix/errors.ts';
import { discoverHomeserver } from '../../src/main/backend/matrix/discovery.ts';
import { MatrixHttp } from '../../src/main/backend/matrix/http.ts';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A loopback server answering with `handler`; records every request. */
async function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; dropConnections: () => void; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.url?.startsWith('/upload') ? raw.toString('latin1') : raw.toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, seen,
    dropConnections: () => server.closeAllConnections(),
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

/** Every byte value, so a text decoding anywhere would show. */
const MEDIA = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
/** Large enough that the connection pushes back (several chunks wait for 'drain'). */
const UPLOAD = Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => (i * 13) % 256));

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
      if (url.pathname === '/media') {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': MEDIA.length });
        return res.end(MEDIA);
      }
      if (url.pathname === '/media-chunked') {
        // No Content-Length: the limit must hold while the bytes come.
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.write(MEDIA);
        return res.end(MEDIA);
      }
      if (url.pathname === '/media-bomb') {
        // 40 bytes on the wire that inflate past the limit.
        const zipped = zlib.gzipSync(Buffer.alloc(MEDIA.length * 4));
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip', 'Content-Length': zipped.length });
        return res.end(zipped);
      }
      if (url.pathname === '/upload') {
        const got = Buffer.from(body, 'latin1');
        return sendJson(res, 200, { content_uri: 'mxc://x/y', type: req.headers['content-type'], length: got.length, same: got.equals(UPLOAD) });
      }
      if (url.pathname === '/upload-refused') return sendJson(res, 413, { errcode: 'M_TOO_LARGE', error: 'Cannot upload files larger than 1 MB' });
      if (url.pathname === '/media-missing') return sendJson(res, 404, { errcode: 'M_NOT_FOUND', error: 'Not found' });
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

  it('downloads bytes as they are, and refuses more than the limit however they come', async () => {
    const client = new MatrixHttp(hs.url, 't');
    const got = await client.download('/media', { maxBytes: MEDIA.length });
    assert.equal(got.contentType, 'image/png');
    assert.ok(Buffer.from(got.body).equals(MEDIA));
    const tooLarge = (e: unknown) => e instanceof MatrixError && e.status === 413 && e.errcode === 'M_TOO_LARGE';
    await assert.rejects(client.download('/media', { maxBytes: MEDIA.length - 1 }), tooLarge);
    await assert.rejects(client.download('/media-chunked', { maxBytes: MEDIA.length + 10 }), tooLarge);
    await assert.rejects(client.download('/media-bomb', { maxBytes: MEDIA.length }), tooLarge);
    await assert.rejects(client.download('/media-missing', { maxBytes: 1000 }),
      (e: unknown) => e instanceof MatrixError && e.status === 404 && e.errcode === 'M_NOT_FOUND');
    // The client still works after connections were dropped mid-body.
    assert.equal((await client.download('/media-chunked', { maxBytes: MEDIA.length * 2 })).body.length, MEDIA.length * 2);
  });

  it('repeats a GET once on a new connection when the kept-alive one was closed by the server', async () => {
    const server = await serve((req, res) => sendJson(res, 200, { n: 1 }));
    try {
      const client = new MatrixHttp(server.url, 't');
      await client.request('GET', '/a');
      // The server drops the idle connection; the client has not seen it go yet.
      server.dropConnections();
      assert.deepEqual(await client.request('GET', '/b'), { n: 1 });
      assert.deepEqual(server.seen.map((r) => r.url), ['/a', '/b']);
    } finally {
      await server.close();
    }
  });

  it('uploads bytes as they are, telling the progress as they go out', async () => {
    const client = new MatrixHttp(hs.url, 't');
    const progress: number[] = [];
    const got = await client.upload<{ content_uri: string; type: string; length: number; same: boolean }>('/upload', UPLOAD,
      { contentType: 'image/png', onProgress: (sent, total) => { assert.equal(total, UPLOAD.length); progress.push(sent); } });
    assert.deepEqual(got, { content_uri: 'mxc://x/y', type: 'image/png', length: UPLOAD.length, same: true });
    assert.ok(progress.length > 2, 'several progress reports');
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress only grows');
    assert.equal(progress.at(-1), UPLOAD.length);
    await assert.rejects(client.upload('/upload-refused', UPLOAD, { contentType: 'image/png' }),
      (e: unknown) => e instanceof MatrixError && e.status === 413 && e.errcode === 'M_TOO_LARGE' && /larger than 1 MB/.test(e.message));
  });

  it('uploads with a length through an injected fetch too (a streamed body has none of its own)', async () => {
    const client = new MatrixHttp(hs.url, 't', (input, init) => fetch(input, init));
    const got = await client.upload<{ length: number; same: boolean }>('/upload', UPLOAD, { contentType: 'image/png' });
    assert.deepEqual([got.length, got.same], [UPLOAD.length, true]);
    assert.equal(hs.seen.at(-1)?.headers['content-length'], String(UPLOAD.length));
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

describe('the transport module', () => {
  it('does not load undici (Node\'s fetch) when it is imported', () => {
    // In a fresh process: this one's test runner may have loaded it already. An ES module import of node:http
    // would (its WebSocket export is a getter that loads undici), which the transport exists to avoid.
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', `
      await import(${JSON.stringify(new URL('../../src/main/backend/matrix/http-transport.ts', import.meta.url).href)});
      console.log(process.moduleLoadList.filter((m) => m.includes('undici')).join(','));`], { encoding: 'utf8' });
    assert.equal(loaded.trim(), '');
  });
});

describe('homeserver discovery over Node http', () => {
  it('follows .well-known to the homeserver, and says in words when nothing answers', async () => {
    let base = '';
    const homeserver = await serve((req, res) => {
      if (req.url === '/_matrix/client/versions') return sendJson(res, 200, { versions: ['v1.11'] });
      res.writeHead(404);
      res.end();
    });
    const named = await serve((req, res) => {
      // The document sits behind a redirect, as many servers serve it.
      if (req.url === '/.well-known/matrix/client') { res.writeHead(301, { Location: '/wk.json' }); return res.end(); }
      if (req.url === '/wk.json') return sendJson(res, 200, { 'm.homeserver': { base_url: `${base}/` }, 'org.example': 1 });
      res.writeHead(404);
      res.end();
    });
    base = homeserver.url;
    try {
      const wk = await discoverHomeserver(`@alice:${new URL(named.url).host}`);
      assert.equal(wk['m.homeserver'].base_url, homeserver.url);
      assert.equal((wk as Record<string, unknown>)['org.example'], 1);
      // No .well-known: the server name is itself the homeserver.
      assert.equal((await discoverHomeserver(`@alice:${new URL(homeserver.url).host}`))['m.homeserver'].base_url, homeserver.url);
    } finally {
      await homeserver.close();
      await named.close();
    }
    await assert.rejects(discoverHomeserver(`@alice:${new URL(named.url).host}`),
      /Could not find the homeserver for 127\.0\.0\.1:\d+: Could not reach the homeserver at http:\/\/127\.0\.0\.1:\d+: connection refused/);
  });
});
