/**
 * Opening secret storage on account data as other clients leave it (the homeserver stubbed by a map of account
 * data): the default key is tried first but any key that opens all three cross-signing secrets will do, a key
 * description without a check (old clients) is accepted when the key opens a secret, a passphrase is tried when the
 * text is not a recovery key, and what is missing or wrong is said in words.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import { MatrixError } from '../../src/main/backend/matrix/errors.ts';
import { CROSS_SIGNING_SECRETS, SecretStorage } from '../../src/main/backend/crypto/secret-storage.ts';
import {
  encodeRecoveryKey, encryptSecret, keyCheck, keyFromPassphrase, SSSS_ALGORITHM, type PassphraseInfo,
} from '../../src/main/backend/crypto/secret-storage-crypto.ts';

const ME = '@me:example.org';

function fakeClient(data: Map<string, Record<string, unknown>>): MatrixClient {
  const account = {
    getAccountData: (_user: string, type: string) => {
      const c = data.get(type);
      return c ? Promise.resolve(c) : Promise.reject(new MatrixError(404, 'M_NOT_FOUND', 'not found'));
    },
    setAccountData: (_user: string, type: string, content: Record<string, unknown>) => {
      data.set(type, content);
      return Promise.resolve({});
    },
  };
  return { account } as unknown as MatrixClient;
}

/** Account data with the cross-signing secrets encrypted for each of `keys` (id → key). */
function account(keys: Record<string, Uint8Array>, opts: { defaultKey?: string; noCheck?: string[]; passphrase?: Record<string, PassphraseInfo> } = {}) {
  const data = new Map<string, Record<string, unknown>>();
  for (const [id, key] of Object.entries(keys)) {
    data.set(`m.secret_storage.key.${id}`, {
      algorithm: SSSS_ALGORITHM, ...(opts.noCheck?.includes(id) ? {} : keyCheck(key)),
      ...(opts.passphrase?.[id] ? { passphrase: opts.passphrase[id] } : {}),
    });
  }
  for (const name of CROSS_SIGNING_SECRETS) {
    data.set(name, { encrypted: Object.fromEntries(Object.entries(keys).map(([id, key]) => [id, encryptSecret(key, name, `secret of ${name}`)])) });
  }
  if (opts.defaultKey) data.set('m.secret_storage.default_key', { key: opts.defaultKey });
  return data;
}

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);

describe('opening secret storage', () => {
  it('opens with the recovery key of any key that holds every cross-signing secret, the default first', async () => {
    const ss = new SecretStorage(fakeClient(account({ A: keyA, B: keyB }, { defaultKey: 'B' })), ME);
    const b = await ss.unlock(encodeRecoveryKey(keyB));
    assert.equal(b.id, 'B');
    assert.equal(await ss.getSecret('m.cross_signing.master', b), 'secret of m.cross_signing.master');
    assert.equal((await ss.unlock(encodeRecoveryKey(keyA))).id, 'A');
    assert.equal(await ss.getSecret('m.megolm_backup.v1', b), null, 'no backup key stored: null, not an error');
  });

  it('accepts a key without a stored check when it opens the secrets, and refuses one that does not', async () => {
    const ss = new SecretStorage(fakeClient(account({ A: keyA }, { defaultKey: 'A', noCheck: ['A'] })), ME);
    assert.equal((await ss.unlock(encodeRecoveryKey(keyA))).id, 'A');
    await assert.rejects(ss.unlock(encodeRecoveryKey(keyB)), /does not match/);
  });

  it('tries the text as a passphrase when the key has one', async () => {
    const info: PassphraseInfo = { algorithm: 'm.pbkdf2', salt: 'some salt', iterations: 1000, bits: 256 };
    const fromPassphrase = await keyFromPassphrase('a long passphrase', info);
    const ss = new SecretStorage(fakeClient(account({ P: fromPassphrase }, { defaultKey: 'P', passphrase: { P: info } })), ME);
    assert.equal((await ss.unlock('a long passphrase')).id, 'P');
    assert.equal((await ss.unlock(encodeRecoveryKey(fromPassphrase))).id, 'P', 'the recovery key of a passphrase key works too');
    await assert.rejects(ss.unlock('another passphrase'), /does not match/);
  });

  it('says what is missing or wrong', async () => {
    const noSecrets = new SecretStorage(fakeClient(new Map()), ME);
    await assert.rejects(noSecrets.unlock(encodeRecoveryKey(keyA)), /lacks m\.cross_signing\.master, m\.cross_signing\.self_signing, m\.cross_signing\.user_signing/);
    const noPassphrase = new SecretStorage(fakeClient(account({ A: keyA }, { defaultKey: 'A' })), ME);
    await assert.rejects(noPassphrase.unlock('not a recovery key'), /not a recovery key .*no recovery passphrase/);
    // A secret encrypted for a key the others are not: no single key opens all three.
    const data = account({ A: keyA });
    data.set('m.cross_signing.user_signing', { encrypted: { B: encryptSecret(keyB, 'm.cross_signing.user_signing', 'x') } });
    await assert.rejects(new SecretStorage(fakeClient(data), ME).unlock(encodeRecoveryKey(keyA)), /No single secret storage key/);
  });

  it('adds a default key that opens what is stored with it', async () => {
    const data = new Map<string, Record<string, unknown>>();
    const ss = new SecretStorage(fakeClient(data), ME);
    const key = await ss.addDefaultKey(keyA);
    assert.equal(await ss.defaultKeyId(), key.id);
    for (const name of CROSS_SIGNING_SECRETS) await ss.storeSecret(name, `new ${name}`, key);
    const opened = await ss.unlock(encodeRecoveryKey(keyA));
    assert.equal(opened.id, key.id);
    assert.equal(await ss.getSecret('m.cross_signing.self_signing', opened), 'new m.cross_signing.self_signing');
  });
});
