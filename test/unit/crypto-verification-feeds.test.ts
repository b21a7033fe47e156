/**
 * How one response's to-device verification events are ordered into feeds for the engine, so that a request comes
 * in a feed after the end of the sender's last verification. Against the engine and matrix-js-sdk this is proven in
 * test/integration/e2ee-verification-room.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdBackRequests, requestsLast, toDeviceFeeds } from '../../src/main/backend/crypto/verification-feeds.ts';

const ev = (type: string, sender: string) => ({ type, sender, content: {} });
const names = (events: { type: string; sender: string }[]) => events.map((e) => `${e.type.replace('m.key.verification.', '')} ${e.sender}`);

describe('holdBackRequests', () => {
  it('holds back each request and its sender\'s later verification events, in their order', () => {
    const events = [
      ev('m.room.encrypted', '@a:x'), ev('m.key.verification.done', '@a:x'), ev('m.key.verification.request', '@a:x'),
      ev('m.key.verification.mac', '@b:x'), ev('m.key.verification.cancel', '@a:x'), ev('m.room.encrypted', '@a:x'),
      ev('m.key.verification.request', '@c:x'), ev('m.key.verification.ready', '@c:x'),
    ];
    const { now, later } = holdBackRequests(events);
    assert.deepEqual(names(now), ['m.room.encrypted @a:x', 'done @a:x', 'mac @b:x', 'm.room.encrypted @a:x']);
    assert.deepEqual(names(later), ['request @a:x', 'cancel @a:x', 'request @c:x', 'ready @c:x']);
  });

  it('feeds everything at once when there is no request, and leaves malformed events in place', () => {
    const events = [null, 'text', { type: 'm.key.verification.request' }, ev('m.key.verification.done', '@a:x')];
    assert.deepEqual(holdBackRequests(events), { now: events, later: [] });
  });
});

describe('toDeviceFeeds', () => {
  it('keeps events in one feed when no sender ends one verification and asks for the next', () => {
    assert.deepEqual(toDeviceFeeds([]), [[]]);
    const events = [ev('m.key.verification.request', '@b:x'), ev('m.key.verification.request', '@c:x'), ev('m.key.verification.ready', '@b:x')];
    assert.deepEqual(toDeviceFeeds(events), [events]);
  });

  it('starts a new feed at a request from a sender with an earlier verification event, keeping the order', () => {
    const events = [
      ev('m.key.verification.request', '@a:x'), ev('m.room.encrypted', '@b:x'), ev('m.key.verification.cancel', '@a:x'),
      ev('m.key.verification.request', '@a:x'), ev('m.key.verification.ready', '@b:x'), ev('m.key.verification.request', '@a:x'),
    ];
    const parts = toDeviceFeeds(events);
    assert.deepEqual(parts.map(names), [
      ['request @a:x', 'm.room.encrypted @b:x', 'cancel @a:x'],
      ['request @a:x', 'ready @b:x'],
      ['request @a:x'],
    ]);
    assert.deepEqual(parts.flat(), events);
  });
});

describe('requestsLast', () => {
  it('puts the rooms with a request from someone else after the others, keeping the order within each', () => {
    const room = (roomId: string, ...events: { type: string; sender: string }[]) => ({ roomId, events });
    const rooms = [
      room('!b', ev('m.room.message', '@a:x')),
      room('!a', ev('m.key.verification.done', '@a:x')),
      room('!mine', ev('m.room.message', '@me:x')),
      room('!c', ev('m.key.verification.cancel', '@c:x'), ev('m.room.message', '@c:x')),
      room('!d', ev('m.key.verification.mac', '@d:x')),
    ];
    assert.deepEqual(requestsLast(rooms, '@me:x').map((r) => r.roomId), ['!a', '!mine', '!d', '!b', '!c']);
    // Each room's events keep their order.
    assert.deepEqual(names(requestsLast(rooms, '@me:x')[4].events), ['cancel @c:x', 'm.room.message @c:x']);
  });
});
