/**
 * The latest edit a homeserver bundles with a message (unsigned m.relations m.replace, a whole event since Matrix
 * 1.7), at ingest: from a sync timeline and from fetched events, stored as a fetched event (in no timeline, HTML
 * sanitized, decrypted when the decryption was prepared) that the store makes the message's latest edit, with the
 * diff or the answer carrying both. Not another sender's, not an older server's bare summary, not an encrypted one
 * nobody decrypted, never over a newer edit already held, and not stored twice when the batch has it too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, SyncComplete } from '../../src/shared/rpc/index.ts';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { storeServerEventsWithEdits } from '../../src/main/backend/reading/server-events.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { bundledEdit } from '../../src/main/backend/sync/bundled-edit.ts';
import type { Decryption, PreparedSync } from '../../src/main/backend/sync/prepared.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';

const ME = '@me:hs';
const BOB = '@bob:hs';
const ROOM = '!r:hs';
const T0 = 1_700_000_000_000;
let n = 0;
function ev(type: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent {
  return { event_id: `$b${++n}`, type, sender: BOB, origin_server_ts: T0 + n * 1000, content: content as ClientEvent['content'], ...extra };
}
const text = (body: string, extra: Partial<ClientEvent> = {}) => ev('m.room.message', { msgtype: 'm.text', body }, extra);
const edit = (target: string, body: string, extra: Partial<ClientEvent> = {}, html?: string) => ev('m.room.message', {
  msgtype: 'm.text', body: `* ${body}`,
  'm.new_content': { msgtype: 'm.text', body, ...(html ? { format: 'org.matrix.custom.html', formatted_body: html } : {}) },
  'm.relates_to': { rel_type: 'm.replace', event_id: target },
}, extra);
/** `message` as the server sends it with `replacement` bundled. */
const bundling = (message: ClientEvent, replacement: unknown): ClientEvent =>
  ({ ...message, unsigned: { age: 5, 'm.relations': { 'm.replace': replacement } } } as ClientEvent);

function syncWith(store: Store, events: ClientEvent[], since?: string, prepared?: PreparedSync): SyncComplete {
  const resp: SyncResponse = { next_batch: `s${++n}`, rooms: { join: { [ROOM]: { timeline: { events } } } } };
  return store.transaction(() => processSync(store, resp, ME, since, {}, prepared)).diff;
}
function freshStore(): Store {
  const store = Store.open(':memory:');
  syncWith(store, [ev('m.room.create', {}, { state_key: '' })]);
  return store;
}
const inDiff = (d: SyncComplete, id: string): Event | undefined => d.rooms?.[ROOM]?.events?.find((e) => e.event_id === id);
const latestEdit = (store: Store, id: string) => {
  const rowid = store.events.getByEventID(id)?.last_edit_rowid;
  return rowid === undefined ? undefined : store.events.get(rowid);
};

