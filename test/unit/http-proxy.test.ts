/**
 * Homeserver calls through a proxy named in the environment (proxy-env.ts, proxy-tunnel.ts): a real proxy
 * (test/harness/forward-proxy.ts: CONNECT tunnels and absolute-URI requests, recording what it saw) in front of real
 * local http and https servers, reached by `*.test` names the proxy resolves (loopback itself is never proxied). The
 * https server's self-signed certificate is for homeserver.test and is trusted through the process's default CA list;
 * certificate checking stays on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConnectionError } from '../../src/main/backend/matrix/errors.ts';
import { MatrixHttp } from '../../src/main/backend/matrix/http.ts';
import { proxyFor } from '../../src/main/backend/matrix/proxy-env.ts';
import { PROXY_CREDENTIALS, startForwardProxy, type ForwardProxy } from '../harness/forward-proxy.ts';

/** What the homeserver answers: what it was asked, so a test sees what arrived. */
function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, host: req.headers.host,
      authorization: req.headers.authorization ?? null, proxyAuthorization: req.headers['proxy-authorization'] ?? null,
      body: Buffer.concat(chunks).toString() });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
}

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

function setEnv(vars: Record<string, string>): void {
  for (const name of PROXY_VARS) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, vars);
}

describe('homeserver calls through a proxy from the environment', () => {
  const saved = Object.fromEntries(PROXY_VARS.map((n) => [n, process.env[n]]));
  const savedCAs = tls.getCACertificates('default');
  let dir = '';
  let tlsServer: https.Server;
  let plainServer: http.Server;
  let tlsPort = 0;
  let plainPort = 0;
  let open: ForwardProxy;
  let auth: ForwardProxy;
  let silent: ForwardProxy;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lattice-proxy-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=homeserver.test',
      '-addext', 'subjectAltName=DNS:homeserver.test'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    tls.setDefaultCACertificates([...savedCAs, cert]);
    tlsServer = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, echo);
    plainServer = http.createServer(echo);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => plainServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    plainPort = (plainServer.address() as AddressInfo).port;
    open = await startForwardProxy('open');
    auth = await startForwardProxy('auth');
    silent = await startForwardProxy('silent');
  });
  afterEach(() => {
    for (const p of [open, auth, silent]) { p.seen.length = 0; p.tunnelled.length = 0; }
  });
  after(async () => {
    setEnv(Object.fromEntries(Object.entries(saved).filter((e): e is [string, string] => e[1] !== undefined)));
    tls.setDefaultCACertificates(savedCAs);
    await Promise.all([open.close(), auth.close(), silent.close()]);
    for (const s of [tlsServer, plainServer]) { s.closeAllConnections(); s.close(); }
    rmSync(dir, { recursive: true, force: true });
  });

  it('tunnels https through CONNECT: the token only inside the TLS tunnel, the proxy credentials to the proxy', async () => {
    setEnv({ HTTPS_PROXY: `http://alice:s%3Acret@127.0.0.1:${auth.port}` });
    const client = new MatrixHttp(`https://homeserver.test:${tlsPort}`, 'secret-token');
    const got = await client.request<{ method: string; url: string; authorization: string; proxyAuthorization: string | null; body: string }>(
      'POST', '/json', { body: { hello: 'wörld' } });
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/json');
    assert.equal(got.authorization, 'Bearer secret-token', 'the homeserver got the token');
    assert.equal(got.proxyAuthorization, null, 'the proxy credentials stop at the proxy');
    assert.deepEqual(JSON.parse(got.body), { hello: 'wörld' });
    // A second call reuses the tunnel.
    await client.request('GET', '/again');
    assert.deepEqual(auth.seen.map((s) => [s.method, s.url]), [['CONNECT', `homeserver.test:${tlsPort}`]]);
    const connect = auth.seen[0];
    assert.equal(connect?.headers['proxy-authorization'], PROXY_CREDENTIALS);
    assert.equal(connect?.headers.authorization, undefined, 'no token in the CONNECT request');
    const inTunnel = Buffer.concat(auth.tunnelled);
    assert.ok(inTunnel.length > 0, 'the requests went through the tunnel');
    assert.equal(inTunnel.includes('secret-token'), false, 'the token is encrypted inside the tunnel');
    assert.equal(inTunnel.includes('/json'), false, 'so is the path');
  });

  it("checks the homeserver's certificate against the homeserver's name inside the tunnel", async () => {
    setEnv({ https_proxy: `127.0.0.1:${open.port}` });
    await assert.rejects(new MatrixHttp(`https://impostor.test:${tlsPort}`, 'secret-token').request('GET', '/json'),
      (e: unknown) => e instanceof ConnectionError && /impostor\.test\. is not in the cert's altnames: DNS:homeserver\.test/.test(e.message));
    assert.deepEqual(open.seen.map((s) => s.url), [`impostor.test:${tlsPort}`]);
    assert.equal(Buffer.concat(open.tunnelled).includes('secret-token'), false, 'nothing sent to a server that failed the check');
  });

  it('sends plain http to the proxy with the absolute URL and the proxy credentials', async () => {
    setEnv({ http_proxy: `http://alice:s%3Acret@127.0.0.1:${auth.port}`, HTTPS_PROXY: 'http://127.0.0.1:1' });
    const got = await new MatrixHttp(`http://homeserver.test:${plainPort}`, 'tok').request<{ url: string; host: string; authorization: string; body: string }>(
      'PUT', '/send/1', { query: { a: 'b' }, body: { n: 1 } });
    assert.deepEqual(got, { method: 'PUT', url: '/send/1?a=b', host: `homeserver.test:${plainPort}`, authorization: 'Bearer tok',
      proxyAuthorization: null, body: '{"n":1}' });
    assert.deepEqual(auth.seen.map((s) => [s.method, s.url]), [['PUT', `http://homeserver.test:${plainPort}/send/1?a=b`]]);
    assert.equal(auth.seen[0]?.headers['proxy-authorization'], PROXY_CREDENTIALS);
  });

  it('says in words when the proxy refuses, cannot be reached, or does not answer', async () => {
    setEnv({ HTTPS_PROXY: `http://127.0.0.1:${auth.port}`, HTTP_PROXY: `http://127.0.0.1:${auth.port}` });
    await assert.rejects(new MatrixHttp(`https://homeserver.test:${tlsPort}`, 'secret-token').request('GET', '/json'), (e: unknown) =>
      e instanceof ConnectionError && new RegExp(`^Could not reach the homeserver at https://homeserver\\.test:${tlsPort}: `
        + `the proxy at http://127\\.0\\.0\\.1:${auth.port} refused the connection: 407 Proxy Authentication Required$`).test(e.message));
    await assert.rejects(new MatrixHttp(`http://homeserver.test:${plainPort}`, 'tok').request('GET', '/json'), (e: unknown) =>
      e instanceof ConnectionError && /the proxy at http:\/\/127\.0\.0\.1:\d+ refused the connection: 407 Proxy Authentication Required$/.test(e.message));
    setEnv({ HTTPS_PROXY: `http://127.0.0.1:${open.port}` });
    await assert.rejects(new MatrixHttp('https://homeserver.invalid', 't').request('GET', '/json'), (e: unknown) =>
      e instanceof ConnectionError && /the proxy at http:\/\/127\.0\.0\.1:\d+ refused the connection: 502 Bad Gateway$/.test(e.message));
    const closed = await startForwardProxy('open');
    await closed.close();
    setEnv({ HTTPS_PROXY: `http://127.0.0.1:${closed.port}`, HTTP_PROXY: `http://127.0.0.1:${closed.port}` });
    for (const url of [`https://homeserver.test:${tlsPort}`, `http://homeserver.test:${plainPort}`]) {
      await assert.rejects(new MatrixHttp(url, 't').request('GET', '/json'), (e: unknown) =>
        e instanceof ConnectionError && new RegExp(`the proxy at http://127\\.0\\.0\\.1:${closed.port} could not be reached: connection refused \\(is the server running and is the address right\\?\\)$`).test(e.message));
    }
    setEnv({ HTTPS_PROXY: `http://127.0.0.1:${silent.port}` });
    await assert.rejects(new MatrixHttp(`https://homeserver.test:${tlsPort}`, 't').request('GET', '/json', { timeoutMs: 200 }),
      (e: unknown) => e instanceof ConnectionError && /the request timed out/.test(e.message));
    setEnv({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' });
    await assert.rejects(new MatrixHttp(`https://homeserver.test:${tlsPort}`, 't').request('GET', '/json'),
      (e: unknown) => e instanceof ConnectionError && /the proxy socks5:\/\/127\.0\.0\.1:1080 \(in HTTPS_PROXY\) is not an http:\/\/ proxy/.test(e.message));
  });

  it('goes direct to loopback addresses and to the hosts no_proxy names', async () => {
    setEnv({ HTTPS_PROXY: `http://127.0.0.1:${open.port}`, HTTP_PROXY: `http://127.0.0.1:${open.port}` });
    const direct = await new MatrixHttp(`http://127.0.0.1:${plainPort}`, 'tok').request<{ host: string }>('GET', '/json');
    assert.equal(direct.host, `127.0.0.1:${plainPort}`);
    await new MatrixHttp(`http://localhost:${plainPort}`, 'tok').request('GET', '/json');
    // 0.0.0.0 is this machine too: connecting to it reaches what listens on 127.0.0.1.
    const unspecified = await new MatrixHttp(`http://0.0.0.0:${plainPort}`, 'tok').request<{ host: string }>('GET', '/json');
    assert.equal(unspecified.host, `0.0.0.0:${plainPort}`);
    assert.deepEqual(open.seen, [], 'the proxy saw nothing');
    // Listed: a direct connection, which cannot resolve the name the proxy would have.
    for (const list of ['homeserver.test', '.test', `foo.example, homeserver.test:${plainPort}`, '*']) {
      setEnv({ HTTP_PROXY: `http://127.0.0.1:${open.port}`, NO_PROXY: list });
      await assert.rejects(new MatrixHttp(`http://homeserver.test:${plainPort}`, 'tok').request('GET', '/json'),
        (e: unknown) => e instanceof ConnectionError && /could not be resolved/.test(e.message), `NO_PROXY=${list}`);
    }
    assert.deepEqual(open.seen, [], 'the proxy saw nothing');
    // Another port, another host, or a name merely ending alike: still through the proxy (read anew each call).
    for (const list of ['homeserver.test:1', 'other.test', 'erver.test']) {
      setEnv({ HTTP_PROXY: `http://127.0.0.1:${open.port}`, no_proxy: list });
      await new MatrixHttp(`http://homeserver.test:${plainPort}`, 'tok').request('GET', '/json');
    }
    assert.equal(open.seen.length, 3);
  });

  it('reads the variables as curl and Go do', () => {
    const at = (url: string, env: Record<string, string>) => proxyFor(new URL(url), env)?.shown;
    const p = 'http://proxy:3128';
    assert.equal(at('https://hs.example/x', { HTTPS_PROXY: p }), p);
    assert.equal(at('https://hs.example/x', { HTTP_PROXY: p }), undefined, 'http_proxy is not for https');
    assert.equal(at('http://hs.example/x', { HTTPS_PROXY: p }), undefined, 'https_proxy is not for http');
    assert.equal(at('https://hs.example', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }), 'http://lower:2');
    assert.equal(at('https://hs.example', { HTTPS_PROXY: 'proxy:3128' }), p, 'no scheme means http');
    assert.equal(at('https://hs.example', { HTTPS_PROXY: '' }), undefined);
    assert.equal(at('https://hs.example', { HTTPS_PROXY: 'http://u:p@proxy:3128' }), p, 'credentials never shown');
    for (const loopback of ['https://127.0.0.1', 'https://127.5.0.1:8448', 'https://[::1]:8448', 'https://localhost', 'https://a.localhost', 'https://[::ffff:127.0.0.1]:8448', 'https://[::ffff:7f00:2]',
      'https://0.0.0.0:8448', 'https://0', 'https://[::]:8448', 'https://[0:0:0:0:0:0:0:0]', 'https://[::ffff:0.0.0.0]']) {
      assert.equal(at(loopback, { HTTPS_PROXY: p }), undefined, loopback);
    }
    const bypass = (url: string, list: string) => at(url, { HTTPS_PROXY: p, NO_PROXY: list }) === undefined;
    assert.ok(bypass('https://matrix.example.org', 'example.org'));
    assert.ok(bypass('https://matrix.example.org', '.example.org'));
    assert.ok(bypass('https://example.org', '.example.org'));
    assert.ok(bypass('https://matrix.example.org', '*.example.org'));
    assert.ok(bypass('https://MATRIX.Example.org', 'other.net, EXAMPLE.org'));
    assert.ok(!bypass('https://badexample.org', 'example.org'));
    assert.ok(bypass('https://hs.example:8448', 'hs.example:8448'));
    assert.ok(!bypass('https://hs.example:8448', 'hs.example:443'));
    assert.ok(bypass('https://hs.example', 'hs.example:443'), 'the scheme default port');
    assert.ok(bypass('https://10.1.2.3', '10.0.0.0/8'));
    assert.ok(!bypass('https://11.1.2.3', '10.0.0.0/8'));
    assert.ok(bypass('https://[fd00::5]', 'fd00::/8'));
    assert.ok(bypass('https://[fd00::5]:8448', '[fd00::5]:8448'));
    assert.ok(bypass('https://anything', '*'));
    assert.ok(bypass('https://hs.example', 'a.example,,  hs.example'));
    assert.equal(at('https://hs.example', { HTTPS_PROXY: p, no_proxy: 'other', NO_PROXY: 'hs.example' }), p, 'no_proxy wins');
    assert.throws(() => proxyFor(new URL('https://hs.example'), { HTTPS_PROXY: 'http://u:p@[bad' }), /not a URL: http:\/\/…@\[bad/);
  });
});
