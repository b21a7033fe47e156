/**
 * The pure parts of the device preferences: how times are written in 12- or 24-hour form, which membership
 * changes the timeline leaves out, which key sends from the composer, and how tall a room list row is per text size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TimelineItem } from '../../src/renderer/api/selectors.ts';
import { formatClock, formatFullTime, formatListTime } from '../../src/renderer/ui/common/format.ts';
import { isSendKey, sendKeyName, sendKeysHint } from '../../src/renderer/ui/room/send-keys.ts';
import { isHiddenMemberEvent } from '../../src/renderer/ui/room/state-groups.ts';
import { buildRows } from '../../src/renderer/ui/room/timeline-model.ts';
import { roomRowHeight } from '../../src/renderer/ui/roomlist/room-nav.ts';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';

const T0 = new Date(2026, 10, 20, 16, 5, 0).getTime();

function ev(rowid: number, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:x', event_id: `$${rowid}`, sender: '@alice:x', type: 'm.room.message',
    timestamp: T0 + rowid * 1000, content: { msgtype: 'm.text', body: `m${rowid}` }, ...extra,
  };
}
const item = (event: Event): TimelineItem => ({ event, sendState: 'sent', sendError: null });
function member(rowid: number, user: string, content: JSONObject, prev?: JSONObject, sender = user): Event {
  return ev(rowid, { sender, type: 'm.room.member', state_key: user, content, ...(prev ? { unsigned: { prev_content: prev } } : {}) });
}

describe('time format', () => {
  it('writes 12- or 24-hour times whatever the locale, and follows the locale when asked', () => {
    assert.match(formatClock(T0, { locale: 'en-GB', hour12: true }), /^4:05\s?pm$/i);
    assert.equal(formatClock(T0, { locale: 'en-US', hour12: false }), '16:05');
    assert.match(formatClock(T0, { locale: 'en-US' }), /^4:05\s?PM$/);
    assert.equal(formatClock(T0, { locale: 'en-GB' }), '16:05');
    // Just after midnight a 24-hour clock says 00, never 24.
    assert.equal(formatClock(new Date(2026, 10, 20, 0, 7).getTime(), { locale: 'en-US', hour12: false }), '00:07');
  });

  it('uses the same clock in the room list and in full times', () => {
    assert.equal(formatListTime(T0, T0 + 60_000, { locale: 'en-US', hour12: false }), '16:05');
    assert.match(formatListTime(T0, T0 + 60_000, { locale: 'en-GB', hour12: true }), /^4:05\s?pm$/i);
    assert.match(formatFullTime(T0, { locale: 'en-US', hour12: false }), /16:05/);
    assert.doesNotMatch(formatFullTime(T0, { locale: 'en-US', hour12: false }), /PM/);
  });
});

describe('membership changes shown', () => {
  const both = { joinLeave: true, profile: true };
  it('hides joins, leaves and invitations with one switch and profile changes with the other', () => {
    const join = member(1, '@bob:x', { membership: 'join' });
    const leave = member(2, '@bob:x', { membership: 'leave' }, { membership: 'join' });
    const invite = member(3, '@bob:x', { membership: 'invite' }, undefined, '@alice:x');
    const rename = member(4, '@bob:x', { membership: 'join', displayname: 'Bobby' }, { membership: 'join', displayname: 'Bob' });
    for (const e of [join, leave, invite]) {
      assert.equal(isHiddenMemberEvent(e, { joinLeave: true, profile: false }), true);
      assert.equal(isHiddenMemberEvent(e, { joinLeave: false, profile: true }), false);
    }
    assert.equal(isHiddenMemberEvent(rename, { joinLeave: true, profile: false }), false);
    assert.equal(isHiddenMemberEvent(rename, { joinLeave: false, profile: true }), true);
  });

  it('always shows removals, bans and what is not a membership change', () => {
    const kick = member(1, '@bob:x', { membership: 'leave' }, { membership: 'join' }, '@alice:x');
    const ban = member(2, '@bob:x', { membership: 'ban' }, { membership: 'join' }, '@alice:x');
    const unban = member(3, '@bob:x', { membership: 'leave' }, { membership: 'ban' }, '@alice:x');
    for (const e of [kick, ban, unban, ev(4), ev(5, { type: 'm.room.name', state_key: '', content: { name: 'n' } })]) {
      assert.equal(isHiddenMemberEvent(e, both), false);
    }
  });

  it('leaves hidden changes out before folding, so no group line or empty day is left behind', () => {
    const items = [
      ev(1),
      member(2, '@bob:x', { membership: 'join' }), member(3, '@carol:x', { membership: 'join' }),
      member(4, '@dave:x', { membership: 'join' }),
      ev(5),
      member(6, '@erin:x', { membership: 'join' }, undefined, '@erin:x'),
    ].map(item);
    const shape = (hide?: { joinLeave: boolean; profile: boolean }) =>
      buildRows(items, new Map(), undefined, hide).map((r) => (r.kind === 'event' ? r.item.event.rowid : r.kind));
    assert.deepEqual(shape(), ['day', 1, 'group', 5, 6]);
    assert.deepEqual(shape({ joinLeave: true, profile: false }), ['day', 1, 5]);
    const onlyJoins = [member(7, '@fay:x', { membership: 'join' }, undefined, '@fay:x')].map((e) => item({ ...e, timestamp: T0 + 86_400_000 }));
    assert.deepEqual(buildRows(onlyJoins, new Map(), undefined, both), [], 'a day of only hidden changes has no separator');
  });
});

describe('send keys', () => {
  const key = (k: string, mods: Partial<Record<'shiftKey' | 'altKey' | 'ctrlKey' | 'metaKey', boolean>> = {}) =>
    ({ key: k, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  it('sends on Enter by default, and on Ctrl+Enter (or ⌘+Enter) when chosen, Enter then making a new line', () => {
    assert.equal(isSendKey(key('Enter'), false), true);
    assert.equal(isSendKey(key('Enter', { shiftKey: true }), false), false);
    assert.equal(isSendKey(key('Enter', { ctrlKey: true }), false), false);
    assert.equal(isSendKey(key('Enter'), true), false);
    assert.equal(isSendKey(key('Enter', { ctrlKey: true }), true), true);
    assert.equal(isSendKey(key('Enter', { metaKey: true }), true), true);
    assert.equal(isSendKey(key('Enter', { ctrlKey: true, shiftKey: true }), true), false);
    assert.equal(isSendKey(key('a', { ctrlKey: true }), true), false);
  });

  it('says the keys in the hint', () => {
    assert.equal(sendKeysHint(false), 'Enter to send · Shift+Enter for a new line');
    assert.equal(sendKeysHint(true), 'Ctrl+Enter to send · Enter for a new line');
    assert.equal(sendKeyName(true), 'Ctrl+Enter');
  });
});

describe('room list row height', () => {
  it('keeps the density heights at the default size and grows them with larger text', () => {
    assert.equal(roomRowHeight(false, 14), 60);
    assert.equal(roomRowHeight(true, 14), 36);
    assert.equal(roomRowHeight(false, 13), 60, 'smaller text keeps the row, so the avatar still fits');
    assert.equal(roomRowHeight(false, 18), 77);
    assert.equal(roomRowHeight(true, 18), 46);
  });
});
