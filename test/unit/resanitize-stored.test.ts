/**
 * Messages stored before the sanitizer kept inline images (their <img> stored as alt text) get them once the
 * database is opened by this version: migration 17 queues a pass over the stored events, the backend runs it in
 * slices after opening, and only local_content.sanitized_html of events with an <img> changes. Running it again, or
 * after a crash halfway, changes nothing more.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Backend } from '../../src/main/backend/backend.ts';
import { resanitizeSlice, resanitizeStored } from '../../src/main/backend/html/resanitize-stored.ts';
import { createLogger } from '../../src/main/backend/log/logger.ts';
import { migrations } from '../../src/main/backend/store/migrations.ts';
import { Store } from '../../src/main/backend/store/store.ts';

const EMOJI = '<img data-mx-emoticon src="mxc://hs.example/party" alt=":party:" height="32">';
const PICTURE = '<img src="mxc://hs.example/cat" alt="a cat" width="640" height="480">';
/** What the sanitizer stored for an <img> before it kept them. */
const oldImage = (alt: string) => `<span class="mx-inline-image">${alt}</span>`;
const html = (formatted: string) => ({ msgtype: 'm.text', body: 'text', format: 'org.matrix.custom.html', formatted_body: formatted });
const quiet = createLogger({ level: 'error', sinks: [] });

type Row = Record<string, unknown> & { event_id: string; local_content: string | null };

/** A schema-16 database file with events as the sanitizer of then stored them. */
function oldDatabase(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.transaction(() => { for (const m of migrations.slice(0, 16)) db.exec(m); db.pragma('user_version = 16'); })();
  const insert = db.prepare(`INSERT INTO event (room_id, event_id, sender, type, timestamp, content, decrypted, decrypted_type,
      local_content, relates_to, relation_type, redacted_by, unread_type) VALUES ('!r:hs.example', @id, '@bob:hs.example',
      @type, @ts, @content, @decrypted, @decrypted_type, @local, @relates_to, @relation_type, @redacted_by, 1)`);
  let ts = 1000;
  const add = (id: string, content: object, local: object | null, extra: Record<string, unknown> = {}) => insert.run({
    id, type: 'm.room.message', ts: ts++, content: JSON.stringify(content), decrypted: null, decrypted_type: null,
    local: local && JSON.stringify(local), relates_to: null, relation_type: null, redacted_by: null, ...extra,
  });
  db.transaction(() => {
    add('$emoji', html(`party ${EMOJI}`), { sanitized_html: `party ${oldImage(':party:')}`, sender_profile: { displayname: 'Bob' } });
    // Encrypted: the cleartext beside the ciphertext.
    add('$secret', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' }, { sanitized_html: oldImage('a cat') }, {
      type: 'm.room.encrypted', decrypted: JSON.stringify(html(PICTURE)), decrypted_type: 'm.room.message',
    });
    // An edit: its HTML is that of its new content.
    add('$edit', { ...html(`* ${EMOJI}`), 'm.new_content': html(`<b>now</b> ${EMOJI}`), 'm.relates_to': { rel_type: 'm.replace', event_id: '$emoji' } },
      { sanitized_html: `<b>now</b> ${oldImage(':party:')}` }, { relates_to: '$emoji', relation_type: 'm.replace' });
    // Only an mxc:// source is kept: this one stays alt text.
    add('$web', html('<IMG src="https://evil.example/x.png" alt="tracker">'), { sanitized_html: oldImage('tracker') });
    // No image: not looked at, even where today's sanitizer would write it differently (here: the link's rel).
    add('$link', html('<a href="https://a.example">a</a>'), { sanitized_html: '<a href="https://a.example">a</a>' });
    add('$plain', { msgtype: 'm.text', body: 'an <img> in plain text' }, { was_plaintext: true });
    add('$redacted', {}, null, { redacted_by: '$r' });
    // As the event store keeps it (migration 20 recomputes it for every edited message; it must find nothing to change).
    db.exec("UPDATE event SET last_edit_rowid = (SELECT rowid FROM event WHERE event_id = '$edit') WHERE event_id = '$emoji'");
  })();
  db.close();
}

function rows(file: string): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM event ORDER BY rowid').all() as Row[];
  } finally {
    db.close();
  }
}

