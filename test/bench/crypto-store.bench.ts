/**
 * Crypto store benchmark (`node test/bench/crypto-store.bench.ts`, also run by `npm run bench`): open time and RSS
 * of the engine on the SQLite IndexedDB with 20,000 stored megolm sessions, beside the engine's in-memory store
 * holding the same sessions (the ceiling: everything in RAM). Each measurement runs in its own process so RSS
 * figures are not polluted by the others. Targets (issue 9): open < 200 ms, RSS growth < 50 MB. Prints figures only.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceId, OlmMachine, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { openCryptoStore } from '../../src/main/backend/crypto/crypto-store.ts';
import { FileStore } from '../../src/main/backend/secrets/file-store.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20_000);
const BATCH = 1_000;
const USER = '@bench:lattice.test';
const DEVICE = 'BENCHDEV';
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Exported megolm keys (the key-export format) for `count` sessions with real ed25519 session ids. */
function exportedKeys(count: number): object[] {
  const senderKey = crypto.randomBytes(32).toString('base64').replace(/=+$/, '');
  const device = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keys: object[] = [];
  for (let i = 0; i < count; i++) {
    const signing = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const sessionKey = Buffer.concat([Buffer.of(1, 0, 0, 0, 0), crypto.randomBytes(128), signing]); // version, index, ratchet, key
    keys.push({
      algorithm: 'm.megolm.v1.aes-sha2',
      room_id: `!room${i % 500}:lattice.test`,
      sender_key: senderKey,
      session_id: signing.toString('base64').replace(/=+$/, ''),
      session_key: sessionKey.toString('base64').replace(/=+$/, ''),
      sender_claimed_keys: { ed25519: device.toString('base64').replace(/=+$/, '') },
      forwarding_curve25519_key_chain: [],
    });
  }
  return keys;
}

async function importAll(machine: OlmMachine, keysFile: string): Promise<number> {
  const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8')) as object[];
  let imported = 0;
  for (let i = 0; i < keys.length; i += BATCH) {
    const result = await machine.importExportedRoomKeys(JSON.stringify(keys.slice(i, i + BATCH)), () => {});
    imported += result.importedCount;
  }
  return imported;
}

/** Child modes; each prints one JSON line. */
async function child(mode: string, dataDir: string, keysFile: string): Promise<void> {
  await initAsync();
  globalThis.gc?.();
  const baseRss = process.memoryUsage.rss();
  const t0 = performance.now();
  if (mode === 'populate') {
    const store = await openCryptoStore({ dataDir, secrets: new FileStore(dataDir), userId: USER, deviceId: DEVICE });
    const imported = await importAll(store.machine, keysFile);
    store.close();
    console.log(JSON.stringify({ imported, ms: performance.now() - t0 }));
  } else if (mode === 'open-disk') {
    const store = await openCryptoStore({ dataDir, secrets: new FileStore(dataDir), userId: USER, deviceId: DEVICE });
    const openMs = performance.now() - t0;
    const afterOpen = process.memoryUsage.rss();
    const t1 = performance.now();
    const counts = await store.machine.roomKeyCounts(); // walks every stored session once
    const countMs = performance.now() - t1;
    globalThis.gc?.();
    const afterCount = process.memoryUsage.rss();
    store.close();
    console.log(JSON.stringify({ openMs, openRssGrowth: afterOpen - baseRss, total: counts.total, countMs, afterCountRssGrowth: afterCount - baseRss }));
  } else if (mode === 'memory') {
    const machine = await OlmMachine.initialize(new UserId(USER), new DeviceId(DEVICE));
    const openMs = performance.now() - t0;
    const imported = await importAll(machine, keysFile);
    globalThis.gc?.();
    console.log(JSON.stringify({ openMs, imported, rssGrowth: process.memoryUsage.rss() - baseRss }));
    machine.close();
  }
}

function run(mode: string, dataDir: string, keysFile: string): Record<string, number> {
  const result = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, mode, dataDir, keysFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as Record<string, number>;
}

async function main(): Promise<void> {
  // BENCH_KEEP_DIR=path keeps the populated store there for inspection.
  const keep = process.env.BENCH_KEEP_DIR;
  const dir = keep ? (fs.mkdirSync(keep, { recursive: true }), keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-crypto-bench-'));
  try {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify(exportedKeys(SESSIONS)));
    console.log(`crypto store: ${SESSIONS.toLocaleString('en-US')} megolm sessions`);
    const populated = run('populate', dataDir, keysFile);
    const size = fs.readdirSync(dataDir).reduce((sum, f) => sum + fs.statSync(path.join(dataDir, f)).size, 0);
    console.log(`  import into the SQLite store: ${(populated.ms / 1000).toFixed(1)} s (${populated.imported} imported), files ${mib(size)}`);
    for (let i = 0; i < 3; i++) {
      const disk = run('open-disk', dataDir, keysFile);
      console.log(
        `  open SQLite store: ${disk.openMs.toFixed(0)} ms, RSS +${mib(disk.openRssGrowth)} after open; ` +
          `roomKeyCounts over ${disk.total} sessions ${disk.countMs.toFixed(0)} ms, RSS +${mib(disk.afterCountRssGrowth)} after it`,
      );
    }
    const memory = run('memory', dataDir, keysFile);
    console.log(`  in-memory store (ceiling): create ${memory.openMs.toFixed(0)} ms, RSS +${mib(memory.rssGrowth)} holding ${memory.imported} sessions`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, dataDir, keysFile] = process.argv.slice(2);
if (mode) await child(mode, dataDir, keysFile);
else await main();
