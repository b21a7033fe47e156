/**
 * Traces the resident memory of one benchmark client over its run (`node test/bench/rss-trace.ts [lattice|js-memory]`):
 * the same fake homeserver and account as backend.bench.ts, one child run, its VmRSS sampled from /proc every 20 ms,
 * printed as a coarse timeline with the peak and the moment the initial sync was processed. Shows where the peak
 * RSS of backend.bench.ts comes from. CHILD_FLAGS passes Node/V8 flags to the child (e.g. to try heap settings).
 * Not run by `npm run bench` (its name does not end in .bench.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
try {
  const child = spawn(process.execPath, [...(process.env.CHILD_FLAGS?.split(' ').filter(Boolean) ?? []), script], {
    env: { ...process.env, BENCH_STORE: 'memory', BENCH_HS_URL: hs.url, BENCH_LAST_SINCE: hs.lastSince, BENCH_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const samples: { t: number; kb: number }[] = [];
  let t0 = 0;
  const sampler = setInterval(() => {
    if (!t0) return;
    try {
      const kb = Number(/VmRSS:\s*(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      samples.push({ t: performance.now() - t0, kb });
    } catch { /* exited */ }
  }, 20);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') { t0 = performance.now(); child.stdin.write('GO\n'); }
    else if (line.startsWith('DONE ')) {
      console.log(line);
      const hwm = Number(/VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      clearInterval(sampler);
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
