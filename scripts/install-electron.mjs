// Electron's own postinstall downloads its binary from GitHub. We run it ourselves (it is denied in
// "allowScripts") so that a machine that cannot reach GitHub still finishes `npm install`: the app then
// falls back to the web host, and says so, instead of the whole install failing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let installScript;
try {
  installScript = require.resolve('electron/install.js');
} catch {
  process.exit(0); // electron not installed (e.g. --omit=dev)
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);
const pathFile = installScript.replace(/install\.js$/, 'path.txt');
if (existsSync(pathFile)) process.exit(0); // binary already there
const r = spawnSync(process.execPath, [installScript], { stdio: 'inherit', timeout: 180_000 });
if (r.status !== 0) {
  console.warn('lattice: the Electron binary could not be downloaded; `npm start` will run the web host instead.');
}
