// Builds everything the app runs from dist/: the renderer (vite), the main-process bundles and the preload
// (esbuild). Plain JavaScript, because it has to run before anything is compiled.
//
//   node scripts/build.mjs [--skip-renderer]
//
// Layout: dist/main/{main,web-main,worker-entry}.js sit side by side because BackendWorker finds
// ./worker-entry.js next to its own bundle; dist/preload/preload.cjs; dist/renderer/ (from vite.config.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const MAIN_ENTRIES = {
  main: 'src/main/desktop/main.ts',
  'web-main': 'src/main/host/web-main.ts',
  'worker-entry': 'src/main/host/worker-entry.ts',
};

function say(msg) {
  console.log(`build: ${msg}`);
}

/** `vite build` of the renderer, in its own process so vite.config.ts resolves exactly as on the command line. */
export function buildRenderer(root = ROOT) {
  if (!existsSync(path.join(root, 'vite.config.ts'))) {
    say('skipping the renderer: vite.config.ts does not exist yet, so there is nothing to build in dist/renderer');
    return false;
  }
  say('renderer (vite build)');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit code ${r.status ?? r.signal})`);
  return true;
}

/**
 * Main-process bundles. node_modules stay external: native modules (better-sqlite3, keytar) must load from
 * node_modules, and `electron` only exists inside the Electron runtime.
 */
export async function buildMain(root = ROOT, outdir = path.join(root, 'dist', 'main')) {
  const entryPoints = {};
  for (const [name, rel] of Object.entries(MAIN_ENTRIES)) {
    if (existsSync(path.join(root, rel))) entryPoints[name] = path.join(root, rel);
    else say(`warning: ${rel} does not exist yet; dist/main/${name}.js is not built`);
  }
  if (Object.keys(entryPoints).length === 0) return;
  say(`main process: ${Object.keys(entryPoints).map((n) => `${n}.js`).join(', ')}`);
  await esbuild({
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/**
 * The sandboxed preload: one CommonJS file whose only import is `electron`. Fails the build if anything else
 * would be required at run time, because a sandboxed preload cannot load it.
 */
export async function buildPreload(outfile = path.join(ROOT, 'dist', 'preload', 'preload.cjs'), root = ROOT) {
  say(`preload: ${path.relative(root, outfile) || outfile}`);
  const result = await esbuild({
    entryPoints: [path.join(root, 'src', 'preload', 'preload.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'es2023',
    external: ['electron'],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  for (const out of Object.values(result.metafile.outputs)) {
    const foreign = (out.imports ?? []).filter((i) => i.external && i.path !== 'electron').map((i) => i.path);
    if (foreign.length) throw new Error(`the preload may only require 'electron', but it imports ${foreign.join(', ')}`);
  }
}

export async function buildAll({ root = ROOT, renderer = true } = {}) {
  if (renderer) buildRenderer(root);
  else say('skipping the renderer (--skip-renderer)');
  // Cleared first so a bundle whose source was removed cannot linger and be loaded.
  await rm(path.join(root, 'dist', 'main'), { recursive: true, force: true });
  await rm(path.join(root, 'dist', 'preload'), { recursive: true, force: true });
  await buildPreload(path.join(root, 'dist', 'preload', 'preload.cjs'), root);
  await buildMain(root);
  say('done');
}

if (import.meta.main) {
  try {
    await buildAll({ renderer: !process.argv.includes('--skip-renderer') });
  } catch (e) {
    console.error(`build failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
