/**
 * Where the in-process ingest allocates (`node test/bench/alloc-sites.ts [top]`): the benchmark's account ingested
 * straight through processSync into a fresh database, as in-process.ts does, under V8's sampling heap profiler with
 * the objects later collected counted too, so the figures are everything allocated, not what stayed alive. Prints
 * the bytes allocated in all and the functions that allocated most (self, and with what they call). Unlike a time,
 * the bytes allocated hardly vary from run to run on a busy machine, and they are what the garbage collector pays
 * for: a steadier figure for a change meant to allocate less. Not run by `npm run bench`; asserts nothing.
 */
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../../src/main/backend/store/store.ts';
import { ingestAccount } from './ingest-account.ts';
import { buildAccount, OWN_USER, type AccountShape } from './synthetic-account.ts';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const top = Number(process.argv[2] ?? 25);
const shape: AccountShape = { rooms: 500, timelineEvents: Number(process.env.BENCH_EVENTS ?? 50_000), memberEvents: 20_000, batch: 500 };
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-alloc-'));
const session = new Session();
session.connect();
try {
  const responses = buildAccount(shape);
  const store = Store.open(path.join(dir, 'lattice.db'));
  store.account.put(OWN_USER, 'BENCH', 'https://bench.test');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
  });
  ingestAccount(store, responses);
  const { profile } = await session.post('HeapProfiler.stopSampling') as { profile: { head: ProfileNode } };
  store.close();

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  const walk = (n: ProfileNode, onPath: Set<string>): number => {
    const key = name(n);
    self.set(key, (self.get(key) ?? 0) + n.selfSize);
    const fresh = !onPath.has(key);
    if (fresh) onPath.add(key);
    let total = n.selfSize;
    for (const c of n.children) total += walk(c, onPath);
    if (fresh) { onPath.delete(key); inclusive.set(key, (inclusive.get(key) ?? 0) + total); }
    return total;
  };
  const all = walk(profile.head, new Set());
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1).padStart(7);
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `${mib(v)} MiB ${(100 * v / all).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`allocated during the ingest: ${mib(all).trim()} MiB (sampled every 16 KiB)`);
  console.log(`--- self\n${list(self)}\n--- with what they call\n${list(inclusive)}`);
} finally {
  session.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
