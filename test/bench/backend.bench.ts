/**
 * Backend benchmark (`npm run bench`). Over real HTTP: a fake homeserver in this process serves a large
 * account's recorded /sync responses, and each client, in its own child process, logs in and syncs through them:
 * Lattice's backend in its worker thread, matrix-js-sdk with its memory store, and matrix-js-sdk persisting to
 * IndexedDB (on fake-indexeddb) as Element does. The clients run one at a time in interleaved rounds; time is
 * measured by the child, CPU time and peak RSS (VmHWM) are read from /proc from outside it. Then, over the RPC
 * from one more Lattice run: the first sync_complete of a new connection after a restart on the synced database,
 * and local paginate latency. Then the in-process figures: ingest rate, first sync_complete from an existing
 * database, local paginate latency without the RPC; beside them the storage floor (storage-floor.ts: what writing
 * the same events costs SQLite alone), against which the in-process ingest and a third of matrix-js-sdk's CPU time
 * are set. Prints figures only; nothing here asserts a time.
 *
 * BENCH_ROUNDS (default 3), BENCH_EVENTS (timeline events, default 50,000), BENCH_CLIENTS (comma-separated subset
 * of lattice,js-memory,js-indexeddb,baseline), BENCH_BASELINE_ROOT (another checkout of Lattice, e.g. an older
 * commit's `git archive`, measured in the same rounds as a fourth client "baseline"), BENCH_IN_PROCESS=0 (skip the
 * in-process figures), BENCH_RPC=0 (skip the figures over the RPC: a restart's first sync_complete, paginate).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundleClients } from './bundle-clients.ts';
import type { ChildReport } from './child-protocol.ts';
import { startFakeHomeserver } from './fake-homeserver.ts';
import type { InProcessReport } from './in-process.ts';
import type { FloorReport } from './storage-floor.ts';
import { buildAccount, countEvents, OWN_USER, type AccountShape } from './synthetic-account.ts';

const shape: AccountShape = { rooms: 500, timelineEvents: Number(process.env.BENCH_EVENTS ?? 50_000), memberEvents: 20_000, batch: 500 };
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** After DONE, the child gets this long to finish deferred work (Lattice's idle checkpoint) before CPU is read. */
const SETTLE_MS = 1500;
const CHILD_TIMEOUT_MS = 240_000;
const here = import.meta.dirname;

const repoRoot = path.resolve(here, '../..');
const bundles = await bundleClients(repoRoot);
const baselineRoot = process.env.BENCH_BASELINE_ROOT;
interface Client { id: string; name: string; script: string; env: Record<string, string> }
const ALL_CLIENTS: Client[] = [
  { id: 'lattice', name: 'Lattice', script: bundles.lattice, env: {} },
  ...(baselineRoot ? [{ id: 'baseline', name: 'Lattice baseline', script: (await bundleClients(repoRoot, baselineRoot, 'baseline')).lattice, env: {} }] : []),
  { id: 'js-memory', name: 'matrix-js-sdk (memory)', script: bundles.matrixJsSdk, env: { BENCH_STORE: 'memory' } },
  { id: 'js-indexeddb', name: 'matrix-js-sdk (IndexedDB)', script: bundles.matrixJsSdk, env: { BENCH_STORE: 'indexeddb' } },
];
const wanted = process.env.BENCH_CLIENTS?.split(',');
const clients = ALL_CLIENTS.filter((c) => !wanted || wanted.includes(c.id));

