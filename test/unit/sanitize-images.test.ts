/**
 * Inline images in the sanitizer: custom emoji (MSC2545) and pictures are kept only for valid mxc:// sources, handed
 * to the renderer as `data-mxc` (never a `src` the browser would load by itself), with alt text, a title, and a size
 * clamped to the display box; everything else stays alt text. HTML we send keeps the spec's `src="mxc://…"`. The
 * brief forms (html-text.ts) read the alt text, and the renderer spots emoji-only messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageSize, sanitizeMatrixHtml, sanitizeOutgoingHtml } from '../../src/main/backend/html/sanitize.ts';
import { htmlToPlainText } from '../../src/shared/html-text.ts';
import { renderMarkdown } from '../../src/main/backend/send/markdown.ts';
import { isEmojiOnlyText } from '../../src/renderer/ui/room/emoji-only.ts';
import { isEmojiOnlyHtml } from '../../src/renderer/ui/room/inline-images.ts';

const EMOJI = '<img data-mx-emoticon src="mxc://example.org/party" alt=":party:" title=":party:" height="32">';

describe('sanitizer inline images', () => {
  it('keeps a custom emoji as an image with its mxc URI in data-mxc, alt text, title and height', () => {
    assert.equal(sanitizeMatrixHtml(`yay ${EMOJI}!`),
      'yay <img data-mxc="mxc://example.org/party" alt=":party:" title=":party:" height="32" data-mx-emoticon />!');
    // A custom emoji's tooltip is its name when it has no title of its own.
    assert.equal(sanitizeMatrixHtml('<img data-mx-emoticon="" src="mxc://example.org/a" alt=":a:">'),
      '<img data-mxc="mxc://example.org/a" alt=":a:" title=":a:" data-mx-emoticon />');
  });

  it('keeps a picture, clamping its size into the display box with its aspect and dropping everything else', () => {
    const out = sanitizeMatrixHtml('<img src="mxc://example.org/pic" alt="chart" width="1000" height="500" onerror="alert(1)" '
      + 'onload="x()" style="width:9999px" class="big" srcset="https://evil.example/a.png 2x" data-mxc="mxc://evil.example/x" loading="eager">');
    assert.equal(out, '<img data-mxc="mxc://example.org/pic" alt="chart" width="320" height="160" />');
    assert.equal(sanitizeMatrixHtml('<img src="mxc://example.org/pic" alt="small" width="40" height="30">'),
      '<img data-mxc="mxc://example.org/pic" alt="small" width="40" height="30" />');
    // No alt: the title, else "image", so it always has a name.
    assert.equal(sanitizeMatrixHtml('<img src="mxc://example.org/pic" title="A title">'),
      '<img data-mxc="mxc://example.org/pic" alt="A title" title="A title" />');
    assert.equal(sanitizeMatrixHtml('<img src="mxc://example.org/pic">'), '<img data-mxc="mxc://example.org/pic" alt="image" />');
  });

  it('turns every other source into its alt text, never a src', () => {
    for (const src of ['https://example.org/a.png', 'http://example.org/a.png', '//example.org/a.png', '/_gomuks/media/x/y',
      'javascript:alert(1)', 'data:image/png;base64,iVBORw0KGgo=', 'blob:https://x/y', 'lattice://media/example.org/a',
      'mxc://example.org/../x', 'mxc://example.org/a/b', 'mxc://ex ample.org/a', 'MXC://example.org/a', ' mxc://example.org/a', '']) {
      const out = sanitizeMatrixHtml(`<img src="${src}" alt="alt text" onerror="alert(1)">`);
      assert.equal(out, '<span class="mx-inline-image">alt text</span>', src);
    }
    assert.equal(sanitizeMatrixHtml('<img data-mx-emoticon src="https://example.org/e.png" alt=":e:">'), '<span class="mx-inline-image">:e:</span>');
    assert.equal(sanitizeMatrixHtml('<img src="http://example.org/x">'), '<span class="mx-inline-image">image</span>');
    // A data-mxc written by the sender counts for nothing.
    assert.equal(sanitizeMatrixHtml('<img data-mxc="mxc://example.org/a" alt="x">'), '<span class="mx-inline-image">x</span>');
    assert.doesNotMatch(sanitizeMatrixHtml('<span data-mxc="mxc://example.org/a">t</span><p data-mxc="mxc://example.org/a">u</p>'), /data-mxc/);
  });

  it('escapes the alt text and keeps the output well-formed', () => {
    const out = sanitizeMatrixHtml('<p><img src="mxc://example.org/a" alt="a &quot;q&quot; <b>x</b>" height="50px"></p>');
    assert.equal(out, '<p><img data-mxc="mxc://example.org/a" alt="a &quot;q&quot; &lt;b&gt;x&lt;/b&gt;" /></p>');
    assert.equal(htmlToPlainText(out), 'a "q" <b>x</b>');
  });

  it('clamps sizes: whole pixels only, scaled together into 320×240', () => {
    assert.deepEqual(imageSize('32', undefined), { width: '32' });
    assert.deepEqual(imageSize(undefined, '32'), { height: '32' });
    assert.deepEqual(imageSize('640', '480'), { width: '320', height: '240' });
    assert.deepEqual(imageSize('100', '2000'), { width: '12', height: '240' });
    assert.deepEqual(imageSize('5000', undefined), { width: '320' });
    assert.deepEqual(imageSize('0', '-3'), {});
    assert.deepEqual(imageSize('1e3', '12.5'), {});
    assert.deepEqual(imageSize('99999999', '10'), { height: '10' });
  });

  it('sends images with the spec src, and only mxc ones', () => {
    assert.equal(sanitizeOutgoingHtml(EMOJI),
      '<img src="mxc://example.org/party" alt=":party:" title=":party:" height="32" data-mx-emoticon />');
    assert.equal(sanitizeOutgoingHtml('<img src="https://example.org/a.png" alt="w">'), '<span class="mx-inline-image">w</span>');
    assert.deepEqual(renderMarkdown('look ![cat](mxc://example.org/cat)').formatted_body,
      'look <img src="mxc://example.org/cat" alt="cat" />');
  });

  it('shows a custom emoji as its alt text in the brief forms', () => {
    assert.equal(htmlToPlainText(sanitizeMatrixHtml(`<p>so ${EMOJI} much</p>`)), 'so :party: much');
  });
});

describe('inline images in the renderer', () => {
  it('spots messages of nothing but custom emoji', () => {
    const e = sanitizeMatrixHtml(EMOJI);
    assert.equal(isEmojiOnlyHtml(e), true);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml(`<p>${EMOJI} ${EMOJI}<br>${EMOJI}&nbsp;</p>`)), true);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml(`hi ${EMOJI}`)), false);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml('<img src="mxc://example.org/p" alt="p">')), false);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml(`${EMOJI}<img src="mxc://example.org/p" alt="p">`)), false);
    assert.equal(isEmojiOnlyHtml('<b>bold</b>'), false);
    assert.equal(isEmojiOnlyHtml(''), false);
  });

  it('spots messages of nothing but Unicode emoji, or of both kinds, shown large as Element shows them', () => {
    for (const t of ['🎉', '🎉🎉', ' 👍🏽 ', '👨‍👩‍👧 🇫🇷\n1️⃣', '❤️', '❤']) assert.equal(isEmojiOnlyText(t), true, JSON.stringify(t));
    for (const t of ['', '  ', '123', '#', 'hi 🎉', '🎉!', ':)']) assert.equal(isEmojiOnlyText(t), false, JSON.stringify(t));
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml(`<p>🎉 ${EMOJI}</p>`)), true);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml('<p>🎉<br>🎉</p>')), true);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml('<strong>🎉</strong>')), false);
    assert.equal(isEmojiOnlyHtml(sanitizeMatrixHtml('<a href="https://example.org">🎉</a>')), false);
  });
});
