/**
 * The pictures of a chat export's web page (src/renderer/ui/room/chat-export-pictures.ts), with a stand-in for the
 * host's media route: which messages' pictures are fetched and how (a thumbnail, the whole picture when there is
 * none, an encrypted one whole for the host to decrypt), what is left named (not a raster image, over the size
 * limit, a failed fetch), the progress, and Cancel; then the page showing them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/types.ts';
import { exportAsHtml } from '../../src/renderer/ui/room/chat-export-html.ts';
import { gatherPictures, PICTURE_LIMIT, picturesReadable } from '../../src/renderer/ui/room/chat-export-pictures.ts';
import { ev, exportSource } from './chat-export-events.ts';

const message = (content: JSONObject) => ev('m.room.message', content);
/** An image message named `name`, whose media ID is the name without its extension (media IDs have no dots). */
const image = (name: string) => message({ msgtype: 'm.image', body: name, url: `mxc://hs/${name.split('.')[0]}`, info: { w: 40, h: 30 } });
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const env = { transport: 'ipc' as const, devicePixelRatio: 2 };

/** A media route answering by the picture's name: its bytes and type, a failure, or a claimed size. */
function route(answers: Record<string, { status?: number; type?: string; length?: number; thumbnail?: false }>) {
  const asked: string[] = [];
  const fetchImpl = ((url: string) => {
    asked.push(url);
    const name = /media\/hs\/([^?]+)/.exec(url)?.[1] ?? '';
    const a = answers[name] ?? { status: 404 };
    if (a.thumbnail === false && url.includes('w=')) return Promise.resolve(new Response('no thumbnail', { status: 400 }));
    const headers: Record<string, string> = { 'content-type': a.type ?? 'image/png' };
    if (a.length !== undefined) headers['content-length'] = String(a.length);
    return Promise.resolve(new Response(PNG, { status: a.status ?? 200, headers }));
  }) as typeof fetch;
  return { asked, fetchImpl };
}

describe('the pictures of a chat export', () => {
  it('fetches each picture as a thumbnail and keeps it as a data: URL, an encrypted one whole', async () => {
    const plain = image('cat.png');
    const secret = message({ msgtype: 'm.image', body: 'secret.png', file: { url: 'mxc://hs/secret', v: 'v2', key: {}, iv: '', hashes: {} } });
    const { asked, fetchImpl } = route({ cat: {}, secret: { type: 'image/jpeg' } });
    const progress: string[] = [];
    const out = await gatherPictures([plain, message({ msgtype: 'm.text', body: 'hi' }), secret], new Map(), {
      signal: new AbortController().signal, onProgress: (d, of) => progress.push(`${d}/${of}`), env, fetchImpl });
    assert.deepEqual(asked, ['lattice://media/hs/cat?w=1280&h=1280&method=scale', 'lattice://media/hs/secret?encrypted=true']);
    assert.equal(out.pictures.get(plain.event_id), `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);
    assert.match(out.pictures.get(secret.event_id) ?? '', /^data:image\/jpeg;base64,/);
    assert.equal(out.skipped, 0);
    assert.deepEqual(progress, ['0/2', '1/2', '2/2']);
  });

  it('falls back to the whole picture without a thumbnail, and leaves named what is no raster image, too large or not there', async () => {
    const events = [image('gif.gif'), image('vector.svg'), image('huge.png'), image('gone.png'), message({ msgtype: 'm.file', body: 'a.pdf', url: 'mxc://hs/pdf' })];
    const { asked, fetchImpl } = route({
      gif: { type: 'image/gif', thumbnail: false }, vector: { type: 'image/svg+xml' }, huge: { length: PICTURE_LIMIT + 1 }, gone: { status: 404 },
    });
    const out = await gatherPictures(events, new Map(), { signal: new AbortController().signal, onProgress: () => {}, env, fetchImpl });
    assert.deepEqual([...out.pictures.keys()], [events[0].event_id]);
    assert.equal(out.skipped, 3);
    assert.ok(asked.includes('lattice://media/hs/gif'), 'the whole GIF after its thumbnail failed');
    assert.ok(!asked.some((u) => u.includes('pdf')), 'a file is not fetched');
  });

  it('stops at Cancel', async () => {
    const controller = new AbortController();
    const { fetchImpl } = route({ a: {}, b: {} });
    const run = gatherPictures([image('a.png'), image('b.png')], new Map(), {
      signal: controller.signal, onProgress: (d) => { if (d === 1) controller.abort(); }, env, fetchImpl });
    await assert.rejects(run, { name: 'AbortError' });
  });

  it('are offered where the page can read media (the web host\'s own origin), not in the desktop app', () => {
    assert.equal(picturesReadable({ transport: 'websocket', devicePixelRatio: 1 }), true);
    assert.equal(picturesReadable({ transport: 'ipc', devicePixelRatio: 1 }), false);
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
