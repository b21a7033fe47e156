import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CustomScheme } from 'electron';
import {
  APP_SCHEME_DEFINITION, createAppRequestHandler, registerAppScheme, serveAppScheme, type MediaBackend,
} from '../../src/main/desktop/app-protocol.ts';
import { CONTENT_SECURITY_POLICY, MEDIA_CONTENT_SECURITY_POLICY, parseMediaUrl } from '../../src/main/desktop/security.ts';
import { parseMediaPath, type MediaRequest, type MediaResponse } from '../../src/shared/rpc/media.ts';

describe('app scheme registration', () => {
  it('registers lattice as standard, secure and fetch-capable, without bypassing CSP', () => {
    const calls: CustomScheme[][] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => { calls.push(s); } });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].length, 1);
    const [scheme] = calls[0];
    assert.equal(scheme.scheme, 'lattice');
    assert.equal(scheme.privileges?.standard, true);
    assert.equal(scheme.privileges?.secure, true);
    assert.equal(scheme.privileges?.supportFetchAPI, true);
    assert.notEqual(scheme.privileges?.bypassCSP, true);
    assert.notEqual(scheme.privileges?.corsEnabled, true);
    assert.deepEqual(scheme, APP_SCHEME_DEFINITION);
  });

  it('handles the lattice scheme', () => {
    const handled: string[] = [];
    serveAppScheme({ handle: (scheme) => { handled.push(scheme); } }, '/nowhere');
    assert.deepEqual(handled, ['lattice']);
  });
});

