import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Keytar } from '../../src/main/backend/secrets/keychain-store.ts';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import type { SafeStorageProxy } from '../../src/main/backend/secrets/safe-storage-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lattice-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function memoryKeytar(): Keytar & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (s, a) => entries.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => { entries.set(`${s}/${a}`, p); },
    deletePassword: async (s, a) => entries.delete(`${s}/${a}`),
  };
}
const brokenKeytar = (): Keytar => {
  const fail = () => Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files'));
  return { getPassword: fail, setPassword: fail, deletePassword: fail };
};
/** A locked keyring: writes seem to work, reads come back empty. */
const lockedKeytar = (): Keytar => ({ getPassword: async () => null, setPassword: async () => {}, deletePassword: async () => true });
const fakeSafeStorage = (available = true): SafeStorageProxy => ({
  isAvailable: async () => available,
  encrypt: async (s) => Buffer.from(`enc:${s}`),
  decrypt: async (b) => Buffer.from(b).toString().replace(/^enc:/, ''),
});

describe('choosing a secret store', () => {
  it('uses the keychain when its canary round trip works, namespaced per data directory', async () => {
    const kt = memoryKeytar();
    const s = await openSecretStore({ namespace: 'ns1', dataDir: dir, keytar: () => kt });
    assert.equal(s.kind, 'keychain');
    await s.set('matrix_access_token', 'tok');
    assert.deepEqual([...kt.entries.keys()], ['lattice/ns1:matrix_access_token'], 'the canary was cleaned up');
    assert.notEqual(secretNamespace('/a'), secretNamespace('/b'));
    assert.equal(secretNamespace('/a'), secretNamespace('/a/'));
  });

  it('falls back to safeStorage, then (only when allowed) the file, and otherwise refuses with every reason', async () => {
    const viaSafe = await openSecretStore({ namespace: 'n', dataDir: dir, keytar: brokenKeytar, safeStorage: fakeSafeStorage() });
    assert.equal(viaSafe.kind, 'electron-safe-storage');
    await viaSafe.set('k', 'secret');
    assert.equal(await viaSafe.get('k'), 'secret');

    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: dir, keytar: lockedKeytar, safeStorage: fakeSafeStorage(false) }),
      (e: Error) => e.name === 'SecretStoreUnavailableError' && /locked/.test(e.message) && /safeStorage/.test(e.message)
        && /--insecure-secrets-file/.test(e.message));

    const logs: string[] = [];
    const file = await openSecretStore({ namespace: 'n', dataDir: dir, keytar: brokenKeytar, insecureFileFallback: true, log: (m) => logs.push(m) });
    assert.equal(file.kind, 'file');
    assert.match(file.description, /not in the OS keychain/);
    assert.match(logs.join('\n'), /WARNING/);
  });

  it('keeps the file store private (0600) and writes it atomically', async () => {
    const d = mkdtempSync(path.join(dir, 'f-'));
    const s = await openSecretStore({ namespace: 'n', dataDir: d, keytar: brokenKeytar, insecureFileFallback: true });
    await s.set('a', '1');
    await s.set('b', '2');
    await s.delete('a');
    assert.equal(await s.get('a'), null);
    assert.equal(await s.get('b'), '2');
    assert.equal(statSync(path.join(d, 'secrets.json')).mode & 0o777, 0o600);
  });
});
