/**
 * The decisions behind the tray, the badge and OS notifications: what the shell reads from its own backend
 * connection (unread counts, push-rule notifications), what a notification says, when none is shown, how a room's
 * notifications group and go away, and what the tray shows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NotificationConstructorOptions } from 'electron';
import type { InvitedRoom } from '../../src/shared/rpc/types.ts';
import { UnreadTracker, type PendingNotification, type UnreadSummary } from '../../src/main/desktop/unread-tracker.ts';
import {
  ENCRYPTED_TEXT, NotificationCenter, composeNotification, notificationOptions, shouldNotify, type ShownNotification,
} from '../../src/main/desktop/notifications.ts';
import { event, member, notifying, room, sync } from '../harness/sync-fixtures.ts';
import { MAX_TRAY_ROOMS, TrayController, trayMenu, trayTooltip } from '../../src/main/desktop/tray.ts';

describe('UnreadTracker', () => {
  it('summarizes unread rooms: highlights first, then the most recent; the badge counts notifying messages', () => {
    const t = new UnreadTracker();
    const u = t.apply(sync({
      clear_state: true,
      rooms: {
        '!quiet:x': { meta: room('!quiet:x', { name: 'Quiet', unread_messages: 5 }) },
        '!a:x': { meta: room('!a:x', { name: 'A', unread_notifications: 2, sorting_timestamp: 10 }) },
        '!b:x': { meta: room('!b:x', { name: 'B', unread_notifications: 1, sorting_timestamp: 20 }) },
        '!m:x': { meta: room('!m:x', { name: 'Mention', unread_notifications: 1, unread_highlights: 1, sorting_timestamp: 1 }) },
        '!mark:x': { meta: room('!mark:x', { name: 'Marked', marked_unread: true, sorting_timestamp: 5 }) },
      },
    }));
    assert.equal(u?.summaryChanged, true);
    const s = t.summary();
    assert.equal(s.attention, 'highlight');
    assert.deepEqual(s.rooms.map((r) => r.name), ['Mention', 'B', 'A', 'Marked']);
    assert.equal(s.badgeCount, 2 + 1 + 1 + 1);
  });

  it('says "unread" without highlights and "none" once everything is read', () => {
    const t = new UnreadTracker();
    t.apply(sync({ rooms: { '!a:x': { meta: room('!a:x', { unread_notifications: 3 }) } } }));
    assert.equal(t.summary().attention, 'unread');
    const u = t.apply(sync({ rooms: { '!a:x': { meta: room('!a:x') } } }));
    assert.deepEqual(u, { notifications: [], readRooms: ['!a:x'], summaryChanged: true });
    assert.deepEqual(t.summary(), { attention: 'none', badgeCount: 0, rooms: [] });
    // The same state again changes nothing to redraw.
    assert.equal(t.apply(sync({ rooms: { '!a:x': { meta: room('!a:x') } } }))?.summaryChanged, false);
  });

  it('turns push-rule notifications into pending notifications with sender and room names', () => {
    const t = new UnreadTracker();
    t.apply({ command: 'client_state', request_id: -2, data: { is_initialized: true, is_logged_in: true, is_verified: false, user_id: '@me:x' } });
    const alice = member('!r:x', '@alice:x', 'Alice');
    const msg = event('!r:x', '@alice:x');
    const bobMsg = event('!r:x', '@bob:x', { content: { msgtype: 'm.emote', body: 'waves' } });
    const enc = event('!r:x', '@alice:x', { type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA' } });
    const mine = event('!r:x', '@me:x');
    const img = event('!r:x', '@alice:x', { content: { msgtype: 'm.image', body: 'cat.png', url: 'mxc://x/cat' } });
    const u = t.apply(sync({
      rooms: { '!r:x': notifying(room('!r:x', { name: 'Room', unread_notifications: 4 }), [alice, msg, bobMsg, enc, mine, img], [msg, bobMsg, enc, mine, img], { sound: false }) },
    }));
    const ns = u!.notifications;
    assert.deepEqual(ns.map((n) => [n.sender_name, n.kind, n.text ?? null, n.sound]), [
      // Names from others are isolated (FSI … PDI) so a right-to-left override cannot reorder the text around them.
      ['\u2068Alice\u2069', 'text', msg.content.body, false],
      ['\u2068bob\u2069', 'emote', 'waves', false],
      ['\u2068Alice\u2069', 'encrypted', null, false],
      ['\u2068Alice\u2069', 'image', null, false],
    ]);
    assert.equal(ns[0].room_name, 'Room');
    assert.equal(ns[0].event_id, msg.event_id);
    assert.equal(ns[0].is_dm, false);
  });

  it('reads a formatted message by its formatted text: no markdown marks, no reply quote, spoilers hidden', () => {
    const t = new UnreadTracker();
    t.apply({ command: 'client_state', request_id: -2, data: { is_initialized: true, is_logged_in: true, is_verified: false, user_id: '@me:x' } });
    const html = '<mx-reply><blockquote>earlier</blockquote></mx-reply>The <strong>answer</strong> is <span data-mx-spoiler="">42</span>';
    const msg = event('!r:x', '@alice:x', {
      content: { msgtype: 'm.text', body: '> <@bob:x> earlier\n\nThe **answer** is 42', format: 'org.matrix.custom.html', formatted_body: html },
      local_content: { sanitized_html: html },
    });
    const u = t.apply(sync({ rooms: { '!r:x': notifying(room('!r:x', { name: 'Room', unread_notifications: 1 }), [msg], [msg]) } }));
    assert.equal(u!.notifications[0].text, 'The answer is (spoiler)');
  });

  it('uses the decrypted content once there is one', () => {
    const t = new UnreadTracker();
    const enc = event('!r:x', '@alice:x', {
      type: 'm.room.encrypted', content: { ciphertext: 'x' }, decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'secret plans' },
    });
    const u = t.apply(sync({ rooms: { '!r:x': notifying(room('!r:x', { unread_notifications: 1 }), [enc], [enc]) } }));
    assert.deepEqual([u!.notifications[0].kind, u!.notifications[0].text], ['text', 'secret plans']);
  });

  it('reads events that decrypted later as the notifications they now make, leaving out own, redacted and unknown rooms', () => {
    const t = new UnreadTracker();
    t.apply({ command: 'client_state', request_id: -2, data: { is_initialized: true, is_logged_in: true, is_verified: false, user_id: '@me:x' } });
    const alice = member('!r:x', '@alice:x', 'Alice');
    t.apply(sync({ rooms: { '!r:x': { meta: room('!r:x', { name: 'Room', unread_notifications: 1 }), events: [alice] } } }));
    const decrypted = { type: 'm.room.encrypted', content: { ciphertext: 'x' }, decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'now readable' } };
    const ok = event('!r:x', '@alice:x', decrypted);
    const mine = event('!r:x', '@me:x', decrypted);
    const gone = event('!r:x', '@alice:x', { ...decrypted, redacted_by: '$red' });
    const still = event('!r:x', '@alice:x', { type: 'm.room.encrypted', content: { ciphertext: 'x' } });
    const u = t.apply({ command: 'events_decrypted', request_id: -7, data: { room_id: '!r:x', events: [ok, mine, gone, still] } });
    assert.deepEqual(u?.decrypted?.map((n) => [n.event_id, n.kind, n.text, n.sender_name, n.room_name]),
      [[ok.event_id, 'text', 'now readable', '\u2068Alice\u2069', 'Room']]);
    assert.deepEqual([u?.notifications, u?.readRooms, u?.summaryChanged], [[], [], false]);
    assert.equal(t.apply({ command: 'events_decrypted', request_id: -8, data: { room_id: '!unknown:x', events: [ok] } }), null);
    assert.equal(t.apply({ command: 'events_decrypted', request_id: -9, data: { room_id: '!r:x', events: [still] } }), null);
  });

  it('names a direct chat after the other person', () => {
    const t = new UnreadTracker();
    const bob = member('!dm:x', '@bob:x', 'Bob B.');
    const msg = event('!dm:x', '@bob:x');
    const u = t.apply(sync({ rooms: { '!dm:x': notifying(room('!dm:x', { name: undefined, name_quality: 0, dm_user_id: '@bob:x', unread_notifications: 1 }), [bob, msg], [msg]) } }));
    assert.equal(u!.notifications[0].room_name, 'Bob B.');
    assert.equal(u!.notifications[0].is_dm, true);
  });

  it('does not notify for the replayed state on connect, for rooms already read in the same batch, or for redactions', () => {
    const t = new UnreadTracker();
    const a = event('!r:x', '@alice:x');
    assert.deepEqual(t.apply(sync({ clear_state: true, rooms: { '!r:x': notifying(room('!r:x', { unread_notifications: 1 }), [a], [a]) } }))!.notifications, []);
    const b = event('!r:x', '@alice:x');
    const readMeanwhile = t.apply(sync({ rooms: { '!r:x': notifying(room('!r:x'), [b], [b]) } }))!;
    assert.deepEqual(readMeanwhile.notifications, []);
    assert.deepEqual(readMeanwhile.readRooms, ['!r:x']);
    const c = event('!r:x', '@alice:x', { redacted_by: '$red' });
    assert.deepEqual(t.apply(sync({ rooms: { '!r:x': notifying(room('!r:x', { unread_notifications: 1 }), [c], [c]) } }))!.notifications, []);
  });

  it('withdraws everything on logout and for rooms left', () => {
    const t = new UnreadTracker();
    t.apply(sync({ rooms: { '!a:x': { meta: room('!a:x', { unread_notifications: 1 }) }, '!b:x': { meta: room('!b:x', { unread_notifications: 1 }) } } }));
    assert.deepEqual(t.apply(sync({ left_rooms: ['!a:x'] }))?.readRooms, ['!a:x']);
    const out = t.apply({ command: 'client_state', request_id: -9, data: { is_initialized: true, is_logged_in: false, is_verified: false } });
    assert.deepEqual(out?.readRooms, ['!b:x']);
    assert.equal(t.summary().attention, 'none');
  });

  it('notifies about a new invite with the inviter and room names, lists it, and withdraws it once answered', () => {
    const t = new UnreadTracker();
    const invite: InvitedRoom = {
      room_id: '!inv:x', created_at: 5, invited_by: '@alice:example.org', invite_state: [
        { type: 'm.room.member', state_key: '@alice:example.org', sender: '@alice:example.org', content: { membership: 'join', displayname: 'Alice' } },
        { type: 'm.room.name', state_key: '', sender: '@alice:example.org', content: { name: 'Book club' } },
      ],
    };
    const u = t.apply(sync({ invited_rooms: [invite] }))!;
    assert.deepEqual(u.notifications.map((n) => [n.kind, n.sender_name, n.room_name, n.event_id, n.via]),
      [['invite', 'Alice', 'Book club', undefined, ['example.org']]]);
    assert.deepEqual(t.summary().rooms.map((r) => [r.name, r.invited]), [['Book club', true]]);
    assert.equal(t.summary().attention, 'highlight');
    assert.equal(t.summary().badgeCount, 1);
    // The same invite again (a reconnect replays it) is not news.
    assert.deepEqual(t.apply(sync({ invited_rooms: [invite] }))!.notifications, []);
    // Joining answers it.
    const joined = t.apply(sync({ rooms: { '!inv:x': { meta: room('!inv:x', { name: 'Book club' }) } } }))!;
    assert.ok(joined.readRooms.includes('!inv:x'));
    assert.equal(t.summary().attention, 'none');
    // A rejected invite leaves through left_rooms.
    t.apply(sync({ invited_rooms: [{ ...invite, room_id: '!inv2:x' }] }));
    assert.deepEqual(t.apply(sync({ left_rooms: ['!inv2:x'] }))!.readRooms, ['!inv2:x']);
    assert.deepEqual(t.summary().rooms, []);
  });

  it('follows the invitation push rule: switched off, no notification; without a sound tweak, a silent one', () => {
    const t = new UnreadTracker();
    const invite = (id: string): InvitedRoom => ({ room_id: id, created_at: 1, invited_by: '@bob:x', invite_state: [] });
    const rules = (enabled: boolean, actions: string[]) => ({ 'm.push_rules': { user_id: '@me:x', type: 'm.push_rules', content: { global: { override: [
      { rule_id: '.m.rule.master', enabled: false, actions: [] }, { rule_id: '.m.rule.invite_for_me', enabled, actions },
    ] } } } });
    const off = t.apply(sync({ account_data: rules(false, ['notify']), invited_rooms: [invite('!a:x')]}))!;
    assert.deepEqual(off.notifications, []);
    assert.equal(t.summary().rooms.length, 1, 'still listed');
    const quiet = t.apply(sync({ account_data: rules(true, ['notify']), invited_rooms: [invite('!b:x')]}))!;
    assert.deepEqual(quiet.notifications.map((n) => n.sound), [false]);
    const loud = t.apply(sync({ invited_rooms: [invite('!c:x')] }))!;
    assert.deepEqual(loud.notifications.map((n) => n.sound), [false], 'the rules last sent still hold');
  });

  it('names a DM invite after the inviter, and replays on connect without notifying', () => {
    const t = new UnreadTracker();
    const dm = { room_id: '!dm:x', created_at: 1, invited_by: '@bob:x', is_direct: true, invite_state: [] };
    assert.deepEqual(t.apply(sync({ clear_state: true, invited_rooms: [dm] }))!.notifications, []);
    assert.equal(t.summary().rooms[0].name, 'bob');
    const u = t.apply(sync({ invited_rooms: [{ ...dm, room_id: '!dm2:x' }] }))!;
    assert.deepEqual([u.notifications[0].room_name, u.notifications[0].is_dm], ['bob', true]);
  });

  it('ignores other envelopes and malformed data', () => {
    const t = new UnreadTracker();
    for (const env of [{ command: 'typing', request_id: -1, data: {} }, { command: 'sync_complete', request_id: -1, data: 'x' }, { command: 'sync_complete' }]) {
      assert.equal(t.apply(env), null);
    }
  });
});

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
    Shown.all = [];
    let release!: (v: undefined) => void;
    const c = new NotificationCenter({
      create: (o) => new Shown(o), onClick: () => {}, hideText: () => false,
      context: () => ({ enabled: true, viewedRoomId: null, windowFocused: false }),
      icon: () => new Promise((r) => { release = r; }),
    });
    c.notify([pending({ kind: 'encrypted', text: undefined })]);
    c.decrypted([pending({ text: 'just in time', sound: false })]);
    release(undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(Shown.all.map((s) => [s.opts.body, s.opts.silent]), [['Alice: just in time', false]]);
  });

  it('waits for the avatar, but a room read meanwhile shows nothing', async () => {
    Shown.all = [];
    let release!: (v: undefined) => void;
    const c = new NotificationCenter({
      create: (o) => new Shown(o), onClick: () => {}, hideText: () => false,
      context: () => ({ enabled: true, viewedRoomId: null, windowFocused: false }),
      icon: () => new Promise((r) => { release = r; }),
    });
    c.notify([pending()]);
    assert.equal(Shown.all.length, 0);
    c.withdraw('!r:x');
    release(undefined);
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

describe('notification names that cannot deceive', () => {
  it('puts the user ID beside a display name two members share, and isolates it', () => {
    const t = new UnreadTracker();
    t.apply({ command: 'client_state', request_id: -2, data: { is_initialized: true, is_logged_in: true, is_verified: false, user_id: '@me:x' } });
    const msg = event('!r:x', '@bob2:x');
    const u = t.apply(sync({
      rooms: { '!r:x': notifying(room('!r:x', { name: 'Room', unread_notifications: 1 }), [member('!r:x', '@bob:x', 'Bob'), member('!r:x', '@bob2:x', 'Bob'), msg], [msg]) },
    }));
    assert.equal(u!.notifications[0]?.sender_name, '\u2068\u2068Bob\u2069 (@bob2:x)\u2069');
  });
});
