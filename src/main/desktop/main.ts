/**
 * Electron entry (bundled to dist/main/main.js). The one module that imports `electron`; all logic lives in
 * app.ts, which takes the module as a parameter so it can be tested without an Electron binary.
 *
 * Paths are relative to this bundle: dist/main/main.js → dist/preload/preload.cjs, dist/renderer/, and the backend
 * worker at dist/main/worker-entry.js (BackendWorker resolves it next to its own bundle).
 */
import * as electron from 'electron';
import { fileURLToPath } from 'node:url';
import { BackendWorker } from '../host/backend-worker.ts';
import { createDesktopApp } from './app.ts';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

const desktop = createDesktopApp(electron, {
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  preloadPath: here('../preload/preload.cjs'),
  rendererDir: here('../renderer'),
  iconPath: electron.app.isPackaged ? undefined : here('../../assets/icon.png'),
  startBackend: (opts) => BackendWorker.start(opts),
});
desktop.start();
