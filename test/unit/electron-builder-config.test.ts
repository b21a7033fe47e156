/**
 * electron-builder.yml: parsed with the YAML parser electron-builder itself uses, validated against its own
 * schema (offline), and checked for the settings that matter for security and desktop integration.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);

interface YamlModule { load(text: string): unknown }
interface ConfigModule {
  validateConfiguration: (config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }) => Promise<void>;
}

type Target = string | { target: string };
interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  protocols?: Array<{ name: string; schemes: string[] }>;
  electronFuses?: Record<string, boolean>;
  directories?: { buildResources?: string };
  linux?: { target?: Target[]; icon?: string; desktop?: { entry?: Record<string, string> } };
  mac?: { target?: Target[]; hardenedRuntime?: boolean; icon?: string; entitlements?: string; entitlementsInherit?: string; extendInfo?: Record<string, string> };
  win?: { target?: Target[]; icon?: string };
  nsis?: { include?: string; perMachine?: boolean };
  extraResources?: Array<{ from: string; to: string }>;
}

function loadConfig(): BuilderConfig {
  // js-yaml is electron-builder's dependency, not ours: resolve it from there so hoisting cannot hide it.
  const yaml = createRequire(require.resolve('app-builder-lib/package.json'))('js-yaml') as YamlModule;
  return yaml.load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as BuilderConfig;
}

const targets = (list: Target[] | undefined) => (list ?? []).map((t) => (typeof t === 'string' ? t : t.target));
const quietLogger = { isEnabled: false, add() {} };

describe('electron-builder.yml', () => {
  it('matches electron-builder’s own schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as ConfigModule;
    await validateConfiguration(loadConfig(), quietLogger);
    // And the validation is real: a misspelt fuse is rejected.
    const bad = { ...loadConfig(), electronFuses: { runAsNod: false } };
    await assert.rejects(validateConfiguration(bad, quietLogger), /configuration/i);
  });

  it('identifies the app', () => {
    const c = loadConfig();
    assert.equal(c.appId, 'chat.lattice.desktop');
    assert.equal(c.productName, 'Lattice');
  });

  it('packages only the built app, in an asar with native modules unpacked', () => {
    const c = loadConfig();
    assert.ok(c.files?.includes('dist/**/*'));
    assert.ok(c.files?.includes('package.json'));
    assert.ok(!c.files?.some((f) => f.startsWith('src')), 'sources stay out');
    assert.notEqual(c.asar, false);
    assert.ok(c.asarUnpack?.includes('**/*.node'));
  });

  it('sets the security fuses', () => {
    const f = loadConfig().electronFuses ?? {};
    assert.equal(f.runAsNode, false);
    assert.equal(f.enableNodeOptionsEnvironmentVariable, false);
    assert.equal(f.enableNodeCliInspectArguments, false);
    assert.equal(f.enableEmbeddedAsarIntegrityValidation, true);
    assert.equal(f.onlyLoadAppFromAsar, true);
    assert.equal(f.grantFileProtocolExtraPrivileges, false);
  });

  it('handles matrix: links', () => {
    const c = loadConfig();
    assert.ok(c.protocols?.some((p) => p.schemes.includes('matrix')));
    const mime = c.linux?.desktop?.entry?.MimeType ?? '';
    assert.ok(mime.split(';').includes('x-scheme-handler/matrix'), mime);
    assert.ok(mime.endsWith(';'));
  });

  it('builds the planned targets per platform', () => {
    const c = loadConfig();
    assert.deepEqual(targets(c.linux?.target).sort(), ['AppImage', 'deb', 'rpm', 'tar.gz'].sort());
    assert.deepEqual(targets(c.mac?.target).sort(), ['dmg', 'zip']);
    assert.equal(c.mac?.hardenedRuntime, true);
    assert.deepEqual(targets(c.win?.target), ['nsis']);
  });

  it('uses committed icons at the sizes each OS wants', () => {
    const c = loadConfig();
    assert.equal(c.directories?.buildResources, 'assets');
    const png = (rel: string) => {
      const b = readFileSync(new URL(rel, root));
      assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], rel);
      assert.equal(b.toString('latin1', 12, 16), 'IHDR');
      return [b.readUInt32BE(16), b.readUInt32BE(20)];
    };
    // macOS: one 1024×1024 PNG, from which electron-builder makes the .icns.
    assert.equal(c.mac?.icon, 'assets/icon.png');
    assert.deepEqual(png('assets/icon.png'), [1024, 1024]);
    // Linux: the hicolor sizes, named NxN.png in one folder.
    assert.equal(c.linux?.icon, 'assets/icons');
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512]) assert.deepEqual(png(`assets/icons/${n}x${n}.png`), [n, n]);
    // Windows: an ICO holding 16–256.
    assert.equal(c.win?.icon, 'assets/icon.ico');
    const ico = readFileSync(new URL('assets/icon.ico', root));
    assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2)], [0, 1], 'an ICO header');
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256).sort((a, b) => a - b);
    assert.deepEqual(sizes, [16, 24, 32, 48, 64, 128, 256]);
    // Tray: 24 px and @2x, in three states, shipped beside the asar.
    for (const name of ['tray', 'tray-unread', 'tray-highlight']) {
      assert.deepEqual(png(`assets/tray/${name}.png`), [24, 24]);
      assert.deepEqual(png(`assets/tray/${name}@2x.png`), [48, 48]);
    }
    assert.deepEqual(png('assets/tray/badge.png'), [16, 16]);
    // macOS: template images, 16 px and @2x; only their alpha counts (macOS tints them), so they are black.
    for (const name of ['trayTemplate', 'tray-unreadTemplate', 'tray-highlightTemplate']) {
      assert.deepEqual(png(`assets/tray/${name}.png`), [16, 16]);
      assert.deepEqual(png(`assets/tray/${name}@2x.png`), [32, 32]);
    }
    assert.deepEqual(c.extraResources?.map((r) => [r.from, r.to]), [['assets/tray', 'tray']]);
    assert.match(readFileSync(new URL('assets/icon.svg', root), 'utf8'), /<svg[^>]*viewBox="0 0 512 512"/);
  });

  it('draws the macOS template images in black only, each state a different shape', async () => {
    const sharp = (await import('sharp')).default;
    const alphas: string[] = [];
    for (const name of ['trayTemplate', 'tray-unreadTemplate', 'tray-highlightTemplate']) {
      const { data, info } = await sharp(fileURLToPath(new URL(`assets/tray/${name}@2x.png`, root))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      let drawn = 0;
      for (let i = 0; i < data.length; i += info.channels) {
        if (data[i + 3] === 0) continue;
        drawn++;
        assert.deepEqual([data[i], data[i + 1], data[i + 2]], [0, 0, 0], `${name}: a coloured pixel`);
      }
      assert.ok(drawn > 50, `${name} draws something`);
      alphas.push(Buffer.from(data.filter((_, i) => i % info.channels === 3)).toString('base64'));
    }
    assert.equal(new Set(alphas).size, 3, 'three different shapes');
  });

  it('signs macOS builds with the hardened runtime and only the entitlements the app needs', () => {
    const c = loadConfig();
    assert.equal(c.mac?.entitlements, 'assets/entitlements.mac.plist');
    assert.equal(c.mac?.entitlementsInherit, 'assets/entitlements.mac.plist');
    const plist = readFileSync(new URL('assets/entitlements.mac.plist', root), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]).sort();
    assert.deepEqual(keys, ['com.apple.security.cs.allow-jit', 'com.apple.security.device.audio-input', 'com.apple.security.device.camera']);
    assert.ok(c.mac?.extendInfo?.NSCameraUsageDescription);
    assert.ok(c.mac?.extendInfo?.NSMicrophoneUsageDescription);
  });

  it('registers matrix: links in the Windows registry from the installer, and removes only its own on uninstall', () => {
    const c = loadConfig();
    assert.equal(c.nsis?.include, 'assets/installer.nsh');
    const nsh = readFileSync(new URL('assets/installer.nsh', root), 'utf8');
    const command = `'"$INSTDIR\\\${APP_EXECUTABLE_FILENAME}" "%1"'`;
    for (const line of [
      'WriteRegStr SHCTX "Software\\Classes\\matrix" "URL Protocol" ""',
      `WriteRegStr SHCTX "Software\\Classes\\matrix\\shell\\open\\command" "" ${command}`,
      `StrCmp $0 ${command} 0 +2`,
      'DeleteRegKey SHCTX "Software\\Classes\\matrix"',
    ]) assert.ok(nsh.includes(line), line);
    // makensis (Debian's nsis, which builds Windows installers) compiles both macros, warnings counted as errors,
    // in a script that defines what electron-builder's installer defines for them.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lattice-nsis-'));
    try {
      const script = [
        'Unicode true', '!define APP_EXECUTABLE_FILENAME "Lattice.exe"',
        `!include "${fileURLToPath(new URL('assets/installer.nsh', root))}"`,
        'Name "Lattice"', `OutFile "${path.join(dir, 'check.exe')}"`, 'RequestExecutionLevel user',
        'InstallDir "$LOCALAPPDATA\\Programs\\Lattice"',
        'Section "Install"', '  !insertmacro customInstall', '  WriteUninstaller "$INSTDIR\\Uninstall.exe"', 'SectionEnd',
        'Section "Uninstall"', '  !insertmacro customUnInstall', 'SectionEnd', '',
      ].join('\n');
      writeFileSync(path.join(dir, 'check.nsi'), script);
      const r = spawnSync('makensis', ['-WX', '-V2', path.join(dir, 'check.nsi')], { encoding: 'utf8' });
      assert.equal(r.error, undefined, 'makensis runs (scripts/setup.sh installs nsis for the tests)');
      assert.equal(r.status, 0, `makensis refused the installer script:\n${r.stdout}${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('points package.json "main" at the bundle scripts/build.mjs writes', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { main?: string };
    assert.equal(pkg.main, 'dist/main/main.js');
  });
});
