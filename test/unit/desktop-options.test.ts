/**
 * The desktop command line, profiles, the window-state and settings files, start at login, and the channel names
 * the preload restates.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { forwardedArgv, parseDesktopArgs, profilePaths, relaunchArgs } from '../../src/main/desktop/options.ts';
import { loadSettings, saveSettings, settingsFile, DEFAULT_SETTINGS } from '../../src/main/desktop/settings.ts';
import {
  DEFAULT_WINDOW_STATE, captureWindowState, loadWindowState, restoreBounds, saveWindowState, trackWindowState, windowStateFile,
  type WindowState,
} from '../../src/main/desktop/window-state.ts';
import { applyStartAtLogin, autostartEntry, autostartFile, quoteExecArg } from '../../src/main/desktop/login-item.ts';
import * as channels from '../../src/main/desktop/channels.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lattice-opts-'));

describe('desktop command line', () => {
  const cases: Array<[string[], Partial<ReturnType<typeof parseDesktopArgs>>]> = [
    [['/usr/bin/lattice'], { hidden: false, profile: null, link: null, insecureSecretsFile: false, problems: [] }],
    [['/usr/bin/electron', '.', '--hidden'], { hidden: true }],
    [['lattice', '--profile', 'work'], { profile: 'work' }],
    [['lattice', '--profile=work.2'], { profile: 'work.2' }],
    [['lattice', 'matrix:r/room:example.org'], { link: 'matrix:r/room:example.org' }],
    [['lattice', '--no-sandbox', 'https://matrix.to/#/@a:b.org', '--hidden'], { link: 'https://matrix.to/#/@a:b.org', hidden: true }],
    // Chromium switches and unknown arguments are not ours and are ignored.
    [['lattice', '--enable-features=X', '--allow-file-access-from-files', '.'], { hidden: false, link: null, problems: [] }],
    [['lattice', '--insecure-secrets-file'], { insecureSecretsFile: true }],
  ];
  for (const [argv, expected] of cases) {
    it(argv.slice(1).join(' ') || '(no arguments)', () => {
      const got = parseDesktopArgs(argv);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(got[k as keyof typeof got], v, k);
    });
  }

  it('refuses profile names that are not safe folder names, in words', () => {
    for (const bad of ['../x', 'a/b', '.hidden', 'a b', 'x'.repeat(65), '']) {
      const got = parseDesktopArgs(['lattice', `--profile=${bad}`]);
      assert.equal(got.profile, null, bad);
      assert.equal(got.problems.length, 1);
      assert.match(got.problems[0], /--profile/);
    }
    assert.match(parseDesktopArgs(['lattice', '--profile']).problems[0], /needs a name/);
  });

  it('gives a profile folders of its own, beside the default ones', () => {
    const base = { config: '/h/.config/lattice', data: '/h/.local/share/lattice', cache: '/h/.cache/lattice', logs: '/h/.local/state/lattice' };
    assert.equal(profilePaths(base, null), base);
    assert.deepEqual(profilePaths(base, 'work'), {
      config: '/h/.config/lattice-work', data: '/h/.local/share/lattice-work', cache: '/h/.cache/lattice-work', logs: '/h/.local/state/lattice-work',
    });
  });

  it('reads the argv a second launch forwards with its lock request, and nothing malformed', () => {
    assert.deepEqual(forwardedArgv({ argv: ['lattice', '--hidden'] }), ['lattice', '--hidden']);
    for (const bad of [null, undefined, 'x', {}, { argv: 'x' }, { argv: ['a', 1] }]) assert.equal(forwardedArgv(bad), null);
  });

  it('relaunches with the same profile and secrets choice', () => {
    assert.deepEqual(relaunchArgs({ profile: 'work', insecureSecretsFile: true }, true), ['--hidden', '--profile', 'work', '--insecure-secrets-file']);
    assert.deepEqual(relaunchArgs({ profile: null, insecureSecretsFile: false }, false), []);
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }, { x: 1920, y: 0, width: 1280, height: 1024 }];
  const cases: Array<[string, WindowState, WindowState]> = [
    ['on the primary display: as saved', { x: 100, y: 100, width: 1000, height: 700, maximized: false }, { x: 100, y: 100, width: 1000, height: 700, maximized: false }],
    ['on the second display: as saved', { x: 2000, y: 10, width: 800, height: 600, maximized: true }, { x: 2000, y: 10, width: 800, height: 600, maximized: true }],
    ['on an unplugged display: size kept, position dropped', { x: 4000, y: 0, width: 800, height: 600, maximized: false }, { width: 800, height: 600, maximized: false }],
    ['title bar above the screen: position dropped', { x: 100, y: -500, width: 800, height: 400, maximized: false }, { width: 800, height: 400, maximized: false }],
    ['bigger than the screen: shrunk', { x: 9000, y: 9000, width: 5000, height: 3000, maximized: false }, { width: 1920, height: 1080, maximized: false }],
    ['no position saved: centred by the OS', { width: 900, height: 700, maximized: false }, { width: 900, height: 700, maximized: false }],
  ];
  for (const [name, saved, expected] of cases) it(name, () => assert.deepEqual(restoreBounds(saved, screen), expected));

  it('is saved private (0600) and read back; a broken file gives the defaults with a reason', () => {
    const dir = tmp();
    const logs: string[] = [];
    assert.deepEqual(loadWindowState(dir, (m) => logs.push(m)), DEFAULT_WINDOW_STATE);
    assert.equal(logs.length, 0, 'a missing file is normal, not an error');
    const state = captureWindowState({ x: 10.4, y: 20.6, width: 1000, height: 700 }, true);
    saveWindowState(dir, state);
    assert.equal(statSync(windowStateFile(dir)).mode & 0o777, 0o600);
    assert.deepEqual(loadWindowState(dir, () => {}), { x: 10, y: 21, width: 1000, height: 700, maximized: true });
    writeFileSync(windowStateFile(dir), '{"width": "wide", "height": 600}');
    assert.deepEqual(loadWindowState(dir, (m) => logs.push(m)), DEFAULT_WINDOW_STATE);
    assert.match(logs.at(-1)!, /unexpected contents \(width\)/);
    writeFileSync(windowStateFile(dir), 'not json');
    loadWindowState(dir, (m) => logs.push(m));
    assert.match(logs.at(-1)!, /not valid JSON/);
  });
});

describe('window state tracking', () => {
  it('saves a moment after moving or resizing stops, and at once on close', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const handlers = new Map<string, () => void>();
    let bounds = { x: 1, y: 2, width: 800, height: 600 };
    const w = {
      isDestroyed: () => false, isMaximized: () => false, getNormalBounds: () => bounds,
      on: (e: string, fn: () => void) => { handlers.set(e, fn); },
    };
    const saved: WindowState[] = [];
    trackWindowState(w, (s) => saved.push(s), 1000);
    handlers.get('resize')!();
    bounds = { x: 1, y: 2, width: 900, height: 650 };
    t.mock.timers.tick(500);
    handlers.get('move')!();
    t.mock.timers.tick(999);
    assert.equal(saved.length, 0, 'still moving');
    t.mock.timers.tick(1);
    assert.deepEqual(saved, [{ x: 1, y: 2, width: 900, height: 650, maximized: false }]);
    handlers.get('resize')!();
    handlers.get('close')!();
    assert.equal(saved.length, 2, 'closing saves at once');
    t.mock.timers.tick(5000);
    assert.equal(saved.length, 2, 'and the pending save is dropped');
  });
});

describe('desktop settings', () => {
  it('defaults: close to tray and notifications on, start at login and hidden text off', () => {
    assert.deepEqual(DEFAULT_SETTINGS, { startAtLogin: false, closeToTray: true, notifications: true, hideMessageText: false });
  });

  it('round-trips through a 0600 file, filling keys a newer version added', () => {
    const dir = tmp();
    saveSettings(dir, { ...DEFAULT_SETTINGS, hideMessageText: true });
    assert.equal(statSync(settingsFile(dir)).mode & 0o777, 0o600);
    assert.equal(loadSettings(dir, () => {}).hideMessageText, true);
    writeFileSync(settingsFile(dir), '{"closeToTray": false}');
    assert.deepEqual(loadSettings(dir, () => {}), { ...DEFAULT_SETTINGS, closeToTray: false });
  });
});

describe('start at login', () => {
  it('quotes Exec arguments as the desktop entry spec asks', () => {
    assert.equal(quoteExecArg('/opt/Lattice/lattice'), '/opt/Lattice/lattice');
    assert.equal(quoteExecArg('/home/a b/Lattice.AppImage'), '"/home/a b/Lattice.AppImage"');
    assert.equal(quoteExecArg('50%'), '50%%');
    assert.equal(quoteExecArg('a"$`\\'), '"a\\"\\$\\`\\\\"');
  });

  it('writes an XDG autostart entry on Linux (the AppImage itself when run from one) and removes it again', () => {
    const config = tmp();
    const env = { XDG_CONFIG_HOME: config, APPIMAGE: '/home/u/Apps/Lattice.AppImage' };
    const deps = { platform: 'linux' as const, env, execPath: '/tmp/.mount_x/lattice', setLoginItemSettings: () => assert.fail('not on Linux') };
    applyStartAtLogin(true, ['--hidden', '--profile', 'work'], 'work', deps);
    const file = autostartFile(env, 'work');
    assert.equal(file, path.join(config, 'autostart', 'lattice-work.desktop'));
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^Exec=\/home\/u\/Apps\/Lattice.AppImage --hidden --profile work$/m);
    assert.match(text, /^Name=Lattice \(work\)$/m);
    applyStartAtLogin(false, [], 'work', deps);
    assert.throws(() => readFileSync(file), /ENOENT/);
    assert.match(autostartEntry('/usr/bin/lattice', ['--hidden'], null), /^\[Desktop Entry\]\nType=Application\nName=Lattice\n/);
  });

  it('uses the login item API on macOS and Windows', () => {
    const got: unknown[] = [];
    for (const platform of ['darwin', 'win32'] as const) {
      applyStartAtLogin(true, ['--hidden'], null, { platform, env: {}, execPath: 'x', setLoginItemSettings: (s) => got.push(s) });
    }
    assert.deepEqual(got, [{ openAtLogin: true, args: ['--hidden'] }, { openAtLogin: true, args: ['--hidden'] }]);
  });
});

describe('channels', () => {
  it('the preload uses the same channel names as the shell', () => {
    const preload = readFileSync(new URL('../../src/preload/preload.ts', import.meta.url), 'utf8');
    for (const name of ['RPC_CHANNEL', 'OPEN_CHANNEL', 'NAVIGATE_CHANNEL', 'NAVIGATE_READY_CHANNEL', 'VIEW_CHANNEL', 'SCREEN_PICK_CHANNEL', 'SCREEN_CHOICE_CHANNEL', 'NOTIFY_STATE_CHANNEL', 'NOTIFY_STATE_ASK_CHANNEL'] as const) {
      assert.match(preload, new RegExp(`const ${name} = '${channels[name]}';`), name);
    }
  });

  it('checks the page\'s view message', () => {
    assert.deepEqual(channels.parseViewMessage({ room_id: '!r:x' }), { room_id: '!r:x' });
    assert.deepEqual(channels.parseViewMessage({ room_id: null }), { room_id: null });
    for (const bad of [null, 'x', {}, { room_id: 5 }, { room_id: '#alias:x' }, { room_id: `!${'x'.repeat(300)}` }]) {
      assert.equal(channels.parseViewMessage(bad), null);
    }
  });
});
