/**
 * Traces the resident memory of one benchmark client over its run (`node test/bench/rss-trace.ts [lattice|js-memory]`):
 * the same fake homeserver and account as backend.bench.ts, one child run, its VmRSS sampled from /proc every 20 ms,
 * printed as a coarse timeline with the peak and the moment the initial sync was processed, and the child's CPU time
 * from login to done (all threads, and by kind of thread). Shows where the peak RSS of backend.bench.ts comes from.
 * CHILD_FLAGS passes Node/V8 flags to the child (e.g. to try heap settings). SMAPS=1 also breaks the resident memory
 * down by kind of mapping (/proc/PID/smaps) before login, at the highest sample and when done: see `residentByKind`.
 * Not run by `npm run bench` (its name does not end in .bench.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundleClients } from './bundle-clients.ts';
import { startFakeHomeserver } from './fake-homeserver.ts';
import { buildAccount, OWN_USER } from './synthetic-account.ts';

const which = process.argv[2] ?? 'lattice';
const bundles = await bundleClients(path.resolve(import.meta.dirname, '../..'));
const script = which === 'lattice' ? bundles.lattice : bundles.matrixJsSdk;
const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-rss-data-'));
const hs = await startFakeHomeserver(buildAccount({ rooms: 500, timelineEvents: Number(process.env.BENCH_EVENTS ?? 50_000), memberEvents: 20_000, batch: 500 }), OWN_USER);
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
const withSmaps = process.env.SMAPS === '1';

/** User + system CPU time of all the process's threads, in ms (/proc/PID/stat, fields 14 and 15, 10 ms ticks). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time (ms) of each kind of thread, by the thread names Node 24 gives them: `MainThread`, `WorkerThread` (the
 * backend's worker), `V8Worker` (V8's helpers: garbage collection and optimizing compilation in the background),
 * `libuv-worker` (file system and DNS work). Threads of one name are summed.
 */
function cpuMsByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return out;
}

interface Mapping { start: bigint; end: bigint; perms: string; name: string; rssKb: number }

const MIB_64 = 64n << 20n;
/**
 * The process's resident memory (kB) by kind of mapping, told apart by their shapes as Node 24 on glibc makes them:
 * V8 allocates its heap in 256 KiB pages of their own; glibc gives each thread that mallocs an arena of its own
 * (up to 8 per core) in a 64 MiB-aligned reservation, which keeps what was freed in it for reuse; wasm memory sits
 * in a reservation of many GiB; JIT and wasm code are anonymous executable memory. Anything else anonymous is
 * larger allocations (malloc's own mmaps, V8's large objects) and thread stacks.
 */
function residentByKind(pid: number): Map<string, number> {
  const maps: Mapping[] = [];
  let cur: Mapping | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = { start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3], name: head[4], rssKb: 0 };
      maps.push(cur);
    } else if (cur && line.startsWith('Rss:')) cur.rssKb = Number(/(\d+)/.exec(line)?.[1] ?? 0);
  }
  const kinds = new Map<string, number>();
  maps.forEach((m, i) => {
    if (!m.rssKb) return;
    const size = m.end - m.start;
    // The extent of the anonymous reservation this mapping is part of (its contiguous anonymous neighbours).
    let lo = i, hi = i;
    while (lo > 0 && maps[lo - 1].end === maps[lo].start && !maps[lo - 1].name) lo--;
    while (hi < maps.length - 1 && maps[hi].end === maps[hi + 1].start && !maps[hi + 1].name) hi++;
    let kind: string;
    if (m.name === process.execPath) kind = 'node binary (code and data, file-backed)';
    else if (m.name.startsWith('/')) kind = 'other files (shared libraries, native addons)';
    else if (m.name === '[heap]') kind = 'main thread malloc heap';
    else if (m.name) kind = `other (${m.name})`;
    else if (m.perms.includes('x')) kind = 'JIT and wasm code';
    else if (m.perms === 'rw-p' && size === 256n << 10n) kind = 'V8 heap pages (both threads)';
    else if (m.perms === 'rw-p' && m.start % MIB_64 === 0n && size <= MIB_64) kind = 'malloc arenas of other threads';
    else if (maps[hi].end - maps[lo].start >= 4n << 30n) kind = 'wasm memory';
    else kind = 'other anonymous (large allocations, stacks)';
    kinds.set(kind, (kinds.get(kind) ?? 0) + m.rssKb);
  });
  return kinds;
}