function passes(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM resanitize_pass').pluck().get() as number;
  } finally {
    db.close();
  }
}

const sanitized = (r: Row | undefined) => (r?.local_content ? JSON.parse(r.local_content).sanitized_html as string : undefined);

describe('stored HTML sanitized again', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-resanitize-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows inline images of messages stored before, once the backend has opened the database, changing nothing else', async () => {
    const root = path.join(dir, 'app');
    const file = path.join(root, 'data', 'lattice.db');
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    oldDatabase(file);
    const before = rows(file);

    const backend = await Backend.create({
      paths: { config: root, data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: root },
      secrets: { error: 'no keychain in this test' }, logger: quiet,
    });
    try {
      for (let i = 0; passes(file) > 0; i++) {
        assert.ok(i < 500, 'the pass finishes');
        await sleep(10);
      }
    } finally {
      await backend.close();
    }
    const now = rows(file);
    const byId = (rs: Row[], id: string) => rs.find((r) => r.event_id === id);

    assert.equal(sanitized(byId(now, '$emoji')),
      'party <img data-mxc="mxc://hs.example/party" alt=":party:" title=":party:" height="32" data-mx-emoticon />');
    assert.equal(sanitized(byId(now, '$secret')), '<img data-mxc="mxc://hs.example/cat" alt="a cat" width="320" height="240" />');
    assert.match(sanitized(byId(now, '$edit')) ?? '', /^<b>now<\/b> <img data-mxc="mxc:\/\/hs\.example\/party"/);
    // Everything else as it was: the other rows byte for byte, these apart from sanitized_html.
    const changed = new Set(['$emoji', '$secret', '$edit']);
    assert.equal(now.length, before.length);
    for (const [i, was] of before.entries()) {
      // The event's key is new since (migration 23) and its own business (test/unit/event-key.test.ts).
      const { event_key: _key, ...is } = now[i];
      if (!changed.has(was.event_id)) {
        assert.deepEqual(is, was, `${was.event_id} unchanged`);
        continue;
      }
      assert.deepEqual({ ...is, local_content: null }, { ...was, local_content: null }, `${was.event_id}: only local_content changed`);
      const { sanitized_html: _a, ...restIs } = JSON.parse(is.local_content!) as Record<string, unknown>;
      const { sanitized_html: _b, ...restWas } = JSON.parse(was.local_content!) as Record<string, unknown>;
      assert.deepEqual(restIs, restWas, `${was.event_id}: its other local content kept`);
    }
    assert.deepEqual(JSON.parse(byId(now, '$emoji')!.local_content!).sender_profile, { displayname: 'Bob' });

    // A second run over the same rows (as after a crash before the pass row went) changes nothing.
    const store = Store.open(file);
    store.db.prepare(`INSERT INTO resanitize_pass (pattern, next_rowid, last_rowid)
      SELECT '%<img%', MIN(rowid), MAX(rowid) FROM event`).run();
    assert.equal(await resanitizeStored(() => store, quiet), 0);
    store.close();
    assert.deepEqual(rows(file), now);
    assert.equal(passes(file), 0);
  });

  it('goes on after a crash halfway where it stopped, with the same result', async () => {
    const file = path.join(dir, 'crash.db');
    oldDatabase(file);
    const first = Store.open(file);
    // Two events' worth, then the process "dies": what that slice did is committed with the progress.
    assert.equal(resanitizeSlice(first, 2), 2);
    const afterSlice = rows(file);
    assert.match(sanitized(afterSlice[0]) ?? '', /data-mxc/);
    assert.equal(sanitized(afterSlice[2]), `<b>now</b> ${oldImage(':party:')}`, 'the edit is in the next slice');
    first.close();

    const second = Store.open(file);
    assert.equal(await resanitizeStored(() => second, quiet, 2), 1, 'only what was left');
    second.close();
    assert.equal(passes(file), 0);

    const whole = path.join(dir, 'whole.db');
    oldDatabase(whole);
    const once = Store.open(whole);
    assert.equal(await resanitizeStored(() => once, quiet), 3);
    once.close();
    assert.deepEqual(rows(file), rows(whole));
  });

  it('queues nothing for a new database', () => {
    const store = Store.open(':memory:');
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM resanitize_pass').pluck().get(), 0);
    assert.equal(resanitizeSlice(store), undefined);
    store.close();
  });
});
