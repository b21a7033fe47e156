/**
 * The two file formats of recovery, checked against independent implementations: Secret Storage (recovery keys,
 * passphrase keys, the key check, secrets encrypted per name) against matrix-js-sdk's own functions in both
 * directions, and the key export file against Element's published test vectors plus round trips.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecoveryKey as sdkDecodeRecoveryKey, encodeRecoveryKey as sdkEncodeRecoveryKey } from 'matrix-js-sdk/lib/crypto-api/recovery-key.js';
import { deriveRecoveryKeyFromPassphrase } from 'matrix-js-sdk/lib/crypto-api/key-passphrase.js';
import { calculateKeyCheck } from 'matrix-js-sdk/lib/secret-storage.js';
import sdkDecrypt from 'matrix-js-sdk/lib/utils/decryptAESSecretStorageItem.js';
import sdkEncrypt from 'matrix-js-sdk/lib/utils/encryptAESSecretStorageItem.js';
import {
  checkKey, decodeRecoveryKey, decryptSecret, encodeRecoveryKey, encryptSecret, keyCheck, keyFromPassphrase, SSSS_ALGORITHM,
} from '../../src/main/backend/crypto/secret-storage-crypto.ts';
import { decryptKeyFile, encryptKeyFile } from '../../src/main/backend/crypto/key-export-file.ts';

const key = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
const otherKey = new Uint8Array(32).fill(9);

describe('secret storage formats', () => {
  it('recovery keys read and write as matrix-js-sdk does', () => {
    const ours = encodeRecoveryKey(key);
    assert.equal(ours, sdkEncodeRecoveryKey(key));
    assert.deepEqual(decodeRecoveryKey(ours), key);
    assert.deepEqual(sdkDecodeRecoveryKey(ours), key);
    // Spaces and line breaks as a person types them are ignored; a wrong character breaks the parity.
    assert.deepEqual(decodeRecoveryKey(`  ${ours.replace(/ /g, '\n')} `), key);
    const typo = ours.slice(0, 5) + (ours[5] === 'a' ? 'b' : 'a') + ours.slice(6);
    assert.equal(decodeRecoveryKey(typo), null);
    assert.equal(decodeRecoveryKey('correct horse battery staple'), null);
    assert.equal(decodeRecoveryKey(''), null);
  });

  it('a passphrase gives the key matrix-js-sdk derives', async () => {
    const sdk = await deriveRecoveryKeyFromPassphrase('my passphrase', 'saltsalt', 1000, 256);
    const ours = await keyFromPassphrase('my passphrase', { algorithm: 'm.pbkdf2', salt: 'saltsalt', iterations: 1000 });
    assert.deepEqual(ours, new Uint8Array(sdk));
  });

  it('the key check matches matrix-js-sdk, and tells a wrong key', async () => {
    const sdk = await calculateKeyCheck(new Uint8Array(key));
    assert.equal(checkKey(key, { algorithm: SSSS_ALGORITHM, iv: sdk.iv, mac: sdk.mac }), true);
    assert.equal(checkKey(otherKey, { algorithm: SSSS_ALGORITHM, iv: sdk.iv, mac: sdk.mac }), false);
    const ours = keyCheck(key);
    const again = await calculateKeyCheck(new Uint8Array(key), ours.iv);
    assert.equal(again.mac.replace(/=+$/, ''), ours.mac.replace(/=+$/, ''));
    assert.equal(checkKey(key, { algorithm: SSSS_ALGORITHM }), undefined, 'no check stored: cannot tell');
  });

  it('secrets encrypted by matrix-js-sdk decrypt here, and the other way', async () => {
    const secret = 'c2VlZCBvZiBhIGNyb3NzLXNpZ25pbmcga2V5IQ';
    const bySdk = await sdkEncrypt(secret, new Uint8Array(key), 'm.cross_signing.master');
    assert.equal(decryptSecret(key, 'm.cross_signing.master', bySdk).toString('utf8'), secret);
    const byUs = encryptSecret(key, 'm.megolm_backup.v1', secret);
    assert.equal(await sdkDecrypt(byUs, new Uint8Array(key), 'm.megolm_backup.v1'), secret);
    // Another name or another key fails the MAC, in words.
    assert.throws(() => decryptSecret(key, 'm.cross_signing.self_signing', bySdk), /does not match this key/);
    assert.throws(() => decryptSecret(otherKey, 'm.cross_signing.master', bySdk), /does not match this key/);
  });
});

describe('key export file', () => {
  // Element's published vectors for the format (element-web MegolmExportEncryption tests).
  const vectors: [string, string, string][] = [
    ['plain', 'password',
      '-----BEGIN MEGOLM SESSION DATA-----\nAXNhbHRzYWx0c2FsdHNhbHSIiIiIiIiIiIiIiIiIiIiIAAAACmIRUW2OjZ3L2l6j9h0lHlV3M2dx\ncissyYBxjsfsAndErh065A8=\n-----END MEGOLM SESSION DATA-----'],
    ['Hello, World', 'betterpassword',
      '-----BEGIN MEGOLM SESSION DATA-----\nAW1vcmVzYWx0bW9yZXNhbHT//////////wAAAAAAAAAAAAAD6KyBpe1Niv5M5NPm4ZATsJo5nghk\nKYu63a0YQ5DRhUWEKk7CcMkrKnAUiZny\n-----END MEGOLM SESSION DATA-----'],
  ];

  it("reads Element's test vectors", async () => {
    for (const [plain, passphrase, file] of vectors) assert.equal(await decryptKeyFile(file, passphrase), plain);
  });

  it('round-trips, and refuses a wrong passphrase or a damaged file in words', async () => {
    const json = JSON.stringify([{ room_id: '!r:example.org', session_id: 's', session_key: 'k', text: 'ünïcødé ✓' }]);
    const file = await encryptKeyFile(json, 'pass phrase', 1000);
    assert.match(file, /^-----BEGIN MEGOLM SESSION DATA-----\n/);
    assert.ok(file.split('\n').every((l) => l.length <= 76));
    assert.equal(await decryptKeyFile(file, 'pass phrase'), json);
    // Other line endings and indentation, as files copied around get them.
    assert.equal(await decryptKeyFile(file.replace(/\n/g, '\r\n  '), 'pass phrase'), json);
    await assert.rejects(decryptKeyFile(file, 'wrong'), /passphrase is wrong/);
    const lines = file.split('\n');
    lines[2] = lines[2].replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    await assert.rejects(decryptKeyFile(lines.join('\n'), 'pass phrase'), /passphrase is wrong, or the key file is damaged/);
    await assert.rejects(decryptKeyFile('hello', 'x'), /not a key export/);
    await assert.rejects(decryptKeyFile(vectors[0][2].split('\n').slice(0, 2).join('\n'), 'password'), /cut off/);
    await assert.rejects(encryptKeyFile(json, ''), /needs a passphrase/);
  });
});
