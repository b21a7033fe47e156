/**
 * The media fetcher on a fake homeserver: a server from before authenticated media is asked at the old endpoints
 * without the token; a thumbnail the server refuses or answers with something other than an image is made here
 * from the original (and cached); a file that is no image gets its error in words.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import { MediaFetcher } from '../../src/main/backend/media/media-fetcher.ts';
import { FakeFetch, matrixError, type FakeRoute } from '../harness/fake-fetch.ts';
import { encodePng } from '../harness/png.ts';

const dirs: string[] = [];
function fetcher(route: FakeRoute): { fake: FakeFetch; media: MediaFetcher } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-fetch-'));
  dirs.push(dir);
  const fake = new FakeFetch(route);
  return { fake, media: new MediaFetcher(new MatrixClient('https://hs.test', 'secret-token', fake.fetch), dir) };
}

const bytes = (body: Uint8Array, type: string) => new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': type } });
const png = encodePng(120, 80, (x, y) => [x * 2, y * 3, 90]);

describe('media fetcher', () => {
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('falls back to the unauthenticated /_matrix/media/v3 endpoints of an older server, without the token', async () => {
    const { fake, media } = fetcher((req) => {
      if (req.url.pathname.startsWith('/_matrix/client/v1/media/')) return matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
      if (req.url.pathname === '/_matrix/media/v3/download/hs.test/abc') return bytes(png, 'image/png');
      return matrixError(404, 'M_NOT_FOUND');
    });
    const got = await media.fetch({ server: 'hs.test', mediaId: 'abc' });
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(got.body), png);
    const [legacy] = fake.to('/_matrix/media/v3/download/');
    assert.equal(legacy.headers.authorization, undefined, 'the token is not sent to the old endpoint');
    assert.equal(fake.to('/_matrix/client/v1/media/download/')[0].headers.authorization, 'Bearer secret-token');
  });

  it('makes a thumbnail here when the server has none, and keeps it', async () => {
    const { fake, media } = fetcher((req) => {
      if (req.url.pathname === '/_matrix/client/v1/media/thumbnail/hs.test/tiff') return matrixError(404, 'M_NOT_FOUND', 'Not found');
      if (req.url.pathname === '/_matrix/client/v1/media/download/hs.test/tiff') return bytes(png, 'image/tiff');
      if (req.url.pathname === '/_matrix/client/v1/media/thumbnail/hs.test/odd') return bytes(Buffer.from('<svg/>'), 'image/svg+xml');
      if (req.url.pathname === '/_matrix/client/v1/media/download/hs.test/odd') return bytes(png, 'image/png');
      if (req.url.pathname === '/_matrix/client/v1/media/thumbnail/hs.test/text') return matrixError(400, 'M_UNKNOWN', 'Cannot thumbnail');
      if (req.url.pathname === '/_matrix/client/v1/media/download/hs.test/text') return bytes(Buffer.from('plain words'), 'text/plain');
      return matrixError(404, 'M_NOT_FOUND');
    });
    const thumb = await media.fetch({ server: 'hs.test', mediaId: 'tiff', thumbnail: { width: 32, height: 32 } });
    assert.equal(thumb.status, 200, thumb.error);
    assert.equal(thumb.contentType, 'image/webp');
    const meta = await sharp(thumb.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 32, 32]);
    // Asked again: from the cache, no new request.
    const before = fake.requests.length;
    const again = await media.fetchFile({ server: 'hs.test', mediaId: 'tiff', thumbnail: { width: 32, height: 32 } });
    assert.deepEqual(readFileSync(again.path), Buffer.from(thumb.body));
    assert.equal(fake.requests.length, before);

    // A server answering with something that is not a safe image: replaced by one made here.
    const odd = await media.fetch({ server: 'hs.test', mediaId: 'odd', thumbnail: { width: 50, height: 20 } });
    assert.equal(odd.contentType, 'image/webp');
    assert.deepEqual([(await sharp(odd.body).metadata()).width, (await sharp(odd.body).metadata()).height], [50, 20]);

    // Scaled (an inline picture): fitted inside the box with its 3:2 aspect, kept apart from the cropped one, and
    // the server was asked for method=scale.
    const scaled = await media.fetch({ server: 'hs.test', mediaId: 'tiff', thumbnail: { width: 60, height: 60, scale: true } });
    assert.deepEqual([(await sharp(scaled.body).metadata()).width, (await sharp(scaled.body).metadata()).height], [60, 40]);
    assert.equal(fake.to('/_matrix/client/v1/media/thumbnail/hs.test/tiff').at(-1)?.url.searchParams.get('method'), 'scale');

    const text = await media.fetch({ server: 'hs.test', mediaId: 'text', thumbnail: { width: 32, height: 32 } });
    assert.equal(text.status, 415);
    assert.match(text.error ?? '', /The homeserver has no thumbnail of it \(Cannot thumbnail \(M_UNKNOWN\)\) and none could be made here: it is not an image/);
  });

  it('does not make one when the server cannot be reached', async () => {
    const { fake, media } = fetcher((req) => {
      if (req.url.pathname.startsWith('/_matrix/client/v1/media/thumbnail/')) return matrixError(502, 'M_UNKNOWN', 'Bad gateway');
      return bytes(png, 'image/png');
    });
    const got = await media.fetch({ server: 'hs.test', mediaId: 'x', thumbnail: { width: 10, height: 10 } });
    assert.equal(got.status, 502);
    assert.equal(fake.to('/_matrix/client/v1/media/download/').length, 0);
  });
});
