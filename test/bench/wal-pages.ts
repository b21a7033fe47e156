/**
 * Which tables and indexes a sync response writes (`node test/bench/wal-pages.ts`): ingests the benchmark's account
 * (backend.bench.ts's shape) into a fresh database as the sync loop does, one transaction per response, checkpoints
 * after most of it, then ingests a few more responses and reads the page number of every frame they appended to the
 * write-ahead log, naming each page's table or index with SQLite's dbstat table. Every page a commit touches is a
 * 4 KiB frame written (two writes each), checksummed and later copied into the database by the checkpoint, so this
 * is where the commit's cost comes from. Prints the frames per response by owner and each owner's size in pages.
 * BENCH_SHAPE overrides the account's shape, as for in-process.ts. Not run by `npm run bench` (its name does not end
 * in .bench.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../../src/main/backend/store/store.ts';
import { ingestAccount } from './ingest-account.ts';
import { buildAccount, OWN_USER, type AccountShape } from './synthetic-account.ts';

/** Responses ingested after the checkpoint, whose frames are counted. */
const MEASURED = 5;
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

const shape: AccountShape = { rooms: 500, timelineEvents: 50_000, memberEvents: 20_000, batch: 500, ...JSON.parse(process.env.BENCH_SHAPE ?? '{}') as Partial<AccountShape> };
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-wal-pages-'));
try {
  const responses = buildAccount(shape);
  if (responses.length <= MEASURED + 1) throw new Error(`the account has ${responses.length} responses; ${MEASURED + 2} are needed`);
  const file = path.join(dir, 'lattice.db');
  const store = Store.open(file);
  store.account.put(OWN_USER, 'BENCH', 'https://bench.test');
  const split = responses.length - MEASURED;
  const since = ingestAccount(store, responses.slice(0, split));
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  ingestAccount(store, responses.slice(split), since);

  const wal = readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const owner = new Map<number, string>();
  for (const row of store.db.prepare<[], { name: string; pageno: number }>('SELECT name, pageno FROM dbstat').all()) owner.set(row.pageno, row.name);
  const frames = new Map<string, number>();
  let total = 0;
  for (let off = WAL_HEADER_BYTES; off + FRAME_HEADER_BYTES + pageSize <= wal.length; off += FRAME_HEADER_BYTES + pageSize) {
    const name = owner.get(wal.readUInt32BE(off)) ?? '(new or free page)';
    frames.set(name, (frames.get(name) ?? 0) + 1);
    total++;
  }
  const pages = new Map(store.db.prepare<[], { name: string; n: number }>('SELECT name, count(*) AS n FROM dbstat GROUP BY name').all().map((r) => [r.name, r.n]));
  console.log(`${shape.rooms} rooms; frames written per response (mean of the last ${MEASURED}, ${shape.batch} events each): ${(total / MEASURED).toFixed(0)} of ${pageSize} bytes`);
  console.log('frames/response  pages in all  table or index');
  for (const [name, n] of [...frames].sort((a, b) => b[1] - a[1])) {
    console.log(`${(n / MEASURED).toFixed(0).padStart(15)}  ${String(pages.get(name) ?? '').padStart(12)}  ${name}`);
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
