/**
 * search_local benchmark (`npm run bench`): 50,000 stored messages of chat-like text in 100 rooms, indexed by the
 * FTS5 triggers as they are written, then searches of several kinds (a rare word, a common word, two words, a
 * prefix, short prefixes as typed, one room, newest first), each repeated; prints p50/p95 per kind and overall (target: p95 under
 * 20 ms), and what the index costs at ingest. Prints figures only; nothing here asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { searchLocal, type LocalSearch } from '../../src/main/backend/search/local-search.ts';
import { Store } from '../../src/main/backend/store/store.ts';

const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 50_000);
const ROOMS = 100;
const RUNS = 200;
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-search-bench-'));
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

// A fixed pseudo-random sequence, so every run searches the same text.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const common = ['the', 'a', 'is', 'to', 'and', 'of', 'in', 'that', 'it', 'you', 'we', 'for', 'on', 'this', 'with', 'meeting', 'today', 'tomorrow', 'please', 'thanks'];
const rare = Array.from({ length: 5000 }, (_, i) => `word${i.toString(36)}`);
const sentence = () => Array.from({ length: 6 + Math.floor(rand() * 14) }, () => (rand() < 0.7 ? common[Math.floor(rand() * common.length)] : rare[Math.floor(rand() * rare.length)])).join(' ');

function fill(store: Store): number {
  const t0 = performance.now();
  for (let start = 0; start < MESSAGES; start += 500) {
    store.transaction(() => {
      for (let i = start; i < Math.min(start + 500, MESSAGES); i++) {
        store.events.insert({
          room_id: `!room${i % ROOMS}:bench.test`, event_id: `$m${i}:bench.test`, sender: `@user${i % 300}:bench.test`,
          type: 'm.room.message', timestamp: 1_700_000_000_000 + i * 1000, content: { msgtype: 'm.text', body: sentence() },
        });
      }
    });
  }
  return performance.now() - t0;
}

try {
  const store = Store.open(path.join(dir, 'indexed.db'));
  const indexedMs = fill(store);
  const plain = Store.open(path.join(dir, 'plain.db'));
  // Since migration 9 the event store writes the index itself: the comparison store gets a plain table in its place,
  // so the difference is the full-text index's own cost.
  plain.db.exec('DROP TABLE event_search; CREATE TABLE event_search (rowid INTEGER PRIMARY KEY, body TEXT);');
  seed = 42;
  const plainMs = fill(plain);
  plain.close();
  console.log(`search index: ${fmt(MESSAGES)} messages stored in ${fmt(indexedMs)} ms with the index, ${fmt(plainMs)} ms without (+${fmt((indexedMs / plainMs - 1) * 100)}%)`);

  const base: LocalSearch = { searchTerm: '', limit: 50, offset: 0 };
  const kinds: [string, Partial<LocalSearch>][] = [
    ['rare word', { searchTerm: 'word2s' }],
    ['common word', { searchTerm: 'meeting' }],
    ['two words', { searchTerm: 'meeting tomorrow' }],
    ['a prefix (word*)', { searchTerm: 'thanks word2s*' }],
    ['a short prefix as typed (wo*)', { searchTerm: 'wo*' }],
    ['three letters typed (wor*)', { searchTerm: 'wor*' }],
    ['one room', { searchTerm: 'please', roomIds: ['!room7:bench.test'] }],
    ['newest first', { searchTerm: 'today', sortByTime: true }],
  ];
  const all: number[] = [];
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  for (const [name, q] of kinds) {
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      hits = searchLocal(store.db, { ...base, ...q }).length;
      times.push(performance.now() - t);
    }
    all.push(...times);
    console.log(`search_local ${name}: p50 ${fmt(pct(times, 0.5), 2)} ms, p95 ${fmt(pct(times, 0.95), 2)} ms, min ${fmt(Math.min(...times), 2)} ms (${hits} results shown)`);
  }
  console.log(`search_local over ${fmt(MESSAGES)} messages: p50 ${fmt(pct(all, 0.5), 2)} ms, p95 ${fmt(pct(all, 0.95), 2)} ms over ${all.length} searches (target p95 < 20 ms)`);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
