/**
 * The websocket as gomuks speaks it (issue 6): resumption from the relay's event buffer, compress=1, image tokens,
 * and the upload route, against the real web server and an in-memory backend.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import { startWebServer, CLOSE_REPLACED, type WebServer, type WebServerOptions } from '../../src/main/host/web/web-server.ts';
import { loadOrCreateWebAuth, type WebAuth } from '../../src/main/host/web/web-auth.ts';
import type { UploadParams } from '../../src/main/host/upload-core.ts';
import { Client, FakeBackend, makeStatic, rawRequest, until } from '../harness/web-host-kit.ts';

describe('websocket relay', () => {
  let tmp: string;
  let staticDir: string;
  let auth: WebAuth;
  let headers: Record<string, string>;
  const servers: WebServer[] = [];

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lattice-relay-'));
    staticDir = await makeStatic(tmp);
    auth = await loadOrCreateWebAuth(path.join(tmp, 'config'));
    headers = { Authorization: `Bearer ${auth.sessions.create().token}` };
  });
  after(async () => {
    for (const s of servers) await s.close();
    await rm(tmp, { recursive: true, force: true });
  });

  async function serve(opts: Partial<WebServerOptions> = {}): Promise<{ server: WebServer; backend: FakeBackend; url: string }> {
    const backend = new FakeBackend();
    const server = await startWebServer({ backend, staticDir, auth, ...opts });
    servers.push(server);
    return { server, backend, url: `ws://127.0.0.1:${server.port}/_gomuks/websocket` };
  }

  const isEvent = (e: Envelope) => typeof e.request_id === 'number' && e.request_id < 0;

  test('a dropped connection resumes from the buffer: only the missed events, then init_complete', async () => {
    const { server, backend, url } = await serve();
    const first = (await Client.open(url, headers)).client;
    assert.ok(first);
    const runId = await first.next((e) => e.command === 'run_id');
    assert.equal((runId.data as { run_id: string }).run_id, server.runId, "the relay's run id, not the backend's");
    assert.equal((await first.next((e) => e.command === 'image_auth_token')).request_id, 0);
    first.send({ command: 'emit', request_id: 1, data: { count: 3 } });
    await first.next((e) => e.request_id === 1);
    const seen = first.messages.filter(isEvent);
    assert.equal(seen.length, 3);
    const last = seen[2].request_id as number;
    assert.ok(seen.every((e, i) => i === 0 || (e.request_id as number) < (seen[i - 1].request_id as number)), 'ids count down');
    first.send({ command: 'ping', request_id: 2, data: { last_received_id: seen[0].request_id } });
    await first.next((e) => e.request_id === 2);
    first.ws.terminate();
    await until(() => first.closed);
    const conn = backend.conns[0];
    assert.equal(conn.closed, false, 'kept for resumption');
    conn.emit('typing', { room_id: '!r:x', user_ids: ['@late1:x'] });
    conn.emit('typing', { room_id: '!r:x', user_ids: ['@late2:x'] });

    const second = (await Client.open(`${url}?run_id=${server.runId}&last_received_event=${last}`, headers)).client;
    assert.ok(second);
    await second.next((e) => e.command === 'init_complete');
    const got = second.messages.splice(0);
    assert.deepEqual(got.map((e) => e.command), ['run_id', 'image_auth_token', 'typing', 'typing']);
    assert.equal((got[0].data as { run_id: string }).run_id, server.runId);
    assert.deepEqual(got.slice(2).map((e) => (e.data as { user_ids: string[] }).user_ids[0]), ['@late1:x', '@late2:x']);
    assert.ok(got.slice(2).every((e) => (e.request_id as number) < last));
    assert.equal(backend.conns.length, 1, 'no new backend connection');
    // The resumed session works as before.
    second.send({ command: 'get_state', request_id: 3 });
    assert.deepEqual((await second.next((e) => e.request_id === 3)).data, { echo: 'get_state' });
    second.close(1001);
    await until(() => conn.closed);
  });

  test('an unknown run_id or a session it cannot replay gets the full state from a new backend connection', async () => {
    const { server, backend, url } = await serve({ resumeBuffer: { maxEvents: 3, maxBytes: 1 << 20 } });
    const a = (await Client.open(url, headers)).client;
    assert.ok(a);
    await a.next((e) => e.command === 'run_id');
    const last = a.messages.filter(isEvent).at(-1)?.request_id ?? -1;
    a.ws.terminate();
    await until(() => a.closed);
    const stale = (await Client.open(`${url}?run_id=123&last_received_event=${last}`, headers)).client;
    assert.ok(stale);
    await stale.next((e) => e.command === 'run_id');
    assert.equal(backend.conns.length, 2, 'another run: a fresh connection');
    stale.close(1001);
    // Too many events while disconnected: the buffer cannot cover them, so the session ends.
    for (let i = 0; i < 5; i++) backend.conns[0].emit('typing', { room_id: '!r:x', user_ids: [] });
    await until(() => backend.conns[0].closed);
    const late = (await Client.open(`${url}?run_id=${server.runId}&last_received_event=${last}`, headers)).client;
    assert.ok(late);
    await late.next((e) => e.command === 'run_id');
    assert.equal(backend.conns.length, 3);
    late.close(1001);
  });

  test('a session not resumed in time ends; a half-open socket is replaced by the one that resumes it', async () => {
    const { server, backend, url } = await serve({ resumeWindowMs: 100 });
    const a = (await Client.open(url, headers)).client;
    assert.ok(a);
    await a.next((e) => e.command === 'image_auth_token');
    a.ws.terminate();
    await until(() => backend.conns[0].closed, 2000);

    const b = (await Client.open(url, headers)).client;
    assert.ok(b);
    const run = await b.next((e) => e.command === 'run_id');
    const c = (await Client.open(`${url}?run_id=${server.runId}&last_received_event=${run.request_id}`, headers)).client;
    assert.ok(c);
    await c.next((e) => e.command === 'init_complete');
    await until(() => b.closed);
    assert.equal(b.closeCode, CLOSE_REPLACED);
    assert.equal(backend.conns[1].closed, false);
    assert.equal(backend.conns.length, 2);
    c.close(1001);
  });

  test('compress=1: binary frames of one raw-deflate stream, several envelopes batched per frame', async () => {
    const { url } = await serve();
    const client = (await Client.open(`${url}?compress=1`, headers)).client;
    assert.ok(client);
    await client.next((e) => e.command === 'run_id');
    client.send({ command: 'emit', request_id: 1, data: { count: 50 } });
    await client.next((e) => e.request_id === 1);
    assert.equal(client.messages.filter((e) => e.command === 'typing').length, 50);
    assert.ok(client.frames.every((f) => f.binary), 'compressed frames are binary');
    assert.ok(client.frames.some((f) => f.lines > 1), 'envelopes sent together share a frame');
    client.close(1001);
  });

  test('a new image_auth_token arrives every interval and opens media until its session ends', async () => {
    const { server, url } = await serve({
      imageTokenIntervalMs: 100, media: async () => ({ status: 200, contentType: 'image/png', body: Buffer.from('PNG') }),
    });
    const client = (await Client.open(url, headers)).client;
    assert.ok(client);
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await client.next((e) => e.command === 'image_auth_token')).data as string);
    for (const t of tokens) assert.equal((await rawRequest(server.port, `/_gomuks/media/hs.example/abc?image_auth=${t}`)).status, 200);
    client.close(1001);
  });

  test('/_gomuks/upload hands the body (through a private file) and the options to the backend upload', async () => {
    const calls: { params: UploadParams; body: string; mode: number }[] = [];
    const files: string[] = [];
    const uploadDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'lattice-upload-test-')), 'uploads');
    const { server } = await serve({
      uploadDir,
      upload: {
        maxBytes: async () => 64,
        upload: async (params, file, onProgress) => {
          files.push(file);
          calls.push({ params, body: await readFile(file, 'utf8'), mode: (await stat(file)).mode & 0o777 });
          if (params.filename === 'fail.txt') throw new Error('The homeserver refused the upload: too large');
          onProgress(0.5);
          onProgress(1);
          return { msgtype: 'm.file', body: params.filename, url: 'mxc://hs.example/up' };
        },
      },
    });
    const post = (q: string, h: Record<string, string> = headers, body = 'file body') =>
      rawRequest(server.port, `/_gomuks/upload${q}`, { method: 'POST', headers: { ...h, 'Content-Type': 'text/plain' }, body });
    const ok = await post('?filename=a.txt&encrypt=false');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { msgtype: 'm.file', body: 'a.txt', url: 'mxc://hs.example/up' });
    assert.deepEqual(calls[0], {
      params: { filename: 'a.txt', contentType: 'text/plain', encrypt: false, voice_message: false, force_file: false },
      body: 'file body', mode: 0o600,
    });
    assert.equal(path.dirname(files[0]), uploadDir);
    // gomuks' progress stream: numbers, then the content, one JSON value per line.
    const streamed = await post('?filename=b.txt&progress=true');
    assert.equal(streamed.status, 200);
    assert.equal(streamed.headers['content-type'], 'application/x-mau-progress-stream+json');
    const lines = streamed.body.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines.at(-1), { msgtype: 'm.file', body: 'b.txt', url: 'mxc://hs.example/up' });
    assert.ok(lines.slice(0, -1).every((n) => typeof n === 'number'), streamed.body);
    assert.equal(lines.at(-2), 1);
    const voice = await post('?filename=v.ogg&voice_message=true&duration=2140&waveform=0,512,1024');
    assert.equal(voice.status, 200);
    assert.deepEqual(calls.at(-1)?.params, {
      filename: 'v.ogg', contentType: 'text/plain', encrypt: false, voice_message: true, force_file: false,
      duration: 2140, waveform: [0, 512, 1024],
    });
    const badWave = await post('?voice_message=true&waveform=1,2000');
    assert.equal(badWave.status, 400);
    assert.match(badWave.body, /waveform must be whole numbers from 0 to 1024/);
    const bad = await post('?resize_percent=500');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /resize_percent must be a whole number from 1 to 100/);
    const video = await post('?encode_to=video/avi');
    assert.equal(video.status, 400);
    assert.match(video.body, /cannot encode to video\/avi: encode_to must be one of .*video\/mp4/);
    const failed = await post('?filename=fail.txt');
    assert.equal(failed.status, 502);
    assert.match(failed.body, /refused the upload/);
    // Over the homeserver's limit: refused by the length it declares, and while arriving when it declares none.
    const big = await post('?filename=big.txt', headers, 'x'.repeat(65));
    assert.equal(big.status, 413);
    assert.match(big.body, /M_TOO_LARGE/);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/_gomuks/upload?filename=c.txt', method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('x'.repeat(40));
      setTimeout(() => { req.write('x'.repeat(40)); }, 20);
    });
    assert.equal(chunked.status, 413);
    assert.equal((await post('', {})).status, 401);
    assert.equal((await post('', { ...headers, Origin: 'http://evil.example' })).status, 403);
    assert.equal((await rawRequest(server.port, '/_gomuks/upload', { headers })).status, 405);
    assert.equal(calls.length, 4);
    // Every body is deleted once the backend is done with it.
    assert.deepEqual(await readdir(uploadDir), []);
    await rm(path.dirname(uploadDir), { recursive: true, force: true });

    const { server: without } = await serve();
    const none = await rawRequest(without.port, '/_gomuks/upload', { method: 'POST', headers, body: 'x' });
    assert.equal(none.status, 501);
    assert.match(none.body, /cannot upload media yet/);
  });
});
