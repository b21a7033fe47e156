/**
 * An edit (m.replace) counts only if its type is its message's, both as decrypted (the spec: "the original event and
 * replacement event must have the same type"), whichever way it is stored: at insert, decrypted late, when the
 * latest edit is deleted (migration 20's trigger), for a message decrypted after its edits, and for latest edits and
 * word-index entries stored before migration 20. An encrypted event is m.room.encrypted as sent, edit or reaction
 * alike, so comparing the types as sent took anything encrypted that claims m.replace for an encrypted message's edit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/index.ts';
import type { ClientEvent } from '../../src/main/backend/matrix/types.ts';
import Database from 'better-sqlite3';
import { searchLocal } from '../../src/main/backend/search/local-search.ts';
import { migrate } from '../../src/main/backend/store/database.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { ingestEvent } from '../../src/main/backend/sync/ingest-event.ts';
import type { Decryption } from '../../src/main/backend/sync/prepared.ts';

const ME = '@me:hs';
const ROOM = '!r:hs';
let n = 0;

/** An encrypted event from Bob; its relation, if any, in the clear beside the ciphertext (as the spec has it). */
function sealed(relatesTo?: string): ClientEvent {
  const content: JSONObject = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: `x${++n}`, session_id: 's', sender_key: 'k', device_id: 'D' };
  if (relatesTo) content['m.relates_to'] = { rel_type: 'm.replace', event_id: relatesTo };
  return { event_id: `$et${n}`, type: 'm.room.encrypted', sender: '@bob:hs', origin_server_ts: 1_700_000_000_000 + n, content };
}
const message = (body: string): Decryption => ({ decrypted: { msgtype: 'm.text', body }, decrypted_type: 'm.room.message' });
/** The cleartext of an edit, of the given type (an m.reaction or a state event's type claiming m.replace is none). */
const editText = (target: string, body: string, type = 'm.room.message'): Decryption => ({
  decrypted: {
    msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body },
    'm.relates_to': { rel_type: 'm.replace', event_id: target }, ...(type === 'm.reaction' ? { key: '👍' } : {}),
  },
  decrypted_type: type,
});

function stored(store: Store, ev: ClientEvent, d: Decryption): number {
  return ingestEvent(store, ROOM, ev, undefined, ME, d)!.rowid;
}
const lastEdit = (store: Store, rowid: number) => store.events.get(rowid)?.last_edit_rowid;
/** Writes a late decryption as decryption-retry does (the row, then its edit's target refreshed). */
function decryptLate(store: Store, rowid: number, d: Decryption, target?: number): void {
  store.db.prepare(`UPDATE event SET decrypted = ?, decrypted_type = ?, decryption_error = NULL WHERE rowid = ?`)
    .run(JSON.stringify(d.decrypted), d.decrypted_type!, rowid);
  if (target !== undefined) store.events.refreshRelations([target]);
}
const found = (store: Store, term: string) => searchLocal(store.db, { searchTerm: term, limit: 10, offset: 0 }).map((e) => e.rowid);

