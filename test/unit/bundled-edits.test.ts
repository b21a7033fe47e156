/** The latest edit a homeserver bundles with an event it serves: taken only when it is an edit of that very event. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientEvent } from '../../src/main/backend/matrix/types.ts';
import { bundledEdit, bundledEdits } from '../../src/main/backend/reading/bundled-edits.ts';

const edit = (target: string, extra: Partial<ClientEvent> = {}): ClientEvent => ({
  event_id: '$edit', type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 2,
  content: { body: '* new', 'm.new_content': { body: 'new' }, 'm.relates_to': { rel_type: 'm.replace', event_id: target } },
  ...extra,
});
const message = (replace?: unknown): ClientEvent => ({
  event_id: '$msg', type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 1, content: { body: 'old' },
  ...(replace === undefined ? {} : { unsigned: { 'm.relations': { 'm.replace': replace } } as ClientEvent['unsigned'] }),
});

describe('bundled edits', () => {
  it('takes the whole edit event bundled under m.relations m.replace', () => {
    assert.equal(bundledEdit(message(edit('$msg')))?.event_id, '$edit');
    assert.deepEqual(bundledEdits([message(edit('$msg')), message(), undefined]).map((e) => e.event_id), ['$edit']);
  });

  it('ignores what is no edit of this event: another target, another relation, the old summary form, a malformed one', () => {
    assert.equal(bundledEdit(message(edit('$other'))), undefined);
    const annotation = edit('$msg');
    annotation.content['m.relates_to'] = { rel_type: 'm.annotation', event_id: '$msg', key: '👍' };
    assert.equal(bundledEdit(message(annotation)), undefined);
    // Before Matrix 1.7 servers bundled only a summary of the edit.
    assert.equal(bundledEdit(message({ event_id: '$edit', origin_server_ts: 2, sender: '@bob:hs' })), undefined);
    assert.equal(bundledEdit(message(edit('$msg', { origin_server_ts: undefined as unknown as number }))), undefined);
    assert.equal(bundledEdit(message('$edit')), undefined);
    assert.equal(bundledEdit(message()), undefined);
  });
});
