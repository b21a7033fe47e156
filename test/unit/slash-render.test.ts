/**
 * Composer messages to m.room.message content: each format of gomuks' prefixes, the msgtype and flags carried
 * through, raw HTML sanitized, and rainbow colouring that keeps the markdown's structure and leaves code alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SendMessageAction } from '../../src/main/backend/send/slash/actions.ts';
import { parseComposerInput } from '../../src/main/backend/send/slash/parser.ts';
import { rainbow, renderSlashMessage } from '../../src/main/backend/send/slash/render.ts';

function message(input: string): SendMessageAction {
  const r = parseComposerInput(input, { roomId: '!r:example.org', ownUserId: '@me:example.org' });
  if (!r.ok || r.action.kind !== 'message') assert.fail(`not a message: ${input}`);
  return r.action;
}

describe('rendering composer messages', () => {
  it('markdown by default, with the msgtype of /me and /notice', () => {
    assert.deepEqual(renderSlashMessage(message('hello **you**')).content,
      { msgtype: 'm.text', body: 'hello **you**', format: 'org.matrix.custom.html', formatted_body: 'hello <strong>you</strong>' });
    assert.deepEqual(renderSlashMessage(message('/me waves')).content, { msgtype: 'm.emote', body: 'waves' });
    assert.equal(renderSlashMessage(message('/notice *done*')).content.msgtype, 'm.notice');
  });

  it('/plain sends the text as body only', () => {
    assert.deepEqual(renderSlashMessage(message('/plain **raw** <b>')).content, { msgtype: 'm.text', body: '**raw** <b>' });
  });

  it('/html sends sanitized HTML, with newlines as <br> and a text body', () => {
    const c = renderSlashMessage(message('/html <b>bold</b> &amp; <script>alert(1)</script>\nnext')).content;
    assert.equal(c.format, 'org.matrix.custom.html');
    assert.equal(c.formatted_body, '<b>bold</b> &amp; <br />next');
    assert.equal(c.body, 'bold & \nnext');
  });

  it('/rainbow colours each visible character, keeps markdown tags and code as they are', () => {
    const c = renderSlashMessage(message('/rainbow ab **c** `x y`')).content;
    assert.equal(c.body, 'ab **c** `x y`');
    assert.match(c.formatted_body ?? '', /^<font color="#ff0000">a<\/font><font color="#[0-9a-f]{6}">b<\/font> <strong><font color="#[0-9a-f]{6}">c<\/font><\/strong> <code>x y<\/code>$/);
    assert.equal(renderSlashMessage(message('/rainbowme hi')).content.msgtype, 'm.emote');
  });

  it('rainbow counts an entity as one character and spreads hues over the whole text', () => {
    const out = rainbow('a&amp;b');
    assert.equal(out.match(/<font/g)?.length, 3);
    assert.match(out, />&amp;</);
    const colors = [...rainbow('abcdef').matchAll(/color="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    assert.equal(new Set(colors).size, 6);
  });

  it('carries /unencrypted, /rawinputbody and /timestamp', () => {
    assert.equal(renderSlashMessage(message('/unencrypted hi')).unencrypted, true);
    assert.equal(renderSlashMessage(message('/rawinputbody /html <i>x</i>')).content.body, '<i>x</i>');
    assert.equal(renderSlashMessage(message('/timestamp 1234 hi')).timestamp, 1234);
    assert.equal(renderSlashMessage(message('hi')).timestamp, undefined);
  });
});
