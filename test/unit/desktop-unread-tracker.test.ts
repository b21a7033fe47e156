/**
 * The decisions behind the tray, the badge and OS notifications, first: what the shell reads from its own backend
 * connection (src/main/desktop/unread-tracker.ts): unread counts, push-rule notifications and invites, with sender
 * names that cannot deceive. What a notification then says, when none is shown, how a room's notifications group and
 * go away, and what the tray shows: desktop-notifications-tray.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvitedRoom } from '../../src/shared/rpc/types.ts';
import { UnreadTracker } from '../../src/main/desktop/unread-tracker.ts';
import { event, member, notifying, room, sync } from '../harness/sync-fixtures.ts';

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