describe('an edit of another type than its message is no edit', () => {
  it('at insert: an encrypted reaction or state-looking event claiming m.replace does not replace an encrypted message', () => {
    const store = Store.open(':memory:');
    const target = sealed();
    const t = stored(store, target, message('the plan'));
    const real = stored(store, sealed(target.event_id), editText(target.event_id, 'the plan, revised'));
    assert.equal(lastEdit(store, t), real);
    stored(store, sealed(target.event_id), editText(target.event_id, 'a reaction in disguise', 'm.reaction'));
    stored(store, sealed(target.event_id), editText(target.event_id, 'a topic in disguise', 'm.room.topic'));
    assert.equal(lastEdit(store, t), real, 'newer, but of other types');
    assert.deepEqual(found(store, 'revised'), [t]);
    store.close();
  });

  it('decrypted late: one that turns out to be a reaction stops being the latest edit; a real one becomes it', () => {
    const store = Store.open(':memory:');
    const target = sealed();
    const t = stored(store, target, message('the plan'));
    const real = stored(store, sealed(target.event_id), editText(target.event_id, 'the plan, revised'));
    const disguised = stored(store, sealed(target.event_id), { error: 'no key yet' });
    assert.equal(lastEdit(store, t), real, 'not decrypted yet: its type is not known to be the message\'s');
    decryptLate(store, disguised, editText(target.event_id, 'a reaction in disguise', 'm.reaction'), t);
    assert.equal(lastEdit(store, t), real);
    const late = stored(store, sealed(target.event_id), { error: 'no key yet' });
    assert.equal(lastEdit(store, t), real);
    decryptLate(store, late, editText(target.event_id, 'the plan, final'), t);
    assert.equal(lastEdit(store, t), late);
    store.close();
  });

  it('a message decrypted after its edit takes it as its latest edit then (its type known only now)', () => {
    const store = Store.open(':memory:');
    const target = sealed();
    const t = stored(store, target, { error: 'no key yet' });
    const real = stored(store, sealed(target.event_id), editText(target.event_id, 'the plan, revised'));
    stored(store, sealed(target.event_id), editText(target.event_id, 'a reaction in disguise', 'm.reaction'));
    decryptLate(store, t, message('the plan'));
    assert.equal(lastEdit(store, t), real);
    assert.deepEqual(found(store, 'revised'), [t]);
    store.close();
  });

  it('deleting the latest edit hands over to the newest edit of the message\'s type, as decrypted', () => {
    const store = Store.open(':memory:');
    const redact = (id: string) => store.events.redact(store.events.rowidByEventID(id)!, {}, `$redaction${++n}`);
    // Sent in the clear before the room was encrypted, edited encrypted after.
    const plain: ClientEvent = { event_id: '$plain', type: 'm.room.message', sender: '@bob:hs', origin_server_ts: 1_700_000_000_000, content: { msgtype: 'm.text', body: 'one' } };
    const p = ingestEvent(store, ROOM, plain)!.rowid;
    const first = sealed(plain.event_id);
    const e1 = stored(store, first, editText(plain.event_id, 'two'));
    const second = sealed(plain.event_id);
    stored(store, second, editText(plain.event_id, 'three'));
    redact(second.event_id);
    assert.equal(lastEdit(store, p), e1, 'the encrypted edit left is the latest again');

    // An encrypted message, with a reaction claiming m.replace between its edits.
    const target = sealed();
    const t = stored(store, target, message('four'));
    const real = stored(store, sealed(target.event_id), editText(target.event_id, 'five'));
    stored(store, sealed(target.event_id), editText(target.event_id, 'a reaction in disguise', 'm.reaction'));
    const newest = sealed(target.event_id);
    stored(store, newest, editText(target.event_id, 'six'));
    redact(newest.event_id);
    assert.equal(lastEdit(store, t), real, 'not the reaction');
    store.close();
  });

  it('reads no relation that is only inside the ciphertext (the spec: favour the cleartext copy, even when there is none)', () => {
    const store = Store.open(':memory:');
    const target = sealed();
    const t = stored(store, target, message('the plan'));
    // Element (matrix-js-sdk reads relations from the wire content) and gomuks (from the content as received) do the same.
    const inner = stored(store, sealed(), editText(target.event_id, 'the plan, revised'));
    const got = store.events.get(inner)!;
    assert.equal(got.relation_type, undefined);
    assert.equal(got.relates_to, undefined);
    assert.equal(lastEdit(store, t), undefined);
    store.close();
  });

  it('migration 20 computes again the latest edits and word-index entries stored before it', () => {
    const db = new Database(':memory:');
    for (const m of migrations.slice(0, 19)) db.exec(m);
    db.pragma('user_version = 19');
    // Written as the event store of then wrote them (today's store writes today's schema).
    const insert = db.prepare<[Record<string, unknown>]>(`INSERT INTO event (room_id, event_id,
        sender, type, timestamp, content, decrypted, decrypted_type, relates_to, relation_type)
      VALUES ('${ROOM}', @event_id, @sender, @type, @origin_server_ts, @content, @decrypted, @decrypted_type, @relates_to,
        IIF(@relates_to IS NULL, NULL, 'm.replace'))`);
    const stored = (ev: ClientEvent, d: Decryption) => Number(insert.run({
      ...ev, content: JSON.stringify(ev.content), decrypted: JSON.stringify(d.decrypted), decrypted_type: d.decrypted_type,
      relates_to: (ev.content['m.relates_to'] as { event_id?: string } | undefined)?.event_id ?? null,
    }).lastInsertRowid);
    const target = sealed();
    const t = stored(target, message('the plan'));
    const real = stored(sealed(target.event_id), editText(target.event_id, 'the plan, revised'));
    const disguised = stored(sealed(target.event_id), editText(target.event_id, 'a reaction in disguise', 'm.reaction'));
    // As stored before: the reaction taken for the latest edit, and the message indexed by its first text (the
    // old view found the reaction, without m.new_content.body, newest).
    db.prepare('UPDATE event SET last_edit_rowid = ? WHERE rowid = ?').run(disguised, t);
    db.prepare('INSERT INTO event_search (rowid, body) VALUES (?, ?)').run(t, 'the plan');
    migrate(db);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    const store = new Store(db);
    assert.equal(lastEdit(store, t), real);
    assert.deepEqual(found(store, 'revised'), [t]);
    store.close();
  });
});
