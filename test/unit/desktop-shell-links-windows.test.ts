/**
 * The desktop shell's OS integration, wired end to end through a fake `electron` and a fake backend
 * (test/harness/fake-electron.ts): links reach the page (from the command line, a second launch or macOS, and only
 * once it listens); close to tray, --hidden, --profile, window state, menus and the spelling context menu, start at
 * login, the Windows taskbar mark and app user model ID, and the shell's backend connection stopped on the way out.
 * Tray, badge and notifications: desktop-shell-notifications.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ContextMenuParams } from 'electron';
import { NAVIGATE_CHANNEL, NAVIGATE_READY_CHANNEL } from '../../src/main/desktop/channels.ts';
import { settingsFile } from '../../src/main/desktop/settings.ts';
import { windowStateFile } from '../../src/main/desktop/window-state.ts';
import { clickItem, findItem, ipcFrom, navEvent, startedApp, tempRoot } from '../harness/fake-electron.ts';
import { room, sync } from '../harness/sync-fixtures.ts';

describe('desktop shell: links', () => {
  it('holds the launch link until the page listens, then delivers it once', async () => {
    const { fe, wc } = await startedApp({ argv: ['/usr/bin/lattice', 'matrix:r/room:example.org?via=example.org'] });
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL), []);
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL),
      [[NAVIGATE_CHANNEL, { link: { kind: 'room', room: '#room:example.org', via: ['example.org'] } }]]);
  });

  it('a second launch passes its link and focuses; with --hidden alone it does nothing', async () => {
    const { fe, wc, win } = await startedApp();
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    win.visible = false;
    fe.app.emit('second-instance', navEvent(), ['/usr/bin/lattice', '--hidden'], '/');
    assert.equal(win.visible, false);
    fe.app.emit('second-instance', navEvent(), ['/usr/bin/lattice', '--no-sandbox', 'https://matrix.to/#/@bob:example.org'], '/');
    assert.equal(win.visible, true);
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL), [[NAVIGATE_CHANNEL, { link: { kind: 'user', user_id: '@bob:example.org' } }]]);
  });

  it('takes macOS open-url links, and logs links it cannot parse', async () => {
    const { fe, wc, logs } = await startedApp({ platform: 'darwin' });
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    const e = navEvent();
    fe.app.emit('open-url', e, 'matrix:u/carol:example.org');
    assert.equal(e.prevented, true);
    fe.app.emit('open-url', navEvent(), 'matrix:nonsense');
    assert.equal(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL).length, 1);
    assert.ok(logs.some((l) => /could not open the link "matrix:nonsense"/.test(l)));
  });

  it('a reloaded page must listen again before it gets links', async () => {
    const { fe, wc, desktop } = await startedApp();
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    wc.emit('did-navigate', {}, 'lattice://app/index.html');
    desktop.openLink('matrix:u/dave:example.org');
    assert.equal(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL).length, 0);
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc, { url: 'https://evil.example/', parent: null }));
    assert.equal(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL).length, 0, 'not to a foreign frame');
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    assert.equal(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL).length, 1);
  });
});

describe('desktop shell: windows, tray presence and options', () => {
  it('closes to the tray when one exists, and really closes when quitting', async () => {
    const { fe, win } = await startedApp();
    win.visible = true;
    win.close();
    assert.equal(win.destroyed, false);
    assert.equal(win.visible, false);
    fe.app.emit('before-quit');
    win.close();
    assert.equal(win.destroyed, true);
  });

  it('without a StatusNotifier host: no tray, closing quits, and --hidden still shows the window', async () => {
    const { fe, win } = await startedApp({ detectTrayHost: async () => 'absent', argv: ['/usr/bin/lattice', '--hidden'] });
    assert.equal(fe.trays.length, 0);
    win.emit('ready-to-show');
    assert.equal(win.visible, true);
    assert.equal(findItem(fe.appMenu()!.template, 'Keep Running in the Tray When Closed'), undefined);
    win.close();
    assert.equal(win.destroyed, true);
    fe.app.emit('window-all-closed');
    assert.ok(fe.calls.includes('quit'));
  });

  it('--hidden starts in the tray', async () => {
    const { win } = await startedApp({ argv: ['/usr/bin/lattice', '--hidden'] });
    win.emit('ready-to-show');
    assert.equal(win.visible, false);
  });

  it('--profile gets its own folders and Chromium profile (and so its own single-instance lock)', async () => {
    const { fe, fb, root } = await startedApp({ argv: ['/usr/bin/lattice', '--profile', 'work'] });
    assert.equal(fb.started[0].opts.paths.data, path.join(root, 'data-work'));
    assert.ok(fe.calls.includes(`setPath userData ${path.join(root, 'data-work', 'chromium')}`));
    assert.equal(fe.trays[0].tooltip, 'Lattice (work)');
  });

  it('remembers size, position and maximized state in a private file', async () => {
    const root = tempRoot();
    const first = await startedApp({ env: { LATTICE_ROOT: root } });
    first.win.maximized = true;
    first.fe.app.emit('before-quit');
    first.win.close();
    const file = windowStateFile(path.join(root, 'config'));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(saved.maximized, true);

    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ x: 300, y: 200, width: 1000, height: 640, maximized: true }));
    const second = await startedApp({ env: { LATTICE_ROOT: root } });
    assert.deepEqual([second.win.options.x, second.win.options.y, second.win.options.width, second.win.options.height], [300, 200, 1000, 640]);
    assert.equal(second.win.maximized, true);
  });

  it('the application menu has zoom and edit roles, settings and copy debug info', async () => {
    const { fe } = await startedApp();
    const t = fe.appMenu()!.template;
    const roles = JSON.stringify(t);
    for (const role of ['zoomIn', 'zoomOut', 'resetZoom', 'undo', 'cut', 'copy', 'paste', 'selectAll', 'togglefullscreen']) {
      assert.ok(roles.includes(`"role":"${role}"`), role);
    }
    clickItem(findItem(t, 'Copy Debug Info'));
    assert.match(fe.clipboard[0], /^Lattice 0\.1\.0 \(development\)\n/);
    assert.match(fe.clipboard[0], /Tray: present/);
    assert.match(fe.clipboard[0], /closeToTray=true/);
  });

  it('start at login is offered only in a package, off by default, and applied when turned on', async () => {
    const dev = await startedApp();
    assert.equal(findItem(dev.fe.appMenu()!.template, 'Start at Login'), undefined);
    const { fe, root } = await startedApp({ platform: 'win32', argv: ['C:\\Lattice\\Lattice.exe', '--profile', 'work'] });
    fe.app.isPackaged = true;
    fe.app.emit('second-instance', navEvent(), ['x', '--hidden'], '/');
    // Settings rebuild the menu; toggle through it as a user would.
    clickItem(findItem(fe.appMenu()!.template, 'Show Notifications'));
    clickItem(findItem(fe.appMenu()!.template, 'Start at Login'));
    assert.deepEqual(fe.loginItems.at(-1), { openAtLogin: true, args: ['--hidden', '--profile', 'work'] });
    assert.equal(JSON.parse(readFileSync(settingsFile(path.join(root, 'config-work')), 'utf8')).startAtLogin, true);
  });

  it('offers spelling suggestions on a misspelt word and applies the one chosen', async () => {
    const { fe, wc } = await startedApp();
    const params = {
      misspelledWord: 'helo', dictionarySuggestions: ['hello', 'help', 'hole'], isEditable: true, selectionText: '', linkURL: '',
      mediaType: 'none', editFlags: { canUndo: false, canRedo: false, canCut: false, canCopy: false, canPaste: true, canSelectAll: true, canDelete: false, canEditRichly: false },
    } as unknown as ContextMenuParams;
    wc.emit('context-menu', navEvent(), params);
    const menu = fe.menus.at(-1)!;
    assert.equal(menu.popups, 1);
    assert.deepEqual(menu.template.slice(0, 3).map((i) => i.label), ['hello', 'help', 'hole']);
    clickItem(menu.template[0]);
    clickItem(findItem(menu.template, 'Add “helo” to Dictionary'));
    assert.deepEqual(wc.replaced, ['hello']);
    assert.deepEqual(wc.dictionary, ['helo']);
    const menus = fe.menus.length;
    wc.emit('context-menu', navEvent(), { ...params, misspelledWord: '', isEditable: false, selectionText: '' });
    assert.equal(fe.menus.length, menus, 'nothing to offer: no menu');
  });

  it('marks the Windows taskbar button while something is unread', async () => {
    const { fb, win } = await startedApp({ platform: 'win32' });
    fb.shellConnection().sink(sync({ rooms: { '!a:x': { meta: room('!a:x', { unread_notifications: 4 }) } } }));
    assert.equal(win.overlay, '/app/assets/tray/badge.png 4 unread');
    fb.shellConnection().sink(sync({ rooms: { '!a:x': { meta: room('!a:x') } } }));
    assert.equal(win.overlay, null);
  });

  it('takes a second launch\'s arguments from the data it sent with its lock request when there is some', async () => {
    const { fe, wc } = await startedApp();
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    fe.app.emit('second-instance', navEvent(), ['lattice', '--mangled'], '/', { argv: ['lattice', 'matrix:u/eve:example.org'] });
    fe.app.emit('second-instance', navEvent(), ['lattice', 'matrix:u/frank:example.org'], '/', { argv: 'not a list' });
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL).map(([, m]) => (m as { link: { user_id: string } }).link.user_id),
      ['@eve:example.org', '@frank:example.org']);
  });

  it('gives Windows the app user model ID its notifications need (the installer\'s appId)', async () => {
    const { fe } = await startedApp({ platform: 'win32' });
    assert.ok(fe.calls.includes('setAppUserModelId chat.lattice.desktop'));
    const linux = await startedApp();
    assert.ok(!linux.fe.calls.some((c) => c.startsWith('setAppUserModelId')));
  });

  it('stops its own backend connection on the way out', async () => {
    const { fe, fb } = await startedApp();
    fe.app.emit('will-quit', navEvent());
    assert.equal(fb.shellConnection().closed, true);
    assert.equal(fe.trays[0].destroyed, true);
  });
});
