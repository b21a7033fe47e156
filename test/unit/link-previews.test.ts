/**
 * Link previews in pieces: the content shape send_message gives them (com.beeper.linkpreviews, unknown fields
 * dropped by the contract, an empty list kept, the links still loading it takes), the timeline's reading of bundled
 * previews (text fields, a safe link, a reserved picture box, the encrypted picture's URI), the links of a composer
 * text (not in code), what of a server preview is sent, and the encrypted re-upload of a preview's picture with
 * stubbed media.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandSchemas, type JSONObject, type LinkPreview } from '../../src/shared/rpc/index.ts';
import { addLinkPreviews } from '../../src/main/backend/send/link-previews.ts';
import { encryptPreviewImage } from '../../src/main/backend/send/preview-image.ts';
import { asksForPreviews, composerLinks, linkPreviewsOf, previewImageBox, safeHref } from '../../src/renderer/ui/room/link-preview-model.ts';
import { previewForSending } from '../../src/shared/link-preview-sending.ts';
import { viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

const ENCRYPTED_FILE = { v: 'v2', key: { k: 'abc' }, iv: 'iv', hashes: { sha256: 'h' }, url: 'mxc://hs/secret' };

describe('link previews: the content sent', () => {
  it('send_message checks url_previews and keeps only MSC4095 fields; the content carries them', () => {
    const parsed = commandSchemas.send_message.parse({
      room_id: '!r:hs', text: 'see https://example.org',
      url_previews: [{ matched_url: 'https://example.org', 'og:title': 'Example', 'og:image': 'mxc://hs/img', 'og:image:width': 640, 'og:locale': 'en', 'og:extra': { x: 1 } }],
    });
    const content: JSONObject = { msgtype: 'm.text', body: 'see https://example.org' };
    addLinkPreviews(content, parsed.url_previews);
    assert.deepEqual(content['com.beeper.linkpreviews'], [{ matched_url: 'https://example.org', 'og:title': 'Example', 'og:image': 'mxc://hs/img', 'og:image:width': 640 }]);
  });

  it('an empty list is sent as one, and no list adds nothing', () => {
    const empty: JSONObject = {};
    addLinkPreviews(empty, []);
    assert.deepEqual(empty, { 'com.beeper.linkpreviews': [] });
    const none: JSONObject = {};
    addLinkPreviews(none, undefined);
    assert.deepEqual(none, {});
  });

  it('refuses previews without matched_url or with an image that is not mxc, in words', () => {
    const bad = (p: unknown) => commandSchemas.send_message.safeParse({ room_id: '!r:hs', text: 'x', url_previews: [p] });
    assert.match(JSON.stringify(bad({ 'og:title': 'x' }).error?.issues), /matched_url/);
    assert.match(JSON.stringify(bad({ matched_url: 'https://a.org', 'og:image': 'https://a.org/x.png' }).error?.issues), /og:image must be an mxc:\/\/ URI/);
  });

  it('takes the links still loading as any http(s) link the composer found, and refuses others in words', () => {
    const pending = (urls: string[]) => commandSchemas.send_message.safeParse({ room_id: '!r:hs', text: 'x', pending_url_previews: urls });
    assert.ok(pending(['https://münchen.example/straße', 'http://127.0.0.1:8080/a?b=c#d']).success);
    assert.match(JSON.stringify(pending(['javascript:alert(1)']).error?.issues), /must be an http\(s\) URL/);
  });
});

describe('link previews: the timeline', () => {
  it('reads bundled previews as text, links them safely and reserves the picture box', () => {
    const [p, q] = linkPreviewsOf({
      'com.beeper.linkpreviews': [
        { matched_url: 'example.org/a', 'og:url': 'https://example.org/a', 'og:title': '<b>Title</b>', 'og:description': 'Words', 'og:image': 'mxc://hs/img', 'og:image:width': 1200, 'og:image:height': 600 },
        { matched_url: 'https://xkcd.com/386', 'og:title': 'Duty Calls', 'beeper:image:encryption': ENCRYPTED_FILE, 'og:image:width': 601, 'og:image:height': 659 },
        { matched_url: 'https://nothing.example' },
      ],
    })!;
    assert.equal(p.title, '<b>Title</b>');
    assert.equal(p.href, 'https://example.org/a');
    assert.equal(p.siteName, 'example.org');
    assert.equal(p.description, 'Words');
    assert.deepEqual(p.image, { mxc: 'mxc://hs/img', encrypted: false, width: 360, height: 180, inline: false });
    assert.deepEqual(q.image, { mxc: 'mxc://hs/secret', encrypted: true, width: 72, height: 72, inline: true });
    // In a message, an encrypted picture names the event it came in: its key is looked up there.
    const [plain, sealed] = linkPreviewsOf({ 'com.beeper.linkpreviews': [
      { 'og:title': 'Plain', 'og:image': 'mxc://hs/img' }, { 'og:title': 'Sealed', 'beeper:image:encryption': ENCRYPTED_FILE }] }, '$carrier')!;
    assert.equal(plain.image?.event, undefined);
    assert.equal(sealed.image?.event, '$carrier');
    // Bundled but nothing to show, or an empty list: none shown, and none to be made either.
    assert.deepEqual(linkPreviewsOf({ 'com.beeper.linkpreviews': [{ matched_url: 'https://nothing.example' }] }), []);
    assert.deepEqual(linkPreviewsOf({ 'com.beeper.linkpreviews': [] }), []);
    assert.equal(linkPreviewsOf({ 'com.beeper.linkpreviews': 'nonsense' }), undefined);
    assert.equal(linkPreviewsOf({ body: 'x' }), undefined);
  });

  it('never links to anything but http(s)', () => {
    assert.equal(safeHref('javascript:alert(1)'), undefined);
    assert.equal(safeHref('data:text/html,x'), undefined);
    assert.equal(safeHref('example.org/x'), 'https://example.org/x');
    const [p] = linkPreviewsOf({ 'com.beeper.linkpreviews': [{ matched_url: 'javascript:alert(1)', 'og:title': 'Bad' }] })!;
    assert.equal(p.href, undefined);
  });

  it('a picture of unknown size or square shape is a small square; a wide one fits 360×240', () => {
    assert.deepEqual(previewImageBox(undefined, undefined), { width: 72, height: 72, inline: true });
    assert.deepEqual(previewImageBox(500, 500), { width: 72, height: 72, inline: true });
    assert.deepEqual(previewImageBox(300, 100), { width: 300, height: 100, inline: false });
    assert.deepEqual(previewImageBox(2000, 1000), { width: 360, height: 180, inline: false });
  });

  it('a message view carries its previews, from the edit when edited', () => {
    const base = { rowid: 1, timeline_rowid: 1, room_id: '!r:hs', sender: '@a:hs', type: 'm.room.message', timestamp: 1 } as const;
    const e = { ...base, event_id: '$1', content: { msgtype: 'm.text', body: 'x', 'com.beeper.linkpreviews': [{ matched_url: 'https://a.org', 'og:title': 'A' }] } } as Event;
    const view = viewEvent(e);
    assert.equal(view?.kind === 'message' && view.linkPreviews?.[0].title, 'A');
    const edit = { ...base, rowid: 2, event_id: '$2', relation_type: 'm.replace', content: { 'm.new_content': { msgtype: 'm.text', body: 'y', 'com.beeper.linkpreviews': [{ matched_url: 'https://b.org', 'og:title': 'B' }] } } } as Event;
    const edited = viewEvent(e, edit);
    assert.equal(edited?.kind === 'message' && edited.linkPreviews?.[0].title, 'B');
  });
});

describe('link previews: messages that came without any', () => {
  it('are previewed through the homeserver only outside encrypted rooms, not for notices, and with the preference on', () => {
    const plain = { encrypted: false, preference: true };
    assert.equal(asksForPreviews({ msgtype: 'm.text' }, plain), true);
    assert.equal(asksForPreviews({ msgtype: 'm.emote' }, plain), true);
    assert.equal(asksForPreviews({ msgtype: 'm.text' }, { encrypted: true, preference: true }), false);
    assert.equal(asksForPreviews({ msgtype: 'm.text' }, { encrypted: false, preference: false }), false);
    assert.equal(asksForPreviews({ msgtype: 'm.notice' }, plain), false);
    // The sender bundled a list (even an empty one): theirs is the answer.
    assert.equal(asksForPreviews({ msgtype: 'm.text', linkPreviews: [] }, plain), false);
  });
});

describe('link previews: the composer', () => {
  it('finds the first few links outside code, trims sentence punctuation, skips matrix.to', () => {
    assert.deepEqual(composerLinks('see https://example.org/a. and (https://example.org/b) `https://code.example/x`'),
      ['https://example.org/a', 'https://example.org/b']);
    assert.deepEqual(composerLinks('```\nhttps://in.fence/x\n```\nhttps://after.example/'), ['https://after.example/']);
    assert.deepEqual(composerLinks('[Bob](https://matrix.to/#/@bob:hs) https://wiki.example/Foo_(bar)'), ['https://wiki.example/Foo_(bar)']);
    assert.deepEqual(composerLinks('https://a.example https://b.example https://a.example https://c.example https://d.example'),
      ['https://a.example', 'https://b.example', 'https://c.example']);
    assert.deepEqual(composerLinks('no links, http://intranet/ is not a site'), []);
  });

  it('sends only MSC4095 fields, clipped, and nothing for a preview without title or picture', () => {
    const long = 'x'.repeat(6000);
    const sent = previewForSending({ matched_url: 'https://a.org', 'og:title': 'A', 'og:description': long, 'og:image': 'mxc://hs/i', 'og:image:width': 10, 'og:locale': 'en', 'og:image:height': -1 })!;
    assert.deepEqual(Object.keys(sent).sort(), ['matched_url', 'og:description', 'og:image', 'og:image:width', 'og:title']);
    assert.equal((sent['og:description'] as string).length, 5000);
    assert.ok(commandSchemas.send_message.safeParse({ room_id: '!r:hs', text: 'x', url_previews: [sent] }).success);
    assert.equal(previewForSending({ matched_url: 'https://a.org', 'og:description': 'only words' }), undefined);
  });
});

describe('link previews: the encrypted picture', () => {
  const png = new Uint8Array([137, 80, 78, 71]);
  function deps(contentType = 'image/png', fail = false) {
    const uploads: { data: Uint8Array; type: string }[] = [];
    return {
      uploads,
      media: {
        fetchFile: () => (fail ? Promise.reject(new Error('gone')) : Promise.resolve({ contentType, path: '/x', sha256: 'h' })),
        cache: { read: () => png } as never,
      },
      uploader: {
        uploadEncrypted: (data: Uint8Array, type: string) => { uploads.push({ data, type }); return Promise.resolve({ ...ENCRYPTED_FILE }); },
      },
    };
  }
  const preview: LinkPreview = { matched_url: 'https://a.org', 'og:title': 'A', 'og:image': 'mxc://hs/img', 'og:image:width': 400, 'og:image:height': 200 };

  it('uploads the picture encrypted and names it by beeper:image:encryption only', async () => {
    const d = deps();
    const out = await encryptPreviewImage(preview, d);
    assert.deepEqual(d.uploads, [{ data: png, type: 'image/png' }]);
    assert.deepEqual(out, {
      matched_url: 'https://a.org', 'og:title': 'A', 'og:image:width': 400, 'og:image:height': 200,
      'beeper:image:encryption': ENCRYPTED_FILE, 'og:image:type': 'image/png', 'matrix:image:size': 4,
    });
  });

  it('drops a picture it cannot fetch or that is not an image, rather than naming the clear copy', async () => {
    for (const d of [deps('image/png', true), deps('image/svg+xml')]) {
      const out = await encryptPreviewImage(preview, d);
      assert.deepEqual(out, { matched_url: 'https://a.org', 'og:title': 'A' });
      assert.equal(d.uploads.length, 0);
    }
    const noImage = { matched_url: 'https://a.org', 'og:title': 'A' };
    assert.equal(await encryptPreviewImage(noImage, deps()), noImage);
  });
});
