/**
 * Media against a real Synapse: upload_media (a file from an allowed folder) and Backend.uploadMedia (what the
 * hosts' upload routes call, with progress) give content that Bob can download; download_media fills the
 * content-addressed cache with authenticated media, and makes the thumbnails Synapse cannot. The web host's upload
 * route goes through the backend worker. Video and audio are re-encoded by ffmpeg (checked with ffprobe). get_picture
 * gives a picture's bytes (a chat export's pictures), only as a raster image. Bad input and refused files get errors
 * in words.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import http from 'node:http';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { loadOrCreateWebAuth } from '../../src/main/host/web/web-auth.ts';
import { startWebServer } from '../../src/main/host/web/web-server.ts';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { makeStatic, rawRequest } from '../harness/web-host-kit.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { encodePng } from '../harness/png.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { gomuksCommands } from '../wire/gomuks-commands.ts';

function wireCheck(command: string, data: unknown): void {
  const r = gomuksCommands[command].response.safeParse(data);
  assert.ok(r.success, `${command} response differs from gomuks': ${r.success ? '' : JSON.stringify(r.error.issues)}`);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The container and streams of a media file, as ffprobe reads them. */
function probe(data: Uint8Array): { format: string; streams: { type: string; codec: string; w?: number; h?: number }[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-probe-'));
  try {
    const file = path.join(dir, 'media');
    writeFileSync(file, data);
    const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' })) as {
      format: { format_name: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
    };
    return {
      format: out.format.format_name,
      streams: out.streams.map((st) => ({ type: st.codec_type, codec: st.codec_name, ...(st.width ? { w: st.width, h: st.height } : {}) })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('media against Synapse', () => {
  let hs: SynapseServer;
  let bobUser: TestUser;
  let bob: MatrixPeer;
  let s: BackendSession;
  let general: string;
  let allowed: string;
  let outside: string;
  const png = encodePng(40, 30, (x, y) => [x * 6, y * 8, 128]);

  /** Bob's own media download (authenticated), as another client would do it. */
  async function bobDownload(mxc: string): Promise<Buffer> {
    const [server, id] = mxc.slice('mxc://'.length).split('/');
    const res = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/download/${server}/${id}`, { headers: { Authorization: `Bearer ${bobUser.accessToken}` } });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Bob uploads bytes as another client would; answers with the mxc:// URI. */
  async function bobUploads(bytes: Uint8Array, filename: string, type: string): Promise<string> {
    const up = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=${encodeURIComponent(filename)}`, {
      method: 'POST', body: new Uint8Array(bytes), headers: { Authorization: `Bearer ${bobUser.accessToken}`, 'Content-Type': type },
    });
    assert.equal(up.status, 200);
    return ((await up.json()) as { content_uri: string }).content_uri;
  }

  before(async () => {
    hs = await startSynapse();
    const aliceUser = await hs.registerUser('alice', 'alice-password');
    bobUser = await hs.registerUser('bob', 'bob-password');
    bob = new MatrixPeer(hs.baseUrl, bobUser);
    general = await bob.createRoom({ name: 'General', invite: [aliceUser.userId] });
    await new MatrixPeer(hs.baseUrl, aliceUser).join(general);
    allowed = mkdtempSync(path.join(tmpdir(), 'lattice-uploads-'));
    outside = mkdtempSync(path.join(tmpdir(), 'lattice-outside-'));
    s = await signedInBackend(hs.baseUrl, 'alice', 'alice-password', { uploadRoots: [allowed] });
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
    rmSync(allowed, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('upload_media sends an allowed file and answers with content to send; Bob gets the image', async () => {
    const file = path.join(allowed, 'picture.png');
    writeFileSync(file, png);
    const content = await s.client.request('upload_media', { path: file });
    wireCheck('upload_media', content);
    assert.equal(content.msgtype, 'm.image');
    assert.equal(content.body, 'picture.png');
    assert.deepEqual(content.info, { mimetype: 'image/png', size: png.length, w: 40, h: 30 });
    assert.match(content.url ?? '', /^mxc:\/\//);
    const echo = await s.client.request('send_message', { room_id: general, base_content: content });
    const sent = await bob.waitForMessage(general, (e) => e.content.url === content.url);
    assert.equal(sent.content.msgtype, 'm.image');
    assert.ok(echo.rowid > 0);
    assert.deepEqual(await bobDownload(content.url!), png);
  });

  it('upload_media re-encodes and resizes an image as gomuks\' encode_to options ask', async () => {
    const file = path.join(allowed, 'big-picture.png');
    writeFileSync(file, png);
    const jpeg = await s.client.request('upload_media', { path: file, encode_to: 'image/jpeg', resize_width: 20, resize_height: 10, quality: 70 });
    assert.equal(jpeg.msgtype, 'm.image');
    assert.equal(jpeg.info.mimetype, 'image/jpeg');
    assert.deepEqual([jpeg.info.w, jpeg.info.h], [20, 10]);
    const onServer = await bobDownload(jpeg.url!);
    assert.equal(onServer.length, jpeg.info.size);
    const meta = await sharp(onServer).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 20, 10]);
    // gomuks sends 0 for options it leaves unset.
    const half = await s.client.request('upload_media', { path: file, encode_to: 'image/webp', resize_width: 0, resize_height: 0, resize_percent: 50, quality: 0 });
    assert.deepEqual([half.info.mimetype, half.info.w, half.info.h], ['image/webp', 20, 15]);
  });

  it('upload_media re-encodes video and audio with ffmpeg as gomuks\' encode_to asks; Bob gets the new container and codecs', async () => {
    const clip = path.join(allowed, 'clip.avi');
    const tone = path.join(allowed, 'tone.wav');
    // A one-second test picture with a tone, and a tone alone, made by ffmpeg itself.
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=160x120:rate=10',
      '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', '-shortest', clip]);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', tone]);
    const mp4 = await s.client.request('upload_media', { path: clip, encode_to: 'video/mp4', resize_width: 80, resize_height: 60 });
    wireCheck('upload_media', mp4);
    assert.equal(mp4.msgtype, 'm.video');
    assert.equal(mp4.info.mimetype, 'video/mp4');
    // As gomuks: the re-encoded video's size and length in its info.
    assert.deepEqual([mp4.info.w, mp4.info.h], [80, 60]);
    assert.ok(mp4.info.duration! >= 900 && mp4.info.duration! <= 1200, `about a second: ${mp4.info.duration}`);
    const mp4Probe = probe(await bobDownload(mp4.url!));
    assert.match(mp4Probe.format, /mp4/);
    assert.deepEqual(mp4Probe.streams, [{ type: 'video', codec: 'h264', w: 80, h: 60 }, { type: 'audio', codec: 'aac' }]);
    const webm = await s.client.request('upload_media', { path: clip, encode_to: 'video/webm', resize_percent: 50 });
    assert.equal(webm.info.mimetype, 'video/webm');
    const webmProbe = probe(await bobDownload(webm.url!));
    assert.match(webmProbe.format, /webm/);
    assert.deepEqual(webmProbe.streams, [{ type: 'video', codec: 'vp9', w: 80, h: 60 }, { type: 'audio', codec: 'opus' }]);
    const ogg = await s.client.request('upload_media', { path: tone, encode_to: 'audio/ogg; codecs=opus' });
    assert.equal(ogg.msgtype, 'm.audio');
    assert.equal(ogg.info.mimetype, 'audio/ogg');
    assert.equal(ogg.info.w, undefined);
    assert.ok(ogg.info.duration! >= 900 && ogg.info.duration! <= 1200, `about a second: ${ogg.info.duration}`);
    const oggBytes = await bobDownload(ogg.url!);
    assert.equal(oggBytes.length, ogg.info.size);
    assert.deepEqual(probe(oggBytes), { format: 'ogg', streams: [{ type: 'audio', codec: 'opus' }] });
    // What ffmpeg cannot read is refused with its own words, and nothing is uploaded.
    writeFileSync(path.join(allowed, 'fake.avi'), 'not a video');
    await assert.rejects(s.client.request('upload_media', { path: path.join(allowed, 'fake.avi'), encode_to: 'video/mp4' }),
      /Could not re-encode fake\.avi: ffmpeg could not convert it to video\/mp4: .*Invalid data/);
  });

  it('Backend.uploadMedia (the hosts\' upload route) reports progress; the file lands in the cache by its hash', async () => {
    const data = Buffer.alloc(700 * 1024, 7);
    const progress: [number, number][] = [];
    const content = await s.backend.uploadMedia(data, {
      filename: 'notes.txt', contentType: 'text/plain', onProgress: (sent, total) => progress.push([sent, total]),
    });
    assert.equal(content.msgtype, 'm.file');
    assert.deepEqual(content.info, { mimetype: 'text/plain', size: data.length });
    assert.ok(progress.length >= 2, 'several steps');
    assert.deepEqual(progress.at(-1), [data.length, data.length]);
    assert.deepEqual(await bobDownload(content.url!), data);
    // The uploader's own copy is cached, so downloading it again costs nothing.
    const got = await s.client.request('download_media', { mxc: content.url! });
    assert.equal(path.basename(got.path), sha256(data));
    // Without a type from the host, the bytes say it is an image.
    const image = await s.backend.uploadMedia(png, { filename: 'upload' });
    assert.equal(image.msgtype, 'm.image');
    assert.deepEqual(image.info, { mimetype: 'image/png', size: png.length, w: 40, h: 30 });
  });

  it('download_media fetches Bob\'s upload (authenticated media) into the cache, with an avatar thumbnail', async () => {
    const bytes = encodePng(200, 200, (x) => [x, 0, 255 - x]);
    const mxc = await bobUploads(bytes, 'a.png', 'image/png');
    const got = await s.client.request('download_media', { mxc, is_avatar: true, thumbnail_avatar: true });
    wireCheck('download_media', got);
    assert.deepEqual(readFileSync(got.path), bytes);
    assert.equal(path.basename(got.path), sha256(bytes), 'stored under its content hash');
    assert.ok(got.path.startsWith(s.paths.cache));
    assert.ok(got.thumbnail_path && readFileSync(got.thumbnail_path).length > 0);
    assert.notEqual(got.thumbnail_path, got.path);
    const again = await s.client.request('download_media', { mxc });
    assert.equal(again.path, got.path);
  });

  it('a thumbnail Synapse cannot make (TIFF) is made here from the original, as WebP', async () => {
    const tiff = await sharp(encodePng(300, 200, (x, y) => [x % 256, y, 40])).tiff().toBuffer();
    const mxc = await bobUploads(tiff, 'scan.tiff', 'image/tiff');
    const [server, id] = mxc.slice('mxc://'.length).split('/');
    const serverThumb = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/thumbnail/${server}/${id}?width=96&height=96&method=crop`,
      { headers: { Authorization: `Bearer ${bobUser.accessToken}` } });
    assert.notEqual(serverThumb.status, 200, 'Synapse has no thumbnail of a TIFF');
    const got = await s.client.request('download_media', { mxc, thumbnail_avatar: true });
    assert.deepEqual(readFileSync(got.path), tiff);
    const meta = await sharp(readFileSync(got.thumbnail_path!)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 96, 96]);
    // The renderer's route gets it too, as an image it may show.
    const served = await s.backend.fetchMedia({ server, mediaId: id, thumbnail: { width: 64, height: 48 } });
    assert.equal(served.status, 200);
    assert.equal(served.contentType, 'image/webp');
  });

  it('get_picture gives a picture\'s bytes fitted or whole, only as an image, within the bytes asked for', async () => {
    const bytes = encodePng(1200, 600, (x, y) => [x % 256, y % 256, 90]);
    const mxc = await bobUploads(bytes, 'wide.png', 'image/png');
    const whole = await s.client.request('get_picture', { mxc });
    assert.equal(whole.mimetype, 'image/png');
    assert.deepEqual(Buffer.from(whole.data, 'base64'), bytes);
    // Fitted, its aspect kept: Synapse answers with the nearest of its scaled thumbnails (320×240 by default).
    const fitted = await s.client.request('get_picture', { mxc, fit: 200 });
    const meta = await sharp(Buffer.from(fitted.data, 'base64')).metadata();
    assert.ok(meta.width <= 320 && Math.abs(meta.width / meta.height - 2) < 0.05, `fitted: ${meta.width}×${meta.height}`);
    await assert.rejects(s.client.request('get_picture', { mxc, max_bytes: 100 }), /is \d+ bytes, more than the 100 asked for/);
    // An SVG (it could carry script) or any other file is not a picture the page will show.
    const svg = await bobUploads(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg', 'image/svg+xml');
    await assert.rejects(s.client.request('get_picture', { mxc: svg }), /is not a picture a page can show/);
    await assert.rejects(s.client.request('get_picture', { mxc: `mxc://${hs.serverName}/nosuchmedia` }), /Could not get the picture/);
    // A server of `..` would climb out of the media endpoint, with the token: refused before any request.
    await assert.rejects(s.client.request('get_picture', { mxc: 'mxc://../config' }), /must be an mxc:\/\/ URI/);
    await assert.rejects(s.client.request('download_media', { mxc: 'mxc://../config' }), /must be an mxc:\/\/ URI/);
    await assert.rejects(s.client.request('get_picture', { mxc, fit: 4 }), /fit must be from 16 to 1600 pixels/);
  });

  it('bad input and refused files get errors in words', async () => {
    const c = s.client;
    const secret = path.join(outside, 'id_rsa');
    writeFileSync(secret, 'not for the homeserver');
    await assert.rejects(c.request('upload_media', { path: secret }), /outside the folders/);
    symlinkSync(secret, path.join(allowed, 'sneaky-link'));
    await assert.rejects(c.request('upload_media', { path: path.join(allowed, 'sneaky-link') }), /outside the folders/);
    await assert.rejects(c.request('upload_media', { path: 'picture.png' }), /must be absolute/);
    await assert.rejects(c.request('upload_media', { path: path.join(allowed, 'missing.png') }), /There is no file/);
    await assert.rejects(c.request('upload_media', { path: allowed + path.sep }), /outside the folders|not a file/);
    const huge = path.join(allowed, 'huge.bin');
    writeFileSync(huge, '');
    truncateSync(huge, 60 * 1024 * 1024); // sparse: larger than Synapse's 50 MiB default, without the disk space
    await assert.rejects(c.request('upload_media', { path: huge }), /the homeserver accepts files up to/);
    writeFileSync(path.join(allowed, 'e.txt'), 'x');
    // Encrypted: ciphertext on the server, the key only in the answer's `file` (for the encrypted message).
    const enc = await c.request('upload_media', { path: path.join(allowed, 'e.txt'), encrypt: true });
    assert.equal(enc.url, undefined);
    assert.equal(enc.file?.v, 'v2');
    await assert.rejects(c.request('upload_media', { path: path.join(allowed, 'e.txt'), encode_to: 'video/avi' as 'image/png' }), /encode_to must be one of .*video\/mp4/);
    await assert.rejects(c.request('upload_media', { path: path.join(allowed, 'e.txt'), encode_to: 'image/png' }), /Could not re-encode e\.txt: it is not an image/);
    await assert.rejects(c.request('download_media', { mxc: 'https://example.org/a.png' }), /must be an mxc:\/\/ URI/);
    await assert.rejects(c.request('download_media', { mxc: `mxc://${hs.serverName}/nosuchmedia` }), /Could not download/);
    // No stored decrypted message carries this file's key: nothing to decrypt it with.
    await assert.rejects(c.request('download_media', { mxc: `mxc://${hs.serverName}/x`, encrypted: true }), /No decrypted message here carries the key/);
  });

  it('the web host\'s /_gomuks/upload: the backend worker uploads the body, with gomuks\' progress stream and the server\'s limit', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lattice-web-upload-'));
    const paths = resolveDataPaths({ LATTICE_ROOT: root });
    const worker = await BackendWorker.start({ paths, insecureSecretsFile: true });
    const c = RpcTestClient.inProcess(worker);
    const auth = await loadOrCreateWebAuth(paths.config);
    const server = await startWebServer({
      backend: worker, staticDir: await makeStatic(root), auth, uploadDir: path.join(paths.cache, 'uploads'),
      upload: { maxBytes: () => worker.maxUploadBytes(), upload: (params, file, onProgress) => worker.uploadMedia(params, file, onProgress) },
    });
    const headers = { Authorization: `Bearer ${auth.sessions.create().token}` };
    try {
      await c.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
      await c.waitForEvent('init_complete', () => true, 60_000, false);
      const image = await rawRequest(server.port, '/_gomuks/upload?filename=web.png', {
        method: 'POST', headers: { ...headers, 'Content-Type': 'application/octet-stream' }, body: png,
      });
      assert.equal(image.status, 200, image.body);
      const content = JSON.parse(image.body) as { msgtype: string; body: string; url: string; info: unknown };
      wireCheck('upload_media', content);
      assert.equal(content.msgtype, 'm.image', 'the bytes say what a generic type does not');
      assert.equal(content.body, 'web.png');
      assert.deepEqual(content.info, { mimetype: 'image/png', size: png.length, w: 40, h: 30 });
      assert.deepEqual(await bobDownload(content.url), png);
      const small = await rawRequest(server.port, '/_gomuks/upload?filename=small.webp&encode_to=image/webp&resize_percent=50', {
        method: 'POST', headers: { ...headers, 'Content-Type': 'image/png' }, body: png,
      });
      assert.equal(small.status, 200, small.body);
      const smaller = JSON.parse(small.body) as { url: string; info: unknown };
      assert.deepEqual(smaller.info, { mimetype: 'image/webp', size: (await bobDownload(smaller.url)).length, w: 20, h: 15 });

      const data = Buffer.alloc(900 * 1024, 3);
      const streamed = await rawRequest(server.port, '/_gomuks/upload?filename=big.txt&progress=true', {
        method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain' }, body: data,
      });
      assert.equal(streamed.status, 200);
      assert.equal(streamed.headers['content-type'], 'application/x-mau-progress-stream+json');
      const lines = streamed.body.trim().split('\n').map((l) => JSON.parse(l) as unknown);
      const last = lines.at(-1) as { msgtype: string; url: string; info: { size: number } };
      assert.equal(last.msgtype, 'm.file');
      assert.equal(last.info.size, data.length);
      assert.ok(lines.slice(0, -1).every((n) => typeof n === 'number' && n >= 0 && n <= 1), streamed.body.slice(0, 200));
      assert.equal(lines.at(-2), 1, 'the last progress says all of it went');
      assert.deepEqual(await bobDownload(last.url), data);

      // Synapse's limit (50 MiB by default), from its media config: a body declared larger is refused unread.
      const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1', port: server.port, path: '/_gomuks/upload?filename=huge.bin', method: 'POST',
          headers: { ...headers, 'Content-Length': String(60 * 1024 * 1024) },
        }, (res) => {
          let body = '';
          res.on('data', (b: Buffer) => { body += b.toString(); });
          res.on('end', () => { req.destroy(); resolve({ status: res.statusCode ?? 0, body }); });
        });
        req.on('error', reject);
        req.write(Buffer.alloc(1024));
      });
      assert.equal(refused.status, 413);
      assert.match(refused.body, /Files over 50 MiB cannot be uploaded/);
      // 64 bytes: AES-CTR turns one byte into one byte, which equals it once in 256 uploads (a flaky check).
      const plain = 'x'.repeat(64);
      const encrypted = await rawRequest(server.port, '/_gomuks/upload?filename=e.txt&encrypt=true', { method: 'POST', headers, body: plain });
      assert.equal(encrypted.status, 200, encrypted.body);
      const sealed = JSON.parse(encrypted.body) as { url?: string; file?: { v: string; url: string } };
      assert.equal(sealed.url, undefined);
      assert.equal(sealed.file?.v, 'v2');
      const held = await bobDownload(sealed.file.url);
      assert.equal(held.length, plain.length, 'as long as the file (AES-CTR)');
      assert.notDeepEqual(held, Buffer.from(plain), 'the server holds ciphertext');
    } finally {
      c.close();
      await server.close();
      await worker.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('upload_media is off unless the host allows folders', async () => {
    const other = await signedInBackend(hs.baseUrl, 'alice', 'alice-password');
    try {
      await assert.rejects(other.client.request('upload_media', { path: path.join(allowed, 'picture.png') }), /not enabled here/);
    } finally {
      await other.stop();
    }
  });
});
