/**
 * The crypto engine on the SQLite IndexedDB: identity and room keys survive a restart, the store key lives only in
 * the secret store, a missing or wrong key and a second process are refused in words, and a `kill -9` at random
 * moments during key traffic never loses a key whose message was acknowledged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EncryptionSettings, RoomId, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import { CRYPTO_DB_FILE, CRYPTO_STORE_KEY, CryptoStoreError, openCryptoStore } from '../../src/main/backend/crypto/crypto-store.ts';
import { FileStore } from '../../src/main/backend/secrets/file-store.ts';
import { DEVICE_ID, USER_ID, decryptOwn } from '../harness/crypto-own-messages.ts';
import type { Ack } from '../harness/crypto-own-messages.ts';
import { rng } from '../harness/idb-differential.ts';
import { MemorySecrets } from '../harness/memory-secrets.ts';

const CHILD = path.join(import.meta.dirname, '../harness/crypto-store-child.ts');

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-crypto-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function encryptToSelf(store: Awaited<ReturnType<typeof openCryptoStore>>, room: string, body: string): Promise<Ack> {
  await store.machine.shareRoomKey(new RoomId(room), [new UserId(USER_ID)], new EncryptionSettings());
  const ciphertext = await store.machine.encryptRoomEvent(new RoomId(room), 'm.room.message', JSON.stringify({ msgtype: 'm.text', body }));
  return { room, body, ciphertext };
}

test('identity keys and room keys survive a restart; the store key is only in the secret store', async (t) => {
  const dataDir = tempDir(t);
  const secrets = new MemorySecrets();
  const options = { dataDir, secrets, userId: USER_ID, deviceId: DEVICE_ID };
  const first = await openCryptoStore(options);
  const identity = [first.machine.identityKeys.ed25519.toBase64(), first.machine.identityKeys.curve25519.toBase64()];
  const ack = await encryptToSelf(first, '!restart:lattice.test', 'before the restart');
  first.close();

  const key = secrets.values.get(CRYPTO_STORE_KEY);
  assert.equal(Buffer.from(key ?? '', 'base64').length, 32);
  const dbFile = path.join(dataDir, CRYPTO_DB_FILE);
  assert.equal(fs.statSync(dbFile).mode & 0o777, 0o600, 'crypto.db is private');
  const onDisk = Buffer.concat(fs.readdirSync(dataDir).map((f) => fs.readFileSync(path.join(dataDir, f))));
  assert.equal(onDisk.indexOf(Buffer.from(key ?? '', 'base64')), -1, 'raw key not on disk');
  assert.equal(onDisk.indexOf(Buffer.from(key ?? '')), -1, 'base64 key not on disk');
  assert.equal(onDisk.indexOf(Buffer.from('before the restart')), -1, 'plaintext not on disk');

  const second = await openCryptoStore(options);
  try {
    assert.deepEqual([second.machine.identityKeys.ed25519.toBase64(), second.machine.identityKeys.curve25519.toBase64()], identity);
    assert.equal(await decryptOwn(second.machine, ack), 'before the restart');
  } finally {
    second.close();
  }
});

test('a missing or wrong store key is refused in words, and the store is left as it was', async (t) => {
  const dataDir = tempDir(t);
  const secrets = new MemorySecrets();
  const options = { dataDir, secrets, userId: USER_ID, deviceId: DEVICE_ID };
  (await openCryptoStore(options)).close();
  const key = secrets.values.get(CRYPTO_STORE_KEY) as string;

  secrets.values.clear();
  await assert.rejects(openCryptoStore(options), (e: Error) => e instanceof CryptoStoreError && /missing from the secret store/.test(e.message));
  assert.equal(secrets.values.size, 0, 'no new key was made over the old store');

  secrets.values.set(CRYPTO_STORE_KEY, Buffer.alloc(32, 7).toString('base64'));
  await assert.rejects(openCryptoStore(options), (e: Error) => e instanceof CryptoStoreError && /cannot be unlocked/.test(e.message) && !e.message.includes(key));

  secrets.values.set(CRYPTO_STORE_KEY, key);
  (await openCryptoStore(options)).close();
});

function runChild(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a second process opening the same store is refused with a clear error', async (t) => {
  const dataDir = tempDir(t);
  const store = await openCryptoStore({ dataDir, secrets: new FileStore(dataDir), userId: USER_ID, deviceId: DEVICE_ID });
  try {
    const ackFile = path.join(dataDir, 'acks.jsonl');
    fs.writeFileSync(ackFile, '');
    const result = await runChild(['verify', dataDir, ackFile]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /in use by another Lattice process/);
  } finally {
    store.close();
  }
});

/** Runs key traffic in a child and kills it with SIGKILL after `acks` acknowledged messages plus `delayMs`. */
function trafficUntilKilled(dataDir: string, firstRoom: number, acks: number, delayMs: number): Promise<{ identity: string; acked: Ack[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, 'traffic', dataDir, String(firstRoom)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    let identity = '';
    const acked: Ack[] = [];
    let killing = false;
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // an unfinished line is not an acknowledgement
      for (const line of lines) {
        const parsed = JSON.parse(line) as { open?: string } & Ack;
        if (parsed.open) identity = parsed.open;
        else acked.push(parsed);
      }
      if (!killing && acked.length >= acks) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`traffic child ended by itself (${code}): ${stderr}`));
      else resolve({ identity, acked });
    });
  });
}

test('kill -9 at random moments during key traffic loses nothing that was acknowledged', async (t) => {
  const dataDir = tempDir(t);
  const ackFile = path.join(dataDir, 'acks.jsonl');
  fs.writeFileSync(ackFile, '');
  const random = rng(20261125);
  let identity: string | null = null;
  let total = 0;
  for (let round = 0; round < 5; round++) {
    const killed = await trafficUntilKilled(dataDir, total, 1 + Math.floor(random() * 4), Math.floor(random() * 120));
    identity ??= killed.identity;
    assert.equal(killed.identity, identity, `round ${round}: the identity changed after a kill`);
    fs.appendFileSync(ackFile, killed.acked.map((a) => `${JSON.stringify(a)}\n`).join(''));
    total += killed.acked.length;
    const verified = await runChild(['verify', dataDir, ackFile]);
    assert.equal(verified.code, 0, verified.stderr);
    const summary = JSON.parse(verified.stdout) as { ed25519: string; checked: number; failed: string[] };
    assert.deepEqual(summary, { ed25519: identity, checked: total, failed: [] }, `round ${round}`);
  }
});
