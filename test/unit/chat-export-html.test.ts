/**
 * "Export chat" as a web page (src/renderer/ui/room/chat-export-html.ts): the backend's sanitized HTML kept and
 * everything else escaped, a policy that lets the file run and load nothing, a heading per day, a sender's messages
 * in a row under one name, replies linked to what they answer, reactions counted under their message, room changes,
 * deleted and undecryptable messages, attachments named and edits marked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';
import { exportAsHtml } from '../../src/renderer/ui/room/chat-export-html.ts';
import { ev, exportSource, text } from './chat-export-events.ts';

const react = (target: Event, key: string, sender: string, extra: Partial<Event> = {}, more: JSONObject = {}) =>
  ev('m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: target.event_id, key }, ...more }, { sender, ...extra });
const source = (events: Event[], related: Event[] = [], roomName = 'Design review') => exportSource(events, { related, roomName, fromStart: false });

/** The page's main part, one entry a line. */
const mainOf = (html: string): string[] => html.slice(html.indexOf('<main>') + 7, html.indexOf('</main>')).trim().split('\n');

describe('export chat as a web page', () => {
  it('is a whole page that can run and load nothing, its title and header escaped', () => {
    const html = exportAsHtml(source([text('hi')], [], 'Q&A <b>room</b>'));
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;/);
    assert.match(html, /<title>Q&amp;A &lt;b&gt;room&lt;\/b&gt;<\/title>/);
    assert.match(html, /<h1>Q&amp;A &lt;b&gt;room&lt;\/b&gt;<\/h1>/);
    assert.match(html, /Exported by @alice:hs on 2026-11-27 10:\d\d with Lattice, the latest messages\. Attachments are named, not included\./);
    assert.doesNotMatch(html, /<script/i);
  });

  it('keeps the sanitized HTML of a formatted message and escapes every other text', () => {
    const formatted = text('**bold**', { local_content: { sanitized_html: '<strong>bold</strong> and <a href="https://example.org">a link</a>' } });
    formatted.content = { msgtype: 'm.text', body: '**bold**', format: 'org.matrix.custom.html', formatted_body: '<strong>bold</strong>' };
    const plain = text('1 < 2 & "quotes"\nsecond line', { sender: '@mallory:hs' });
    const lines = mainOf(exportAsHtml(source([formatted, plain])));
    assert.match(lines[1], /<div class="body"><div class="sender">Bob<\/div><strong>bold<\/strong> and <a href="https:\/\/example.org">a link<\/a><\/div>/);
    assert.match(lines[2], /<div class="sender">&lt;img src=x onerror=alert\(1\)&gt;<\/div>1 &lt; 2 &amp; &quot;quotes&quot;<br>second line<\/div>/);
  });

  it('heads each day, shows a sender\'s messages in a row under one name, and room changes as lines', () => {
    const day2 = new Date(2026, 10, 28, 8, 0).getTime();
    const events = [
      text('one'), text('two'),
      ev('m.room.member', { membership: 'join', displayname: 'Alice' }, { sender: '@alice:hs', state_key: '@alice:hs' }),
      text('three'), text('next day', { timestamp: day2 }),
    ];
    const lines = mainOf(exportAsHtml(source(events)));
    assert.equal(lines.filter((l) => l.startsWith('<h2>')).length, 2, 'a heading for each of the two days');
    assert.match(lines[0], /^<h2>.*2026.*<\/h2>$/);
    assert.match(lines[1], /^<div class="msg first" id="m0"><time datetime="[^"]+" title="2026-11-27 09:\d\d">09:\d\d<\/time><div class="body"><div class="sender">Bob<\/div>one<\/div><\/div>$/);
    assert.match(lines[2], /^<div class="msg" id="m1">.*<div class="body">two<\/div><\/div>$/, 'the second in a row: no name again');
    assert.match(lines[3], /^<p class="state">Alice joined the room · 09:\d\d<\/p>$/);
    assert.match(lines[4], /class="msg first".*<div class="sender">Bob<\/div>three/, 'after a room change the name shows again');
    assert.match(lines[6], /class="msg first".*<div class="sender">Bob<\/div>next day/, 'a new day starts with the name');
  });

  it('links a reply to the message it answers, and says when that is not in the export', () => {
    const question = text('Which day works?', { sender: '@alice:hs' });
    const answer = ev('m.room.message', { msgtype: 'm.text', body: 'Tuesday', 'm.relates_to': { 'm.in_reply_to': { event_id: question.event_id } } });
    const old = ev('m.room.message', { msgtype: 'm.text', body: 'Agreed', 'm.relates_to': { 'm.in_reply_to': { event_id: '$gone' } } });
    const lines = mainOf(exportAsHtml(source([question, answer, old])));
    assert.match(lines[1], /id="m0"/);
    assert.match(lines[2], /<a class="reply" href="#m0">In reply to Alice: Which day works\?<\/a>Tuesday/);
    assert.match(lines[3], /<span class="reply">In reply to a message before this export<\/span>Agreed/);
  });

  it('points a reply in a thread at the thread\'s first message, not at the reply it falls back to', () => {
    const root = text('Release checklist', { sender: '@alice:hs' });
    const first = ev('m.room.message', { msgtype: 'm.text', body: 'Tests are green',
      'm.relates_to': { rel_type: 'm.thread', event_id: root.event_id, is_falling_back: true, 'm.in_reply_to': { event_id: root.event_id } } });
    const second = ev('m.room.message', { msgtype: 'm.text', body: 'Tagged',
      'm.relates_to': { rel_type: 'm.thread', event_id: root.event_id, is_falling_back: true, 'm.in_reply_to': { event_id: first.event_id } } });
    const orphan = ev('m.room.message', { msgtype: 'm.text', body: 'Late',
      'm.relates_to': { rel_type: 'm.thread', event_id: '$old', is_falling_back: true, 'm.in_reply_to': { event_id: '$old' } } });
    const lines = mainOf(exportAsHtml(source([root, first, second, orphan])));
    assert.match(lines[2], /<a class="reply" href="#m0">In the thread of Alice: Release checklist<\/a>Tests are green/);
    assert.match(lines[3], /<a class="reply" href="#m0">In the thread of Alice: Release checklist<\/a>Tagged/, 'not "in reply to" its fallback');
    assert.match(lines[4], /<span class="reply">In a thread that began before this export<\/span>Late/);
  });

  it('counts reactions under their message, leaves out deleted ones and names custom emoji by shortcode', () => {
    const m = text('Ship it?');
    const events = [
      m,
      react(m, '👍', '@alice:hs'), react(m, '👍', '@mallory:hs'), react(m, '👍', '@alice:hs'),
      react(m, '🎉', '@alice:hs', { redacted_by: '$r' }),
      react(m, 'mxc://hs/party', '@alice:hs', {}, { shortcode: 'party' }),
    ];
    const lines = mainOf(exportAsHtml(source(events)));
    assert.equal(lines.length, 2, 'reactions are no entries of their own');
    assert.match(lines[1], /<div class="reactions"><span title="Alice, &lt;img src=x onerror=alert\(1\)&gt;">👍 2<\/span><span title="Alice">:party: 1<\/span><\/div>/);
    assert.doesNotMatch(lines[1], /🎉/);
  });

  it('words emotes, notices, edits, attachments, deleted and undecryptable messages', () => {
    const original = text('helo');
    const fix = ev('m.room.message', { msgtype: 'm.text', body: '* hello', 'm.new_content': { msgtype: 'm.text', body: 'hello' },
      'm.relates_to': { rel_type: 'm.replace', event_id: original.event_id } }, { relation_type: 'm.replace' });
    original.last_edit_rowid = fix.rowid;
    const gone = text('', { redacted_by: '$x', sender: '@alice:hs' });
    gone.content = {};
    const events = [
      original, fix,
      ev('m.room.message', { msgtype: 'm.emote', body: 'waves' }, { sender: '@alice:hs' }),
      ev('m.room.message', { msgtype: 'm.notice', body: 'Build passed' }, { sender: '@mallory:hs' }),
      ev('m.room.message', { msgtype: 'm.image', body: 'cat.png', url: 'mxc://hs/cat' }),
      ev('m.room.message', { msgtype: 'm.file', body: 'The report', filename: 'report.pdf', url: 'mxc://hs/abc' }),
      gone,
      ev('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'xyz' }, { decryption_error: 'no key' }),
    ];
    const lines = mainOf(exportAsHtml(source(events, [fix])));
    assert.match(lines[1], /<div class="sender">Bob<\/div>hello <span class="edited">\(edited\)<\/span><\/div>/);
    assert.match(lines[2], /<div class="body">\* Alice waves<\/div>/, 'an emote names its sender in its line');
    assert.match(lines[3], /<span class="notice">Build passed<\/span>/);
    assert.match(lines[4], /<span class="media">\[Image\] cat\.png<\/span><\/div>/);
    assert.match(lines[5], /<span class="media">\[File\] report\.pdf<\/span><br>The report<\/div>/, 'a caption under its file');
    assert.match(lines[6], /<em class="muted">Message deleted<\/em>/);
    assert.match(lines[7], /<em class="muted">Encrypted message: unable to decrypt: no key<\/em>/);
  });
});
