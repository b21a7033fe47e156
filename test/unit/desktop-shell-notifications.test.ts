/**
 * The desktop shell's OS integration, wired end to end through a fake `electron` and a fake backend
 * (test/harness/fake-electron.ts): the shell's own backend connection drives tray, badge and notifications (the
 * tray's icons and menu, what a notification says and what a click on it opens, the settings that quiet them and the
 * page is told, senders' names and avatars asked of the backend, invites). Links, windows and options:
 * desktop-shell-links-windows.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  NAVIGATE_CHANNEL, NAVIGATE_READY_CHANNEL, NOTIFY_STATE_ASK_CHANNEL, NOTIFY_STATE_CHANNEL, VIEW_CHANNEL,
} from '../../src/main/desktop/channels.ts';
import { settingsFile } from '../../src/main/desktop/settings.ts';
import { FakeNotification, clickItem, findItem, ipcFrom, startedApp, tick } from '../harness/fake-electron.ts';
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
