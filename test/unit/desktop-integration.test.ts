/**
 * The desktop shell's OS integration, wired end to end through a fake `electron` and a fake backend: the shell's
 * own backend connection drives tray, badge and notifications; links reach the page; close to tray, --hidden,
 * --profile, window state, menus and the spelling context menu.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ContextMenuParams } from 'electron';
import {
  NAVIGATE_CHANNEL, NAVIGATE_READY_CHANNEL, NOTIFY_STATE_ASK_CHANNEL, NOTIFY_STATE_CHANNEL, VIEW_CHANNEL,
} from '../../src/main/desktop/channels.ts';
import { settingsFile } from '../../src/main/desktop/settings.ts';
import { windowStateFile } from '../../src/main/desktop/window-state.ts';
import {
  FakeNotification, clickItem, findItem, ipcFrom, navEvent, startedApp, tempRoot, tick,
} from '../harness/fake-electron.ts';
import { event, member, notifying, room, sync } from '../harness/sync-fixtures.ts';

/** Notifications wait (briefly) for an avatar, so they appear a few turns of the event loop later. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

function notificationsFrom(fromIndex: number): FakeNotification[] {
  return FakeNotification.all.slice(fromIndex);
}

describe('desktop shell: tray, badge and notifications from its own backend connection', () => {
  it('connects to the backend as a frontend of its own, before any page does', async () => {
    const { fb } = await startedApp();
    assert.equal(fb.connections.length, 1);
    assert.equal(fb.shellConnection().closed, false);
  });

  it('shows unread and highlight states in the tray and the badge', async () => {
    const { fe, fb } = await startedApp();
    const tray = fe.trays[0];
    assert.equal(tray.image, '/app/assets/tray/tray.png');
    fb.shellConnection().sink(sync({ rooms: { '!a:x': { meta: room('!a:x', { name: 'A', unread_notifications: 2 }) } } }));
    assert.equal(tray.image, '/app/assets/tray/tray-unread.png');
    assert.equal(fe.badge.at(-1), 2);
    assert.equal(tray.tooltip, 'Lattice: 1 unread room');
    fb.shellConnection().sink(sync({ rooms: { '!b:x': { meta: room('!b:x', { name: 'B', unread_notifications: 1, unread_highlights: 1 }) } } }));
    assert.equal(tray.image, '/app/assets/tray/tray-highlight.png');
    assert.equal(fe.badge.at(-1), 3);
    fb.shellConnection().sink(sync({ rooms: { '!a:x': { meta: room('!a:x') }, '!b:x': { meta: room('!b:x') } } }));
    assert.equal(tray.image, '/app/assets/tray/tray.png');
    assert.equal(fe.badge.at(-1), 0);
  });

  it('uses template images for the macOS menu bar, a different shape per state', async () => {
    const { fe, fb } = await startedApp({ platform: 'darwin' });
    const tray = fe.trays[0];
    assert.equal(tray.image, '/app/assets/tray/trayTemplate.png');
    fb.shellConnection().sink(sync({ rooms: { '!a:x': { meta: room('!a:x', { name: 'A', unread_notifications: 2 }) } } }));
    assert.equal(tray.image, '/app/assets/tray/tray-unreadTemplate.png');
    fb.shellConnection().sink(sync({ rooms: { '!b:x': { meta: room('!b:x', { name: 'B', unread_notifications: 1, unread_highlights: 1 }) } } }));
    assert.equal(tray.image, '/app/assets/tray/tray-highlightTemplate.png');
  });

  it('opens an unread room from the tray menu and toggles the window', async () => {
    const { fe, fb, wc, win } = await startedApp();
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    fb.shellConnection().sink(sync({ rooms: { '!a:x': { meta: room('!a:x', { name: 'Alpha', unread_notifications: 1 }) } } }));
    const menu = fe.trays[0].menu!;
    clickItem(findItem(menu.template, 'Alpha (1)'));
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL), [[NAVIGATE_CHANNEL, { link: { kind: 'room', room: '!a:x', via: [] } }]]);
    assert.equal(win.visible, true);
    clickItem(findItem(fe.trays[0].menu!.template, 'Hide Lattice'));
    assert.equal(win.visible, false);
    assert.ok(findItem(fe.trays[0].menu!.template, 'Show Lattice'), 'the menu follows the window');
    clickItem(findItem(fe.trays[0].menu!.template, 'Quit Lattice'));
    assert.ok(fe.calls.includes('quit'));
  });

  it('notifies with sender, room and text; a click focuses and opens the room at the event; reading withdraws', async () => {
    const { fe, fb, wc, win } = await startedApp();
    const before = FakeNotification.all.length;
    const alice = member('!r:x', '@alice:x', 'Alice');
    const msg = event('!r:x', '@alice:x', { content: { msgtype: 'm.text', body: 'Are you there?' } });
    fb.shellConnection().sink(sync({ rooms: { '!r:x': notifying(room('!r:x', { name: 'Team', unread_notifications: 1 }), [alice, msg], [msg], { sound: false }) } }));
    await settle();
    const [n] = notificationsFrom(before);
    assert.deepEqual([n.options.title, n.options.body, n.options.silent, n.shown], ['Team', '\u2068Alice\u2069: Are you there?', true, true]);
    assert.equal(win.flashing, true, 'the taskbar asks for attention while unfocused');

    // The page is not listening yet: the link waits for it.
    n.emit('click');
    assert.equal(win.hasFocus, true);
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL), []);
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL),
      [[NAVIGATE_CHANNEL, { link: { kind: 'room', room: '!r:x', event_id: msg.event_id, via: [] } }]]);
    assert.equal(n.closed, true);

    // Another message, then the room is read (here or elsewhere): the notification goes.
    const msg2 = event('!r:x', '@alice:x');
    fb.shellConnection().sink(sync({ rooms: { '!r:x': notifying(room('!r:x', { name: 'Team', unread_notifications: 1 }), [msg2], [msg2]) } }));
    await settle();
    const second = notificationsFrom(before)[1];
    assert.equal(second.closed, false);
    fb.shellConnection().sink(sync({ rooms: { '!r:x': { meta: room('!r:x', { name: 'Team' }) } } }));
    assert.equal(second.closed, true);
  });

  it('stays quiet about the room the focused window shows, and honours the settings', async () => {
    const { fe, fb, wc, win, root } = await startedApp();
    const before = FakeNotification.all.length;
    win.focus();
    fe.ipcMain.emit(VIEW_CHANNEL, ipcFrom(wc), { room_id: '!r:x' });
    // A view message from a foreign frame is ignored.
    fe.ipcMain.emit(VIEW_CHANNEL, ipcFrom(wc, { url: 'https://evil.example/', parent: null }), { room_id: '!other:x' });
    const m1 = event('!r:x', '@alice:x');
    const m2 = event('!other:x', '@alice:x', { content: { msgtype: 'm.text', body: 'psst' } });
    fb.shellConnection().sink(sync({
      rooms: {
        '!r:x': notifying(room('!r:x', { name: 'Viewed', unread_notifications: 1 }), [m1], [m1]),
        '!other:x': notifying(room('!other:x', { name: 'Other', unread_notifications: 1 }), [m2], [m2]),
      },
    }));
    await settle();
    assert.deepEqual(notificationsFrom(before).map((n) => n.options.title), ['Other']);

    clickItem(findItem(fe.appMenu()!.template, 'Hide Message Text in Notifications'));
    assert.equal(JSON.parse(readFileSync(settingsFile(path.join(root, 'config')), 'utf8')).hideMessageText, true);
    const m3 = event('!other:x', '@alice:x', { content: { msgtype: 'm.text', body: 'the secret' } });
    fb.shellConnection().sink(sync({ rooms: { '!other:x': notifying(room('!other:x', { name: 'Other', unread_notifications: 2 }), [m3], [m3]) } }));
    await settle();
    const latest = notificationsFrom(before).at(-1)!;
    assert.doesNotMatch(`${latest.options.title} ${latest.options.body}`, /secret/);

    clickItem(findItem(fe.appMenu()!.template, 'Show Notifications'));
    const count = FakeNotification.all.length;
    const m4 = event('!other:x', '@alice:x');
    fb.shellConnection().sink(sync({ rooms: { '!other:x': notifying(room('!other:x', { unread_notifications: 3 }), [m4], [m4]) } }));
    await settle();
    assert.equal(FakeNotification.all.length, count, 'notifications off');
  });

  it('tells the page its notification settings when asked, and again each time the File menu changes them', async () => {
    const { fe, wc } = await startedApp();
    const states = () => wc.sent.filter(([c]) => c === NOTIFY_STATE_CHANNEL).map(([, s]) => s);
    // Only the app's own page is answered.
    fe.ipcMain.emit(NOTIFY_STATE_ASK_CHANNEL, ipcFrom(wc, { url: 'https://evil.example/', parent: null }));
    assert.deepEqual(states(), []);
    fe.ipcMain.emit(NOTIFY_STATE_ASK_CHANNEL, ipcFrom(wc));
    assert.deepEqual(states(), [{ enabled: true, supported: true, hide_text: false }]);
    clickItem(findItem(fe.appMenu()!.template, 'Hide Message Text in Notifications'));
    clickItem(findItem(fe.appMenu()!.template, 'Show Notifications'));
    assert.deepEqual(states().slice(1), [{ enabled: true, supported: true, hide_text: true }, { enabled: false, supported: true, hide_text: true }]);
  });

  it('says "Encrypted message" until the message decrypts, then shows its text without a second sound', async () => {
    const { fb } = await startedApp();
    const before = FakeNotification.all.length;
    const alice = member('!e:x', '@alice:x', 'Alice');
    const enc = event('!e:x', '@alice:x', { type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA' } });
    fb.shellConnection().sink(sync({ rooms: { '!e:x': notifying(room('!e:x', { name: 'Secret', unread_notifications: 1 }), [alice, enc], [enc]) } }));
    await settle();
    const [first] = notificationsFrom(before);
    assert.deepEqual([first.options.body, first.options.silent], ['\u2068Alice\u2069: Encrypted message', false]);
    // The key arrives later: the backend sends the stored event again, decrypted (gomuks' events_decrypted).
    fb.shellConnection().sink({
      command: 'events_decrypted', request_id: -11,
      data: { room_id: '!e:x', events: [{ ...enc, decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'The door code is 4711' } }] },
    });
    await settle();
    const [, second] = notificationsFrom(before);
    assert.equal(first.closed, true);
    assert.deepEqual([second.options.title, second.options.body, second.options.silent], ['Secret', '\u2068Alice\u2069: The door code is 4711', true]);
  });

  it('asks the backend (once per room) for the names of senders the sync did not name', async () => {
    const { fb } = await startedApp();
    const before = FakeNotification.all.length;
    fb.members.set('!n:x', [member('!n:x', '@zoe:x', 'Zoë Z.')]);
    const m1 = event('!n:x', '@zoe:x');
    fb.shellConnection().sink(sync({ rooms: { '!n:x': notifying(room('!n:x', { name: 'Names', unread_notifications: 1 }), [m1], [m1]) } }));
    await settle();
    const asked = () => fb.shellConnection().received.filter((e) => (e as { command: string }).command === 'get_room_state');
    assert.deepEqual(asked().map((e) => (e as { data: unknown }).data), [{ room_id: '!n:x', include_members: true }]);
    assert.equal(notificationsFrom(before)[0]?.options.body, `\u2068Zoë Z.\u2069: ${m1.content.body as string}`);
    const m2 = event('!n:x', '@yuri:x');
    fb.shellConnection().sink(sync({ rooms: { '!n:x': notifying(room('!n:x', { name: 'Names', unread_notifications: 2 }), [m2], [m2]) } }));
    await settle();
    assert.equal(asked().length, 1, 'not asked again');
    assert.match(notificationsFrom(before)[1]?.options.body ?? '', /^\u2068yuri\u2069: /, 'the localpart when nobody knows a name');
  });

  it('shows nothing for a room read while its sender\'s name was being looked up', async () => {
    const { fb } = await startedApp();
    const before = FakeNotification.all.length;
    fb.setAnswerState(false);
    const m1 = event('!s:x', '@slow:x');
    fb.shellConnection().sink(sync({ rooms: { '!s:x': notifying(room('!s:x', { unread_notifications: 1 }), [m1], [m1]) } }));
    await settle();
    fb.shellConnection().sink(sync({ rooms: { '!s:x': { meta: room('!s:x') } } }));
    // Answer late: the room is read by now.
    const req = fb.shellConnection().received.find((e) => (e as { command: string }).command === 'get_room_state') as { request_id: number };
    fb.shellConnection().sink({ command: 'response', request_id: req.request_id, data: [] });
    await settle();
    assert.equal(FakeNotification.all.length, before);
  });

  it('notifies about an invite; a click opens the room to join through the inviter\'s server', async () => {
    const { fe, fb, wc } = await startedApp();
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    const before = FakeNotification.all.length;
    fb.shellConnection().sink(sync({ invited_rooms: [{ room_id: '!club:x', created_at: 1, invited_by: '@alice:example.org', name: 'Book club', invite_state: [] }] }));
    await settle();
    const [n] = notificationsFrom(before);
    assert.deepEqual([n.options.title, n.options.body], ['Book club', 'alice invited you']);
    n.emit('click');
    assert.deepEqual(wc.sent.filter(([c]) => c === NAVIGATE_CHANNEL).at(-1),
      [NAVIGATE_CHANNEL, { link: { kind: 'room', room: '!club:x', via: ['example.org'] } }]);
  });

  it('names an invite to an unnamed room as the room list does, after its inviter, not by its room ID', async () => {
    const { fe, fb, wc } = await startedApp();
    fe.ipcMain.emit(NAVIGATE_READY_CHANNEL, ipcFrom(wc));
    const before = FakeNotification.all.length;
    const member = { type: 'm.room.member', state_key: '@alice:example.org', content: { membership: 'join', displayname: 'Alice Liddell' } };
    fb.shellConnection().sink(sync({ invited_rooms: [{ room_id: '!unnamed:x', created_at: 1, invited_by: '@alice:example.org', invite_state: [member] }] }));
    await settle();
    const [n] = notificationsFrom(before);
    assert.deepEqual([n.options.title, n.options.body], ['Alice Liddell', 'Alice Liddell invited you']);
  });

  it('uses the sender\'s avatar as the icon, fetched by the backend', async () => {
    const { fb } = await startedApp();
    const before = FakeNotification.all.length;
    const alice = event('!r:x', '@alice:x', { type: 'm.room.member', state_key: '@alice:x', content: { membership: 'join', displayname: 'Alice', avatar_url: 'mxc://x.org/avatar1' } });
    const msg = event('!r:x', '@alice:x');
    fb.shellConnection().sink(sync({ rooms: { '!r:x': notifying(room('!r:x', { unread_notifications: 1 }), [alice, msg], [msg]) } }));
    await settle();
    assert.deepEqual(fb.media, [{ server: 'x.org', mediaId: 'avatar1', thumbnail: { width: 96, height: 96 } }]);
    assert.equal((notificationsFrom(before)[0].options.icon as unknown as { path: string }).path, 'buffer:4');
  });
});

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
