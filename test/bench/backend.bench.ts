/**
 * Backend benchmarks (`npm run bench`): ingest of a large account into a fresh database, the first
 * sync_complete for a newly connected frontend from that database, and local paginate latency.
 * Prints figures only; nothing here asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Backend } from '../../src/main/backend/backend.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import type { SecretStore } from '../../src/main/backend/secrets/secret-store.ts';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import { buildAccount, countEvents, OWN_USER } from './synthetic-account.ts';

const shape = { rooms: 500, timelineEvents: Number(process.env.BENCH_EVENTS ?? 50_000), memberEvents: 20_000, batch: 500 };
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-bench-'));
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (b: number) => `${fmt(b / 1048576, 1)} MiB`;

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20);

try {
  console.log(`account: ${shape.rooms} rooms, ${fmt(shape.timelineEvents)} timeline events, ~${fmt(shape.memberEvents)} member events, ${shape.batch} events per incremental sync`);
  const responses = buildAccount(shape);
  const total = countEvents(responses);
  const baseRss = process.memoryUsage.rss();
  peakRss = baseRss;

  // (a) ingest: each response in one transaction with its next_batch, as the sync loop does.
  const dataDir = path.join(dir, 'data');
  const file = path.join(dir, 'lattice.db');
  const store = Store.open(file);
  store.account.put(OWN_USER, 'BENCH', 'https://bench.test');
  const t0 = performance.now();
  let since: string | undefined;
  for (const r of responses) {
    store.transaction(() => {
      processSync(store, r, OWN_USER, since);
      store.account.setNextBatch(OWN_USER, r.next_batch);
    });
    since = r.next_batch;
  }
  const ingestMs = performance.now() - t0;
  store.close();
  console.log(`ingest: ${fmt(total)} events in ${fmt(ingestMs)} ms = ${fmt(total / (ingestMs / 1000))} events/s; peak RSS ${mib(peakRss)} (${mib(baseRss)} before ingest, with the responses in memory)`);
  console.log('ingest vs matrix-js-sdk: not measured yet (the peer comparison comes with the full-backend benchmark)');

  // (b) reopen the database and produce the first sync_complete (the whole room list) for a new frontend.
  const { mkdirSync, renameSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  for (const s of ['', '-wal', '-shm']) { try { renameSync(file + s, path.join(dataDir, 'lattice.db' + s)); } catch { /* absent */ } }
  const noSecrets: SecretStore = { kind: 'file', description: 'bench', get: async () => null, set: async () => {}, delete: async () => {} };
  const t1 = performance.now();
  const backend = await Backend.create({ paths: { config: dir, data: dataDir, cache: dir, logs: dir }, secrets: { store: noSecrets } });
  let firstSync = 0;
  let bytes = 0;
  const conn = backend.connect((env: Envelope) => {
    if (env.command === 'sync_complete' && !firstSync) { firstSync = performance.now() - t1; bytes = JSON.stringify(env).length; }
  });
  console.log(`first sync_complete from an existing database: ${fmt(firstSync, 1)} ms (open + room list of ${shape.rooms} rooms, ${fmt(bytes / 1024)} KiB of JSON)`);

  // (c) paginate 50 events from the local database, over many rooms.
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
  console.log(`local paginate of 50 events: p50 ${fmt(pct(0.5), 3)} ms, p95 ${fmt(pct(0.95), 3)} ms over ${times.length} calls in ${roomIds.length} rooms`);
  reopened.close();
  conn.close();
  await backend.close();
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
