/**
 * The uploader's rules on a fake homeserver: the size limit, the server's refusal, the encryption hook, and the
 * re-encoding of video and audio with ffmpeg refused in words when ffmpeg is missing or fails, and a video's poster
 * (made by the real ffmpeg from a real clip) sent beside it, or left out when ffmpeg is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import type { AttachmentCrypto } from '../../src/main/backend/media/attachment-crypto.ts';
import { MediaCache } from '../../src/main/backend/media/media-cache.ts';
import { MediaUploader } from '../../src/main/backend/media/media-uploader.ts';
import { FakeFetch, json, matrixError } from '../harness/fake-fetch.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lattice-upload-'));

function uploader(opts: { limit?: number; refuse?: boolean; crypto?: AttachmentCrypto; ffmpeg?: string; ffprobe?: string }) {
  let uploads = 0;
  const fake = new FakeFetch((req) => {
    if (req.url.pathname === '/_matrix/client/v1/media/config') return json(200, opts.limit ? { 'm.upload.size': opts.limit } : {});
    if (req.url.pathname === '/_matrix/media/v3/upload') {
      return opts.refuse ? matrixError(413, 'M_TOO_LARGE') : json(200, { content_uri: `mxc://hs.test/abc${++uploads === 1 ? '' : uploads}` });
    }
    return matrixError(404, 'M_UNRECOGNIZED');
  });
  const client = new MatrixClient('https://hs.test', 'token', fake.fetch);
  return { fake, up: new MediaUploader(client, new MediaCache(dir), () => opts.crypto, { ffmpeg: opts.ffmpeg, ffprobe: opts.ffprobe }) };
}

describe('media uploader', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file over the homeserver\'s limit before uploading anything', async () => {
    const { fake, up } = uploader({ limit: 100 });
    await assert.rejects(up.upload(new Uint8Array(101), { filename: 'big.bin', contentType: 'application/octet-stream' }),
      /big\.bin is 101 bytes; the homeserver accepts files up to 100 bytes/);
    assert.equal(fake.to('/_matrix/media/v3/upload').length, 0);
    const ok = await up.upload(new Uint8Array(100), { filename: 'fits.bin', contentType: 'application/octet-stream' });
    assert.equal(ok.url, 'mxc://hs.test/abc');
    assert.equal(fake.to('/_matrix/client/v1/media/config').length, 1, 'the limit is asked once, then remembered');
  });

  it('says so when the server refuses the size itself', async () => {
    const { up } = uploader({ refuse: true });
    await assert.rejects(up.upload(new Uint8Array(5), { filename: 'x.bin', contentType: 'text/plain' }), /refused x\.bin: it is too large/);
  });

  it('encrypts through the hook: the server sees neither name nor type, the content carries `file`', async () => {
    const crypto: AttachmentCrypto = {
      encrypt: (p) => Promise.resolve({ ciphertext: p.map((b) => b ^ 0xff), file: { v: 'v2', key: { k: 'secret' }, iv: 'iv', hashes: { sha256: 'h' } } }),
      decrypt: () => Promise.reject(new Error('unused')),
    };
    const { fake, up } = uploader({ crypto });
    const content = await up.upload(new Uint8Array([1, 2, 3]), { filename: 'private.txt', contentType: 'text/plain', encrypt: true });
    const [req] = fake.to('/_matrix/media/v3/upload');
    assert.equal(req.headers['content-type'], 'application/octet-stream');
    assert.equal(req.url.searchParams.get('filename'), null);
    assert.equal(content.url, undefined);
    assert.deepEqual(content.file, { v: 'v2', key: { k: 'secret' }, iv: 'iv', hashes: { sha256: 'h' }, url: 'mxc://hs.test/abc' });
    assert.deepEqual(content.info, { mimetype: 'text/plain', size: 3 });
  });

  it('refuses to re-encode video or audio in words when ffmpeg is not installed, uploading nothing and leaving no file', async () => {
    const { fake, up } = uploader({ ffmpeg: path.join(dir, 'no-such-ffmpeg') });
    await assert.rejects(up.upload(new Uint8Array([1, 2, 3]), { filename: 'clip.mov', contentType: 'video/quicktime', reencode: { encodeTo: 'video/mp4' } }),
      /^Error: Could not re-encode clip\.mov: re-encoding to video\/mp4 needs ffmpeg, which is not installed on this computer \(install it, e\.g\. apt-get install ffmpeg, or upload without encode_to\)$/);
    assert.equal(fake.to('/_matrix/media/v3/upload').length, 0);
    assert.deepEqual(readdirSync(new MediaCache(dir).tempDir), [], 'the temporary files are gone');
  });

  it('sends a voice message as m.audio with the voice marker and MSC1767 audio block: the sender\'s length and waveform', async () => {
    const { up } = uploader({ ffprobe: path.join(dir, 'no-such-ffprobe') });
    const content = await up.upload(new Uint8Array([1, 2, 3]), {
      filename: 'Voice message.ogg', contentType: 'audio/ogg; codecs=opus', voiceMessage: true,
      voice: { duration: 2140, waveform: [0, 512, 1024] },
    });
    assert.equal(content.msgtype, 'm.audio');
    assert.deepEqual(content.info, { mimetype: 'audio/ogg; codecs=opus', size: 3, duration: 2140 });
    assert.deepEqual(content['org.matrix.msc3245.voice'], {});
    assert.deepEqual(content['org.matrix.msc1767.audio'], { duration: 2140, waveform: [0, 512, 1024] });
    // Without a waveform (or a length anyone could tell) the block is still there: it marks the audio as MSC1767's.
    const bare = await up.upload(new Uint8Array([1]), { filename: 'v.webm', contentType: 'audio/webm', voiceMessage: true });
    assert.deepEqual(bare['org.matrix.msc1767.audio'], {});
    // A length given for a file that is not audio or video is not put into its info.
    const file = await up.upload(new Uint8Array([1]), { filename: 'a.txt', contentType: 'text/plain', voice: { duration: 5 } });
    assert.deepEqual(file.info, { mimetype: 'text/plain', size: 1 });
  });

  it('sends a video without its length and size when ffprobe is missing (they are a courtesy, as in gomuks)', async () => {
    const { fake, up } = uploader({ ffprobe: path.join(dir, 'no-such-ffprobe') });
    const content = await up.upload(new Uint8Array([1, 2, 3]), { filename: 'clip.mp4', contentType: 'video/mp4' });
    assert.equal(content.msgtype, 'm.video');
    assert.deepEqual(content.info, { mimetype: 'video/mp4', size: 3 });
    assert.equal(fake.to('/_matrix/media/v3/upload').length, 1);
    assert.deepEqual(readdirSync(new MediaCache(dir).tempDir), []);
  });

  it('says what ffmpeg said when it cannot convert the file, and leaves no file behind', async () => {
    const { fake, up } = uploader({});
    await assert.rejects(up.upload(new TextEncoder().encode('not a recording'), { filename: 'notes.ogg', contentType: 'audio/ogg', reencode: { encodeTo: 'audio/mpeg' } }),
      /^Error: Could not re-encode notes\.ogg: ffmpeg could not convert it to audio\/mpeg: .*Invalid data found when processing input/);
    assert.equal(fake.to('/_matrix/media/v3/upload').length, 0);
    assert.deepEqual(readdirSync(new MediaCache(dir).tempDir), []);
  });

  /** A real one-second 160x120 H.264 clip, made by ffmpeg (which the test machine has, as setup.sh installs it). */
  function clip(): Uint8Array {
    const file = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    return readFileSync(file);
  }

  it('sends a video with a JPEG poster of its first frame, named in thumbnail_url with thumbnail_info', async () => {
    const { fake, up } = uploader({});
    const content = await up.upload(clip(), { filename: 'clip.mp4', contentType: 'video/mp4' });
    assert.equal(content.msgtype, 'm.video');
    assert.equal(content.url, 'mxc://hs.test/abc');
    const info = content.info;
    assert.equal(info.thumbnail_url, 'mxc://hs.test/abc2');
    assert.deepEqual({ ...info.thumbnail_info, size: undefined }, { mimetype: 'image/jpeg', w: 160, h: 120, size: undefined });
    const [video, poster] = fake.to('/_matrix/media/v3/upload');
    assert.equal(video.headers['content-type'], 'video/mp4');
    assert.equal(poster.headers['content-type'], 'image/jpeg');
    const cache = new MediaCache(dir);
    const jpeg = cache.read(cache.get(MediaCache.key('hs.test', 'abc2'))!)!;
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    assert.equal(info.thumbnail_info?.size, jpeg.byteLength);
    assert.deepEqual(readdirSync(cache.tempDir), [], 'the temporary files are gone');
  });

  it('encrypts a video\'s poster with its own key into thumbnail_file, and sends a video without one when ffmpeg is missing', async () => {
    let keys = 0;
    const crypto: AttachmentCrypto = {
      encrypt: (p) => Promise.resolve({ ciphertext: p.map((b) => b ^ 0xff), file: { v: 'v2', key: { k: `key${++keys}` }, iv: 'iv', hashes: { sha256: 'h' } } }),
      decrypt: () => Promise.reject(new Error('unused')),
    };
    const { fake, up } = uploader({ crypto });
    const content = await up.upload(clip(), { filename: 'secret.mp4', contentType: 'video/mp4', encrypt: true });
    assert.equal(content.info.thumbnail_url, undefined);
    assert.deepEqual(content.info.thumbnail_file, { v: 'v2', key: { k: 'key2' }, iv: 'iv', hashes: { sha256: 'h' }, url: 'mxc://hs.test/abc2' });
    assert.deepEqual((content.file as { key: unknown }).key, { k: 'key1' });
    for (const req of fake.to('/_matrix/media/v3/upload')) {
      assert.equal(req.headers['content-type'], 'application/octet-stream', 'the server sees no type');
      assert.equal(req.url.searchParams.get('filename'), null, 'nor a name');
    }

    const without = uploader({ ffmpeg: path.join(dir, 'no-such-ffmpeg') });
    const plain = await without.up.upload(clip(), { filename: 'clip.mp4', contentType: 'video/mp4' });
    assert.equal(plain.msgtype, 'm.video');
    assert.equal(plain.url, 'mxc://hs.test/abc');
    assert.equal(plain.info.thumbnail_url, undefined);
    assert.equal(plain.info.thumbnail_info, undefined);
    assert.equal(plain.info.w, 160, 'ffprobe still tells the size');
    assert.equal(without.fake.to('/_matrix/media/v3/upload').length, 1);
  });
});

describe('image-size', () => {
  it('is loaded by the first upload that needs it, not when the uploader is imported (the backend start)', () => {
    // In a fresh process, watching every module resolved: this one's may have loaded image-size already.
    const uploader = new URL('../../src/main/backend/media/media-uploader.ts', import.meta.url).href;
    const contentType = new URL('../../src/main/backend/media/content-type.ts', import.meta.url).href;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve: (specifier, context, next) => { seen.push(specifier); return next(specifier, context); } });
      await import(${JSON.stringify(uploader)});
      const atImport = seen.includes('image-size');
      (await import(${JSON.stringify(contentType)})).guessContentType('a.png', new Uint8Array(8));
      console.log(JSON.stringify([atImport, seen.includes('image-size')]));`], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [false, true]);
  });
});
