/**
 * matrix: URIs and matrix.to links, table-driven against the spec's URI grammar: every accepted form, and the
 * refusals with the reason in words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeMatrixLink, parseMatrixLink, type MatrixLink } from '../../src/shared/matrix-uri.ts';

const ACCEPTED: Array<[string, MatrixLink]> = [
  ['matrix:r/somewhere:example.org', { kind: 'room', room: '#somewhere:example.org', via: [] }],
  ['matrix:room/somewhere:example.org', { kind: 'room', room: '#somewhere:example.org', via: [] }],
  ['MATRIX:R/somewhere:example.org', { kind: 'room', room: '#somewhere:example.org', via: [] }],
  ['matrix:roomid/somewhere:example.org?action=join', { kind: 'room', room: '!somewhere:example.org', via: [], action: 'join' }],
  ['matrix:roomid/somewhere:example.org?via=elsewhere.ca&via=third.example:8448',
    { kind: 'room', room: '!somewhere:example.org', via: ['elsewhere.ca', 'third.example:8448'] }],
  ['matrix:roomid/somewhere:example.org/e/event?via=elsewhere.ca',
    { kind: 'room', room: '!somewhere:example.org', event_id: '$event', via: ['elsewhere.ca'] }],
  ['matrix:roomid/somewhere:example.org/event/event', { kind: 'room', room: '!somewhere:example.org', event_id: '$event', via: [] }],
  ['matrix:r/somewhere:example.org/e/ev1', { kind: 'room', room: '#somewhere:example.org', event_id: '$ev1', via: [] }],
  ['matrix:u/alice:example.org?action=chat', { kind: 'user', user_id: '@alice:example.org', action: 'chat' }],
  ['matrix:user/alice:example.org', { kind: 'user', user_id: '@alice:example.org' }],
  // Percent-encoded identifiers, room version 12 room IDs without a server, an IPv6 server, a fragment (ignored).
  ['matrix:r/caf%C3%A9:example.org', { kind: 'room', room: '#café:example.org', via: [] }],
  ['matrix:roomid/opaqueHash123', { kind: 'room', room: '!opaqueHash123', via: [] }],
  ['matrix:u/bob:[::1]:8448', { kind: 'user', user_id: '@bob:[::1]:8448' }],
  ['matrix:u/alice:example.org#fragment', { kind: 'user', user_id: '@alice:example.org' }],
  // Unknown actions and unknown query keys are ignored, not errors; "join" only makes sense for rooms.
  ['matrix:r/a:example.org?action=frobnicate&x=1', { kind: 'room', room: '#a:example.org', via: [] }],
  ['matrix:u/alice:example.org?action=join', { kind: 'user', user_id: '@alice:example.org' }],
  ['  matrix:r/a:example.org  ', { kind: 'room', room: '#a:example.org', via: [] }],
  // matrix.to
  ['https://matrix.to/#/#somewhere:example.org', { kind: 'room', room: '#somewhere:example.org', via: [] }],
  ['https://matrix.to/#/%23somewhere%3Aexample.org', { kind: 'room', room: '#somewhere:example.org', via: [] }],
  ['https://matrix.to/#/!somewhere:example.org?via=elsewhere.ca',
    { kind: 'room', room: '!somewhere:example.org', via: ['elsewhere.ca'] }],
  ['https://matrix.to/#/!somewhere:example.org/$event:example.org?via=elsewhere.ca',
    { kind: 'room', room: '!somewhere:example.org', event_id: '$event:example.org', via: ['elsewhere.ca'] }],
  ['https://matrix.to/#/%21room%3Aexample.org/%24ev', { kind: 'room', room: '!room:example.org', event_id: '$ev', via: [] }],
  ['https://matrix.to/#/@alice:example.org', { kind: 'user', user_id: '@alice:example.org' }],
  ['https://matrix.to/#/@alice:example.org/', { kind: 'user', user_id: '@alice:example.org' }],
  ['http://matrix.to/#/@alice:example.org', { kind: 'user', user_id: '@alice:example.org' }],
];

const REFUSED: Array<[string, RegExp]> = [
  ['', /not a matrix: or matrix\.to link/],
  ['https://example.org/#/@alice:example.org', /not a matrix: or matrix\.to link/],
  ['matrix://example.org/u/alice:example.org', /authority/],
  ['matrix:', /names a room or user/],
  ['matrix:u', /names a room or user/],
  ['matrix:x/alice:example.org', /"x" is not a room or user type/],
  ['matrix:e/event', /"e" is not a room or user type/],
  ['matrix:u/', /empty or badly encoded/],
  ['matrix:u/alice%', /empty or badly encoded/],
  ['matrix:u/alice', /needs a server name/],
  ['matrix:r/:example.org', /needs a server name/],
  ['matrix:u/alice:bad host', /spaces|server name/],
  ['matrix:u/alice:example.org/e/ev', /user link cannot point at an event/],
  ['matrix:r/a:example.org/x/ev', /"x" is not an event type/],
  ['matrix:r/a:example.org/e/', /empty or badly encoded event/],
  ['matrix:r/a:example.org/e/ev/extra', /names a room or user/],
  ['matrix:r/a:example.org?via=bad%20server', /is not a server name/],
  ['matrix:r/a:example.org?via=%zz', /badly encoded query/],
  [`matrix:roomid/${'x'.repeat(300)}`, /longer than 255/],
  ['https://matrix.to/#/', /empty or badly encoded/],
  ['https://matrix.to/#/+group:example.org', /is not a room, alias or user/],
  ['https://matrix.to/#/alice:example.org', /is not a room, alias or user/],
  ['https://matrix.to/#/@alice', /needs a server name/],
  ['https://matrix.to/#/!r:example.org/notanevent', /is not a valid event ID/],
  ['https://matrix.to/#/!r:example.org/$e/more', /one room or user/],
];

describe('matrix links', () => {
  for (const [input, expected] of ACCEPTED) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseMatrixLink(input), { ok: true, link: expected });
      assert.equal(looksLikeMatrixLink(input), true);
    });
  }
  for (const [input, reason] of REFUSED) {
    it(`refuses ${JSON.stringify(input.slice(0, 60))}`, () => {
      const r = parseMatrixLink(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, reason);
    });
  }
  it('only claims matrix: and matrix.to text', () => {
    for (const s of ['--hidden', '/usr/bin/lattice', 'https://example.org', '.', 'matrixx:u/a:b']) assert.equal(looksLikeMatrixLink(s), false, s);
  });
});
