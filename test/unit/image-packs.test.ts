/**
 * Custom emoji and sticker packs (MSC2545): parsing the packs people and other clients write (malformed ones and
 * entries skipped, never thrown on), which room packs are enabled everywhere, picker search, the composer's
 * `:shortcode:` becoming the markdown the backend sends as an emoticon, and what the backend sends for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  enabledPackKeys, packsFor, parseImagePack, searchPackImages, withCustomEmoji,
} from '../../src/renderer/api/image-packs.ts';
import { complete } from '../../src/renderer/api/autocomplete.ts';
import { renderMarkdown } from '../../src/main/backend/send/markdown.ts';

const pack = (images: unknown, meta: unknown = undefined) => ({ images, ...(meta === undefined ? {} : { pack: meta }) });

describe('MSC2545 image packs', () => {
  it('reads a pack: its name, icon, images with their description, size and usage', () => {
    const p = parseImagePack(pack({
      blobcat: { url: 'mxc://example.org/blob', body: 'A blob cat', info: { w: 128, h: 96, mimetype: 'image/png', size: 2048 } },
      wave: { url: 'mxc://example.org/wave', usage: ['sticker'] },
    }, { display_name: 'Blobs', avatar_url: 'mxc://example.org/avatar', usage: ['emoticon'] }), 'user', 'Your emoji');
    assert.ok(p);
    assert.equal(p.name, 'Blobs');
    assert.equal(p.icon, 'mxc://example.org/avatar');
    assert.deepEqual(p.images.map((i) => [i.shortcode, i.url, i.body, i.emoticon, i.sticker]), [
      ['blobcat', 'mxc://example.org/blob', 'A blob cat', true, false], // the pack's usage
      ['wave', 'mxc://example.org/wave', 'wave', false, true], // its own usage wins
    ]);
    assert.deepEqual(p.images[0].info, { w: 128, h: 96, mimetype: 'image/png', size: 2048 });
  });

  it('offers an image with no usage anywhere as both, names an unnamed pack and takes its first image as icon', () => {
    const p = parseImagePack(pack({ a: { url: 'mxc://hs/a', usage: ['reaction-gif'] } }, { usage: 'emoticon' }), 'room:!r:hs:', 'Room name');
    assert.ok(p);
    assert.equal(p.name, 'Room name');
    assert.equal(p.icon, 'mxc://hs/a');
    assert.deepEqual([p.images[0].emoticon, p.images[0].sticker], [true, true]);
  });

  it('skips malformed images and returns no pack when none is usable, whatever the content', () => {
    const p = parseImagePack(pack({
      ok: { url: 'mxc://hs/ok', info: { w: -1, h: 'tall', mimetype: 7 } },
      nourl: { body: 'x' },
      http: { url: 'https://evil.example/x.png' },
      badmxc: { url: 'mxc://hs/a/b' },
      'has space': { url: 'mxc://hs/s' },
      'co:lon': { url: 'mxc://hs/c' },
      notobject: 'mxc://hs/n',
      list: ['mxc://hs/l'],
    }, 'not an object'), 'user', 'Your emoji');
    assert.ok(p);
    assert.deepEqual(p.images.map((i) => i.shortcode), ['ok']);
    assert.deepEqual(p.images[0].info, {}, 'nonsense sizes are dropped');
    for (const content of [null, undefined, 'x', 42, [], {}, { images: [] }, { images: 'x' }, { images: {} }, { images: { a: { url: 'http://x' } } }]) {
      assert.equal(parseImagePack(content, 'user', 'Your emoji'), null, JSON.stringify(content));
    }
  });

  it('lists the room packs enabled everywhere, skipping malformed entries', () => {
    assert.deepEqual(enabledPackKeys({ rooms: { '!a:hs': { '': {}, blobs: {} }, '!b:hs': 'x', '#alias:hs': { '': {} }, '!c:hs': { '': {} } } }), [
      { room_id: '!a:hs', type: 'im.ponies.room_emotes', state_key: '' },
      { room_id: '!a:hs', type: 'im.ponies.room_emotes', state_key: 'blobs' },
      { room_id: '!c:hs', type: 'im.ponies.room_emotes', state_key: '' },
    ]);
    for (const content of [undefined, null, [], { rooms: [] }, { rooms: 'x' }]) assert.deepEqual(enabledPackKeys(content), []);
  });

  it('filters by usage and searches shortcodes before descriptions', () => {
    const p = parseImagePack(pack({
      party: { url: 'mxc://hs/p', usage: ['emoticon'] },
      cat_party: { url: 'mxc://hs/c' },
      hello: { url: 'mxc://hs/h', body: 'party wave', usage: ['sticker'] },
    }), 'user', 'Mine');
    assert.ok(p);
    assert.deepEqual(packsFor([p], 'sticker')[0].images.map((i) => i.shortcode), ['cat_party', 'hello']);
    assert.deepEqual(packsFor([p], 'emoticon')[0].images.map((i) => i.shortcode), ['party', 'cat_party']);
    assert.deepEqual(searchPackImages([p], ':part').map((i) => i.shortcode), ['party', 'cat_party', 'hello']);
  });

  it('completes :shortcodes with pack emoji first, inserting the shortcode and a space', () => {
    const p = parseImagePack(pack({ blobcat: { url: 'mxc://hs/blob' } }), 'user', 'Mine');
    assert.ok(p);
    const c = complete('hi :blo', 7, [], new Map(), [], [], [p]);
    assert.deepEqual(c?.suggestions.map((s) => [s.label, s.insert, s.image]), [[':blobcat:', ':blobcat: ', 'mxc://hs/blob']]);
  });

  it('sends a typed or picked :shortcode: as the spec\'s emoticon, outside code only', () => {
    const p = parseImagePack(pack({ blob_cat: { url: 'mxc://hs/blob' } }), 'user', 'Mine');
    assert.ok(p);
    const text = withCustomEmoji('hi :blob_cat: and `:blob_cat:` and :other:', [p]);
    const sent = renderMarkdown(text);
    assert.equal(sent.body, 'hi :blob_cat: and `:blob_cat:` and :other:');
    assert.equal(sent.formatted_body,
      'hi <img src="mxc://hs/blob" alt=":blob_cat:" title=":blob_cat:" height="32" data-mx-emoticon /> and <code>:blob_cat:</code> and :other:');
    assert.equal(withCustomEmoji('no emoji here', [p]), 'no emoji here');
    assert.equal(withCustomEmoji('/me waves :blob_cat:', [p]), '/me waves ![:blob_cat:](mxc://hs/blob "Emoji: :blob_cat:")');
    assert.equal(withCustomEmoji('/topic Home of :blob_cat:', [p]), '/topic Home of :blob_cat:', 'a command\'s text stays as typed');
    // A markdown image someone typed without the emoji title stays an ordinary inline image.
    assert.doesNotMatch(renderMarkdown('![x](mxc://hs/blob)').formatted_body ?? '', /data-mx-emoticon/);
  });
});
