/**
 * The sanitizer's link and nesting rules: only absolute links with allowed schemes survive (a relative link would
 * point at the app's own origin, e.g. the web host's login route), and tags nest no deeper than the spec's 100. The
 * rules are checked again on the output, so no faster path in front of the library can skip them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enforcePolicy, isAllowedLink, sanitizeMatrixHtml } from '../../src/main/backend/html/sanitize.ts';

const link = (href: string) => sanitizeMatrixHtml(`<a href="${href}">x</a>`);
const maxDepth = (html: string) => {
  let d = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
    if (m[2] === 'br' || m[2] === 'hr') continue;
    d += m[1] ? -1 : 1;
    max = Math.max(max, d);
  }
  return max;
};

describe('sanitizer links', () => {
  it('keeps https, http, mailto, matrix and matrix.to links', () => {
    for (const href of ['https://example.org/a?b=c', 'http://example.org', 'mailto:a@example.org',
      'matrix:u/alice:example.org', 'https://matrix.to/#/@alice:example.org']) {
      const out = link(href);
      assert.match(out, /^<a href="[^"]+" target="_blank" rel="noopener noreferrer nofollow">x<\/a>$/, href);
      assert.ok(out.includes(href.replace(/&/g, '&amp;')), out);
    }
  });

  it('drops relative links and other schemes, keeping the text', () => {
    for (const href of ['/_gomuks/auth?token=secret', '_gomuks/auth', '//evil.example/x', '?token=1', '#x', 'http:/_gomuks/auth',
      'https:relative', 'javascript:alert(1)', ' javascript:alert(1)', 'java&#x09;script:alert(1)', 'data:text/html,x',
      'ftp://example.org', 'magnet:?xt=1', 'vbscript:x', 'file:///etc/passwd', '']) {
      const out = link(href);
      assert.equal(out, '<span>x</span>', `${href} → ${out}`);
    }
  });

  it('judges links as a browser would read them', () => {
    assert.equal(isAllowedLink('\thttps://example.org'), true);
    assert.equal(isAllowedLink('ht\ntp:/x'), false);
    assert.equal(isAllowedLink('HTTPS://EXAMPLE.ORG'), true);
    assert.equal(isAllowedLink('https:\\\\example.org'), true);
  });
});

describe('sanitizer nesting', () => {
  it('flattens tags nested deeper than 100, keeping all the text', () => {
    const out = sanitizeMatrixHtml(`${'<blockquote>'.repeat(300)}deep${'</blockquote>'.repeat(300)}`);
    assert.equal(maxDepth(out), 100);
    assert.match(out, /deep/);
    const mixed = sanitizeMatrixHtml(`${'<b><i>'.repeat(80)}x${'</i></b>'.repeat(80)}<p>after</p>`);
    assert.ok(maxDepth(mixed) <= 100);
    assert.match(mixed, /<p>after<\/p>$/);
  });
});

describe('sanitizer post-check', () => {
  it('sends output that broke a rule through the library again', () => {
    // What a too-trusting shortcut might emit for these inputs.
    const bad = '<a href="http:/_gomuks/auth?token=1">x</a>';
    assert.equal(enforcePolicy(bad, bad), '<span>x</span>');
    const rel = '<a href="/x">y</a>';
    assert.equal(enforcePolicy(rel, rel), '<span>y</span>');
    const deep = `${'<i>'.repeat(120)}z${'</i>'.repeat(120)}`;
    assert.equal(maxDepth(enforcePolicy(deep, deep)), 100);
    const entity = '<a href="https&#58;//x">x</a>';
    assert.notEqual(enforcePolicy(entity, '<b>ok</b>'), entity);
    // An entity the sanitizers never write, in a link that is allowed either way: still not trusted.
    const odd = '<a href="https://x.org/&#106;">x</a>';
    assert.notEqual(enforcePolicy(odd, '<b>ok</b>'), odd);
    assert.equal(enforcePolicy('<a href="https://x.org/&#106;&amp;">x</a>', '<b>ok</b>'), '<b>ok</b>');
    // Attributes without a link, and links in any of the three quotings, are all read.
    assert.equal(enforcePolicy("<span title=\"a\"><a title='x' href='/rel'>x</a></span>", '<b>ok</b>'), '<b>ok</b>');
    assert.equal(enforcePolicy("<a href='/rel'>x</a>", '<b>ok</b>'), '<b>ok</b>');
    assert.equal(enforcePolicy('<a href=/rel>x</a>', '<b>ok</b>'), '<b>ok</b>');
    const good = '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">x</a>';
    assert.equal(enforcePolicy(good, 'unused'), good);
  });
});
