// `npm run bench`: runs every benchmark in test/bench/*.bench.ts one after another, each in its own Node process (so
// one benchmark's heap and threads never colour the next one's figures), and stops at the first that fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'test', 'bench');
const only = process.argv.slice(2);
// The sync benchmark first: it is the one the README's headline figures come from.
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort((a, b) => (a === 'backend.bench.ts' ? -1 : b === 'backend.bench.ts' ? 1 : a.localeCompare(b)));
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, [path.join(dir, f)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`bench: ${f} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}