interface Run { totalMs: number; initialMs: number; cpuMs: number; peakRssBytes: number; figures: Record<string, number> }

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (b: number) => `${fmt(b / 1048576, 0)} MiB`;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** CPU time (user + system, all threads) of a process, from /proc/PID/stat, in ms. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted after "pid (comm) ", in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssOf(pid: number): number {
  return Number(/VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

async function runClient(client: Client, hsUrl: string, lastSince: string, env: Record<string, string> = {}): Promise<Run> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-bench-client-'));
  try {
    return await runClientIn(dataDir, { ...client, env: { ...client.env, ...env } }, hsUrl, lastSince);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function runClientIn(dataDir: string, client: Client, hsUrl: string, lastSince: string): Promise<Run> {
  const child = spawn(process.execPath, [client.script], {
    env: { ...process.env, ...client.env, BENCH_ROOMS: String(shape.rooms), BENCH_HS_URL: hsUrl, BENCH_LAST_SINCE: lastSince, BENCH_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  return new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${client.name} did not finish in ${CHILD_TIMEOUT_MS / 1000} s\n${stderr}`)); }, CHILD_TIMEOUT_MS);
    let cpuStart = 0;
    let finished = false;
    let run: Run;
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (finished) resolve(run); else reject(new Error(`${client.name} exited (code ${code}) before finishing\n${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'READY') {
        cpuStart = cpuMsOf(child.pid!);
        child.stdin.write('GO\n');
      } else if (line.startsWith('DONE ')) {
        const report = JSON.parse(line.slice(5)) as ChildReport;
        setTimeout(() => {
          run = {
            totalMs: report.totalMs, initialMs: report.marks.initial ?? NaN,
            cpuMs: cpuMsOf(child.pid!) - cpuStart, peakRssBytes: peakRssOf(child.pid!), figures: report.figures,
          };
          finished = true;
          // Resolved on exit, once the child no longer writes to its data directory.
          child.kill('SIGKILL');
        }, SETTLE_MS);
      }
    });
  });
}

/** Runs one of the benchmark's own scripts in a child process and reads the JSON line it prints. */
function runScript<T>(file: string, what: string): Promise<T> {
  const child = spawn(process.execPath, [path.join(here, file)], {
    env: { ...process.env, BENCH_SHAPE: JSON.stringify(shape) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve, reject) => child.on('exit', (code) => {
    if (code === 0) resolve(JSON.parse(out) as T); else reject(new Error(`${what} failed (code ${code})`));
  }));
}

const responses = buildAccount(shape);
const total = countEvents(responses);
console.log(`account: ${shape.rooms} rooms, ${fmt(shape.timelineEvents)} timeline events, ~${fmt(shape.memberEvents)} member events; one initial sync, then ${responses.length - 1} responses of ${shape.batch} events (${fmt(total)} events in all)`);
console.log(`machine: ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} at start; node ${process.version}`);

const hs = await startFakeHomeserver(responses, OWN_USER);
const runs = new Map<string, Run[]>(clients.map((c) => [c.id, []]));
let rpc: Record<string, number> | undefined;
try {
  for (let r = 1; r <= rounds; r++) {
    for (const c of clients) {
      const run = await runClient(c, hs.url, hs.lastSince);
      runs.get(c.id)!.push(run);
      console.log(`  round ${r} ${c.name}: ${fmt(run.totalMs)} ms, CPU ${fmt(run.cpuMs)} ms, peak RSS ${mib(run.peakRssBytes)}`);
    }
  }
  // Once more, outside the rounds (its extra work would colour their CPU and memory): what a frontend waits for
  // over the RPC, from the database the sync left behind.
  const lattice = clients.find((c) => c.id === 'lattice');
  if (lattice && process.env.BENCH_RPC !== '0') rpc = (await runClient(lattice, hs.url, hs.lastSince, { BENCH_RPC: '1' })).figures;
} finally {
  await hs.close();
}

const med = (id: string, k: Exclude<keyof Run, 'figures'>) => median(runs.get(id)!.map((x) => x[k]));
const incremental = (id: string) => (med(id, 'totalMs') - med(id, 'initialMs')) / (responses.length - 1);
const rows: [string, (id: string) => number, (v: number) => string][] = [
  ['login → all responses processed', (id) => med(id, 'totalMs'), (v) => `${fmt(v / 1000, 2)} s`],
  ['  of which the initial sync', (id) => med(id, 'initialMs'), (v) => `${fmt(v / 1000, 2)} s`],
  ['  one incremental response (mean)', incremental, (v) => `${fmt(v, 1)} ms`],
  ['CPU time (all threads)', (id) => med(id, 'cpuMs'), (v) => `${fmt(v / 1000, 2)} s`],
  ['peak RSS', (id) => med(id, 'peakRssBytes'), mib],
];
console.log(`\nover HTTP, medians of ${rounds} interleaved rounds in this run (Lattice : peer in brackets):`);
console.log(['', ...clients.map((c) => c.name)].map((s, i) => (i ? s.padStart(28) : s.padEnd(36))).join(''));
for (const [label, get, show] of rows) {
  const lattice = runs.has('lattice') ? get('lattice') : NaN;
  const cells = clients.map((c) => {
    const v = get(c.id);
    return `${show(v)}${c.id !== 'lattice' && runs.has('lattice') ? ` (${fmt(lattice / v, 2)})` : ''}`;
  });
  console.log([label.padEnd(36), ...cells.map((s) => s.padStart(28))].join(''));
}

if (rpc) {
  console.log(`\nover the RPC (the backend in its worker, as the app runs it), after a restart on the synced database:`);
  console.log(`  the worker's start (thread, code, database, crypto store): ${fmt(rpc.workerStartMs, 1)} ms`);
  console.log(`  then a new connection → its first sync_complete: ${fmt(rpc.restartFirstSyncMs, 1)} ms`);
  console.log(`  a second new connection → its first sync_complete: ${fmt(rpc.newConnectionFirstSyncMs, 1)} ms (${fmt(rpc.firstSyncBytes / 1024)} KiB of JSON)`);
  console.log(`  local paginate of 50 events: p50 ${fmt(rpc.paginateP50Ms, 3)} ms, p95 ${fmt(rpc.paginateP95Ms, 3)} ms over ${rpc.paginateCalls} calls in ${shape.rooms} rooms`);
}

if (process.env.BENCH_IN_PROCESS === '0') process.exit(0);
// The storage floor before and after the in-process ingest (the machine's speed drifts): their mean is the figure.
const floors = [await runScript<FloorReport>('storage-floor.ts', 'the storage floor')];
const ip = await runScript<InProcessReport>('in-process.ts', 'the in-process benchmark');
floors.push(await runScript<FloorReport>('storage-floor.ts', 'the storage floor'));
console.log(`\nin-process: ingest of ${fmt(ip.events)} events in ${fmt(ip.ingestMs)} ms = ${fmt(ip.events / (ip.ingestMs / 1000))} events/s; `
  + `${fmt(ip.ingestCpuMs)} ms of CPU = ${fmt(ip.events / (ip.ingestCpuMs / 1000))} events per CPU-second `
  + `(peak RSS ${mib(ip.peakRssBytes)}, VmHWM, with the recorded responses in memory)`);
console.log(`first sync_complete from an existing database: ${fmt(ip.firstSyncMs, 1)} ms (open + room list of ${shape.rooms} rooms, ${fmt(ip.firstSyncBytes / 1024)} KiB of JSON)`);
console.log(`local paginate of 50 events: p50 ${fmt(ip.paginateP50Ms, 3)} ms, p95 ${fmt(ip.paginateP95Ms, 3)} ms over ${ip.paginateCalls} calls in ${shape.rooms} rooms`);
const floorCpuMs = (floors[0].cpuMs + floors[1].cpuMs) / 2;
console.log(`storage floor (storage-floor.ts: the same events with unique IDs, timeline, state, word index and room rows, one `
  + `transaction per response, nothing else): ${fmt(floorCpuMs)} ms of CPU (${floors.map((f) => fmt(f.cpuMs)).join(' and ')}) = `
  + `${fmt(floors[0].events / (floorCpuMs / 1000))} events per CPU-second; Lattice's in-process ingest ${fmt(ip.ingestCpuMs / floorCpuMs, 2)}× it`);
if (runs.has('lattice') && runs.has('js-memory')) {
  const third = med('js-memory', 'cpuMs') / 3;
  console.log(`a third of matrix-js-sdk's (memory store) CPU time in this run: ${fmt(third)} ms; the storage floor alone is `
    + `${fmt(floorCpuMs / third, 2)} of it (the child's login, HTTP, JSON, worker and encryption engine come on top)`);
}