describe('app request handler', () => {
  let root: string;
  let outside: string;
  let handler: (req: Request) => Promise<Response>;

  before(async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'lattice-proto-'));
    root = path.join(base, 'renderer');
    outside = path.join(base, 'secret.txt');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Lattice</title>');
    await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(outside, 'do not serve');
    handler = createAppRequestHandler(root);
  });
  after(async () => { await rm(path.dirname(root), { recursive: true, force: true }); });

  it('serves index.html with the CSP header and a text/html type', async () => {
    const res = await handler(new Request('lattice://app/'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), '<!doctype html><title>Lattice</title>');
  });

  it('serves module scripts as JavaScript', async () => {
    const res = await handler(new Request('lattice://app/assets/index-abc.js'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(await res.text(), 'console.log(1)');
  });

  it('answers HEAD without a body', async () => {
    const res = await handler(new Request('lattice://app/index.html', { method: 'HEAD' }));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });

  it('404s missing files, directories, other hosts and traversal attempts, always with the CSP', async () => {
    for (const url of ['lattice://app/nope.js', 'lattice://app/assets', 'lattice://other/index.html',
      'lattice://app/..%2fsecret.txt', 'lattice://app/..%2f..%2frenderer/index.html%00']) {
      const res = await handler(new Request(url));
      assert.equal(res.status, 404, url);
      assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, url);
      assert.doesNotMatch(await res.text(), /do not serve/);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await handler(new Request('lattice://app/index.html', { method: 'POST', body: 'x' }));
    assert.equal(res.status, 405);
  });

  it('says 500, not the error, when a file cannot be read', async () => {
    const h = createAppRequestHandler(root, async () => { throw Object.assign(new Error('EACCES: /secret'), { code: 'EACCES' }); });
    const res = await h(new Request('lattice://app/index.html'));
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /secret/);
  });
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function fakeMedia(answer: (req: MediaRequest) => MediaResponse | Promise<MediaResponse> = () => ({ status: 200, contentType: 'image/png', body: PNG })) {
  const requests: MediaRequest[] = [];
  const backend: MediaBackend = { fetchMedia: async (req) => { requests.push(req); return answer(req); } };
  return { backend, requests };
}

describe('media URLs', () => {
  it('parses lattice://media/<server>/<mediaId> with optional thumbnail size', () => {
    assert.deepEqual(parseMediaUrl('lattice://media/example.org/abcDEF_-1'), { server: 'example.org', mediaId: 'abcDEF_-1' });
    assert.deepEqual(parseMediaUrl('lattice://media/example.org%3A8448/x?w=96&h=64'),
      { server: 'example.org:8448', mediaId: 'x', thumbnail: { width: 96, height: 64 } });
    assert.deepEqual(parseMediaUrl('lattice://media/example.org/x?w=320&h=240&method=scale'),
      { server: 'example.org', mediaId: 'x', thumbnail: { width: 320, height: 240, scale: true } });
    assert.deepEqual(parseMediaUrl('lattice://media/example.org/x?w=32&h=32&method=crop'),
      { server: 'example.org', mediaId: 'x', thumbnail: { width: 32, height: 32 } });
  });

  it('is null for other hosts, schemes, userinfo and ports', () => {
    for (const url of ['lattice://app/index.html', 'https://media/example.org/x', 'lattice://u@media/example.org/x',
      'lattice://media:1/example.org/x', 'not a url']) {
      assert.equal(parseMediaUrl(url), null, url);
    }
  });

  it('says why an invalid media path is refused', () => {
    for (const url of ['lattice://media/example.org', 'lattice://media/example.org/a/b', 'lattice://media/exa%20mple.org/x',
      'lattice://media/example.org/bad%2Fid', 'lattice://media/example.org/x?w=0&h=10', 'lattice://media/example.org/x?w=96',
      'lattice://media/example.org/x?w=96&h=96&method=stretch']) {
      const r = parseMediaUrl(url);
      assert.ok(r && 'error' in r, url);
    }
  });

  it('refuses dot-segment server names, which would walk the homeserver URL to another endpoint', () => {
    // "." and ".." are made of allowed characters, but in /_matrix/client/v1/media/download/<server>/<id> they
    // resolve away and the token would go to /_matrix/client/v1/media/<id>. URL parsing already normalizes them out
    // of lattice:// URLs; the media path parser refuses them for any caller.
    for (const server of ['..', '.', '%2E%2E', '%2e']) {
      const r = parseMediaPath(`${server}/config`, new URLSearchParams());
      assert.ok('error' in r, `${server} → ${JSON.stringify(r)}`);
    }
    assert.ok(!('error' in parseMediaPath('a.b/config', new URLSearchParams())), 'dots between labels are fine');
    assert.ok('error' in parseMediaPath('a..b/config', new URLSearchParams()), 'an empty DNS label is not a server name');
    for (const url of ['lattice://media/%2E%2E/config', 'lattice://media/../config', 'lattice://media/%252E%252E/config']) {
      const r = parseMediaUrl(url);
      assert.ok(r === null || 'error' in r, `${url} → ${JSON.stringify(r)}`);
    }
  });
});

describe('media request handler', () => {
  const root = '/nonexistent-renderer';
  const noFiles = async (): Promise<Uint8Array<ArrayBuffer>> => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); };

  it('relays to the backend with the server, media ID and thumbnail size, and serves its bytes', async () => {
    const m = fakeMedia();
    const h = createAppRequestHandler(root, noFiles, () => m.backend);
    const res = await h(new Request('lattice://media/matrix.org/AbC123?w=96&h=96'));
    assert.equal(res.status, 200);
    assert.deepEqual(m.requests, [{ server: 'matrix.org', mediaId: 'AbC123', thumbnail: { width: 96, height: 96 } }]);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PNG);
  });

  it('answers a byte range (a media element seeking) with 206 and Content-Range, and one past the end with 416', async () => {
    const m = fakeMedia();
    const h = createAppRequestHandler(root, noFiles, () => m.backend);
    const whole = await h(new Request('lattice://media/matrix.org/AbC123'));
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    const part = await h(new Request('lattice://media/matrix.org/AbC123', { headers: { Range: 'bytes=1-3' } }));
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1-3/${PNG.byteLength}`);
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), PNG.subarray(1, 4));
    const past = await h(new Request('lattice://media/matrix.org/AbC123', { headers: { Range: `bytes=${PNG.byteLength}-` } }));
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${PNG.byteLength}`);
  });

  it('asks for the original without a size', async () => {
    const m = fakeMedia();
    await createAppRequestHandler(root, noFiles, () => m.backend)(new Request('lattice://media/matrix.org/AbC123'));
    assert.deepEqual(m.requests, [{ server: 'matrix.org', mediaId: 'AbC123' }]);
  });

  it('sends the safety headers: type, nosniff, private caching and a sandboxing CSP', async () => {
    const m = fakeMedia();
    const res = await createAppRequestHandler(root, noFiles, () => m.backend)(new Request('lattice://media/matrix.org/AbC123'));
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'private, max-age=86400');
    assert.equal(res.headers.get('content-security-policy'), MEDIA_CONTENT_SECURITY_POLICY);
    assert.equal(MEDIA_CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'");
  });

  it('passes the backend\'s errors on, uncached, and makes anything not an image a download', async () => {
    const m = fakeMedia((req) => req.mediaId === 'gone'
      ? { status: 404, contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode('not found'), error: 'not found' }
      : { status: 200, contentType: 'application/octet-stream', body: new Uint8Array([1, 2]) });
    const h = createAppRequestHandler(root, noFiles, () => m.backend);
    const gone = await h(new Request('lattice://media/matrix.org/gone'));
    assert.equal(gone.status, 404);
    assert.equal(gone.headers.get('cache-control'), 'no-store');
    assert.equal(await gone.text(), 'not found');
    const bin = await h(new Request('lattice://media/matrix.org/bin'));
    assert.equal(bin.headers.get('content-disposition'), 'attachment');
    assert.equal(bin.headers.get('content-security-policy'), MEDIA_CONTENT_SECURITY_POLICY);
  });

  it('answers 400 with the reason for bad paths, without asking the backend', async () => {
    const m = fakeMedia();
    const h = createAppRequestHandler(root, noFiles, () => m.backend);
    for (const url of ['lattice://media/matrix.org', 'lattice://media/matrix.org/a/b', 'lattice://media/matrix.org/x?w=5000&h=5000',
      'lattice://media/bad%20server/x', 'lattice://media/matrix.org/%E0%A4%A']) {
      const res = await h(new Request(url));
      assert.equal(res.status, 400, url);
      assert.match(await res.text(), /bad media path: \S/, url);
      assert.equal(res.headers.get('content-security-policy'), MEDIA_CONTENT_SECURITY_POLICY, url);
    }
    assert.deepEqual(m.requests, []);
  });

  it('answers 503 while the backend has not started', async () => {
    const res = await createAppRequestHandler(root, noFiles, () => null)(new Request('lattice://media/matrix.org/AbC123'));
    assert.equal(res.status, 503);
    // Without a media source at all (the plain app handler) it is the same.
    assert.equal((await createAppRequestHandler(root, noFiles)(new Request('lattice://media/matrix.org/AbC123'))).status, 503);
  });

  it('refuses methods other than GET and HEAD, and answers HEAD without a body', async () => {
    const m = fakeMedia();
    const h = createAppRequestHandler(root, noFiles, () => m.backend);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await h(new Request('lattice://media/matrix.org/AbC123', { method, body: method === 'DELETE' ? null : 'x' }));
      assert.equal(res.status, 405, method);
    }
    assert.deepEqual(m.requests, []);
    const head = await h(new Request('lattice://media/matrix.org/AbC123', { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'image/png');
    assert.equal(await head.text(), '');
  });

  it('says 502, not the error, when the backend fails or answers something unusable', async () => {
    const broken = createAppRequestHandler(root, noFiles, () => ({ fetchMedia: async () => { throw new Error('token secret'); } }));
    const res = await broken(new Request('lattice://media/matrix.org/AbC123'));
    assert.equal(res.status, 502);
    assert.doesNotMatch(await res.text(), /secret/);
    const odd = fakeMedia(() => ({ status: 0, contentType: 'image/png', body: PNG }));
    assert.equal((await createAppRequestHandler(root, noFiles, () => odd.backend)(new Request('lattice://media/matrix.org/x'))).status, 502);
  });

  it('leaves the app host as it was', async () => {
    const m = fakeMedia();
    const h = createAppRequestHandler(root, async () => new TextEncoder().encode('<!doctype html>'), () => m.backend);
    const res = await h(new Request('lattice://app/index.html'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(m.requests.length, 0);
  });
});
