import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CustomScheme } from 'electron';
import { APP_SCHEME_DEFINITION, createAppRequestHandler, registerAppScheme, serveAppScheme } from '../../src/main/desktop/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/main/desktop/security.ts';

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
