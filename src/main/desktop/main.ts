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
import { BackendWorker } from '../host/backend-worker.ts';
import { createDesktopApp } from './app.ts';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));
const packaged = electron.app.isPackaged;

const desktop = createDesktopApp(electron, {
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  preloadPath: here('../preload/preload.cjs'),
  rendererDir: here('../renderer'),
  iconPath: packaged ? undefined : here('../../assets/icon.png'),
  trayIconDir: packaged ? path.join(process.resourcesPath, 'tray') : here('../../assets/tray'),
  startBackend: (opts) => BackendWorker.start(opts),
});
desktop.start();
