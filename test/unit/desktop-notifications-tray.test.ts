/**
 * What an OS notification says (src/main/desktop/notifications.ts), when none is shown, how a room's notifications
 * group and go away, and what the tray shows (src/main/desktop/tray.ts): the decisions behind the tray, the badge and
 * OS notifications once the shell has read what needs attention from its own backend connection
 * (desktop-unread-tracker.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NotificationConstructorOptions } from 'electron';
import type { PendingNotification, UnreadSummary } from '../../src/main/desktop/unread-tracker.ts';
import {
  ENCRYPTED_TEXT, NotificationCenter, composeNotification, notificationOptions, shouldNotify, type ShownNotification,
} from '../../src/main/desktop/notifications.ts';
import { MAX_TRAY_ROOMS, TrayController, trayMenu, trayTooltip } from '../../src/main/desktop/tray.ts';

function pending(fields: Partial<PendingNotification> = {}): PendingNotification {
  return {
    room_id: '!r:x', room_name: 'Team', is_dm: false, event_id: '$e', event_rowid: 1, sender: '@alice:x', sender_name: 'Alice', sender_known: true,
    kind: 'text', text: 'Lunch at noon?', sound: true, highlight: false, timestamp: 0, ...fields,
  };
}

describe('notification content', () => {
  const cases: Array<[string, Partial<PendingNotification>, { hideText?: boolean; count?: number }, { title: string; body: string }]> = [
    ['group room: room title, "sender: text"', {}, {}, { title: 'Team', body: 'Alice: Lunch at noon?' }],
    ['direct chat: the person is the title', { is_dm: true }, {}, { title: 'Alice', body: 'Lunch at noon?' }],
    ['encrypted and not yet decrypted', { kind: 'encrypted', text: undefined }, {}, { title: 'Team', body: `Alice: ${ENCRYPTED_TEXT}` }],
    ['emote', { kind: 'emote', text: 'waves' }, {}, { title: 'Team', body: '* Alice waves' }],
    ['image', { kind: 'image', text: undefined }, {}, { title: 'Team', body: 'Alice sent an image' }],
    ['invite in a DM', { kind: 'invite', is_dm: true, text: undefined }, {}, { title: 'Alice', body: 'Alice invited you' }],
    ['invite to a room', { kind: 'invite', text: undefined, event_id: undefined }, {}, { title: 'Team', body: 'Alice invited you' }],
    ['text hidden', {}, { hideText: true }, { title: 'Team', body: 'Alice sent a message' }],
    ['text hidden in a DM', { is_dm: true }, { hideText: true }, { title: 'Alice', body: 'Alice sent a message' }],
    ['emote hidden', { kind: 'emote', text: 'waves' }, { hideText: true }, { title: 'Team', body: 'Alice sent a message' }],
    ['grouped: the count of waiting messages', {}, { count: 3 }, { title: 'Team', body: 'Alice: Lunch at noon?\n(3 new messages)' }],
    ['whitespace folded', { text: 'a\n\n  b' }, {}, { title: 'Team', body: 'Alice: a b' }],
  ];
  for (const [name, fields, opts, expected] of cases) {
    it(name, () => {
      const c = composeNotification(pending(fields), opts.count ?? 1, { hideText: opts.hideText ?? false });
      assert.deepEqual({ title: c.title, body: c.body }, expected);
    });
  }

  it('never leaks the text when hidden, and clips long text', () => {
    const c = composeNotification(pending({ text: 'the secret' }), 2, { hideText: true });
    assert.doesNotMatch(JSON.stringify(c), /secret/);
    const long = composeNotification(pending({ text: 'x'.repeat(1000) }), 1, { hideText: false });
    assert.ok(long.body.length <= 300);
    assert.ok(long.body.endsWith('…'));
  });

  it('is silent when the rule has no sound, urgent on a highlight, grouped by room', () => {
    const quiet = composeNotification(pending({ sound: false }), 1, { hideText: false });
    assert.equal(quiet.silent, true);
    const loud = composeNotification(pending({ highlight: true }), 1, { hideText: false });
    assert.deepEqual([loud.silent, loud.urgency], [false, 'critical']);
    const o = notificationOptions(loud);
    assert.equal(o.groupId, '!r:x');
    assert.equal(o.silent, false);
  });

  it('is not shown for the room in view in a focused window, nor when turned off', () => {
    const ctx = { enabled: true, viewedRoomId: '!r:x', windowFocused: true };
    assert.equal(shouldNotify({ room_id: '!r:x' }, ctx), false);
    assert.equal(shouldNotify({ room_id: '!other:x' }, ctx), true);
    assert.equal(shouldNotify({ room_id: '!r:x' }, { ...ctx, windowFocused: false }), true);
    assert.equal(shouldNotify({ room_id: '!other:x' }, { ...ctx, enabled: false }), false);
  });
});

class Shown implements ShownNotification {
  static all: Shown[] = [];
  readonly opts: NotificationConstructorOptions;
  private readonly handlers: Record<string, Array<() => void>> = {};
  shown = false;
  closed = false;
  constructor(opts: NotificationConstructorOptions) { this.opts = opts; Shown.all.push(this); }
  on(event: 'click' | 'close', listener: () => void): this {
    (this.handlers[event] ??= []).push(listener);
    return this;
  }
  show(): void { this.shown = true; }
  close(): void { this.closed = true; for (const h of this.handlers.close ?? []) h(); }
  click(): void { for (const h of this.handlers.click ?? []) h(); }
}

describe('NotificationCenter', () => {
  function center(ctx = { enabled: true, viewedRoomId: null as string | null, windowFocused: false }) {
    Shown.all = [];
    const clicks: Array<[string, string | undefined]> = [];
    const c = new NotificationCenter({
      create: (o) => new Shown(o), onClick: (t) => { clicks.push([t.room_id, t.event_id]); }, context: () => ctx, hideText: () => false,
    });
    return { c, clicks, ctx };
  }

  /** A center whose avatar for the notification is held until `release`, as when it is still being fetched. */
  function centerAwaitingAvatar() {
    Shown.all = [];
    let held: (v: undefined) => void = () => {};
    const c = new NotificationCenter({
      create: (o) => new Shown(o), onClick: () => {}, hideText: () => false,
      context: () => ({ enabled: true, viewedRoomId: null, windowFocused: false }),
      icon: () => new Promise((r) => { held = r; }),
    });
    return { c, release: () => held(undefined) };
  }

  it('keeps one notification per room on screen, replacing it with a count', () => {
    const { c } = center();
    c.notify([pending({ event_id: '$1' }), pending({ event_id: '$2' }), pending({ room_id: '!o:x', room_name: 'Other', event_id: '$3' })]);
    assert.equal(Shown.all.length, 3);
    assert.deepEqual(Shown.all.map((s) => [s.closed, s.opts.title]), [[true, 'Team'], [false, 'Team'], [false, 'Other']]);
    assert.match(Shown.all[1].opts.body!, /\(2 new messages\)$/);
    assert.deepEqual(c.openRooms().sort(), ['!o:x', '!r:x']);
  });

  it('withdraws a room\'s notification when it is read, and counts afresh afterwards', () => {
    const { c } = center();
    c.notify([pending({ event_id: '$1' }), pending({ event_id: '$2' })]);
    c.withdraw('!r:x');
    assert.ok(Shown.all.every((s) => s.closed));
    assert.deepEqual(c.openRooms(), []);
    c.notify([pending({ event_id: '$3' })]);
    assert.doesNotMatch(Shown.all[2].opts.body!, /new messages/);
  });

  it('a click withdraws the room and opens it at the event', () => {
    const { c, clicks } = center();
    c.notify([pending({ event_id: '$1' })]);
    Shown.all[0].click();
    assert.deepEqual(clicks, [['!r:x', '$1']]);
    assert.equal(Shown.all[0].closed, true);
  });

  it('skips the room in view of the focused window', () => {
    const { c } = center({ enabled: true, viewedRoomId: '!r:x', windowFocused: true });
    c.notify([pending(), pending({ room_id: '!o:x' })]);
    assert.deepEqual(Shown.all.map((s) => s.opts.groupId), ['!o:x']);
  });

  it('puts the text in once an encrypted message decrypts: silently, keeping the count, only for the message shown', () => {
    const { c, clicks } = center();
    c.notify([pending({ event_id: '$1' }), pending({ event_id: '$2', kind: 'encrypted', text: undefined, highlight: true })]);
    assert.equal(Shown.all[1].opts.body, `Alice: ${ENCRYPTED_TEXT}\n(2 new messages)`);
    c.decrypted([pending({ event_id: '$1', text: 'not the one shown' })]);
    assert.equal(Shown.all.length, 2);
    c.decrypted([pending({ event_id: '$2', text: 'Meet at six', sound: false })]);
    assert.equal(Shown.all.length, 3);
    assert.deepEqual([Shown.all[1].closed, Shown.all[2].opts.body, Shown.all[2].opts.silent, Shown.all[2].opts.urgency],
      [true, 'Alice: Meet at six\n(2 new messages)', true, 'critical']);
    // Once only: it is no longer encrypted.
    c.decrypted([pending({ event_id: '$2', text: 'again' })]);
    assert.equal(Shown.all.length, 3);
    Shown.all[2].click();
    assert.deepEqual(clicks, [['!r:x', '$2']]);
  });

  it('leaves a dismissed or read notification alone when its message decrypts', () => {
    const { c } = center();
    c.notify([pending({ event_id: '$1', kind: 'encrypted', text: undefined }), pending({ room_id: '!o:x', event_id: '$2', kind: 'encrypted', text: undefined })]);
    Shown.all[0].close();
    c.withdraw('!o:x');
    c.decrypted([pending({ event_id: '$1' }), pending({ room_id: '!o:x', event_id: '$2' })]);
    assert.equal(Shown.all.length, 2);
  });

  it('shows the decrypted text, with the rule\'s sound, when it decrypts before the avatar arrived', async () => {
    const { c, release } = centerAwaitingAvatar();
    c.notify([pending({ kind: 'encrypted', text: undefined })]);
    c.decrypted([pending({ text: 'just in time', sound: false })]);
    release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(Shown.all.map((s) => [s.opts.body, s.opts.silent]), [['Alice: just in time', false]]);
  });

  it('waits for the avatar, but a room read meanwhile shows nothing', async () => {
    const { c, release } = centerAwaitingAvatar();
    c.notify([pending()]);
    assert.equal(Shown.all.length, 0);
    c.withdraw('!r:x');
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(Shown.all.length, 0);
  });
});

