/**
 * Encrypted attachments (the spec's AES-CTR v2 format, checked against an independent WebCrypto implementation)
 * and the database side of late keys: failed events queue their megolm session whichever way they are stored,
 * and an encrypted file's key is found by its mxc:// URI among decrypted events (a link preview's picture in the
 * event the request names), by index lookups only.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { AesCtrAttachments } from '../../src/main/backend/crypto/attachment-cipher.ts';
import { findEncryptedFile } from '../../src/main/backend/crypto/encrypted-media.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { parseMediaPath } from '../../src/shared/rpc/media.ts';
import { webDecrypt, webEncrypt } from '../harness/web-attachments.ts';

const b64 = (s: string) => Buffer.from(s, 'base64');

describe('encrypted attachments', () => {
  const cipher = new AesCtrAttachments();
  const plaintext = Buffer.from('an image, or any bytes at all, '.repeat(100));

  it('encrypts in the spec format: a 256-bit JWK, an IV whose counter half is zero, the ciphertext hash', async () => {
    const { ciphertext, file } = await cipher.encrypt(plaintext);
    assert.equal(file.v, 'v2');
    assert.equal(file.key.alg, 'A256CTR');
    assert.equal(Buffer.from(file.key.k as string, 'base64url').length, 32);
    assert.deepEqual([...b64(file.iv).subarray(8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.doesNotMatch(file.iv, /=/);
    assert.equal(file.hashes.sha256, createHash('sha256').update(ciphertext).digest('base64').replace(/=+$/, ''));
    assert.notDeepEqual(Buffer.from(ciphertext).subarray(0, 32), plaintext.subarray(0, 32));
    assert.deepEqual(await webDecrypt(ciphertext, file), plaintext, 'another implementation decrypts it');
  });

  it('decrypts what another implementation encrypted, and refuses a changed or cut file', async () => {
    const { ciphertext, file } = await webEncrypt(plaintext);
    assert.deepEqual(Buffer.from(await cipher.decrypt(ciphertext, file)), plaintext);
    const changed = Buffer.from(ciphertext);
    changed[10] ^= 1;
    await assert.rejects(cipher.decrypt(changed, file), /does not match the hash/);
    await assert.rejects(cipher.decrypt(ciphertext.subarray(1), file), /does not match the hash/);
    await assert.rejects(cipher.decrypt(ciphertext, { ...file, v: 'v9' }), /version v9/);
    await assert.rejects(cipher.decrypt(ciphertext, { ...file, key: { ...file.key, alg: 'A128CTR' } }), /AES-256-CTR/);
    await assert.rejects(cipher.decrypt(ciphertext, { ...file, hashes: {} }), /no SHA-256 hash/);
  });

  it('is asked for through the media path with gomuks\' encrypted=true', () => {
    assert.deepEqual(parseMediaPath('hs/abc', new URLSearchParams('encrypted=true')), { server: 'hs', mediaId: 'abc', encrypted: true });
    assert.deepEqual(parseMediaPath('hs/abc', new URLSearchParams('encrypted=true&w=10&h=10')),
      { server: 'hs', mediaId: 'abc', thumbnail: { width: 10, height: 10 }, encrypted: true });
    assert.deepEqual(parseMediaPath('hs/abc', new URLSearchParams('encrypted=false')), { server: 'hs', mediaId: 'abc' });
  });
});

describe('late keys in the database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-late-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const encrypted = (eventId: string, sessionId: string) => ({
    room_id: '!r:hs', event_id: eventId, sender: '@b:hs', type: 'm.room.encrypted', timestamp: 1,
    content: { algorithm: 'm.megolm.v1.aes-sha2', session_id: sessionId, ciphertext: 'AwgA', sender_key: 'k', device_id: 'D' },
  });

  it('queues the session of an event stored as undecryptable, inserted or updated, once per session', () => {
    const store = Store.open(path.join(dir, 'q.db'));
    const queued = () => store.db.prepare('SELECT session_id, room_id, sender FROM session_request ORDER BY session_id').all();
    store.events.insert({ ...encrypted('$1', 'S1'), decryption_error: 'The key to decrypt this message has not arrived.' });
    store.events.insert({ ...encrypted('$2', 'S1'), decryption_error: 'The key to decrypt this message has not arrived.' });
    store.events.insert({ ...encrypted('$3', 'S2'), decrypted: { body: 'fine' }, decrypted_type: 'm.room.message' });
    assert.deepEqual(queued(), [{ session_id: 'S1', room_id: '!r:hs', sender: '@b:hs' }]);
    // A local echo whose remote echo could not be decrypted (the update path).
    const rowid = store.events.insert({ ...encrypted('$4', 'S3'), content: { body: 'local echo' } });
    store.events.update(rowid, { ...encrypted('$4', 'S3'), decryption_error: 'not yet' });
    assert.deepEqual(queued().map((q) => (q as { session_id: string }).session_id), ['S1', 'S3']);
    // The partial index finds the failed events of a session.
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM event WHERE content ->> '$.session_id' = ? AND decryption_error IS NOT NULL`).all('S1');
    assert.match(JSON.stringify(plan), /event_failed_session_idx/);
    store.close();
  });

  it('finds an encrypted file\'s key by its mxc URI, for the file and its thumbnail, only among decrypted events', () => {
    const store = Store.open(path.join(dir, 'f.db'));
    const file = { v: 'v2', key: { kty: 'oct', alg: 'A256CTR', k: 'x' }, iv: 'AAAA', hashes: { sha256: 'h' } };
    store.events.insert({
      ...encrypted('$img', 'S'), decrypted_type: 'm.room.message',
      decrypted: { msgtype: 'm.image', body: 'cat.png', file: { ...file, url: 'mxc://hs/full' },
        info: { mimetype: 'image/png', thumbnail_file: { ...file, url: 'mxc://hs/thumb' }, thumbnail_info: { mimetype: 'image/jpeg' } } },
    });
    // The same URL in an unencrypted event's content is no key source.
    store.events.insert({ ...encrypted('$plain', 'S'), type: 'm.room.message', content: { file: { ...file, url: 'mxc://hs/plain' } } });
    assert.equal(findEncryptedFile(store, 'mxc://hs/full')?.mimetype, 'image/png');
    assert.equal(findEncryptedFile(store, 'mxc://hs/full')?.file.iv, 'AAAA');
    assert.equal(findEncryptedFile(store, 'mxc://hs/thumb')?.mimetype, 'image/jpeg');
    assert.equal(findEncryptedFile(store, 'mxc://hs/plain'), undefined);
    assert.equal(findEncryptedFile(store, 'mxc://hs/unknown'), undefined);
    store.close();
  });

  it('finds a link preview picture\'s key in the event the request names, by index lookups only', () => {
    const store = Store.open(path.join(dir, 'p.db'));
    const file = { v: 'v2', key: { kty: 'oct', alg: 'A256CTR', k: 'x' }, iv: 'AAAA', hashes: { sha256: 'h' } };
    const preview = (mxc: string) => ({ matched_url: 'https://example.org', 'og:title': 'Example',
      'beeper:image:encryption': { ...file, url: mxc }, 'og:image:type': 'image/png' });
    store.events.insert({ ...encrypted('$msg', 'S'), decrypted_type: 'm.room.message',
      decrypted: { msgtype: 'm.text', body: 'see https://example.org', 'com.beeper.linkpreviews': [preview('mxc://hs/pic')] } });
    // An edit carries its previews in the new content.
    store.events.insert({ ...encrypted('$edit', 'S'), decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: '* see',
      'm.new_content': { msgtype: 'm.text', body: 'see', 'com.beeper.linkpreviews': [preview('mxc://hs/edited')] },
      'm.relates_to': { rel_type: 'm.replace', event_id: '$msg' } } });
    const prepared: string[] = [];
    const prepare = store.db.prepare.bind(store.db);
    store.db.prepare = (sql: string) => { prepared.push(sql); return prepare(sql); };
    assert.equal(findEncryptedFile(store, 'mxc://hs/pic', '$msg')?.mimetype, 'image/png');
    assert.equal(findEncryptedFile(store, 'mxc://hs/edited', '$edit')?.file.iv, 'AAAA');
    assert.equal(findEncryptedFile(store, 'mxc://hs/pic', '$edit'), undefined, 'an event that does not carry it');
    assert.equal(findEncryptedFile(store, 'mxc://hs/pic', '$unknown'), undefined);
    assert.equal(findEncryptedFile(store, 'mxc://hs/pic'), undefined, 'no event named: no search through every message');
    store.db.prepare = prepare;
    // Every statement is an index search, never a scan of the event table (a large encrypted account's worth).
    assert.ok(prepared.length > 0);
    for (const sql of new Set(prepared)) {
      const params = Array.from(sql.matchAll(/\?/g), () => 'x');
      const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      assert.ok(plan.every((step) => !/^SCAN event\b/.test(step.detail)), `${sql}: ${plan.map((step) => step.detail).join('; ')}`);
    }
    store.close();
  });
});
