/**
 * The desktop shell's upload route (`POST lattice://app/_gomuks/upload`): the body goes to a private temporary file,
 * the backend uploads it from there, and the answer is the content to send; too-large bodies and other origins are
 * refused. Electron is not loaded: the protocol handler takes and answers fetch-style Requests.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppRequestHandler } from '../../src/main/desktop/app-protocol.ts';
import { isFromAppOrigin, isUploadUrl } from '../../src/main/desktop/app-upload.ts';
import type { UploadBackend, UploadParams } from '../../src/main/host/upload-core.ts';

const CONTENT = { msgtype: 'm.file', body: 'notes.txt', url: 'mxc://hs.example/abc' };

function fakeUploads(limit: number | undefined) {
  const calls: Array<{ params: UploadParams; bytes: string; mode: number }> = [];
  const backend: UploadBackend = {
    maxBytes: async () => limit,
    upload: async (params, file, onProgress) => {
      const bytes = await readFile(file, 'utf8');
      calls.push({ params, bytes, mode: (await stat(file)).mode & 0o777 });
      onProgress(0.5);
      onProgress(1);
      return CONTENT;
    },
  };
  return { backend, calls };
}

function post(body: string, headers: Record<string, string> = { origin: 'lattice://app' }, query = 'filename=notes.txt'): Request {
  return new Request(`lattice://app/_gomuks/upload?${query}`, {
    method: 'POST', body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(body)); c.close(); } }),
    headers: { 'content-type': 'text/plain', ...headers }, duplex: 'half',
  } as RequestInit);
}

describe('desktop upload route', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lattice-upload-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });
  const handler = (backend: UploadBackend | null) =>
    createAppRequestHandler('/nowhere', undefined, undefined, { backend: () => backend, dir: () => path.join(dir, 'uploads') });

  it('knows the route and the app origin', () => {
    assert.ok(isUploadUrl('lattice://app/_gomuks/upload?filename=a'));
    assert.ok(!isUploadUrl('lattice://media/_gomuks/upload'));
    assert.ok(!isUploadUrl('lattice://app/_gomuks/uploads'));
    assert.ok(isFromAppOrigin(new Request('lattice://app/x', { headers: { origin: 'lattice://app' } })));
    assert.ok(!isFromAppOrigin(new Request('lattice://app/x', { headers: { origin: 'null' } })));
    assert.ok(!isFromAppOrigin(new Request('lattice://app/x')));
  });

  it('streams the body to a private file, has the backend upload it and answers the content', async () => {
    const { backend, calls } = fakeUploads(1024);
    const res = await handler(backend)(post('hello upload'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), CONTENT);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].bytes, 'hello upload');
    assert.equal(calls[0].mode, 0o600);
    assert.equal(calls[0].params.filename, 'notes.txt');
    assert.equal(calls[0].params.contentType, 'text/plain');
    // The temporary file is gone once the answer is out.
    assert.deepEqual(await readdir(path.join(dir, 'uploads')), []);
  });

  it('streams progress lines then the content with progress=true', async () => {
    const { backend } = fakeUploads(undefined);
    const res = await handler(backend)(post('abc', undefined, 'filename=a.txt&progress=true'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-mau-progress-stream+json');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines.at(-1), CONTENT);
    assert.ok(lines.slice(0, -1).every((l) => typeof l === 'number'));
  });

  it('refuses a body over the limit with 413, before or while it arrives, without calling the upload', async () => {
    const { backend, calls } = fakeUploads(4);
    const declared = await handler(backend)(post('too long', { origin: 'lattice://app', 'content-length': '8' }));
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { errcode: string }).errcode, 'M_TOO_LARGE');
    const streamed = await handler(backend)(post('too long'));
    assert.equal(streamed.status, 413);
    assert.match(((await streamed.json()) as { error: string }).error, /cannot be uploaded/);
    assert.equal(calls.length, 0);
    assert.deepEqual(await readdir(path.join(dir, 'uploads')), []);
  });

  it('refuses other origins, other methods, and a stopped backend', async () => {
    const { backend, calls } = fakeUploads(1024);
    assert.equal((await handler(backend)(post('x', { origin: 'null' }))).status, 403);
    assert.equal((await handler(backend)(post('x', { origin: 'https://evil.example' }))).status, 403);
    assert.equal((await handler(backend)(post('x', {}))).status, 403);
    assert.equal((await handler(backend)(new Request('lattice://app/_gomuks/upload'))).status, 405);
    assert.equal((await handler(null)(post('x'))).status, 503);
    assert.equal(calls.length, 0);
  });

  it('says in words when the backend cannot upload', async () => {
    const backend: UploadBackend = { maxBytes: async () => undefined, upload: async () => { throw new Error('the homeserver said no'); } };
    const res = await handler(backend)(post('x'));
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { errcode: 'M_UNKNOWN', error: 'the homeserver said no' });
  });
});