describe('tray', () => {
  const summary = (n: number, highlight = false): UnreadSummary => ({
    attention: n === 0 ? 'none' : highlight ? 'highlight' : 'unread',
    badgeCount: n,
    rooms: Array.from({ length: n }, (_, i) => ({
      room_id: `!r${i}:x`, name: i === 0 ? 'Tom & Jerry' : `Room ${i}`, notifications: 1, highlights: highlight && i === 0 ? 1 : 0,
      marked_unread: false, invited: false, sorting_timestamp: 0,
    })),
  });

  it('lists unread rooms (capped), show/hide and quit', () => {
    const items = trayMenu(summary(12, true), true);
    assert.equal(items[0].label, 'Hide Lattice');
    assert.deepEqual(items[2], { label: 'Tom && Jerry (1, mentioned)', action: { type: 'open-room', roomId: '!r0:x' } });
    assert.equal(items.filter((i) => i.action?.type === 'open-room').length, MAX_TRAY_ROOMS);
    assert.ok(items.some((i) => i.label === 'and 2 more' && i.enabled === false));
    assert.deepEqual(items.at(-1), { label: 'Quit Lattice', action: { type: 'quit' } });
    assert.equal(trayMenu(summary(0), false)[0].label, 'Show Lattice');
    assert.ok(trayMenu(summary(0), false).some((i) => i.label === 'No unread rooms'));
  });

  it('says in the tooltip what needs attention', () => {
    assert.equal(trayTooltip(summary(0), null), 'Lattice');
    assert.equal(trayTooltip(summary(1), 'work'), 'Lattice (work): 1 unread room');
    assert.equal(trayTooltip(summary(3, true), null), 'Lattice: 3 unread rooms, 1 with mentions');
    const withInvite = summary(1);
    withInvite.rooms.push({ ...withInvite.rooms[0], room_id: '!i:x', name: 'Club', notifications: 0, invited: true });
    assert.equal(trayTooltip(withInvite, null), 'Lattice: 1 unread room, 1 invite');
    assert.ok(trayMenu(withInvite, true).some((i) => i.label === 'Club (invited)'));
  });

  it('shows distinct icons for unread and highlights, touching Electron only on change', () => {
    const calls: string[] = [];
    const ctl = new TrayController({
      createTray: (icon) => {
        calls.push(`create ${icon as unknown as string}`);
        return {
          setImage: (i: unknown) => { calls.push(`image ${String(i)}`); },
          setToolTip: (t: string) => { calls.push(`tooltip ${t}`); },
          setContextMenu: () => { calls.push('menu'); },
          on: () => {},
          destroy: () => { calls.push('destroy'); },
        } as never;
      },
      image: (a) => a as never,
      buildMenu: () => null,
      run: () => {},
      profile: null,
    });
    ctl.render(summary(0), true);
    ctl.render(summary(0), true);
    ctl.render(summary(2), true);
    ctl.render(summary(2, true), true);
    assert.deepEqual(calls, [
      'create none', 'tooltip Lattice', 'menu',
      'image unread', 'tooltip Lattice: 2 unread rooms', 'menu',
      'image highlight', 'tooltip Lattice: 2 unread rooms, 1 with mentions', 'menu',
    ]);
  });
});
