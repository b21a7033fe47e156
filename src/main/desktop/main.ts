/**
 * Electron entry (bundled to dist/main/main.js). The one module that imports `electron`; all logic lives in
 * app.ts, which takes the module as a parameter so it can be tested without an Electron binary.
 *
 * Paths are relative to this bundle: dist/main/main.js → dist/preload/preload.cjs, dist/renderer/, and the backend
 * worker at dist/main/worker-entry.js (BackendWorker resolves it next to its own bundle). Icons: assets/ in
 * development; in a package, electron-builder copies assets/tray/ to resources/tray (extraResources).
 */
import * as electron from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../shared/error-message.ts';
import { debugRequested, openAppLog } from '../backend/log/open-log.ts';
import type { Logger } from '../backend/log/logger.ts';
import { BackendWorker } from '../host/backend-worker.ts';
import { createDesktopApp } from './app.ts';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));
const packaged = electron.app.isPackaged;

/**
 * The backend's log in the log directory (README, "Logs"): `--debug` or LATTICE_DEBUG=1 logs every command, and a
 * run from a checkout also prints it on stderr. Without a writable log folder the app still runs (stderr only).
 */
function openLog(dir: string): Logger | undefined {
  try {
    return openAppLog({ dir, level: debugRequested(process.argv, process.env) ? 'debug' : 'info', stderr: !packaged }).logger;
  } catch (e) {
    console.error(`lattice: cannot write the log in ${dir}: ${errorMessage(e)}`);
    return undefined;
  }
}

const desktop = createDesktopApp(electron, {
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  preloadPath: here('../preload/preload.cjs'),
  rendererDir: here('../renderer'),
  iconPath: packaged ? undefined : here('../../assets/icon.png'),
  trayIconDir: packaged ? path.join(process.resourcesPath, 'tray') : here('../../assets/tray'),
  startBackend: (opts) => BackendWorker.start({ ...opts, logger: openLog(opts.paths.logs) }),
});
desktop.start();