function printKinds(label: string, kinds: Map<string, number>): void {
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  console.log(`resident memory ${label}: ${mib(total)}`);
  for (const [kind, kb] of [...kinds].sort((a, b) => b[1] - a[1])) {
    if (kb >= 512) console.log(`  ${mib(kb).padStart(8)}  ${kind}`);
  }
}
try {
  const child = spawn(process.execPath, [...(process.env.CHILD_FLAGS?.split(' ').filter(Boolean) ?? []), script], {
    env: { ...process.env, BENCH_STORE: 'memory', BENCH_HS_URL: hs.url, BENCH_LAST_SINCE: hs.lastSince, BENCH_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const samples: { t: number; kb: number }[] = [];
  let t0 = 0;
  let cpu0 = 0;
  let threads0 = new Map<string, number>();
  /** With SMAPS=1: the breakdown at the highest sample so far (taken again whenever RSS passes it by 2 MiB). */
  let atPeak: { t: number; kb: number; kinds: Map<string, number> } | undefined;
  const sampler = setInterval(() => {
    if (!t0) return;
    try {
      const kb = Number(/VmRSS:\s*(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      const t = performance.now() - t0;
      samples.push({ t, kb });
      if (withSmaps && kb > (atPeak?.kb ?? 0) + 2048) atPeak = { t, kb, kinds: residentByKind(child.pid ?? 0) };
    } catch { /* exited */ }
  }, 20);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') {
      if (withSmaps) printKinds('before login', residentByKind(child.pid ?? 0));
      cpu0 = cpuMsOf(child.pid ?? 0);
      threads0 = cpuMsByThread(child.pid ?? 0);
      t0 = performance.now();
      child.stdin.write('GO\n');
    }
    else if (line.startsWith('DONE ')) {
      console.log(line);
      const hwm = Number(/VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      clearInterval(sampler);
      console.log(`CPU time from login to done (all threads): ${cpuMsOf(child.pid ?? 0) - cpu0} ms`);
      const byThread = [...cpuMsByThread(child.pid ?? 0)].map(([name, ms]) => [name, ms - (threads0.get(name) ?? 0)] as const);
      console.log(`  by thread: ${byThread.filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${ms} ms`).join(', ')}`);
      if (atPeak) printKinds(`at the highest sample (${mib(atPeak.kb)} at ${(atPeak.t / 1000).toFixed(2)} s)`, atPeak.kinds);
      if (withSmaps) printKinds('when done', residentByKind(child.pid ?? 0));
      const peak = samples.reduce((a, b) => (b.kb > a.kb ? b : a), { t: 0, kb: 0 });
      console.log(`VmHWM ${mib(hwm)}; highest sample ${mib(peak.kb)} at ${(peak.t / 1000).toFixed(2)} s`);
      const step = Math.max(1, Math.floor(samples.length / 40));
      for (let i = 0; i < samples.length; i += step) {
        const w = samples.slice(i, i + step).reduce((a, b) => Math.max(a, b.kb), 0);
        console.log(`${(samples[i].t / 1000).toFixed(2).padStart(6)} s ${mib(w).padStart(8)} ${'#'.repeat(Math.round(w / 1024 / 8))}`);
      }
      child.stdin.write('STOP\n');
    } else {
      // Anything else the child prints (e.g. --trace-gc through CHILD_FLAGS), with the time since GO.
      console.error(`${t0 ? ((performance.now() - t0) / 1000).toFixed(2) : '-'} s | ${line}`);
    }
  });
  console.log(`exit code ${await exited}`);
} finally {
  await hs.close();
  rmSync(dataDir, { recursive: true, force: true });
}
