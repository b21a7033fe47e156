/**
 * A message's edit history without a browser: which edits count (only the original sender's, as the spec says),
 * the versions newest first with what each said, and the word changes between two versions. Marking sanitized HTML
 * needs a DOM: test/e2e/edit-history-ui.test.ts covers it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingEdits } from '../../src/shared/counting-edits.ts';
import { textSegments, wordMarks, words } from '../../src/renderer/ui/dialogs/edit-diff.ts';
import { editVersions } from '../../src/renderer/ui/dialogs/edit-versions.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

const original: Event = {
  rowid: 1, timeline_rowid: 1, room_id: '!r:hs', event_id: '$orig', sender: '@bob:hs', type: 'm.room.message',
  timestamp: 1000, content: { msgtype: 'm.text', body: 'lunch at noon' }, unsigned: {},
};
function edit(rowid: number, body: string, over: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:hs', event_id: `$edit${rowid}`, sender: '@bob:hs', type: 'm.room.message',
    timestamp: 1000 + rowid, relates_to: '$orig', relation_type: 'm.replace', unsigned: {},
    content: { msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$orig' } },
    ...over,
  };
}

describe('edit history', () => {
  it('counts only the original sender\'s edits of the same type, not deleted ones, oldest first', () => {
    const own2 = edit(2, 'lunch at one');
    const own3 = edit(3, 'lunch at one in the park');
    const other = edit(4, 'hijacked', { sender: '@mallory:hs' });
    const deleted = edit(5, 'gone', { redacted_by: '$r' });
    const otherType = edit(6, 'sticker?', { type: 'm.sticker' });
    const reaction = edit(7, '👍', { relation_type: 'm.annotation' });
    assert.deepEqual(countingEdits(original, [own3, other, own2, deleted, otherType, reaction]).map((e) => e.event_id), ['$edit2', '$edit3']);

    // Encrypted, the types are judged as decrypted: a reaction claiming m.replace is none, though it too was sent as
    // m.room.encrypted; an edit not decrypted yet is listed (saying it cannot be read).
    const ciphertext = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' };
    const sealed: Event = { ...original, type: 'm.room.encrypted', content: ciphertext, decrypted: original.content, decrypted_type: 'm.room.message' };
    const sealedEdit = (rowid: number, decryptedType?: string) => edit(rowid, '', {
      type: 'm.room.encrypted', content: ciphertext,
      ...(decryptedType ? { decrypted: edit(rowid, `version ${rowid}`).content, decrypted_type: decryptedType } : { decryption_error: 'no key yet' }),
    });
    assert.deepEqual(countingEdits(sealed, [sealedEdit(2, 'm.room.message'), sealedEdit(3, 'm.reaction'), sealedEdit(4)]).map((e) => e.event_id),
      ['$edit2', '$edit4']);
    assert.deepEqual(countingEdits(original, [sealedEdit(2, 'm.room.message'), sealedEdit(4)]).map((e) => e.event_id), ['$edit2'],
      'of a message sent in the clear: only once decrypted');
  });

  it('lists the versions newest first, each with what it said; an edit that cannot be decrypted says so', () => {
    const versions = editVersions(original, [edit(3, 'lunch at one in the park'), edit(2, 'lunch at one')]);
    assert.deepEqual(versions.map((v) => [v.eventId, v.original, v.view?.body]),
      [['$edit3', false, 'lunch at one in the park'], ['$edit2', false, 'lunch at one'], ['$orig', true, 'lunch at noon']]);
    assert.equal(versions[2].sender, '@bob:hs');

    const sealed = edit(2, '', { type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' }, decryption_error: 'the key was withheld' });
    const [v] = editVersions(original, [sealed]);
    assert.equal(v.view, null, 'not the original shown again as if it were this version');
    assert.match(v.unreadable ?? '', /could not be decrypted: the key was withheld/);
    const opened = { ...sealed, decrypted: edit(2, 'lunch at two').content, decrypted_type: 'm.room.message' };
    assert.equal(editVersions(original, [opened])[0].view?.body, 'lunch at two');
  });

  it('marks added words and puts removed ones back where they stood', () => {
    assert.deepEqual(wordMarks(words('a b c'), words('a x c d')), {
      marks: [{ added: false, removedBefore: [] }, { added: true, removedBefore: ['b'] }, { added: false, removedBefore: [] }, { added: true, removedBefore: [] }],
      removedAtEnd: [],
    });
    assert.deepEqual(textSegments(words('lunch at noon'), 'lunch at one in\nthe park'), [
      { kind: 'same', text: 'lunch at ' },
      { kind: 'removed', text: 'noon' },
      { kind: 'same', text: ' ' },
      { kind: 'added', text: 'one' },
      { kind: 'same', text: ' ' },
      { kind: 'added', text: 'in' },
      { kind: 'same', text: '\n' },
      { kind: 'added', text: 'the' },
      { kind: 'same', text: ' ' },
      { kind: 'added', text: 'park' },
    ]);
    assert.deepEqual(textSegments(words('see you at noon today'), 'see you'), [
      { kind: 'same', text: 'see you ' }, { kind: 'removed', text: 'at noon today' },
    ]);
    assert.deepEqual(textSegments(words('same  words'), 'same words'), [{ kind: 'same', text: 'same words' }], 'spacing alone is no change');
  });
});