describe('bundled edits at ingest', () => {
  it('stores a bundled edit the sync lacks as the message\'s latest edit, sanitized, in no timeline, and diffs both', () => {
    const store = freshStore();
    const msg = text('Lunch at noon');
    const e = edit(msg.event_id, 'Lunch at one', {}, '<b>Lunch</b> at one<script>alert(1)</script>');
    const d = syncWith(store, [bundling(msg, e)], 'a');
    const stored = latestEdit(store, msg.event_id);
    assert.equal(stored?.event_id, e.event_id);
    assert.equal(stored?.timeline_rowid, 0, 'a fetched event: placed in no timeline');
    assert.equal(stored?.unread_type, undefined, 'no new message');
    assert.equal(stored?.local_content?.sanitized_html, '<b>Lunch</b> at one', 'sanitized as every stored edit is');
    const message = inDiff(d, msg.event_id);
    assert.equal(message?.last_edit_rowid, stored?.rowid, 'the diff carries the message with its latest edit');
    assert.notEqual(message?.timeline_rowid, 0);
    assert.ok(inDiff(d, e.event_id), 'and the edit, so the timeline can show its text');
    assert.deepEqual(d.rooms?.[ROOM]?.timeline?.map((t) => t.event_rowid), [message?.rowid], 'only the message is placed');
  });

  it('stores an edit the batch also carries once, placed where the batch has it', () => {
    const store = freshStore();
    const msg = text('Dinner at six');
    const e = edit(msg.event_id, 'Dinner at seven');
    const d = syncWith(store, [bundling(msg, e), e], 'a');
    const stored = latestEdit(store, msg.event_id);
    assert.equal(stored?.event_id, e.event_id);
    assert.notEqual(stored?.timeline_rowid, 0, 'placed in the timeline by the batch, not stored apart first');
    assert.equal(d.rooms?.[ROOM]?.timeline?.length, 2);
    assert.equal(d.rooms?.[ROOM]?.events?.filter((x) => x.event_id === e.event_id).length, 1);
  });

  it('takes only a whole edit of the original sender, of the message it is bundled with', () => {
    const store = freshStore();
    const msg = text('Meet at the door');
    const forged = edit(msg.event_id, 'Meet at the back', { sender: '@eve:hs' });
    const elsewhere = edit('$other', 'Meet upstairs');
    const summary = { event_id: '$summary', origin_server_ts: T0, sender: BOB };
    assert.equal(bundledEdit(ROOM, bundling(msg, forged)), undefined);
    assert.equal(bundledEdit(ROOM, bundling(msg, elsewhere)), undefined);
    assert.equal(bundledEdit(ROOM, bundling(msg, summary)), undefined, 'an older server\'s bare summary is no event');
    assert.equal(bundledEdit(ROOM, bundling(msg, edit(msg.event_id, 'x', { room_id: '!elsewhere:hs' }))), undefined);
    assert.equal(bundledEdit(ROOM, msg), undefined);
    syncWith(store, [bundling(msg, forged)], 'a');
    assert.equal(store.events.rowidByEventID(forged.event_id), undefined, 'another sender\'s is not even stored');
    assert.equal(store.events.getByEventID(msg.event_id)?.last_edit_rowid, undefined);
  });

  it('never replaces a newer edit already held', () => {
    const store = freshStore();
    const msg = text('Lunch at noon');
    const older = edit(msg.event_id, 'Lunch at one');
    const newer = edit(msg.event_id, 'Lunch at two');
    syncWith(store, [msg, newer], 'a');
    // The message again (a context fetch) with the older edit bundled, as a server behind on the newer one could.
    const { events, edited } = storeServerEventsWithEdits(store, ROOM, [bundling(msg, older)]);
    assert.ok(store.events.rowidByEventID(older.event_id) !== undefined, 'stored, as a version of the message');
    assert.equal(latestEdit(store, msg.event_id)?.event_id, newer.event_id);
    assert.equal(events[0].last_edit_rowid, store.events.rowidByEventID(newer.event_id));
    assert.deepEqual(edited, [], 'nothing changed to tell a frontend');
  });

  it('from fetched events: stores the bundled edit, answers the message with it, and lists both to send', () => {
    const store = freshStore();
    const msg = text('The key is at the desk');
    const e = edit(msg.event_id, 'The key is in the drawer');
    const { events, edited } = storeServerEventsWithEdits(store, ROOM, [bundling(msg, e)]);
    const rowid = store.events.rowidByEventID(e.event_id);
    assert.equal(events[0].last_edit_rowid, rowid);
    assert.deepEqual(edited.map((x) => x.event_id), [msg.event_id, e.event_id]);
    assert.equal(edited[0].last_edit_rowid, rowid);
    // Asked again: held already, nothing new.
    assert.deepEqual(storeServerEventsWithEdits(store, ROOM, [bundling(msg, e)]).edited, []);
  });

  it('from fetched events: a message stored after its edit (a context\'s later events come first) finds it', () => {
    const store = freshStore();
    const msg = text('Tea at four');
    const e = edit(msg.event_id, 'Tea at five');
    storeServerEventsWithEdits(store, ROOM, [e]);
    const { events, edited } = storeServerEventsWithEdits(store, ROOM, [msg]);
    assert.equal(events[0].last_edit_rowid, store.events.rowidByEventID(e.event_id));
    assert.deepEqual(edited.map((x) => x.event_id), [msg.event_id, e.event_id]);
  });

  it('stores an encrypted bundled edit with its prepared decryption, and leaves one nobody decrypted out', () => {
    const store = freshStore();
    const sealed = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's', sender_key: 'k', device_id: 'D' };
    const msg = ev('m.room.encrypted', sealed);
    const sealedEdit = (target: string) => ev('m.room.encrypted', { ...sealed, 'm.relates_to': { rel_type: 'm.replace', event_id: target } });
    const e = sealedEdit(msg.event_id);
    const prepared: PreparedSync = new Map<string, Decryption>([
      [msg.event_id, { decrypted: { msgtype: 'm.text', body: 'apple' }, decrypted_type: 'm.room.message' }],
      [e.event_id, {
        decrypted: { msgtype: 'm.text', body: '* pear', 'm.new_content': { msgtype: 'm.text', body: 'pear' } },
        decrypted_type: 'm.room.message',
      }],
    ]);
    const d = syncWith(store, [bundling(msg, e)], 'a', prepared);
    const stored = latestEdit(store, msg.event_id);
    assert.equal(stored?.event_id, e.event_id);
    assert.equal(stored?.type, 'm.room.encrypted');
    assert.deepEqual(stored?.decrypted?.['m.new_content'], { msgtype: 'm.text', body: 'pear' });
    assert.equal(stored?.local_content?.was_plaintext, true);
    assert.ok(inDiff(d, e.event_id));

    const msg2 = ev('m.room.encrypted', sealed);
    const e2 = sealedEdit(msg2.event_id);
    syncWith(store, [bundling(msg2, e2)], 'b');
    assert.equal(store.events.rowidByEventID(e2.event_id), undefined, 'without a decryption it would never be decrypted');
  });
});

