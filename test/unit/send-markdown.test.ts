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

  it('sends maths as the spec\'s data-mx-maths elements with the source as code, the body as typed', () => {
    const inline = renderMarkdown('Euler: $e^{i\\pi} + 1 = 0$, and $a < b$.');
    assert.equal(inline.body, 'Euler: $e^{i\\pi} + 1 = 0$, and $a < b$.');
    assert.equal(inline.formatted_body, 'Euler: <span data-mx-maths="e^{i\\pi} + 1 = 0"><code>e^{i\\pi} + 1 = 0</code></span>, '
      + 'and <span data-mx-maths="a &lt; b"><code>a &lt; b</code></span>.');
    assert.equal(renderMarkdown('$$\n\\int_0^1 x^2\\,dx\n= \\frac13\n$$').formatted_body,
      '<div data-mx-maths="\\int_0^1 x^2\\,dx\n= \\frac13"><code>\\int_0^1 x^2\\,dx<br />= \\frac13</code></div>');
    assert.equal(renderMarkdown('$$ x^2 $$').formatted_body, '<div data-mx-maths="x^2"><code>x^2</code></div>');
    assert.equal(renderMarkdown('```math\nx^2\n```').formatted_body, '<div data-mx-maths="x^2"><code>x^2</code></div>');
    assert.equal(renderMarkdown('before\n\n$$\ny\n$$\nafter').formatted_body,
      '<p>before</p>\n<div data-mx-maths="y"><code>y</code></div>\n<p>after</p>');
  });

  it('keeps everyday dollars, code and escaped dollars as text', () => {
    for (const text of ['costs $5 and $10', 'echo $HOME/$PATH', 'x$y$z', 'we made $$$ today', '$$x$$ inline?', '$$ money\nand more', '$ x$']) {
      assert.deepEqual(renderMarkdown(text), { msgtype: 'm.text', body: text }, text);
    }
    assert.equal(renderMarkdown('a `$y$` b').formatted_body, 'a <code>$y$</code> b');
    assert.equal(renderMarkdown('\\$x$').formatted_body, '$x$');
  });
});
