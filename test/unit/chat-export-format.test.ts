/**
 * "Export chat" files (src/renderer/ui/room/chat-export-format.ts): the plain text's line per message or room change
 * (edits applied, emotes, deleted and undecryptable messages, attachments, several lines indented under their time),
 * what "the latest N messages" counts, the JSON's events as their senders wrote them, and a file name any file
 * system takes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, EventRowID } from '../../src/shared/rpc/types.ts';
import { exportAsJson, exportAsText, exportFileName, fromLatestMessages, isMessage } from '../../src/renderer/ui/room/chat-export-format.ts';
import { ev, exportSource, text } from './chat-export-events.ts';

const source = (events: Event[], related: Event[] = []) => exportSource(events, { related });

describe('export chat as plain text', () => {
  it('writes a line per message and room change, as the timeline words them, with the local time', () => {
    const join = ev('m.room.member', { membership: 'join', displayname: 'Alice' }, { sender: '@alice:hs', state_key: '@alice:hs' });
    const original = text('helo');
    const fix = ev('m.room.message', { msgtype: 'm.text', body: '* hello', 'm.new_content': { msgtype: 'm.text', body: 'hello' },
      'm.relates_to': { rel_type: 'm.replace', event_id: original.event_id } }, { relation_type: 'm.replace' });
    original.last_edit_rowid = fix.rowid;
    const events = [
      join, original, fix,
      ev('m.room.message', { msgtype: 'm.emote', body: 'waves' }),
      text('first line\nsecond line'),
      text('', { redacted_by: '$x' }),
      ev('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'xyz' }, { decryption_error: 'no key' }),
      ev('m.room.message', { msgtype: 'm.file', body: 'report.pdf', url: 'mxc://hs/abc' }),
      ev('m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: original.event_id, key: '👍' } }),
    ];
    events[5].content = {};
    const out = exportAsText(source(events, [fix])).split('\n');
    assert.equal(out[0], 'Design review (!r:hs)');
    assert.match(out[1], /^Exported by @alice:hs on 2026-11-27 10:\d\d with Lattice, from the start of the room$/);
    const body = out.slice(3).join('\n');
    assert.equal(body, [
      '[2026-11-27 09:06] Alice joined the room',
      '[2026-11-27 09:07] Bob: hello (edited)',
      '[2026-11-27 09:09] * Bob waves',
      '[2026-11-27 09:10] Bob: first line\n    second line',
      '[2026-11-27 09:11] Bob: (message deleted)',
      '[2026-11-27 09:12] Bob: (encrypted message: unable to decrypt: no key)',
      '[2026-11-27 09:13] Bob: [File] report.pdf',
      '',
    ].join('\n'));
  });

  it('counts messages, not room changes or hidden events, for "the latest N"', () => {
    const join = ev('m.room.member', { membership: 'join' }, { sender: '@alice:hs', state_key: '@alice:hs' });
    const a = text('a');
    const reaction = ev('m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: a.event_id, key: '👍' } });
    const topic = ev('m.room.topic', { topic: 'New topic' }, { state_key: '' });
    const b = text('b');
    const events = [join, a, reaction, topic, b];
    const none = new Map<EventRowID, Event>();
    assert.deepEqual(events.map((e) => isMessage(e, none)), [false, true, false, false, true]);
    assert.deepEqual(fromLatestMessages(events, none, 1).map((e) => e.event_id), [b.event_id]);
    assert.deepEqual(fromLatestMessages(events, none, 2).map((e) => e.event_id), [a.event_id, reaction.event_id, topic.event_id, b.event_id]);
    assert.equal(fromLatestMessages(events, none, 10).length, 5, 'fewer than asked: all of them');
  });
});

describe('export chat as JSON', () => {
  it('keeps every event as its sender wrote it: decrypted content, the latest edit beside it, deletions marked', () => {
    const secret = ev('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'xyz' },
      { decrypted: { msgtype: 'm.text', body: 'secret' }, decrypted_type: 'm.room.message' });
    const fix = ev('m.room.message', { msgtype: 'm.text', body: '* secret!', 'm.new_content': { msgtype: 'm.text', body: 'secret!' },
      'm.relates_to': { rel_type: 'm.replace', event_id: secret.event_id } }, { relation_type: 'm.replace' });
    secret.last_edit_rowid = fix.rowid;
    const gone = text('', { redacted_by: '$x' });
    gone.content = {};
    const parsed = JSON.parse(exportAsJson(source([secret, fix, gone], [fix]))) as { room_name: string; events: Record<string, unknown>[] };
    assert.equal(parsed.room_name, 'Design review');
    assert.equal(parsed.events.length, 3, 'edits are events too');
    assert.deepEqual(parsed.events[0], { event_id: secret.event_id, type: 'm.room.message', sender: '@bob:hs', origin_server_ts: secret.timestamp,
      content: { msgtype: 'm.text', body: 'secret' }, edited_content: { msgtype: 'm.text', body: 'secret!' } });
    assert.equal(parsed.events[2].redacted, true);
  });
});

describe('export file names', () => {
  it('name the room and the day, without characters a file system refuses', () => {
    const at = new Date(2026, 10, 27, 23, 59);
    assert.equal(exportFileName('Design review', 'text', at), 'Design review - 2026-11-27.txt');
    assert.equal(exportFileName('Design review', 'html', at), 'Design review - 2026-11-27.html');
    assert.equal(exportFileName('a/b: c*?"<>|\u0007d', 'json', at), 'a b c d - 2026-11-27.json');
    assert.equal(exportFileName('   ', 'text', at), 'Room - 2026-11-27.txt');
  });
});
