/**
 * Custom emoji and sticker packs (MSC2545): parsing the packs people and other clients write (malformed ones and
 * entries skipped, never thrown on), which room packs are enabled everywhere (stable and unstable names), changing
 * that list and a pack's images without losing what other clients wrote, picker search, the composer's
 * `:shortcode:` becoming the markdown the backend sends as an emoticon, and what the backend sends for it; a deleted
 * (emptied) pack read as none, and a new pack's state key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  enabledPackRefs, packsFor, parseImagePack, readPackMeta, searchPackImages, withCustomEmoji,
} from '../../src/renderer/api/image-packs.ts';
import {
  isPackListed, newPackStateKey, shortcodeProblem, withPackImage, withPackListed, withPackMeta, withoutPackImage,
} from '../../src/renderer/api/image-pack-edit.ts';
import { ancestorSpaces } from '../../src/renderer/api/spaces.ts';
import { hasPackState, packEvent, packStateKeys, roomPacksOf } from '../../src/renderer/api/image-pack-hooks.ts';
import type { RoomData, StoreSnapshot } from '../../src/renderer/api/snapshot.ts';
import type { Event } from '../../src/shared/rpc/types.ts';
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

  it('lists the room packs enabled everywhere from the stable and unstable account data, each once, skipping malformed entries', () => {
    assert.deepEqual(enabledPackRefs(
      { rooms: { '!s:hs': { '': {} }, '!a:hs': { blobs: {} } } },
      { rooms: { '!a:hs': { '': {}, blobs: {} }, '!b:hs': 'x', '#alias:hs': { '': {} }, '!c:hs': { '': {} } } },
    ), [
      { room_id: '!s:hs', state_key: '' },
      { room_id: '!a:hs', state_key: 'blobs' },
      { room_id: '!a:hs', state_key: '' },
      { room_id: '!c:hs', state_key: '' },
    ]);
    for (const content of [undefined, null, [], { rooms: [] }, { rooms: 'x' }]) assert.deepEqual(enabledPackRefs(content), []);
  });

  it('reads a state key\'s {} (or any object, as a later MSC may fill it) as on, and null, false or a room\'s bare {} as off, as Cinny does', () => {
    assert.deepEqual(enabledPackRefs({ rooms: {
      '!a:hs': { '': {}, future: { images: ['x'] }, nulled: null, off: false },
      // What Cinny leaves behind when its last pack of a room is switched off: none of that room's packs.
      '!b:hs': {},
    } }), [{ room_id: '!a:hs', state_key: '' }, { room_id: '!a:hs', state_key: 'future' }]);
    const content = { rooms: { '!a:hs': { off: false, nulled: null } } };
    assert.equal(isPackListed(content, '!a:hs', 'off'), false);
    assert.equal(isPackListed(content, '!a:hs', 'nulled'), false);
    assert.deepEqual(withPackListed(content, '!a:hs', 'off', true).rooms, { '!a:hs': { off: {}, nulled: null } }, 'turned on with the spec\'s {}');
    assert.deepEqual(withPackListed({ rooms: { '!b:hs': {} } }, '!b:hs', '', true).rooms, { '!b:hs': { '': {} } });
  });

  it('reads a room\'s packs of both types, the stable m.room.image_pack winning over im.ponies.room_emotes of the same state key', () => {
    const ev = (rowid: number, type: string, stateKey: string, name: string): Event => ({
      rowid, timeline_rowid: 0, room_id: '!r:hs', event_id: `$${rowid}`, sender: '@b:hs', type, state_key: stateKey, timestamp: 1,
      content: { pack: { display_name: name }, images: { x: { url: 'mxc://hs/x' } } }, unsigned: {},
    });
    const events = [ev(1, 'im.ponies.room_emotes', '', 'Old'), ev(2, 'm.room.image_pack', '', 'New'), ev(3, 'im.ponies.room_emotes', 'extra', 'Extra')];
    const room = {
      id: '!r:hs', events: new Map(events.map((e) => [e.rowid, e])),
      state: { 'im.ponies.room_emotes': { '': 1, extra: 3 }, 'm.room.image_pack': { '': 2 } },
    } as unknown as RoomData;
    assert.deepEqual(packStateKeys(room), ['', 'extra']);
    assert.deepEqual([packEvent(room, '')?.type, packEvent(room, '')?.event.content.pack], ['m.room.image_pack', { display_name: 'New' }]);
    assert.equal(packEvent(room, 'extra')?.type, 'im.ponies.room_emotes');
    assert.equal(packEvent(room, 'none'), undefined);
    // A deleted pack (its state emptied): none, and the other type's pack under its key shows instead.
    const deleted = { ...events[1], rowid: 4, content: {} };
    const emptied = { ...room, events: new Map([...room.events, [4, deleted]]), state: { ...room.state, 'm.room.image_pack': { '': 4 }, 'im.ponies.room_emotes': { extra: 3 } } } as unknown as RoomData;
    assert.equal(packEvent(emptied, ''), undefined);
    assert.equal(hasPackState(emptied, ''), true, 'its key stays taken');
    assert.equal(hasPackState(emptied, 'other'), false);
  });

  it('makes a new room pack\'s state key from its name, with 2, 3, … after it while the key is taken', () => {
    const taken = new Set(['Party', 'Party2']);
    assert.equal(newPackStateKey('  Blobs ', (k) => taken.has(k)), 'Blobs');
    assert.equal(newPackStateKey('Party', (k) => taken.has(k)), 'Party3');
    assert.throws(() => newPackStateKey('  ', () => false), /Give the pack a name/);
  });

  it('turns a pack\'s "use everywhere" on and off, keeping the other rooms, state keys and fields', () => {
    const before = { rooms: { '!a:hs': { '': {}, blobs: { future: 1 } }, '!b:hs': { '': {} } }, 'com.example.other': true };
    const on = withPackListed(before, '!c:hs', 'party', true);
    assert.deepEqual(on, { rooms: { '!a:hs': { '': {}, blobs: { future: 1 } }, '!b:hs': { '': {} }, '!c:hs': { party: {} } }, 'com.example.other': true });
    assert.ok(isPackListed(on, '!c:hs', 'party'));
    assert.deepEqual(withPackListed(on, '!a:hs', 'blobs', true), on, 'already listed: its object is kept');
    const off = withPackListed(on, '!a:hs', '', false);
    assert.deepEqual(off.rooms, { '!a:hs': { blobs: { future: 1 } }, '!b:hs': { '': {} }, '!c:hs': { party: {} } });
    // A room left with no pack goes: an empty object would mean all of its packs.
    assert.deepEqual(withPackListed(off, '!b:hs', '', false).rooms, { '!a:hs': { blobs: { future: 1 } }, '!c:hs': { party: {} } });
    assert.deepEqual(withPackListed(undefined, '!a:hs', '', true), { rooms: { '!a:hs': { '': {} } } });
    assert.deepEqual(before.rooms['!a:hs'], { '': {}, blobs: { future: 1 } }, 'the content read is not changed');
  });

  it('adds and removes a pack\'s image, keeping the pack and its other images, with the shortcode checked in words', () => {
    const before = { pack: { display_name: 'Blobs', usage: ['emoticon'] }, images: { blob: { url: 'mxc://hs/b', body: 'Blob' } }, extra: 1 };
    const added = withPackImage(before, 'wave', { url: 'mxc://hs/w', info: { w: 64, h: 64, mimetype: 'image/png', size: 10 }, emoticon: false, sticker: true });
    assert.deepEqual(added, {
      pack: { display_name: 'Blobs', usage: ['emoticon'] }, extra: 1,
      images: { blob: { url: 'mxc://hs/b', body: 'Blob' }, wave: { url: 'mxc://hs/w', info: { w: 64, h: 64, mimetype: 'image/png', size: 10 }, usage: ['sticker'] } },
    });
    // Both in a pack that says emoticon only: the image says both, or it would be an emoji only.
    assert.deepEqual((withPackImage(before, 'both', { url: 'mxc://hs/x', emoticon: true, sticker: true }).images as Record<string, unknown>).both,
      { url: 'mxc://hs/x', usage: ['emoticon', 'sticker'] });
    // Both in a pack that says nothing: no usage field (none means both).
    assert.deepEqual(withPackImage(undefined, 'x', { url: 'mxc://hs/x', emoticon: true, sticker: true }), { images: { x: { url: 'mxc://hs/x' } } });
    const parsed = parseImagePack(added, 'user', 'Mine');
    assert.deepEqual(parsed?.images.map((i) => [i.shortcode, i.emoticon, i.sticker]), [['blob', true, false], ['wave', false, true]]);
    assert.deepEqual(withoutPackImage(added, 'blob'), { ...added, images: { wave: (added.images as Record<string, unknown>).wave } });
    assert.match(shortcodeProblem(before, 'blob') ?? '', /already has :blob:/);
    assert.match(shortcodeProblem(before, 'party cat') ?? '', /only letters/);
    assert.match(shortcodeProblem(before, 'a:b') ?? '', /only letters/);
    assert.match(shortcodeProblem(before, '') ?? '', /Give the image a shortcode/);
    assert.match(shortcodeProblem(before, 'x'.repeat(101)) ?? '', /at most 100/);
    assert.equal(shortcodeProblem(before, 'party_cat-2'), null);
    assert.throws(() => withPackImage(before, 'blob', { url: 'mxc://hs/y', emoticon: true, sticker: false }), /already has/);
    assert.throws(() => withPackImage(before, 'y', { url: 'mxc://hs/y', emoticon: false, sticker: false }), /emoji, a sticker or both/);
  });

  it('reads and changes a pack\'s own description, keeping its other fields and images', () => {
    const before = {
      pack: { display_name: ' Blobs ', avatar_url: 'mxc://hs/av', attribution: 'drawn by @k:hs', usage: ['emoticon'], 'com.example.x': 1 },
      images: { blob: { url: 'mxc://hs/b' } }, extra: true,
    };
    assert.deepEqual(readPackMeta(before), {
      displayName: 'Blobs', avatarUrl: 'mxc://hs/av', attribution: 'drawn by @k:hs', usage: { emoticon: true, sticker: false },
    });
    assert.deepEqual(readPackMeta({ pack: { display_name: '', avatar_url: 'https://x/y.png', usage: ['gif'], attribution: 3 } }), {}, 'nothing usable');
    for (const content of [undefined, null, 'x', { pack: 'x' }]) assert.deepEqual(readPackMeta(content), {});
    const renamed = withPackMeta(before, { displayName: 'Party', avatarUrl: 'mxc://hs/new', attribution: '', emoticon: true, sticker: true });
    assert.deepEqual(renamed, {
      pack: { display_name: 'Party', avatar_url: 'mxc://hs/new', 'com.example.x': 1 }, images: { blob: { url: 'mxc://hs/b' } }, extra: true,
    });
    // An empty name and no picture take the fields out (the room's name and the first image stand in); stickers only.
    assert.deepEqual(withPackMeta(renamed, { displayName: '  ', avatarUrl: null, attribution: 'CC-BY', emoticon: false, sticker: true }).pack,
      { 'com.example.x': 1, attribution: 'CC-BY', usage: ['sticker'] });
    // A user pack with nothing in it yet gets the images object the spec requires.
    assert.deepEqual(withPackMeta(undefined, { displayName: 'Mine', avatarUrl: null, attribution: '', emoticon: true, sticker: false }),
      { pack: { display_name: 'Mine', usage: ['emoticon'] }, images: {} });
    assert.throws(() => withPackMeta(before, { displayName: 'x', avatarUrl: null, attribution: '', emoticon: false, sticker: false }), /emoji, stickers or both/);
  });

  it('finds the spaces containing a room, nearest first, through sub-spaces and safe against cycles', () => {
    const edges = {
      '!top:hs': [{ child_id: '!sub:hs' }, { child_id: '!other:hs' }],
      '!sub:hs': [{ child_id: '!room:hs' }, { child_id: '!top:hs' }],
      '!side:hs': [{ child_id: '!room:hs' }],
    };
    assert.deepEqual(ancestorSpaces('!room:hs', edges), ['!sub:hs', '!side:hs', '!top:hs']);
    assert.deepEqual(ancestorSpaces('!alone:hs', edges), []);
    const chain = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`!s${i}:hs`, [{ child_id: i === 0 ? '!r:hs' : `!s${i - 1}:hs` }]]));
    assert.equal(ancestorSpaces('!r:hs', chain).length, 20, 'a very deep chain is cut short');
  });

  it('offers the packs of the spaces containing the room after the room\'s own, each once', () => {
    const ev = (rowid: number, roomId: string, name: string): Event => ({
      rowid, timeline_rowid: 0, room_id: roomId, event_id: `$${rowid}`, sender: '@b:hs', type: 'im.ponies.room_emotes', state_key: '', timestamp: 1,
      content: { pack: { display_name: name }, images: { [`c${rowid}`]: { url: `mxc://hs/${rowid}` } } }, unsigned: {},
    });
    const room = (id: string, e: Event | null) => ({
      id, meta: { name: id }, accountData: {}, events: new Map(e ? [[e.rowid, e]] : []), state: e ? { 'im.ponies.room_emotes': { '': e.rowid } } : {},
    }) as unknown as RoomData;
    const rooms = new Map([
      ['!room:hs', room('!room:hs', ev(1, '!room:hs', 'Room'))], ['!sub:hs', room('!sub:hs', ev(2, '!sub:hs', 'Sub'))],
      ['!top:hs', room('!top:hs', ev(3, '!top:hs', 'Top'))], ['!elsewhere:hs', room('!elsewhere:hs', ev(4, '!elsewhere:hs', 'Elsewhere'))],
    ]);
    const snap = {
      rooms, accountData: { 'im.ponies.emote_rooms': { type: 'im.ponies.emote_rooms', content: { rooms: { '!top:hs': { '': {} } } } } },
      spaceEdges: { '!top:hs': [{ child_id: '!sub:hs' }], '!sub:hs': [{ child_id: '!room:hs' }] },
    } as unknown as StoreSnapshot;
    assert.deepEqual(roomPacksOf(snap, '!room:hs').map((p) => p.name), ['Room', 'Sub', 'Top']);
    assert.deepEqual(roomPacksOf(snap, '!elsewhere:hs').map((p) => p.name), ['Elsewhere', 'Top'], 'the enabled one only, elsewhere');
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
