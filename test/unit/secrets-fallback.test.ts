import assert from 'node:assert/strict';
import {
  chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { FileStore } from '../../src/main/backend/secrets/file-store.ts';
import { KeychainStore, keychainCallsInFlight, type Keytar } from '../../src/main/backend/secrets/keychain-store.ts';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import { SafeStorageStore, type SafeStorageProxy } from '../../src/main/backend/secrets/safe-storage-store.ts';
import { SecretStoreUnavailableError } from '../../src/main/backend/secrets/secret-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lattice-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(path.join(dir, 'd-'));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function memoryKeytar(): Keytar & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (s, a) => entries.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => { entries.set(`${s}/${a}`, p); },
    deletePassword: async (s, a) => entries.delete(`${s}/${a}`),
  };
}
/** What keytar does on Linux when nothing owns org.freedesktop.secrets: rejects within milliseconds. */
const brokenKeytar = (): Keytar => {
  const fail = () => Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files'));
  return { getPassword: fail, setPassword: fail, deletePassword: fail };
};
/** A locked keyring that accepts writes but answers reads with null. */
const lockedKeytar = (): Keytar => ({ getPassword: async () => null, setPassword: async () => {}, deletePassword: async () => true });
/** gnome-keyring's locked keyring: refuses to store. */
const refusingKeytar = (): Keytar => ({
  getPassword: async () => null,
  setPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')),
  deletePassword: async () => false,
});
/** A hung D-Bus: nothing ever answers. */
const hungKeytar = (): Keytar => {
  const never = () => new Promise<never>(() => {});
  return { getPassword: never, setPassword: never, deletePassword: never };
};

/** A stand-in cipher: reversible, and the plaintext never shows in the ciphertext. */
function fakeSafeStorage(opts: { available?: boolean; broken?: boolean } = {}): SafeStorageProxy & { calls: string[] } {
  const calls: string[] = [];
  const xor = (b: Uint8Array) => Uint8Array.from(b, (x) => x ^ 0x5a);
  return {
    calls,
    isAvailable: async () => { calls.push('isAvailable'); return opts.available ?? true; },
    encrypt: async (s) => { calls.push('encrypt'); return Buffer.concat([Buffer.from('v10'), xor(Buffer.from(s))]); },
    decrypt: async (b) => {
      calls.push('decrypt');
      if (opts.broken) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      assert.equal(Buffer.from(b.subarray(0, 3)).toString(), 'v10');
      return Buffer.from(xor(b.subarray(3))).toString();
    },
  };
}

const isUnavailable = (...patterns: RegExp[]) => (e: unknown) => {
  assert.ok(e instanceof SecretStoreUnavailableError, `not a SecretStoreUnavailableError: ${String(e)}`);
  assert.equal(e.name, 'SecretStoreUnavailableError');
  for (const p of patterns) assert.match(e.message, p);
  return true;
};

