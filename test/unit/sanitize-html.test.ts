/**
 * The sanitizer's fast path for common HTML must give exactly what the full sanitizer gives, or step aside:
 * checked on randomly built HTML from pieces that include every way the fast path could go wrong.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeCommonHtml, sanitizeMatrixHtml, sanitizeWithLibrary } from '../../src/main/backend/html/sanitize.ts';

const PIECES = [
  'hello', ' ', 'world', '\n', 'a & b', 'x < y', 'z > 1', '"quoted"', "it's", '&amp;', '&lt;b&gt;', '\0', '\r\n', 'ümlaut ☃',
  '<b>', '</b>', '<i>', '</i>', '<strong>', '</strong>', '<em>', '</em>', '<del>', '</del>', '<code>', '</code>',
  '<span>', '</span>', '<sub>', '</sub>', '<p>', '</p>', '<div>', '</div>', '<pre>', '</pre>', '<blockquote>', '</blockquote>',
  '<h1>', '</h1>', '<h3>', '</h3>', '<ul>', '</ul>', '<ol>', '</ol>', '<li>', '</li>', '<br>', '<br/>', '<br />', '</br>',
  '<hr>', '<hr/>', '<b/>', '<B>', '</B>', '<strong >', '<table>', '</table>', '<tr>', '<td>', '<font color="red">', '</font>',
  '<a href="https://example.org/path?q=1#x">', '<a href="http://e.org">', '<a href="mailto:a@b.c">', '<a href="javascript:alert(1)">',
  '<a href="//evil.org">', '<a href="https://e.org/a(b)c?d=e;f,g+h%20*!$~:@[x]{y}|^">', '<a href="https:javascript:alert(1)">',
  '<a href="http://e.org/\u00e9\u2603">', '<a href="https://e.org/a\tb">', '<a href="mailto:">', '<a href="https://e.org/&amp;x">',
  '<a href=" https://e.org">', '<a href="HTTPS://E.ORG">',
  '<a>', '</a>', '<a name="x">', '<img src="mxc://a/b" alt="pic">', '<script>', '</script>', '<mx-reply>', '</mx-reply>',
  '<span data-mx-spoiler="">', '<code class="language-js">', '<ol start="3">', '<!-- c -->', '<', '>', '<p', 'b>',
];

function randomHtml(rand: () => number): string {
  let s = '';
  const n = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

const TAGS = ['b', 'i', 'strong', 'em', 'code', 'span', 'del', 'sup', 'p', 'div', 'pre', 'blockquote', 'h2', 'ul', 'ol', 'li', 'a', 'br', 'hr'];
const TEXTS = ['text', ' ', 'two words', '\n', "it's \"fine\"", 'ümlaut ☃', '1 > 0', 'a & b'];

/** Well-nested HTML from the tags the fast path knows (with the odd piece it must refuse). */
function nestedHtml(rand: () => number, depth = 0): string {
  let s = '';
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.4 || depth > 3) {
      s += TEXTS[Math.floor(rand() * (rand() < 0.9 ? 6 : TEXTS.length))];
    } else {
      const tag = TAGS[Math.floor(rand() * TAGS.length)];
      if (tag === 'br' || tag === 'hr') s += rand() < 0.5 ? `<${tag}>` : `<${tag} />`;
      else if (tag === 'a') s += `<a href="${rand() < 0.9 ? 'https://example.org/p?q=1' : 'ftp://x.org'}">${nestedHtml(rand, depth + 1)}</a>`;
      else s += `<${tag}>${nestedHtml(rand, depth + 1)}</${tag}>`;
    }
  }
  return s;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('HTML sanitizer fast path', () => {
  it('gives exactly the full sanitizer\'s output whenever it answers', () => {
    const rand = mulberry32(20261125);
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const html = i % 2 ? randomHtml(rand) : nestedHtml(rand);
      const fast = sanitizeCommonHtml(html);
      if (fast === undefined) continue;
      answered++;
      assert.equal(fast, sanitizeWithLibrary(html), `fast path differs for ${JSON.stringify(html)}`);
    }
    // The generator mixes in enough unusual pieces that most inputs fall back; enough must still be answered.
    assert.ok(answered > 1000, `only ${answered} inputs took the fast path`);
  });

  it('takes the fast path for what markdown typically produces, and leaves the rest to the library', () => {
    const common = 'see <strong>this</strong>, <em>that</em> and <a href="https://example.org">a link</a><br>'
      + '<ul><li>one</li><li><code>two</code></li></ul><pre><code>x = 1\n</code></pre>';
    assert.equal(sanitizeCommonHtml(common), sanitizeWithLibrary(common));
    for (const other of ['<img src="mxc://a/b" alt="pic">', '<a href="javascript:alert(1)">x</a>', 'a &amp; b',
      '<mx-reply>quote</mx-reply>reply', '<b>unclosed', '<span data-mx-spoiler="">s</span>', '<p><div>x</div></p>']) {
      assert.equal(sanitizeCommonHtml(other), undefined, other);
      assert.equal(sanitizeMatrixHtml(other), sanitizeWithLibrary(other));
    }
    // A link whose scheme is not allowed loses the link and keeps its text (the policy in sanitize-links.test.ts).
    assert.equal(sanitizeMatrixHtml('<a href="javascript:alert(1)">x</a>'), '<span>x</span>');
  });
});
