/**
 * The Linux package, built for real by electron-builder (`--linux dir`) from electron-builder.yml. Electron itself
 * cannot be downloaded here, so a stand-in takes its place: a folder with an executable named `electron` that
 * carries Electron's fuse wire (the sentinel and the default fuse states), so the fuse flipping that packaging does
 * is exercised on it too. Then: the asar holds the built main, preload and renderer; only the right native binaries
 * sit unpacked beside it; the fuses are set; the tray icons are in resources; and the worker entry runs in plain
 * Node from the asar's layout (extracted, with the unpacked files where Electron would redirect them).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface AsarModule {
  listPackage(archive: string, options?: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
  extractAll(archive: string, dest: string): void;
}
interface FusesModule {
  getCurrentFuseWire(electronPath: string): Promise<Record<string | number, unknown>>;
  FuseV1Options: Record<string, number>;
}
const asar = require('@electron/asar') as AsarModule;
const fuses = require('@electron/fuses') as FusesModule;

/** The fuse sentinel Electron builds into its binary, then wire version 1, 8 fuses in Electron 45's defaults. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_FUSES = '10110001';

function standInElectron(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const head = Buffer.from('#!/bin/sh\necho "stand-in for Electron: it cannot be downloaded here"\nexit 1\n# ');
  const wire = Buffer.concat([head, Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_FUSES.length]), Buffer.from(`${DEFAULT_FUSES}\n`)]);
  writeFileSync(path.join(dir, 'electron'), wire, { mode: 0o755 });
  const electronVersion = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(path.join(dir, 'version'), electronVersion);
}

function ensureBuilt(): void {
  // `npm test` builds first (scripts/setup.sh); a lone run of this file builds what is missing.
  if (existsSync(path.join(ROOT, 'dist', 'main', 'main.js')) && existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(r.status, 0, 'the app builds');
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/**
 * An afterPack hook for the build below. `--linux dir` writes no desktop entry (the deb, rpm and AppImage targets
 * do, and they need tools downloaded at build time), so the hook asks electron-builder's own Linux helper, on the
 * packager of this very build, for the entry and the hicolor icons those targets install (the deb and rpm with the
 * Linux options merged with their own, as FpmTarget does), and writes them where the test reads them.
 */
const DESKTOP_ENTRY_HOOK = `
const fs = require('node:fs');
const { LinuxTargetHelper } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'app-builder-lib', 'out', 'targets', 'LinuxTargetHelper.js'))});
exports.default = async function (context) {
  const packager = context.packager;
  const helper = new LinuxTargetHelper(packager);
  const entries = {};
  for (const target of ['deb', 'rpm']) {
    entries[target] = await helper.computeDesktopEntry({ ...packager.platformSpecificBuildOptions, ...(packager.config[target] || {}) });
  }
  const icons = (await helper.icons).map((i) => ({ size: i.size, file: i.file }));
  fs.writeFileSync(process.env.LATTICE_TEST_DESKTOP_OUT, JSON.stringify({ entries, icons, executableName: packager.executableName }));
};
`;

