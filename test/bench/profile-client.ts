/**
 * Profiles one benchmark client (`node test/bench/profile-client.ts [lattice|js-memory] [--heap]`): the same fake
 * homeserver and account as backend.bench.ts, one child run with `--cpu-prof` (every thread, so Lattice's worker
 * too) and optionally `--heap-prof`, written to BENCH_PROFILE_DIR (default: a new folder under the system's
 * temporary directory, printed at the end). Open the .cpuprofile files in Chrome's DevTools. Not run by
 * `npm run bench` (its name does not end in .bench.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundleClients } from './bundle-clients.ts';
import { startFakeHomeserver } from './fake-homeserver.ts';
import { buildAccount, OWN_USER } from './synthetic-account.ts';

const which = process.argv[2] ?? 'lattice';
const heap = process.argv.includes('--heap');
const bundles = await bundleClients(path.resolve(import.meta.dirname, '../..'));
const script = which === 'lattice' ? bundles.lattice : bundles.matrixJsSdk;
const outDir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(path.join(tmpdir(), 'lattice-profile-'));
const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-profile-data-'));
const hs = await startFakeHomeserver(buildAccount({ rooms: 500, timelineEvents: Number(process.env.BENCH_EVENTS ?? 50_000), memberEvents: 20_000, batch: 500 }), OWN_USER);
try {
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${outDir}`, ...(heap ? ['--heap-prof', `--heap-prof-dir=${outDir}`] : []), script], {
    env: { ...process.env, BENCH_STORE: 'memory', BENCH_HS_URL: hs.url, BENCH_LAST_SINCE: hs.lastSince, BENCH_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') child.stdin.write('GO\n');
    else if (line.startsWith('DONE ')) {
      console.log(line);
      // Let deferred work (the idle checkpoint) run into the profile, then ask the child to exit by itself.
      setTimeout(() => child.stdin.write('STOP\n'), 1500);
    }
  });
  console.log(`exit code ${await exited}`);
} finally {
  await hs.close();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`profiles in ${outDir}: ${readdirSync(outDir).join(', ')}`);