describe('choosing a secret store', () => {
  it('uses the keychain when its canary round trip works, namespaced per data directory', async () => {
    const kt = memoryKeytar();
    const logs: string[] = [];
    const s = await openSecretStore({ namespace: 'ns1', dataDir: dir, keytar: () => kt, safeStorage: fakeSafeStorage(),
      insecureFileFallback: true, log: (m) => logs.push(m) });
    assert.equal(s.kind, 'keychain', 'preferred over safeStorage and the file, even when those are allowed');
    assert.equal(s.description, 'OS keychain (Secret Service)');
    await s.set('matrix_access_token', 'syt_secret');
    assert.deepEqual([...kt.entries.keys()], ['lattice/ns1:matrix_access_token'], 'the canary was cleaned up');
    assert.deepEqual(logs, ['secrets: using the OS keychain (Secret Service)']);
    assert.notEqual(secretNamespace('/a'), secretNamespace('/b'));
    assert.equal(secretNamespace('/a'), secretNamespace('/a/'));
    assert.match(secretNamespace('/a'), /^[0-9a-f]{16}$/);
  });

  it('keeps two namespaces apart in one keychain', async () => {
    const kt = memoryKeytar();
    const a = new KeychainStore(kt, 'aaa');
    const b = new KeychainStore(kt, 'bbb');
    await a.set('k', 'from-a');
    assert.equal(await b.get('k'), null);
    await b.set('k', 'from-b');
    await a.delete('k');
    assert.equal(await a.get('k'), null);
    assert.equal(await b.get('k'), 'from-b');
    assert.throws(() => new KeychainStore(kt, 'a:b'), /namespace/);
    assert.throws(() => new KeychainStore(kt, ''), /namespace/);
    await assert.rejects(a.set('k', ''), /empty/);
  });

  it('falls back to safeStorage, then (only when allowed) the file, and otherwise refuses with every reason', async () => {
    const logs: string[] = [];
    const viaSafe = await openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: brokenKeytar,
      safeStorage: fakeSafeStorage(), insecureFileFallback: true, log: (m) => logs.push(m) });
    assert.equal(viaSafe.kind, 'electron-safe-storage', 'safeStorage comes before the file');
    assert.match(viaSafe.description, /Electron safeStorage/);
    assert.match(logs.join('\n'), /falling back to Electron safeStorage.*because OS keychain \(Secret Service\): .*org\.freedesktop\.secrets/);

    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: lockedKeytar,
      safeStorage: fakeSafeStorage({ available: false }) }),
    isUnavailable(/nowhere safe/, /OS keychain \(Secret Service\): the keyring looks locked/,
      /Electron safeStorage: the OS offers it no encryption key/, /GNOME Keyring/, /--insecure-secrets-file/));

    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: brokenKeytar }),
      (e: unknown) => {
        assert.ok(e instanceof SecretStoreUnavailableError);
        assert.deepEqual(e.attempts.map((a) => a.kind), ['keychain', 'electron-safe-storage']);
        assert.match(e.attempts[0].reason, /storing a test entry failed: The name org\.freedesktop\.secrets was not provided/);
        assert.equal(e.attempts[1].reason, 'not running in Electron');
        return true;
      });

    logs.length = 0;
    const d = freshDir();
    const file = await openSecretStore({ namespace: 'n', dataDir: d, keytar: brokenKeytar, insecureFileFallback: true,
      log: (m) => logs.push(m) });
    assert.equal(file.kind, 'file');
    assert.match(file.description, /plain file .*secrets\.json \(0600.*not in the OS keychain/);
    assert.match(logs.join('\n'), /WARNING: .*Reason: OS keychain \(Secret Service\): .*org\.freedesktop\.secrets/);
    await file.set('matrix_access_token', 'syt_never_logged');
    assert.doesNotMatch(logs.join('\n'), /syt_never_logged/);
  });

  it('skips a safeStorage whose round trip fails', async () => {
    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: brokenKeytar,
      safeStorage: fakeSafeStorage({ broken: true }) }),
    isUnavailable(/Electron safeStorage: an encrypt\/decrypt round trip failed/));
  });

  it('says which step of the keychain probe failed, and why', async () => {
    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: refusingKeytar }),
      isUnavailable(/storing a test entry failed: Cannot create an item in a locked collection/));
    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: () => { throw new Error('Cannot find module \'keytar\''); } }),
      isUnavailable(/OS keychain \(Secret Service\): Cannot find module 'keytar'/));
  });

  it('gives up on a keychain that never answers after the probe timeout, and can still use the allowed file', async () => {
    const started = performance.now();
    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: hungKeytar, probeTimeoutMs: 100 }),
      isUnavailable(/no answer within 0\.1 s while storing a test entry/));
    assert.ok(performance.now() - started < 2000);
    assert.ok(keychainCallsInFlight() >= 1, 'the stuck call is counted, so shutdown knows a normal exit would hang');
    const s = await openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: hungKeytar, probeTimeoutMs: 100, insecureFileFallback: true });
    assert.equal(s.kind, 'file');
  });

  it('still deletes the canary when a slow keychain answers after the probe gave up', async () => {
    const kt = memoryKeytar();
    const slow: Keytar = {
      getPassword: (s, a) => kt.getPassword(s, a),
      setPassword: async (s, a, p) => { await sleep(150); return kt.setPassword(s, a, p); },
      deletePassword: (s, a) => kt.deletePassword(s, a),
    };
    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: freshDir(), keytar: () => slow, probeTimeoutMs: 30 }));
    await sleep(300);
    assert.equal(kt.entries.size, 0);
  });
});

describe('the safeStorage store', () => {
  it('round-trips through the cipher and keeps only ciphertext in a 0600 file', async () => {
    const d = freshDir();
    const ss = fakeSafeStorage();
    const s = new SafeStorageStore(ss, d);
    await s.probe();
    assert.equal(await s.get('k'), null);
    await Promise.all([s.set('k', 'syt_plain_secret'), s.set('other', 'x')]);
    assert.equal(await s.get('k'), 'syt_plain_secret');
    assert.equal(await s.get('other'), 'x', 'concurrent sets keep each other\'s entries');
    const onDisk = readFileSync(s.file, 'utf8');
    assert.doesNotMatch(onDisk, /syt_plain_secret/);
    assert.equal(statSync(s.file).mode & 0o777, 0o600);
    await s.delete('k');
    await s.delete('k');
    assert.equal(await s.get('k'), null);
    assert.ok(ss.calls.includes('encrypt') && ss.calls.includes('decrypt'));
  });

  it('says so when a stored secret can no longer be decrypted', async () => {
    const d = freshDir();
    await new SafeStorageStore(fakeSafeStorage(), d).set('k', 'v');
    await assert.rejects(new SafeStorageStore(fakeSafeStorage({ broken: true }), d).get('k'), /could not decrypt the secret "k"/);
  });
});

