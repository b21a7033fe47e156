/** Forwarding and viewing a message's source, without a browser: what a forwarded copy carries, and where it may go. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canForward, forwardedContent, forwardTargets, leavesEncryption } from '../../src/renderer/api/forwarding.ts';
import { eventSource } from '../../src/renderer/api/message-dialogs.ts';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

const ME = '@me:hs';
function ev(rowid: number, over: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:hs', event_id: `$e${rowid}`, sender: '@bob:hs', type: 'm.room.message',
    timestamp: rowid, content: { msgtype: 'm.text', body: `text ${rowid}` }, ...over,
  };
}
function roomWith(events: Event[], id = '!r:hs', state: RoomData['state'] = {}): RoomData {
  return { ...emptyRoom(id), events: new Map(events.map((e) => [e.rowid, e])), state };
}

describe('forwarding a message', () => {
  it('sends the latest edit, without relations, and mentioning nobody', () => {
    const original = ev(1, { last_edit_rowid: 2, content: { msgtype: 'm.text', body: 'hi @alice', 'm.mentions': { user_ids: ['@alice:hs'] } } });
    const edit = ev(2, { relation_type: 'm.replace', content: { body: '* hello', 'm.new_content': { msgtype: 'm.text', body: 'hello' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$e1' } } });
    assert.deepEqual(forwardedContent(roomWith([original, edit]), original),
      { type: 'm.room.message', content: { msgtype: 'm.text', body: 'hello', 'm.mentions': {} } });
    // A deleted edit no longer counts: the original text goes.
    const gone = { ...edit, redacted_by: '$x' };
    assert.deepEqual(forwardedContent(roomWith([original, gone]), original)?.content, { msgtype: 'm.text', body: 'hi @alice', 'm.mentions': {} });
  });

  it('leaves out a reply\'s relation and its quoted fallback, a thread\'s relation too', () => {
    const reply = ev(1, { content: {
      msgtype: 'm.text', body: '> quote of mine', format: 'org.matrix.custom.html',
      formatted_body: '<mx-reply><blockquote>old</blockquote></mx-reply><b>new</b>',
      'm.relates_to': { 'm.in_reply_to': { event_id: '$e0' } },
    } });
    // The plaintext body's fallback was taken out when it was stored; what starts it now is the user's own quote.
    assert.deepEqual(forwardedContent(undefined, reply)?.content,
      { msgtype: 'm.text', body: '> quote of mine', format: 'org.matrix.custom.html', formatted_body: '<b>new</b>', 'm.mentions': {} });
    const encrypted = ev(2, {
      type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' }, decrypted_type: 'm.room.message',
      decrypted: { msgtype: 'm.text', body: '> <@a:hs> old\n\nnew', 'm.relates_to': { rel_type: 'm.thread', event_id: '$root', 'm.in_reply_to': { event_id: '$e0' } } },
    });
    assert.deepEqual(forwardedContent(undefined, encrypted), { type: 'm.room.message', content: { msgtype: 'm.text', body: 'new', 'm.mentions': {} } });
  });

  it('keeps an attachment\'s media and key; refuses what cannot be forwarded', () => {
    const file = { url: 'mxc://hs/abc', key: { k: 'secret' }, iv: 'i', hashes: { sha256: 'h' }, v: 'v2' };
    const image = ev(1, { content: { msgtype: 'm.image', body: 'cat.png', file, info: { mimetype: 'image/png' } } });
    assert.deepEqual(forwardedContent(undefined, image)?.content, { msgtype: 'm.image', body: 'cat.png', file, info: { mimetype: 'image/png' }, 'm.mentions': {} });
    assert.equal(canForward(ev(2, { type: 'm.sticker', content: { body: 'hi', url: 'mxc://hs/s' } })), true);
    assert.equal(canForward(ev(3, { redacted_by: '$x' })), false);
    assert.equal(canForward(ev(4, { type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2' } })), false, 'not decrypted');
    assert.equal(canForward(ev(5, { type: 'org.matrix.msc3381.poll.start' })), false);
    assert.equal(canForward(ev(6, { type: 'm.room.topic', state_key: '' })), false);
    assert.equal(forwardedContent(undefined, ev(7, { type: 'm.reaction' })), null);
  });

  it('knows when a copy would leave encryption: an encrypted message (or our own, still an echo) to a room that is not encrypted', () => {
    const encrypted = ev(1, { type: 'm.room.encrypted', content: {}, decrypted_type: 'm.room.message', decrypted: { body: 'x' } });
    const clear = roomWith([], '!clear:hs');
    const sealed = { ...roomWith([], '!sealed:hs'), meta: { encryption_event: { algorithm: 'm.megolm.v1.aes-sha2' } } as unknown as RoomData['meta'] };
    assert.equal(leavesEncryption(encrypted, clear, sealed), true);
    assert.equal(leavesEncryption(encrypted, sealed, sealed), false);
    assert.equal(leavesEncryption(ev(2), clear, clear), false, 'a message that was never encrypted');
    // Our own message just sent in the encrypted room: its echo is cleartext until the sync brings the ciphertext.
    const echo = ev(3, { transaction_id: 'txn1' });
    assert.equal(leavesEncryption(echo, clear, sealed), true, 'our echo in an encrypted room');
    assert.equal(leavesEncryption(echo, sealed, sealed), false);
    assert.equal(leavesEncryption(echo, clear, clear), false, 'our echo in a room that is not encrypted');
  });

  it('offers the rooms where our power level lets us send the message', () => {
    const pl = ev(9, { type: 'm.room.power_levels', state_key: '', content: { users: { [ME]: 0 }, events_default: 50 } });
    const readOnly = roomWith([pl], '!announce:hs', { 'm.room.power_levels': { '': 9 } });
    const open = roomWith([], '!chat:hs');
    assert.deepEqual(forwardTargets([readOnly, open], ME, 'm.room.message').map((r) => r.id), ['!chat:hs']);
  });
});

describe('viewing a message\'s source', () => {
  it('shows the event as the server sent it, and its decrypted form apart', () => {
    const e = ev(1, { type: 'm.room.encrypted', content: { ciphertext: 'x' }, decrypted_type: 'm.room.message', decrypted: { body: 'hi' }, unsigned: { age: 5 } });
    assert.deepEqual(eventSource(e), {
      original: { type: 'm.room.encrypted', room_id: '!r:hs', sender: '@bob:hs', event_id: '$e1', origin_server_ts: 1, content: { ciphertext: 'x' }, unsigned: { age: 5 } },
      decrypted: { type: 'm.room.message', content: { body: 'hi' } },
    });
    assert.equal(eventSource(ev(2)).decrypted, null);
  });
});
