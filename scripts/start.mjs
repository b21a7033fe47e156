// The `npm start` program: builds, then runs the desktop app in Electron, or, when the Electron binary is not
// installed (its download comes from GitHub, which many networks block), the web host in the foreground.
//
//   node scripts/start.mjs [--skip-build] [args for the app or the web host, e.g. --port 8080]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, buildAll } from './build.mjs';

const FALLBACK_NOTICE = 'Electron is not installed on this machine (its binary could not be downloaded), so Lattice is '
  + 'starting its web host instead: open the URL below in a browser.';

/**
 * The Electron executable, found the way the `electron` package finds it but without requiring that package:
 * requiring it when the binary is missing starts a download.
 */
export function findElectronBinary(root = ROOT, env = process.env) {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
    return existsSync(bin) ? bin : null;
  }
  if (!rel) return null;
  const bin = path.join(pkg, 'dist', rel);
  return existsSync(bin) ? bin : null;
}

/**
 * Runs a child in the foreground and resolves with its exit code. Ctrl+C reaches the child directly (it shares
 * the terminal's process group), so SIGINT is only swallowed here: forwarding it too would make the child see
 * it twice, which the web host takes as "exit without waiting". Signals sent to this process alone are forwarded.
 */
function runForeground(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    const onInt = () => {};
    const forward = (signal) => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', forward);
    process.on('SIGHUP', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

export async function start(argv = process.argv.slice(2), root = ROOT) {
  const skipBuild = argv.includes('--skip-build');
  const args = argv.filter((a) => a !== '--skip-build');
  if (!skipBuild) await buildAll({ root });

  const electron = findElectronBinary(root);
  if (electron) {
    const env = { ...process.env };
    // Inherited from some shells and tools; it would make Electron behave as plain Node.
    delete env.ELECTRON_RUN_AS_NODE;
    return runForeground(electron, [root, ...args], { cwd: root, env });
  }

  console.log(FALLBACK_NOTICE);
  const webMain = path.join(root, 'dist', 'main', 'web-main.js');
  if (!existsSync(webMain)) {
    console.error(`start: ${path.relative(root, webMain)} was not built (src/main/host/web-main.ts is missing), so there is nothing to start.`);
    return 1;
  }
  return runForeground(process.execPath, [webMain, ...args], { cwd: root });
}

if (import.meta.main) {
  try {
    process.exitCode = await start();
  } catch (e) {
    console.error(`start failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