describe('bundledEdit: what is no edit of the message it came with', () => {
  const edit = (target: string, extra: Partial<ClientEvent> = {}): ClientEvent => ({
    event_id: '$edit', type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 2,
    content: { body: '* new', 'm.new_content': { body: 'new' }, 'm.relates_to': { rel_type: 'm.replace', event_id: target } },
    ...extra,
  });
  const message = (replace?: unknown): ClientEvent => ({
    event_id: '$msg', type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 1, content: { body: 'old' },
    ...(replace === undefined ? {} : { unsigned: { 'm.relations': { 'm.replace': replace } } as ClientEvent['unsigned'] }),
  });

  it('ignores another target, another relation, the old summary form and a malformed one', () => {
    assert.equal(bundledEdit('!r:hs', message(edit('$msg')))?.event_id, '$edit');
    assert.equal(bundledEdit('!r:hs', message(edit('$other'))), undefined);
    const annotation = edit('$msg');
    annotation.content['m.relates_to'] = { rel_type: 'm.annotation', event_id: '$msg', key: '👍' };
    assert.equal(bundledEdit('!r:hs', message(annotation)), undefined);
    // Before Matrix 1.7 servers bundled only a summary of the edit.
    assert.equal(bundledEdit('!r:hs', message({ event_id: '$edit', origin_server_ts: 2, sender: '@bob:hs' })), undefined);
    assert.equal(bundledEdit('!r:hs', message(edit('$msg', { origin_server_ts: undefined as unknown as number }))), undefined);
    assert.equal(bundledEdit('!r:hs', message('$edit')), undefined);
    assert.equal(bundledEdit('!r:hs', message()), undefined);
  });
});
