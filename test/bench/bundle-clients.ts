/**
 * Bundles the benchmark's client children with esbuild the way scripts/build.mjs bundles the app (ESM for Node,
 * node_modules external), so every client runs as plain JavaScript: Node's type stripping, which only the .ts
 * files would pay for, stays out of the measured time and memory. `latticeRoot` swaps in another checkout's
 * backend, to measure an older Lattice with the same benchmark.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

interface ClientBundles { dir: string; lattice: string; matrixJsSdk: string }

export async function bundleClients(repoRoot: string, latticeRoot = repoRoot, name = 'current'): Promise<ClientBundles> {
  // Inside node_modules, so the bundles' external imports resolve to this checkout's packages.
  const dir = path.join(repoRoot, 'node_modules', '.cache', 'lattice-bench', name);
  // Removed first, never written over: a worktree's node_modules is often a hard-linked copy of another's, and
  // esbuild rewrites an existing file in place, so every checkout sharing the file would run the last bundle written.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: {
      'client-lattice': path.join(repoRoot, 'test/bench/client-lattice.ts'),
      // Beside client-lattice.js, where BackendWorker looks for its worker script.
      'worker-entry': path.join(latticeRoot, 'src/main/host/worker-entry.ts'),
      'client-matrix-js-sdk': path.join(repoRoot, 'test/bench/client-matrix-js-sdk.ts'),
    },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
    plugins: [{
      name: 'lattice-root',
      setup(b) {
        // The envelope module too (where that checkout has one): the child reads the texts of the envelopes this
        // BackendWorker made, which only the same module instance can.
        b.onResolve({ filter: /\/src\/main\/host\/(backend-worker|serialized-envelope)\.ts$/ }, (args) => {
          const file = path.join(latticeRoot, 'src/main/host', path.basename(args.path));
          return existsSync(file) ? { path: file } : undefined;
        });
      },
    }],
  });
  return { dir, lattice: path.join(dir, 'client-lattice.js'), matrixJsSdk: path.join(dir, 'client-matrix-js-sdk.js') };
}
