/**
 * The desktop shell's wiring, driven through a fake `electron` (test/harness/fake-electron.ts): startup order,
 * the IPC relay, navigation and permission rules, quitting.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import {
  OPEN_CHANNEL, RPC_CHANNEL, createDesktopApp, hostSafeStorage, parseDesktopArgs, type ElectronMain,
} from '../../src/main/desktop/app.ts';
import { APP_ENTRY_URL } from '../../src/main/desktop/security.ts';
import {
  FakeWebContents, baseDeps, fakeBackend, fakeElectron, ipcFrom, navEvent, startedApp, tempRoot, tick,
} from '../harness/fake-electron.ts';


describe('desktop shell: startup', () => {
  it('sets up sandbox, data path and scheme before ready, and nothing Chromium-facing after', () => {
    const fe = fakeElectron();
    const fb = fakeBackend();
    const root = tempRoot();
    const desktop = createDesktopApp(fe.electron, baseDeps(root, fb));
    assert.equal(desktop.start(), true);
    // userData first: Electron keys the single-instance lock on it, so each --profile is its own instance.
    assert.deepEqual(fe.calls, [
      `setPath userData ${path.join(root, 'data', 'chromium')}`, 'requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged',
    ]);
    assert.equal(fe.windows.length, 0);
    assert.equal(fb.started.length, 0);
    assert.equal(fe.ipcMain.count(RPC_CHANNEL), 1);
    assert.equal(fe.ipcMain.count(OPEN_CHANNEL), 1);
    assert.equal(fe.app.count('second-instance'), 1);
  });

  it('quits at once when another instance holds the lock', () => {
    const fe = fakeElectron();
    fe.setLock(false);
    const root = tempRoot();
    const desktop = createDesktopApp(fe.electron, baseDeps(root, fakeBackend()));
    assert.equal(desktop.start(), false);
    assert.deepEqual(fe.calls, [`setPath userData ${path.join(root, 'data', 'chromium')}`, 'requestSingleInstanceLock', 'quit']);
    assert.equal(fe.ipcMain.count(RPC_CHANNEL), 0);
  });

  it('on ready serves the app scheme, starts the backend with the data paths and opens a secure window', async () => {
    const { fe, fb, win, root } = await startedApp();
    assert.ok(fe.protocolHandlers.has('lattice'));
    assert.equal(fb.started.length, 1);
    assert.deepEqual(fb.started[0].opts.paths, {
      config: path.join(root, 'config'), data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: path.join(root, 'logs'),
    });
    assert.equal(fb.started[0].opts.insecureSecretsFile, false);
    assert.equal(fb.started[0].safeStorage.isEncryptionAvailable(), true);

    const wp = win.options.webPreferences!;
    assert.equal(wp.sandbox, true);
    assert.equal(wp.contextIsolation, true);
    assert.equal(wp.nodeIntegration, false);
    assert.equal(wp.nodeIntegrationInWorker, false);
    assert.equal(wp.nodeIntegrationInSubFrames, false);
    assert.equal(wp.webSecurity, true);
    assert.equal(wp.allowRunningInsecureContent, false);
    assert.equal(wp.webviewTag, false);
    assert.equal(wp.preload, '/app/dist/preload/preload.cjs');
    assert.equal(win.loadedUrl, APP_ENTRY_URL);
    assert.equal(win.visible, false);
    win.emit('ready-to-show');
    assert.equal(win.visible, true);
  });

  it('passes --insecure-secrets-file through to the backend worker', async () => {
    const { fb } = await startedApp({ argv: ['/usr/bin/electron', '.', '--insecure-secrets-file'] });
    assert.equal(fb.started[0].opts.insecureSecretsFile, true);
    assert.equal(parseDesktopArgs(['x', '--insecure-secrets-file']).insecureSecretsFile, true);
    assert.equal(parseDesktopArgs(['x']).insecureSecretsFile, false);
  });

  it('tells the user and quits when the backend cannot start', async () => {
    const { fe } = await startedApp({ startBackend: async () => { throw new Error('database is locked'); } });
    assert.equal(fe.errors.length, 1);
    assert.match(fe.errors[0][1], /database is locked/);
    assert.ok(fe.calls.includes('quit'));
  });

  it('serves lattice://media from the backend once it runs, and 503 before it starts or after it dies', async () => {
    const fe = fakeElectron();
    const fb = fakeBackend();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const desktop = createDesktopApp(fe.electron, baseDeps(tempRoot(), fb, {
      startBackend: async (o) => { await gate; return fb.start(o); }, log: () => {},
    }));
    desktop.start();
    fe.ready();
    await desktop.whenStarted();
    const handler = fe.protocolHandlers.get('lattice')!;
    const url = 'lattice://media/example.org/abc?w=96&h=96';
    assert.equal((await handler(new Request(url))).status, 503);
    release();
    await tick();
    const res = await handler(new Request(url));
    assert.equal(res.status, 200);
    assert.deepEqual(fb.media, [{ server: 'example.org', mediaId: 'abc', thumbnail: { width: 96, height: 96 } }]);
    fb.backend.onFatal('worker exited with code 1');
    assert.equal((await handler(new Request(url))).status, 503);
  });

  it('tells the user and quits when the backend dies', async () => {
    const { fe, fb } = await startedApp();
    fb.backend.onFatal('worker exited with code 1');
    assert.match(fe.errors[0][1], /worker exited with code 1/);
    assert.ok(fe.calls.includes('quit'));
    // A dead worker is not waited for on the way out.
    const quitEvent = navEvent();
    fe.app.emit('will-quit', quitEvent);
    assert.equal(quitEvent.prevented, false);
  });
});

describe('desktop shell: IPC relay', () => {
  it('relays envelopes both ways unchanged', async () => {
    const { fe, fb, wc } = await startedApp();
    const env: Envelope = { command: 'get_room_state', request_id: 7, data: { room_id: '!a:b', nested: [1, { x: null }] } };
    const copy = structuredClone(env);
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    fe.ipcMain.emit(RPC_CHANNEL, ipcFrom(wc), env);
    await tick();
    assert.equal(fb.pageConnections().length, 1);
    assert.deepEqual(fb.pageConnections()[0].received, [copy]);
    assert.equal(fb.pageConnections()[0].received[0], env);

    const event: Envelope = { command: 'sync_complete', request_id: -3, data: { rooms: { '!a:b': { meta: { name: 'x' } } } } };
    fb.pageConnections()[0].sink(event);
    assert.deepEqual(wc.sent, [[RPC_CHANNEL, event]]);
    assert.equal(wc.sent[0][1], event);
  });

  it('keeps the order of envelopes sent before the backend is ready', async () => {
    const fe = fakeElectron();
    const fb = fakeBackend();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const desktop = createDesktopApp(fe.electron, baseDeps(tempRoot(), fb, {
      startBackend: async (o) => { await gate; return fb.start(o); },
    }));
    desktop.start();
    fe.ready();
    await desktop.whenStarted();
    const wc = fe.windows[0].webContents;
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    for (let i = 1; i <= 5; i++) fe.ipcMain.emit(RPC_CHANNEL, ipcFrom(wc), { command: 'ping', request_id: i });
    await tick();
    assert.equal(fb.pageConnections().length, 0);
    release();
    await tick();
    assert.equal(fb.pageConnections().length, 1);
    assert.deepEqual(fb.pageConnections()[0].received.map((e) => (e as Envelope).request_id), [1, 2, 3, 4, 5]);
  });

  it('opens a connection on the first envelope even without an explicit open', async () => {
    const { fe, fb, wc } = await startedApp();
    fe.ipcMain.emit(RPC_CHANNEL, ipcFrom(wc), { command: 'ping', request_id: 1 });
    fe.ipcMain.emit(RPC_CHANNEL, ipcFrom(wc), { command: 'ping', request_id: 2 });
    await tick();
    assert.equal(fb.pageConnections().length, 1);
    assert.equal(fb.pageConnections()[0].received.length, 2);
  });

  it('ignores IPC from foreign origins, iframes, vanished frames and other webContents', async () => {
    const { fe, fb, wc, logs } = await startedApp();
    const other = new FakeWebContents();
    const env = { command: 'logout', request_id: 1 };
    const senders = [
      ipcFrom(wc, { url: 'https://evil.example/', parent: null }),
      ipcFrom(wc, { url: 'file:///tmp/x.html', parent: null }),
      ipcFrom(wc, { url: APP_ENTRY_URL, parent: wc.mainFrame }),
      ipcFrom(wc, null),
      ipcFrom(other, other.mainFrame),
    ];
    for (const s of senders) {
      fe.ipcMain.emit(OPEN_CHANNEL, s);
      fe.ipcMain.emit(RPC_CHANNEL, s, env);
    }
    await tick();
    assert.equal(fb.pageConnections().length, 0);
    assert.equal(logs.filter((l) => /not the app/.test(l)).length, senders.length);
  });

  it('gives every page load its own connection and closes the old one on reload', async () => {
    const { fe, fb, wc } = await startedApp();
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    await tick();
    const first = fb.pageConnections()[0];

    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: APP_ENTRY_URL });
    wc.emit('did-navigate', {}, APP_ENTRY_URL);
    await tick();
    assert.equal(first.closed, true);
    // Late output of the old connection never reaches the new page.
    first.sink({ command: 'response', request_id: 1, data: 'stale' });
    assert.deepEqual(wc.sent, []);

    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    await tick();
    assert.equal(fb.pageConnections().length, 2);
    assert.equal(fb.pageConnections()[1].closed, false);
    fb.pageConnections()[1].sink({ command: 'run_id', request_id: -1, data: { run_id: 'r' } });
    assert.equal(wc.sent.length, 1);
  });

  it('replaces the connection when the page opens again, and keeps a connection opened before the commit event', async () => {
    const { fe, fb, wc } = await startedApp();
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    await tick();
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: APP_ENTRY_URL });
    // The new page's open arrives before the main process sees the commit.
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    wc.emit('did-navigate', {}, APP_ENTRY_URL);
    await tick();
    assert.equal(fb.pageConnections().length, 2);
    assert.equal(fb.pageConnections()[0].closed, true);
    assert.equal(fb.pageConnections()[1].closed, false);
  });

  it('keeps the connection across same-document and blocked navigations', async () => {
    const { fe, fb, wc } = await startedApp();
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    await tick();
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true, url: `${APP_ENTRY_URL}#room` });
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: 'https://example.org/' });
    await tick();
    assert.equal(fb.pageConnections()[0].closed, false);
  });

  it('closes the connection when the renderer crashes or the window goes away', async () => {
    const { fe, fb, wc, win } = await startedApp({ detectTrayHost: async () => 'absent' });
    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    await tick();
    wc.emit('render-process-gone', {}, { reason: 'crashed' });
    await tick();
    assert.equal(fb.pageConnections()[0].closed, true);

    fe.ipcMain.emit(OPEN_CHANNEL, ipcFrom(wc));
    await tick();
    win.close();
    await tick();
    assert.equal(fb.pageConnections()[1].closed, true);
    assert.equal(fe.app.count('window-all-closed'), 1);
  });
});

describe('desktop shell: navigation, windows and permissions', () => {
  it('denies window.open and sends only http/https/mailto to the OS', async () => {
    const { fe, wc } = await startedApp();
    const handler = wc.windowOpenHandler!;
    assert.deepEqual(handler({ url: 'https://matrix.org/' }), { action: 'deny' });
    assert.deepEqual(handler({ url: 'mailto:a@b.example' }), { action: 'deny' });
    assert.deepEqual(handler({ url: 'file:///etc/passwd' }), { action: 'deny' });
    assert.deepEqual(handler({ url: 'lattice://app/index.html' }), { action: 'deny' });
    await tick();
    assert.deepEqual(fe.opened, ['https://matrix.org/', 'mailto:a@b.example']);
  });

  it('blocks navigation off the app origin and opens allowed links externally', async () => {
    const { fe, wc } = await startedApp();
    const away = navEvent({ url: 'https://example.org/x' });
    wc.emit('will-navigate', away, away.url);
    assert.equal(away.prevented, true);
    const evil = navEvent({ url: 'javascript:alert(1)' });
    wc.emit('will-navigate', evil, evil.url);
    assert.equal(evil.prevented, true);
    const reload = navEvent({ url: APP_ENTRY_URL });
    wc.emit('will-navigate', reload, reload.url);
    assert.equal(reload.prevented, false);
    const redirect = navEvent({ url: 'https://example.org/' });
    wc.emit('will-redirect', redirect, redirect.url);
    assert.equal(redirect.prevented, true);
    const webview = navEvent();
    wc.emit('will-attach-webview', webview, {}, {});
    assert.equal(webview.prevented, true);
    await tick();
    assert.deepEqual(fe.opened, ['https://example.org/x']);
  });

  it('grants notifications and media capture to the app origin only, and no devices', async () => {
    const { fe } = await startedApp();
    const { request, check, device } = fe.perms;
    assert.ok(request && check && device);
    const answers: boolean[] = [];
    request(null, 'notifications', (g) => answers.push(g), { requestingUrl: APP_ENTRY_URL });
    request(null, 'notifications', (g) => answers.push(g), { requestingUrl: 'https://evil.example/' });
    request(null, 'geolocation', (g) => answers.push(g), { requestingUrl: APP_ENTRY_URL });
    // Media: the microphone (voice messages, calls) and the camera (video calls), from the app only; a request naming
    // no device never.
    request(null, 'media', (g) => answers.push(g), { requestingUrl: APP_ENTRY_URL, mediaTypes: ['audio'] });
    request(null, 'media', (g) => answers.push(g), { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] });
    request(null, 'media', (g) => answers.push(g), { requestingUrl: APP_ENTRY_URL, mediaTypes: ['audio', 'video'] });
    request(null, 'media', (g) => answers.push(g), { requestingUrl: 'https://evil.example/', mediaTypes: ['audio', 'video'] });
    request(null, 'media', (g) => answers.push(g), { requestingUrl: APP_ENTRY_URL });
    assert.deepEqual(answers, [true, false, false, true, false, true, false, false]);
    // Electron always passes the check's details.
    assert.equal(check(null, 'notifications', 'lattice://app', {}), true);
    assert.equal(check(null, 'notifications', 'https://evil.example', {}), false);
    assert.equal(check(null, 'clipboard-read', 'lattice://app', {}), false);
    assert.equal(check(null, 'media', 'lattice://app', { mediaType: 'audio' }), true);
    assert.equal(check(null, 'media', 'lattice://app', { mediaType: 'video' }), true);
    assert.equal(check(null, 'media', 'https://evil.example', { mediaType: 'video' }), false);
    assert.equal(check(null, 'media', 'lattice://app', { mediaType: 'unknown' }), false);
    assert.equal(device(), false);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const { fe, win } = await startedApp();
    win.minimized = true;
    win.visible = false;
    fe.app.emit('second-instance', navEvent(), ['/usr/bin/lattice', 'matrix:r/x:example.org'], '/');
    assert.equal(win.minimized, false);
    assert.equal(win.visible, true);
    assert.equal(win.focused, 1);
    assert.equal(fe.windows.length, 1);
  });

  it('opens a new window on second-instance or activate when none is left', async () => {
    const { fe, win } = await startedApp({ platform: 'darwin' });
    win.destroyNow();
    fe.app.emit('window-all-closed');
    assert.ok(!fe.calls.includes('quit'), 'macOS apps stay running without windows');
    fe.app.emit('activate', navEvent(), false);
    assert.equal(fe.windows.length, 2);
  });
});

describe('desktop shell: quitting', () => {
  it('quits when the last window closes (not on macOS) after stopping the backend once', async () => {
    const { fe, fb, win } = await startedApp({ detectTrayHost: async () => 'absent' });
    win.close();
    fe.app.emit('window-all-closed');
    assert.ok(fe.calls.includes('quit'));
    const first = navEvent();
    fe.app.emit('will-quit', first);
    assert.equal(first.prevented, true);
    const again = navEvent();
    fe.app.emit('will-quit', again);
    assert.equal(again.prevented, true);
    await tick();
    assert.equal(fb.stopped(), 1);
    assert.equal(fe.calls.filter((c) => c === 'quit').length, 2);
    const last = navEvent();
    fe.app.emit('will-quit', last);
    assert.equal(last.prevented, false);
  });
});

describe('hostSafeStorage', () => {
  const ss = (backend: string, available = true) => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => Buffer.from(`enc:${s}`),
    decryptString: (b: Buffer) => {
      assert.ok(Buffer.isBuffer(b));
      return b.toString().replace(/^enc:/, '');
    },
  }) as unknown as ElectronMain['safeStorage'];

  it('reports Linux basic_text (a hard-coded key) as unavailable', () => {
    assert.equal(hostSafeStorage(ss('basic_text'), 'linux').isEncryptionAvailable(), false);
    assert.equal(hostSafeStorage(ss('unknown'), 'linux').isEncryptionAvailable(), false);
    assert.equal(hostSafeStorage(ss('gnome_libsecret'), 'linux').isEncryptionAvailable(), true);
    assert.equal(hostSafeStorage(ss('gnome_libsecret', false), 'linux').isEncryptionAvailable(), false);
    assert.equal(hostSafeStorage(ss('unknown'), 'darwin').isEncryptionAvailable(), true);
  });

  it('round-trips through Buffers, whatever view the worker hands back', () => {
    const h = hostSafeStorage(ss('kwallet5'), 'linux');
    const enc = h.encryptString('secret');
    const view = new Uint8Array(new Uint8Array([0, ...enc, 0]).buffer, 1, enc.byteLength);
    assert.equal(h.decryptString(view), 'secret');
  });
});
