/**
 * How one response's to-device events are cut into feeds for the engine, so that a verification request comes in
 * a feed after the end of the sender's last verification. Against the engine and matrix-js-sdk this is proven in
 * test/integration/e2ee-verification-room.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDeviceFeeds } from '../../src/main/backend/crypto/verification.ts';

const ev = (type: string, sender: string) => ({ type, sender, content: {} });
const types = (parts: { type: string; sender: string }[][]) => parts.map((p) => p.map((e) => `${e.type.replace('m.key.verification.', '')} ${e.sender}`));

describe('toDeviceFeeds', () => {
  it('keeps a response in one feed when no sender ends one verification and asks for the next', () => {
    assert.deepEqual(toDeviceFeeds([]), [[]]);
    const events = [ev('m.room.encrypted', '@a:x'), ev('m.key.verification.done', '@a:x'), ev('m.key.verification.request', '@b:x'), ev('m.key.verification.request', '@c:x')];
    assert.deepEqual(toDeviceFeeds(events), [events]);
  });

  it('starts a new feed at a request from a sender with an earlier verification event, keeping the order', () => {
    const events = [
      ev('m.key.verification.mac', '@a:x'), ev('m.room.encrypted', '@b:x'), ev('m.key.verification.done', '@a:x'),
      ev('m.key.verification.request', '@a:x'), ev('m.key.verification.ready', '@b:x'),
      ev('m.key.verification.cancel', '@a:x'), ev('m.key.verification.request', '@a:x'),
    ];
    const parts = toDeviceFeeds(events);
    assert.deepEqual(types(parts), [
      ['mac @a:x', 'm.room.encrypted @b:x', 'done @a:x'],
      ['request @a:x', 'ready @b:x', 'cancel @a:x'],
      ['request @a:x'],
    ]);
    assert.deepEqual(parts.flat(), events);
  });

  it('leaves malformed events where they are', () => {
    const events = [null, 'text', { type: 'm.key.verification.done' }, ev('m.key.verification.request', '@a:x')];
    assert.deepEqual(toDeviceFeeds(events), [events]);
  });
});
