/**
 * Media against a real Synapse: upload_media (a file from an allowed folder) and Backend.uploadMedia (what the
 * hosts' upload routes call, with progress) give content that Bob can download; download_media fills the
 * content-addressed cache with authenticated media. Bad input and refused files get errors in words.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { encodePng } from '../harness/png.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { gomuksCommands } from '../wire/gomuks-commands.ts';

function wireCheck(command: string, data: unknown): void {
  const r = gomuksCommands[command].response.safeParse(data);
  assert.ok(r.success, `${command} response differs from gomuks': ${r.success ? '' : JSON.stringify(r.error.issues)}`);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

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
    const up = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=a.png`, {
      method: 'POST', body: new Uint8Array(bytes), headers: { Authorization: `Bearer ${bobUser.accessToken}`, 'Content-Type': 'image/png' },
    });
    const mxc = ((await up.json()) as { content_uri: string }).content_uri;
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
    await assert.rejects(c.request('upload_media', { path: path.join(allowed, 'e.txt'), resize_width: 100 }), /does not re-encode/);
    await assert.rejects(c.request('download_media', { mxc: 'https://example.org/a.png' }), /must be an mxc:\/\/ URI/);
    await assert.rejects(c.request('download_media', { mxc: `mxc://${hs.serverName}/nosuchmedia` }), /Could not download/);
    // No stored decrypted message carries this file's key: nothing to decrypt it with.
    await assert.rejects(c.request('download_media', { mxc: `mxc://${hs.serverName}/x`, encrypted: true }), /No decrypted message here carries the key/);
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
