/**
 * Link routing in the renderer: what a matrix: / matrix.to link does given what the store knows (a pure function),
 * and which hrefs count as matrix links when clicked in a message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMatrixLink, type MatrixLink } from '../../src/shared/matrix-uri.ts';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import { matrixLinkOfHref } from '../../src/renderer/links/link-clicks.ts';
import { routeLink, type LinkAction } from '../../src/renderer/links/link-route.ts';
import type { InvitedRoom, Room } from '../../src/shared/rpc/types.ts';

function room(id: string, extra: Partial<Room> = {}): RoomData {
  const meta: Room = {
    room_id: id, name_quality: 3, explicit_avatar: false, has_member_list: true, preview_event_rowid: 0,
    sorting_timestamp: 1, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, ...extra,
  };
  return { ...emptyRoom(id), meta };
}

const rooms = new Map<string, RoomData>([
  ['!joined:x', room('!joined:x', { canonical_alias: '#Team:x' })],
  ['!dm-old:x', room('!dm-old:x', { dm_user_id: '@bob:x', sorting_timestamp: 5 })],
  ['!dm-new:x', room('!dm-new:x', { dm_user_id: '@bob:x', sorting_timestamp: 9 })],
  // Mentioned by a diff without meta: not a room we can show.
  ['!nometa:x', emptyRoom('!nometa:x')],
]);
const invitedRooms: InvitedRoom[] = [{ room_id: '!invited:x', created_at: 1, invite_state: [] }];
const state = { rooms, invitedRooms, ownUserId: '@me:x' };

function link(text: string): MatrixLink {
  const r = parseMatrixLink(text);
  if (!r.ok) throw new Error(r.error);
  return r.link;
}

describe('routeLink', () => {
  const cases: [string, LinkAction][] = [
    ['matrix:roomid/joined:x', { kind: 'open-room', roomId: '!joined:x' }],
    ['https://matrix.to/#/!joined:x/$ev1?via=x', { kind: 'open-room', roomId: '!joined:x', eventId: '$ev1' }],
    ['matrix:r/team:x', { kind: 'open-room', roomId: '!joined:x' }],
    ['https://matrix.to/#/%23other:y', { kind: 'preview', room: '#other:y', via: [], invited: false }],
    ['matrix:roomid/nometa:x?via=y', { kind: 'preview', room: '!nometa:x', via: ['y'], invited: false }],
    ['matrix:roomid/unknown:y?action=join&via=y', { kind: 'join', room: '!unknown:y', via: ['y'] }],
    ['matrix:roomid/invited:x?action=join', { kind: 'preview', room: '!invited:x', via: [], invited: true }],
    ['https://matrix.to/#/@bob:x', { kind: 'open-room', roomId: '!dm-new:x' }],
    ['matrix:u/carol:x?action=chat', { kind: 'show-user', userId: '@carol:x', own: false, startChat: true }],
    ['matrix:u/carol:x', { kind: 'show-user', userId: '@carol:x', own: false, startChat: false }],
    ['matrix:u/me:x?action=chat', { kind: 'show-user', userId: '@me:x', own: true, startChat: false }],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${expected.kind}`, () => {
      assert.deepEqual(routeLink(link(text), state), expected);
    });
  }
});

describe('matrixLinkOfHref', () => {
  it('takes matrix: and matrix.to hrefs and nothing else', () => {
    assert.deepEqual(matrixLinkOfHref('https://matrix.to/#/#room:example.org'), { kind: 'room', room: '#room:example.org', via: [] });
    assert.deepEqual(matrixLinkOfHref('matrix:u/alice:example.org'), { kind: 'user', user_id: '@alice:example.org' });
    for (const other of [null, '', 'https://example.org/', 'mailto:a@b.c', 'https://matrix.to/#/notanid', 'matrix:x/y']) {
      assert.equal(matrixLinkOfHref(other), null, String(other));
    }
  });
});
