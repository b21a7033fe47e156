/**
 * The pictures of a chat export's web page (src/renderer/ui/room/chat-export-pictures.ts), with a stand-in for the
 * backend's get_picture: which messages' pictures are asked for and how (fitted in 1280 px, an encrypted one whole
 * with its event for the key), the byte budget each is given, what is left named (not a raster image, refused as too
 * large, not there), the progress, and Cancel; then the page showing them. get_picture itself is tested against
 * Synapse (test/integration/media.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandParams, PictureData } from '../../src/shared/rpc/commands.ts';
import type { JSONObject } from '../../src/shared/rpc/types.ts';
import { exportAsHtml } from '../../src/renderer/ui/room/chat-export-html.ts';
import { gatherPictures, PICTURE_LIMIT } from '../../src/renderer/ui/room/chat-export-pictures.ts';
import { ev, exportSource } from './chat-export-events.ts';

const message = (content: JSONObject) => ev('m.room.message', content);
/** An image message named `name`, whose media ID is the name without its extension (media IDs have no dots). */
const image = (name: string) => message({ msgtype: 'm.image', body: name, url: `mxc://hs/${name.split('.')[0]}`, info: { w: 40, h: 30 } });
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).toString('base64');

/** `n` zero bytes as base64: one string for each size, so twenty 10 MB pictures take 13 MB of the test's memory. */
const zeroText = new Map<number, string>();
function zeros(n: number): string {
  const text = zeroText.get(n) ?? 'A'.repeat(Math.floor(n / 3) * 4) + ['', 'AA==', 'AAA='][n % 3];
  zeroText.set(n, text);
  return text;
}

/**
 * A backend answering by the picture's media ID: its type and size (that many zero bytes), or an error in words (as
 * get_picture's).
 */
function backend(answers: Record<string, { type?: string; bytes?: number; error?: string }>) {
  const asked: CommandParams<'get_picture'>[] = [];
  const getPicture = (params: CommandParams<'get_picture'>): Promise<PictureData> => {
    asked.push(params);
    const a = answers[params.mxc.slice('mxc://hs/'.length)] ?? { error: 'the homeserver has no such file' };
    if (a.error) return Promise.reject(new Error(a.error));
    if ((a.bytes ?? 7) > (params.max_bytes ?? PICTURE_LIMIT)) return Promise.reject(new Error('more than the bytes asked for'));
    return Promise.resolve({ mimetype: a.type ?? 'image/png', data: a.bytes ? zeros(a.bytes) : PNG });
  };
  return { asked, getPicture };
}

describe('the pictures of a chat export', () => {
  it('asks for each picture fitted in 1280 px and keeps it as a data: URL, an encrypted one whole with its event', async () => {
    const plain = image('cat.png');
    const secret = message({ msgtype: 'm.image', body: 'secret.png', file: { url: 'mxc://hs/secret', v: 'v2', key: {}, iv: '', hashes: {} } });
    const sticker = ev('m.sticker', { body: 'wave', url: 'mxc://hs/wave', info: { w: 64, h: 64 } });
    const { asked, getPicture } = backend({ cat: {}, secret: { type: 'image/jpeg' }, wave: { type: 'image/webp' } });
    const progress: string[] = [];
    const out = await gatherPictures([plain, message({ msgtype: 'm.text', body: 'hi' }), secret, sticker], new Map(), {
      signal: new AbortController().signal, onProgress: (d, of) => progress.push(`${d}/${of}`), getPicture });
    assert.deepEqual(asked, [
      { mxc: 'mxc://hs/cat', fit: 1280, max_bytes: PICTURE_LIMIT },
      { mxc: 'mxc://hs/secret', encrypted: true, event_id: secret.event_id, max_bytes: PICTURE_LIMIT },
      { mxc: 'mxc://hs/wave', fit: 1280, max_bytes: PICTURE_LIMIT },
    ]);
    assert.equal(out.pictures.get(plain.event_id), `data:image/png;base64,${PNG}`);
    assert.match(out.pictures.get(secret.event_id) ?? '', /^data:image\/jpeg;base64,/);
    assert.match(out.pictures.get(sticker.event_id) ?? '', /^data:image\/webp;base64,/);
    assert.equal(out.skipped, 0);
    assert.deepEqual(progress, ['0/3', '1/3', '2/3', '3/3']);
  });

  it('leaves named what is no raster image, too large or not there; files are not asked for', async () => {
    const events = [image('gif.gif'), image('vector.svg'), image('huge.png'), image('gone.png'), message({ msgtype: 'm.file', body: 'a.pdf', url: 'mxc://hs/pdf' })];
    const { asked, getPicture } = backend({ gif: { type: 'image/gif' }, vector: { type: 'image/svg+xml' }, huge: { bytes: PICTURE_LIMIT + 1 } });
    const out = await gatherPictures(events, new Map(), { signal: new AbortController().signal, onProgress: () => {}, getPicture });
    assert.deepEqual([...out.pictures.keys()], [events[0].event_id]);
    assert.equal(out.skipped, 3);
    assert.ok(!asked.some((p) => p.mxc.includes('pdf')), 'a file is not asked for');
  });

  it('gives each picture what is left of the 200 MB in all, and asks for none once it is spent', async () => {
    const events = Array.from({ length: 22 }, (_, i) => image(`p${i}.png`));
    const { asked, getPicture } = backend(Object.fromEntries(events.map((_, i) => [`p${i}`, { bytes: PICTURE_LIMIT }])));
    const out = await gatherPictures(events, new Map(), { signal: new AbortController().signal, onProgress: () => {}, getPicture });
    assert.equal(out.pictures.size, 20, 'twenty pictures of 10 MB fill the 200 MB');
    assert.equal(out.skipped, 2);
    assert.equal(asked.length, 20, 'none asked for once the budget is spent');
  });

  it('stops at Cancel', async () => {
    const controller = new AbortController();
    const { getPicture } = backend({ a: {}, b: {} });
    const run = gatherPictures([image('a.png'), image('b.png')], new Map(), {
      signal: controller.signal, onProgress: (d) => { if (d === 1) controller.abort(); }, getPicture });
    await assert.rejects(run, { name: 'AbortError' });
  });

  it('shows the pictures in the page, and says which could not be included', () => {
    const cat = image('cat.png');
    const file = message({ msgtype: 'm.file', body: 'a.pdf', url: 'mxc://hs/pdf' });
    const html = exportAsHtml(exportSource([cat, file]), { pictures: new Map([[cat.event_id, 'data:image/png;base64,iVBO']]), skipped: 2 });
    assert.match(html, /<img class="picture" src="data:image\/png;base64,iVBO" alt="cat.png" title="cat.png" width="40" height="30">/);
    assert.match(html, /<span class="media">\[File\] a\.pdf<\/span>/);
    assert.match(html, /Pictures are included, other attachments named\. 2 pictures could not be included \(too large, or not to be had from the homeserver\) and are named instead\./);
  });
});
