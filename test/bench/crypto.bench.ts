/**
 * Crypto throughput benchmark (`node test/bench/crypto.bench.ts`, also run by `npm run bench`): encrypting room
 * messages (events/s) and decrypting them at ingest — through `decryptSync`, the sync loop's prepare step, on
 * /sync-shaped responses of 500 events — with the engine on the SQLite IndexedDB store and on its in-memory store
 * (the ceiling). Unlike crypto-store.bench.ts (one event per session at index 0, with 20,000 sessions: open time
 * and RSS), the events here come from a real sender engine, many per session, so decrypting advances each
 * session's ratchet as a conversation does. Each store kind runs in its own process so RSS figures stay separate.
 * Target (issue 9): decrypt at least 1,000 events/s on one core. Prints figures only; nothing asserts a time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceId, EncryptionSettings, OlmMachine, RoomId, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { openCryptoStore } from '../../src/main/backend/crypto/crypto-store.ts';
import { decryptSync } from '../../src/main/backend/crypto/sync-crypto.ts';
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { FileStore } from '../../src/main/backend/secrets/file-store.ts';

const ROOMS = Number(process.env.BENCH_CRYPTO_ROOMS ?? 20);
const PER_ROOM = Number(process.env.BENCH_CRYPTO_EVENTS ?? 250);
const BATCH = 500;
const SENDER = '@sender:lattice.test';
const RECEIVER = '@bench:lattice.test';
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

interface Engine { machine: OlmMachine; close(): void }

async function openEngine(kind: string, dir: string, userId: string, deviceId: string): Promise<Engine> {
  if (kind === 'memory') {
    const machine = await OlmMachine.initialize(new UserId(userId), new DeviceId(deviceId));
    return { machine, close: () => machine.close() };
  }
  fs.mkdirSync(dir, { recursive: true });
  return openCryptoStore({ dataDir: dir, secrets: new FileStore(dir), userId, deviceId });
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

async function child(kind: string, dir: string): Promise<void> {
  await initAsync();
  globalThis.gc?.();
  const baseRss = process.memoryUsage.rss();

  // The sender: one outbound session per room, then every message encrypted in turn (rooms interleaved).
  const sender = await openEngine(kind, path.join(dir, 'sender'), SENDER, 'SENDERDEV');
  const settings = () => {
    const s = new EncryptionSettings();
    s.rotationPeriodMessages = BigInt(PER_ROOM + 1);
    return s;
  };
  for (let r = 0; r < ROOMS; r++) await sender.machine.shareRoomKey(new RoomId(`!room${r}:lattice.test`), [], settings());
  const events: ClientEvent[] = [];
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < PER_ROOM; i++) {
    for (let r = 0; r < ROOMS; r++) {
      const roomId = `!room${r}:lattice.test`;
      const content = JSON.stringify({ msgtype: 'm.text', body: `message ${i} in room ${r}, long enough to look like chat` });
      const sealed = JSON.parse(await sender.machine.encryptRoomEvent(new RoomId(roomId), 'm.room.message', content)) as ClientEvent['content'];
      events.push({ type: 'm.room.encrypted', event_id: `$e${r}-${i}`, sender: SENDER, origin_server_ts: 1_700_000_000_000 + i, room_id: roomId, content: sealed });
    }
  }
  const encryptMs = performance.now() - t0;
  const encryptCpu = cpuSeconds(cpu0);
  const keys = await sender.machine.exportRoomKeys(() => true);
  sender.close();

  // The receiver: the keys imported, then /sync responses of BATCH events decrypted as the sync loop does.
  const receiver = await openEngine(kind, path.join(dir, 'receiver'), RECEIVER, 'BENCHDEV');
  await receiver.machine.importExportedRoomKeys(keys, () => {});
  globalThis.gc?.();
  const beforeDecryptRss = process.memoryUsage.rss();
  let failed = 0;
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  for (let i = 0; i < events.length; i += BATCH) {
    const join: Record<string, { timeline: { events: ClientEvent[] } }> = {};
    for (const ev of events.slice(i, i + BATCH)) (join[ev.room_id!] ??= { timeline: { events: [] } }).timeline.events.push(ev);
    const resp = { next_batch: `s${i}`, rooms: { join } } as unknown as SyncResponse;
    for (const d of (await decryptSync(receiver.machine, resp)).values()) if (!d.decrypted) failed++;
  }
  const decryptMs = performance.now() - t0;
  const decryptCpu = cpuSeconds(cpu0);
  globalThis.gc?.();
  const rss = process.memoryUsage.rss();
  receiver.close();
  console.log(JSON.stringify({
    events: events.length, failed,
    encryptPerSecond: events.length / (encryptMs / 1000), encryptPerCpuSecond: events.length / encryptCpu,
    decryptPerSecond: events.length / (decryptMs / 1000), decryptPerCpuSecond: events.length / decryptCpu,
    decryptRss: rss - beforeDecryptRss, totalRss: rss - baseRss,
  }));
}

function run(kind: string, dir: string): Record<string, number> {
  const result = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, kind, dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${kind} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as Record<string, number>;
}

async function main(): Promise<void> {
  console.log(`crypto throughput: ${(ROOMS * PER_ROOM).toLocaleString('en-US')} messages in ${ROOMS} rooms (one megolm session each), decrypted in /sync responses of ${BATCH}`);
  for (const [kind, label] of [['disk', 'SQLite store'], ['memory', 'in-memory store (ceiling)']] as const) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-crypto-tp-'));
    try {
      const r = run(kind, dir);
      console.log(
        `  ${label}: encrypt ${r.encryptPerSecond.toFixed(0)} events/s (${r.encryptPerCpuSecond.toFixed(0)} per CPU-second), ` +
          `decrypt at ingest ${r.decryptPerSecond.toFixed(0)} events/s (${r.decryptPerCpuSecond.toFixed(0)} per CPU-second, ${r.failed} failed), ` +
          `RSS +${mib(r.decryptRss)} while decrypting, +${mib(r.totalRss)} in all`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

const [kind, dir] = process.argv.slice(2);
if (kind) await child(kind, dir);
else await main();
