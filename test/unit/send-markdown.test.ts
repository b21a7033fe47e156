/** What a typed message becomes: markdown to formatted_body, and a plain body where mention pills read as names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainBody, renderMarkdown } from '../../src/main/backend/send/markdown.ts';

describe('markdown messages', () => {
  it('sends a mention pill as a link in the HTML and as the name in the body', () => {
    const c = renderMarkdown('hello [Bob](https://matrix.to/#/@bob:example.org) ');
    assert.equal(c.body, 'hello Bob ');
    assert.match(c.formatted_body ?? '', /^hello <a href="https:\/\/matrix\.to\/#\/@bob:example\.org"[^>]*>Bob<\/a>$/);
  });

  it('unescapes brackets in pill labels, takes matrix: user links too, and leaves other links and code alone', () => {
    assert.equal(plainBody('[A \\[x\\]](https://matrix.to/#/%40a%3Ahs) and [C](matrix:u/c:hs)'), 'A [x] and C');
    assert.equal(plainBody('see [docs](https://example.org) in [room](https://matrix.to/#/!r:hs)'),
      'see [docs](https://example.org) in [room](https://matrix.to/#/!r:hs)');
    assert.equal(plainBody('`[Bob](https://matrix.to/#/@bob:hs)` and\n```\n[Bob](https://matrix.to/#/@bob:hs)\n```'),
      '`[Bob](https://matrix.to/#/@bob:hs)` and\n```\n[Bob](https://matrix.to/#/@bob:hs)\n```');
  });

  it('keeps plain text as typed, with no HTML', () => {
    assert.deepEqual(renderMarkdown('just words'), { msgtype: 'm.text', body: 'just words' });
  });
});
