/**
 * The websocket relay's resumption buffer (RelaySession): it is bounded by the memory its texts hold, which for a
 * text with any character above U+00FF is two bytes per character (V8's two-byte strings), not by their length.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { heldBytes, RelaySession } from '../../src/main/host/web/relay-session.ts';
import type { Principal } from '../../src/main/host/web/web-auth.ts';

const principal: Principal = { kind: 'basic' };

describe('relay session buffer', () => {
  test('a Latin-1 text holds a byte per character, any other text two', () => {
    assert.equal(heldBytes('{"body":"café"}'), 15);
    assert.equal(heldBytes('{"body":"héllo 👋"}'), 2 * '{"body":"héllo 👋"}'.length);
    assert.equal(heldBytes('{"body":"日本"}'), 2 * 13);
  });

  test('two-byte texts fill the byte limit at half the characters', () => {
    const session = new RelaySession(principal, { maxEvents: 100, maxBytes: 1000 });
    const ascii = 'a'.repeat(300);
    for (let i = 1; i <= 3; i++) session.record(-i, ascii);
    assert.equal(session.bufferedEvents, 3, '900 bytes of one-byte text fit');
    assert.equal(session.overflowed, false);
    const wide = '世'.repeat(300);
    const other = new RelaySession(principal, { maxEvents: 100, maxBytes: 1000 });
    for (let i = 1; i <= 3; i++) other.record(-i, wide);
    // 600 bytes each: only one fits, and dropping unacknowledged ones with no socket attached ends resumption.
    assert.equal(other.bufferedEvents, 1);
    assert.equal(other.overflowed, true);
    assert.equal(other.replayAfter(-1), undefined);
  });

  test('acknowledged events free their bytes for new ones', () => {
    const session = new RelaySession(principal, { maxEvents: 100, maxBytes: 1000 });
    session.sink = { send: () => {}, runIdSent: () => {} };
    const wide = '世'.repeat(200); // 400 bytes
    session.record(-1, wide);
    session.record(-2, wide);
    session.ack(-2);
    assert.equal(session.bufferedEvents, 0);
    session.record(-3, wide);
    session.record(-4, wide);
    assert.equal(session.bufferedEvents, 2, 'the 800 bytes acknowledged no longer count');
    assert.deepEqual(session.replayAfter(-3), [wide]);
  });
});