describe('the plain file store', () => {
  it('keeps the file private (0600) and writes it atomically', async () => {
    const d = mkdtempSync(path.join(dir, 'f-'));
    const s = await openSecretStore({ namespace: 'n', dataDir: d, keytar: brokenKeytar, insecureFileFallback: true });
    const file = path.join(d, 'secrets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'created 0600 when opened, before the first secret');
    await s.set('a', '1');
    const inode = statSync(file).ino;
    await s.set('b', '2');
    assert.notEqual(statSync(file).ino, inode, 'replaced by rename, never rewritten in place');
    await s.delete('a');
    assert.equal(await s.get('a'), null);
    assert.equal(await s.get('b'), '2');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(d), ['secrets.json'], 'no temp files left behind');
  });

  it('tightens a file someone loosened, and says so', async () => {
    const d = freshDir();
    const file = path.join(d, 'secrets.json');
    writeFileSync(file, JSON.stringify({ k: 'v' }), { mode: 0o644 });
    chmodSync(file, 0o644);
    const logs: string[] = [];
    const s = await openSecretStore({ namespace: 'n', dataDir: d, keytar: brokenKeytar, insecureFileFallback: true, log: (m) => logs.push(m) });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(logs.join('\n'), /was readable by others \(mode 644\); it is now 0600/);
    assert.equal(await s.get('k'), 'v');
  });

  it('never carries a loose mode over from a temp file a crash left behind', async () => {
    const d = freshDir();
    const s = new FileStore(d);
    writeFileSync(`${s.file}.${process.pid}.tmp`, 'junk', { mode: 0o666 });
    chmodSync(`${s.file}.${process.pid}.tmp`, 0o666);
    await s.set('k', 'v');
    assert.equal(statSync(s.file).mode & 0o777, 0o600);
  });

  it('refuses a damaged file instead of starting over, and a symlink', async () => {
    const d = freshDir();
    const s = new FileStore(d);
    writeFileSync(s.file, '{"k": "v"', { mode: 0o600 });
    await assert.rejects(s.set('x', 'y'), /damaged/);
    assert.equal(readFileSync(s.file, 'utf8'), '{"k": "v"', 'left as it was');

    const d2 = freshDir();
    const target = path.join(d2, 'elsewhere.json');
    writeFileSync(target, '{}');
    symlinkSync(target, path.join(d2, 'secrets.json'));
    await assert.rejects(openSecretStore({ namespace: 'n', dataDir: d2, keytar: brokenKeytar, insecureFileFallback: true }),
      isUnavailable(/not a regular file/));
  });

  it('keeps every entry when many sets run at once', async () => {
    const s = new FileStore(freshDir());
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set(`k${i}`, `v${i}`)));
    for (let i = 0; i < 20; i++) assert.equal(await s.get(`k${i}`), `v${i}`);
  });

  it('is never seen half-written by a reader in another thread', async () => {
    const s = new FileStore(freshDir());
    await s.set('k', 'x');
    const stop = new SharedArrayBuffer(4);
    // The reader spins on its own thread while this one writes; a torn or in-place write would show as bad JSON.
    const reader = new Worker(`
      const { readFileSync } = require('node:fs');
      const { workerData, parentPort } = require('node:worker_threads');
      const flag = new Int32Array(workerData.stop);
      let reads = 0, bad = 0;
      while (Atomics.load(flag, 0) === 0) {
        try { JSON.parse(readFileSync(workerData.file, 'utf8')); reads++; } catch { bad++; }
      }
      parentPort.postMessage({ reads, bad });
    `, { eval: true, workerData: { file: s.file, stop } });
    const result = new Promise<{ reads: number; bad: number }>((resolve, reject) => {
      reader.once('message', resolve);
      reader.once('error', reject);
    });
    await new Promise<void>((resolve) => reader.once('online', () => resolve()));
    const big = 'y'.repeat(256 * 1024);
    for (let i = 0; i < 100; i++) await s.set('k', `${big}${i}`);
    Atomics.store(new Int32Array(stop), 0, 1);
    const { reads, bad } = await result;
    assert.equal(bad, 0, `${bad} of ${reads + bad} reads saw a partial file`);
    assert.ok(reads > 0);
    assert.equal(await s.get('k'), `${big}99`);
  });
});
