/**
 * The benchmark's in-process figures, run in their own process: ingest of the account straight through
 * processSync into a fresh database (each response in one transaction with its next_batch, as the sync loop does),
 * the first sync_complete for a newly connected frontend from that database, and local paginate latency.
 * Prints one JSON line; nothing here asserts a time.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Backend } from '../../src/main/backend/backend.ts';
import type { SecretStore } from '../../src/main/backend/secrets/secret-store.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import type { Envelope, SyncComplete } from '../../src/shared/rpc/index.ts';
import { ingestAccount } from './ingest-account.ts';
import { buildAccount, countEvents, OWN_USER, type AccountShape } from './synthetic-account.ts';

export interface InProcessReport {
  events: number;
  ingestMs: number;
  /** CPU time of the ingest: on a shared machine a steadier figure than the wall-clock time. */
  ingestCpuMs: number;
  /** The kernel's high-water mark of this process (VmHWM), responses in memory included. */
  peakRssBytes: number;
  firstSyncMs: number;
  firstSyncBytes: number;
  paginateP50Ms: number;
  paginateP95Ms: number;
  paginateCalls: number;
}

const shape = JSON.parse(process.env.BENCH_SHAPE ?? '{}') as AccountShape;
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-bench-'));
try {
  const responses = buildAccount(shape);
  const events = countEvents(responses);
  const file = path.join(dir, 'lattice.db');
  const store = Store.open(file);
  store.account.put(OWN_USER, 'BENCH', 'https://bench.test');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  ingestAccount(store, responses);
  const ingestMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const ingestCpuMs = (cpu.user + cpu.system) / 1000;
  store.close();
  const peakRssBytes = Number(/VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

  // Reopen the database and produce the first sync_complete (the whole room list) for a new frontend.
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  for (const s of ['', '-wal', '-shm']) { try { renameSync(file + s, path.join(dataDir, 'lattice.db' + s)); } catch { /* absent */ } }
  const noSecrets: SecretStore = { kind: 'file', description: 'bench', get: async () => null, set: async () => {}, delete: async () => {} };
  const t1 = performance.now();
  const backend = await Backend.create({ paths: { config: dir, data: dataDir, cache: dir, logs: dir }, secrets: { store: noSecrets } });
  let firstSyncMs = 0;
  let firstSyncBytes = 0;
  const conn = backend.connect((env: Envelope) => {
    // The whole room list: a long one comes in chunks, the last with `since`.
    if (env.command !== 'sync_complete' || firstSyncMs) return;
    firstSyncBytes += JSON.stringify(env).length;
    if ((env.data as SyncComplete).since !== undefined) firstSyncMs = performance.now() - t1;
  });

  // Paginate 50 events from the local database, over many rooms.
  const reopened = Store.open(path.join(dataDir, 'lattice.db'));
  const roomIds = reopened.rooms.ids();
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const roomId = roomIds[(i * 13) % roomIds.length];
    const s = performance.now();
    reopened.timeline.page(roomId, Number.MAX_SAFE_INTEGER, 50);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  reopened.close();
  conn.close();
  await backend.close();
  const report: InProcessReport = {
    events, ingestMs, ingestCpuMs, peakRssBytes, firstSyncMs, firstSyncBytes, paginateP50Ms: pct(0.5), paginateP95Ms: pct(0.95), paginateCalls: times.length,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
