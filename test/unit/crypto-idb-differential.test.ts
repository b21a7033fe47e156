/**
 * Differential test of the SQLite IndexedDB against fake-indexeddb: a few hundred seeded random programs (schema
 * upgrades, aborted upgrades, put/add/get/getAll/count/delete/clear, cursors in every direction with ranges, unique
 * and multiEntry indexes, compound keys, aborted transactions) must produce identical transcripts.
 * A failure names the seed; `IDB_SEED=n` reruns just that program.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDBFactory as FakeFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';
import { openSqliteIndexedDb } from '../../src/main/backend/crypto/idb/sqlite-indexeddb.ts';
import { IDBKeyRange as OurKeyRange } from '../../src/main/backend/crypto/idb/key-range.ts';
import { Program } from '../harness/idb-differential.ts';
import type { IdbImplementation } from '../harness/idb-differential.ts';

const PROGRAMS = 300;
const STEPS = 12;

test('SQLite IndexedDB behaves like fake-indexeddb on random programs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-idb-diff-'));
  const ours = openSqliteIndexedDb(path.join(dir, 'crypto.db'));
  try {
    const oursImpl = { indexedDB: ours.factory, IDBKeyRange: OurKeyRange } as unknown as IdbImplementation;
    const only = process.env.IDB_SEED;
    const seeds = only ? [Number(only)] : Array.from({ length: PROGRAMS }, (_, i) => i + 1);
    for (const seed of seeds) {
      const fakeImpl = { indexedDB: new FakeFactory(), IDBKeyRange: FakeKeyRange };
      const expected = new Program(seed, fakeImpl, `db${seed}`);
      await expected.run(STEPS);
      const actual = new Program(seed, oursImpl, `db${seed}`);
      await actual.run(STEPS);
      const at = expected.transcript.findIndex((entry, i) => JSON.stringify(entry) !== JSON.stringify(actual.transcript[i]));
      if (at >= 0 || expected.transcript.length !== actual.transcript.length) {
        const from = Math.max(0, at - 3);
        assert.deepEqual(
          actual.transcript.slice(from, at + 2),
          expected.transcript.slice(from, at + 2),
          `seed ${seed}: transcripts differ at entry ${at} (rerun with IDB_SEED=${seed})`,
        );
      }
    }
  } finally {
    ours.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