/** `[Desktop Entry]` keys → values (the first group only). */
function desktopEntryKeys(text: string): Map<string, string> {
  const group = text.split(/^\[Desktop Action /m)[0];
  return new Map(group.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('the Linux package (electron-builder --linux dir, stand-in Electron)', () => {
  let tmp: string;
  let appDir: string;
  let archive: string;
  let asarFiles: string[];

  before(() => {
    ensureBuilt();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lattice-package-'));
    const electronDist = path.join(tmp, 'electron-dist');
    standInElectron(electronDist);
    const out = path.join(tmp, 'release');
    const hook = path.join(tmp, 'desktop-entry-hook.cjs');
    writeFileSync(hook, DESKTOP_ENTRY_HOOK);
    const r = spawnSync(process.execPath, [
      path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', '--x64', '--publish', 'never',
      `-c.electronDist=${electronDist}`, `-c.directories.output=${out}`, `-c.afterPack=${hook}`,
    ], {
      cwd: ROOT, encoding: 'utf8',
      env: { ...process.env, ELECTRON_BUILDER_CACHE: path.join(tmp, 'cache'), LATTICE_TEST_DESKTOP_OUT: path.join(tmp, 'desktop-entry.json') },
    });
    assert.equal(r.status, 0, `electron-builder failed:\n${r.stdout}\n${r.stderr}`);
    appDir = path.join(out, 'linux-unpacked');
    archive = path.join(appDir, 'resources', 'app.asar');
    asarFiles = asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('holds the built main, worker, preload and renderer in the asar, without sources or source maps', () => {
    for (const f of ['/package.json', '/dist/main/main.js', '/dist/main/worker-entry.js', '/dist/preload/preload.cjs', '/dist/renderer/index.html']) {
      assert.ok(asarFiles.includes(f), `${f} is in the asar`);
    }
    assert.ok(asarFiles.some((f) => /^\/dist\/renderer\/assets\/index-[\w-]+\.js$/.test(f)), 'the renderer bundle');
    assert.deepEqual(asarFiles.filter((f) => f.startsWith('/src/') || /\.(map|ts|mts|cts)$/.test(f)), []);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as { main: string; type: string };
    assert.equal(pkg.main, 'dist/main/main.js');
    assert.equal(pkg.type, 'module');
    // The bundles are the ones in dist/, byte for byte.
    for (const f of ['dist/main/main.js', 'dist/preload/preload.cjs']) {
      assert.ok(asar.extractFile(archive, f).equals(readFileSync(path.join(ROOT, f))), f);
    }
    // No dev dependency slipped in.
    for (const dev of ['electron', 'vite', 'react', 'typescript', 'esbuild', 'playwright-core']) {
      assert.ok(!asarFiles.some((f) => f.startsWith(`/node_modules/${dev}/`)), `${dev} is not packaged`);
    }
  });

  it('unpacks exactly the native modules the app loads, for this platform, byte for byte', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked');
    const natives = filesUnder(unpacked).filter((f) => f.endsWith('.node'));
    const sqlite = `node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`;
    const sharpPkg = `node_modules/@img/sharp-${process.platform}-${process.arch}`;
    const sharpVersion = (JSON.parse(readFileSync(path.join(ROOT, sharpPkg, 'package.json'), 'utf8')) as { version: string }).version;
    const sharp = `${sharpPkg}/lib/sharp-${process.platform}-${process.arch}-${sharpVersion}.node`;
    assert.deepEqual(natives, [sqlite, 'node_modules/keytar/build/Release/keytar.node', sharp].sort());
    // sharp's binary finds libvips beside it, so that is unpacked too.
    assert.ok(filesUnder(unpacked).some((f) => /^node_modules\/@img\/sharp-libvips-[^/]+\/lib\/libvips-cpp\.so/.test(f)), 'libvips is unpacked');
    for (const f of natives) assert.ok(readFileSync(path.join(unpacked, f)).equals(readFileSync(path.join(ROOT, f))), f);
    // C sources and build leftovers stay out.
    assert.deepEqual(asarFiles.filter((f) => /^\/node_modules\/(better-sqlite3\/(deps|src)|keytar\/src)\//.test(f)), []);
  });

  it('flips the security fuses in the packaged binary', async () => {
    const wire = await fuses.getCurrentFuseWire(path.join(appDir, 'lattice'));
    const O = fuses.FuseV1Options;
    const state = (fuse: string) => String.fromCharCode(wire[O[fuse]] as number);
    assert.equal(state('RunAsNode'), '0');
    assert.equal(state('EnableCookieEncryption'), '1');
    assert.equal(state('EnableNodeOptionsEnvironmentVariable'), '0');
    assert.equal(state('EnableNodeCliInspectArguments'), '0');
    assert.equal(state('EnableEmbeddedAsarIntegrityValidation'), '1');
    assert.equal(state('OnlyLoadAppFromAsar'), '1');
    assert.equal(state('GrantFileProtocolExtraPrivileges'), '0');
  });

  it('puts the tray icons beside the asar, where main.ts looks for them', () => {
    const tray = path.join(appDir, 'resources', 'tray');
    assert.deepEqual(readdirSync(tray).sort(), [
      'badge.png', 'tray-highlight.png', 'tray-highlight@2x.png', 'tray-highlightTemplate.png', 'tray-highlightTemplate@2x.png',
      'tray-unread.png', 'tray-unread@2x.png', 'tray-unreadTemplate.png', 'tray-unreadTemplate@2x.png', 'tray.png', 'tray@2x.png',
      'trayTemplate.png', 'trayTemplate@2x.png',
    ]);
  });

  it('gives the deb and rpm a desktop entry that makes Lattice the matrix: handler and passes it the clicked link', () => {
    const built = JSON.parse(readFileSync(path.join(tmp, 'desktop-entry.json'), 'utf8')) as {
      entries: Record<string, string>; icons: Array<{ size: number; file: string }>; executableName: string;
    };
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { desktopName: string };
    for (const [target, text] of Object.entries(built.entries)) {
      assert.match(text, /^\[Desktop Entry\]\n/, target);
      const keys = desktopEntryKeys(text);
      assert.equal(keys.get('Type'), 'Application', target);
      assert.equal(keys.get('Name'), 'Lattice', target);
      assert.deepEqual(keys.get('MimeType')?.split(';').filter(Boolean), ['x-scheme-handler/matrix'], target);
      // %U: the desktop hands the clicked matrix: link to the program (options.ts reads it from argv).
      assert.equal(keys.get('Exec'), `/opt/Lattice/${built.executableName} %U`, target);
      assert.equal(keys.get('Icon'), 'lattice', target);
      // Electron names its windows after package.json's desktopName: the same name ties the running window
      // (and its badge and notifications) to this entry.
      assert.equal(`${keys.get('StartupWMClass')}.desktop`, pkg.desktopName, target);
      assert.equal(keys.get('Categories'), 'Network;InstantMessaging;Chat;', target);
    }
    assert.equal(built.executableName, 'lattice');
    // The icon sizes those packages install into the hicolor theme.
    assert.deepEqual(built.icons.map((i) => i.size).sort((a, b) => a - b), [16, 24, 32, 48, 64, 128, 256, 512]);
  });

  it('runs the worker entry from the asar layout in plain Node: it opens its database and greets a frontend', async () => {
    const extracted = path.join(tmp, 'extracted');
    // extractAll also copies the unpacked files into place: the layout Electron presents to the app.
    asar.extractAll(archive, extracted);
    const data = path.join(tmp, 'data');
    const paths = { config: path.join(data, 'config'), data: path.join(data, 'data'), cache: path.join(data, 'cache'), logs: path.join(data, 'logs') };
    const worker = new Worker(path.join(extracted, 'dist', 'main', 'worker-entry.js'), {
      workerData: { paths, secrets: { ok: false, error: 'no keychain in this test' }, logLevel: 'warn' },
    });
    try {
      type Message = { t: string; env?: { command: string }; id?: number; ok?: boolean };
      const messages: Message[] = [];
      const waitFor = (pred: (m: Message) => boolean, what: string) => new Promise<void>((resolve, reject) => {
        const check = (): boolean => messages.some(pred);
        if (check()) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages)}`)), 30_000);
        worker.on('message', () => { if (check()) { clearTimeout(timer); resolve(); } });
        worker.once('error', (e) => { clearTimeout(timer); reject(e); });
      });
      worker.on('message', (m: Message) => messages.push(m));
      await waitFor((m) => m.t === 'ready', 'the worker to be ready');
      worker.postMessage({ t: 'open', conn: 1 });
      await waitFor((m) => m.t === 'msg' && m.env?.command === 'run_id', 'run_id');
      // The host asks the worker to shut down over the typed request/reply channel (worker-rpc.ts).
      worker.postMessage({ t: 'rpc-request', id: 1, method: 'shutdown', params: null });
      await waitFor((m) => m.t === 'rpc-reply' && m.id === 1 && m.ok === true, 'the worker to stop');
      assert.ok(existsSync(paths.data), 'the database folder was created');
    } finally {
      await worker.terminate();
    }
  });

  it('loads keytar from the asar layout', () => {
    const extracted = path.join(tmp, 'extracted');
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(extracted, 'node_modules', 'keytar'))}); console.log('ok')`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });

  it('loads sharp (local thumbnails) from the asar layout and makes an image with it', () => {
    const extracted = path.join(tmp, 'extracted');
    const script = `require(${JSON.stringify(path.join(extracted, 'node_modules', 'sharp'))})`
      + `({ create: { width: 4, height: 4, channels: 3, background: '#336699' } }).webp().toBuffer().then((b) => console.log(b.length > 0 ? 'ok' : 'empty'))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });
});
