import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectMemberAvatars, selectOwnAvatar, selectOwnDisplayName, type TimelineItem } from '../../src/renderer/api/selectors.ts';
import { Store } from '../../src/renderer/api/store.ts';
import { avatarImageUrl, currentMediaEnv, thumbnailPx } from '../../src/renderer/ui/common/avatar-url.ts';
import {
  colorFor, formatAgo, formatCount, formatListTime, formatMemberCount, formatNumber, initialsOf, presenceText, summaryFacts,
} from '../../src/renderer/ui/common/format.ts';
import { loginErrorField, normalizeHomeserverUrl, serverNameOf } from '../../src/renderer/ui/login/login-logic.ts';
import { previewText, viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import { summarizeGroup } from '../../src/renderer/ui/room/state-groups.ts';
import { buildRows, GROUP_GAP_MS } from '../../src/renderer/ui/room/timeline-model.ts';
import { hashForRoom, roomIdFromHash } from '../../src/renderer/ui/route.ts';
import { syncStatusText } from '../../src/renderer/ui/status/status-text.ts';
import type { Event, JSONObject, Room } from '../../src/shared/rpc/types.ts';

const T0 = new Date(2026, 10, 20, 10, 0, 0).getTime();

function ev(rowid: number, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:x', event_id: `$${rowid}`, sender: '@alice:x', type: 'm.room.message',
    timestamp: T0 + rowid * 1000, content: { msgtype: 'm.text', body: `m${rowid}` }, ...extra,
  };
}
const item = (event: Event): TimelineItem => ({ event, sendState: 'sent', sendError: null });
const names = (id: string): string => ({ '@alice:x': 'Alice', '@bob:x': 'Bob' })[id] ?? id.slice(1, id.indexOf(':'));

describe('event view', () => {
  it('prefers sanitized HTML and keeps plain bodies as text', () => {
    assert.deepEqual(viewEvent(ev(1, { local_content: { sanitized_html: '<b>hi</b>' } })), { kind: 'message', msgtype: 'm.text', body: 'm1', html: '<b>hi</b>', edited: false, replyTo: null, media: null });
    const v = viewEvent(ev(2, { content: { msgtype: 'm.notice', body: 'a\nb' } }));
    assert.equal(v?.kind === 'message' && v.html, null);
    assert.equal(v?.kind === 'message' && v.msgtype, 'm.notice');
  });

  it('shows redactions as deleted and hides unknown types, edits and reactions', () => {
    assert.deepEqual(viewEvent(ev(1, { redacted_by: '$x', content: {} })), { kind: 'deleted' });
    assert.deepEqual(viewEvent(ev(1, { content: {} })), { kind: 'deleted' });
    assert.equal(viewEvent(ev(1, { type: 'm.reaction', content: { 'm.relates_to': {} } })), null);
    assert.equal(viewEvent(ev(1, { relation_type: 'm.replace' })), null);
    assert.equal(viewEvent(ev(1, { type: 'org.example.custom_state', state_key: '', content: { users: {} } })), null);
  });

  it('uses the latest edit', () => {
    const edit = ev(9, { relation_type: 'm.replace', content: { body: '* fixed', 'm.new_content': { msgtype: 'm.text', body: 'fixed' } } });
    const v = viewEvent(ev(1, { last_edit_rowid: 9 }), edit);
    assert.equal(v?.kind === 'message' && v.body, 'fixed');
    assert.equal(v?.kind === 'message' && v.edited, true);
  });

  it('describes membership and room changes in words', () => {
    const join = viewEvent(ev(1, { type: 'm.room.member', state_key: '@bob:x', sender: '@bob:x', content: { membership: 'join', displayname: 'Bob' } }));
    assert.equal(join?.kind === 'state' && join.text(names), 'Bob joined the room');
    const leave = viewEvent(ev(1, { type: 'm.room.member', state_key: '@bob:x', sender: '@bob:x', content: { membership: 'leave' }, unsigned: { prev_content: { membership: 'join', displayname: 'Bob' } } }));
    assert.equal(leave?.kind === 'state' && leave.text(names), 'Bob left the room');
    const invite = viewEvent(ev(1, { type: 'm.room.member', state_key: '@carol:x', content: { membership: 'invite' } }));
    assert.equal(invite?.kind === 'state' && invite.text(names), 'Alice invited carol');
    const name = viewEvent(ev(1, { type: 'm.room.name', state_key: '', content: { name: 'New' } }));
    assert.equal(name?.kind === 'state' && name.text(names), 'Alice changed the room name to \u2068New\u2069');
    const topic = viewEvent(ev(1, { type: 'm.room.topic', state_key: '', content: { topic: 'T' } }));
    assert.equal(topic?.kind === 'state' && topic.text(names), 'Alice changed the topic to "\u2068T\u2069"');
    const create = viewEvent(ev(1, { type: 'm.room.create', state_key: '', content: { creator: '@alice:x' } }));
    assert.equal(create?.kind === 'state' && create.text(names), 'Alice created the room');
  });

  it('says when an encrypted event cannot be read yet', () => {
    const v = viewEvent(ev(1, { type: 'm.room.encrypted', content: { ciphertext: 'x' } }));
    assert.equal(v?.kind, 'encrypted');
    const d = viewEvent(ev(1, { type: 'm.room.encrypted', content: { ciphertext: 'x' }, decrypted: { msgtype: 'm.text', body: 'secret' }, decrypted_type: 'm.room.message' }));
    assert.equal(d?.kind === 'message' && d.body, 'secret');
  });

  it('builds room list previews', () => {
    assert.equal(previewText(ev(1, { content: { msgtype: 'm.text', body: 'hello\nworld' } }), names), 'Alice: hello world');
    assert.equal(previewText(ev(1, { content: { msgtype: 'm.emote', body: 'waves' } }), names), '* Alice waves');
    assert.equal(previewText(ev(1), names, undefined, '@alice:x'), 'm1', 'a DM partner needs no name');
    assert.equal(previewText(undefined, names), '');
  });

  it('previews a formatted message by its formatted text, not its markdown source, and keeps spoilers hidden', () => {
    const formatted = (body: string, html: string, more: JSONObject = {}) => ev(1, {
      content: { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: html, ...more },
      local_content: { sanitized_html: html },
    });
    assert.equal(previewText(formatted('Shipping the **outline** today', 'Shipping the <strong>outline</strong> today'), names),
      'Alice: Shipping the outline today');
    assert.equal(previewText(formatted('x', '<p>one</p><p>two<br>three &amp; &lt;four&gt; &#x1F600; &#233;</p>'), names),
      'Alice: one two three & <four> 😀 é');
    assert.equal(previewText(formatted('x', '<ul><li>a</li><li>b</li></ul>'), names), 'Alice: a b');
    assert.equal(previewText(formatted('the answer is ||42||', 'the answer is <span data-mx-spoiler="">4<span>2</span></span> ok'), names),
      'Alice: the answer is (spoiler) ok');
    assert.equal(previewText(formatted(':party:', 'yay <img data-mx-emoticon src="mxc://x/y" alt=":party:" height="32">'), names),
      'Alice: yay :party:');
    // A reply's fallback is not part of it.
    assert.equal(previewText(formatted('> <@bob:x> hi\n\nyes', '<mx-reply><blockquote>hi</blockquote></mx-reply><em>yes</em>',
      { 'm.relates_to': { 'm.in_reply_to': { event_id: '$b' } } }), names),
      'Alice: yes');
    // Nothing readable in the HTML: the body.
    assert.equal(previewText(formatted('plain', '<img src="mxc://x/y">'), names), 'Alice: plain');
  });
});

describe('timeline rows', () => {
  it('groups consecutive messages by sender, breaks on gaps, days and state lines', () => {
    const items = [
      ev(1), ev(2), ev(3, { sender: '@bob:x' }), ev(4, { sender: '@bob:x', timestamp: T0 + 4000 + GROUP_GAP_MS + 1 }),
      ev(5, { sender: '@bob:x', type: 'm.room.member', state_key: '@carol:x', content: { membership: 'invite' }, timestamp: T0 + GROUP_GAP_MS + 6000 }),
      ev(6, { sender: '@bob:x', timestamp: T0 + GROUP_GAP_MS + 7000 }),
      ev(7, { sender: '@bob:x', timestamp: T0 + 86_400_000 }),
      ev(8, { type: 'm.reaction', content: { 'm.relates_to': {} } }),
    ].map(item);
    const rows = buildRows(items, new Map());
    assert.deepEqual(rows.map((r) => (r.kind === 'event' ? `${r.item.event.rowid}${r.groupStart ? '*' : ''}` : r.kind)),
      ['day', '1*', '2', '3*', '4*', '5*', '6*', 'day', '7*']);
  });

  const state = (rowid: number, sender: string, type: string, stateKey: string, content: JSONObject, prev?: JSONObject) =>
    ev(rowid, { sender, type, state_key: stateKey, content, ...(prev ? { unsigned: { prev_content: prev } } : {}) });

  it("folds a room's setup into one line, and opens it on request", () => {
    const items = [
      state(1, '@alice:x', 'm.room.create', '', { creator: '@alice:x' }),
      state(2, '@alice:x', 'm.room.member', '@alice:x', { membership: 'join' }),
      state(3, '@alice:x', 'm.room.join_rules', '', { join_rule: 'invite' }),
      state(4, '@alice:x', 'm.room.name', '', { name: 'Plans' }),
      ev(5),
    ].map(item);
    const rows = buildRows(items, new Map());
    assert.deepEqual(rows.map((r) => r.kind), ['day', 'group', 'event']);
    const group = rows[1];
    assert.ok(group.kind === 'group' && group.creation && !group.expanded);
    assert.equal(summarizeGroup(group, names), 'Alice created and configured the room');
    const open = buildRows(items, new Map(), new Set([group.key]));
    assert.deepEqual(open.map((r) => (r.kind === 'event' ? r.item.event.rowid : r.kind)), ['day', 'group', 1, 2, 3, 4, 5]);
  });

  it('folds three or more membership changes in a row, saying who joined, left or was invited', () => {
    const member = (rowid: number, user: string, membership: string, prev?: string, sender = user) =>
      state(rowid, sender, 'm.room.member', user, { membership }, prev ? { membership: prev } : undefined);
    const items = [
      ev(1),
      member(2, '@bob:x', 'join'), member(3, '@carol:x', 'join'), member(4, '@dave:x', 'join'), member(5, '@erin:x', 'join'),
      member(6, '@bob:x', 'leave', 'join'), member(7, '@frank:x', 'invite', undefined, '@alice:x'),
      ev(8),
      member(9, '@gina:x', 'join'), member(10, '@hal:x', 'join'),
    ].map(item);
    const rows = buildRows(items, new Map());
    assert.deepEqual(rows.map((r) => (r.kind === 'event' ? r.item.event.rowid : r.kind)), ['day', 1, 'group', 8, 9, 10], 'two in a row stay apart');
    const group = rows[2];
    assert.ok(group.kind === 'group' && !group.creation);
    const name = (u: string) => u.slice(1, u.indexOf(':'));
    assert.equal(summarizeGroup(group, name), 'bob joined and left, carol, dave and erin joined, frank was invited');
  });

  it('names people with the same changes once, with their changes in order', () => {
    const member = (rowid: number, user: string, membership: string, prev?: string) =>
      state(rowid, membership === 'invite' ? '@alice:x' : user, 'm.room.member', user, { membership }, prev ? { membership: prev } : undefined);
    const users = ['@ann:x', '@bo:x', '@cy:x', '@di:x'];
    const items = [
      ev(1),
      ...users.map((u, i) => member(2 + i, u, 'invite')),
      ...users.map((u, i) => member(10 + i, u, 'join', 'invite')),
      member(20, '@ed:x', 'join'),
    ].map(item);
    const group = buildRows(items, new Map())[2];
    assert.ok(group.kind === 'group');
    const name = (u: string) => u.slice(1, u.indexOf(':'));
    assert.equal(summarizeGroup(group, name), 'ann, bo and 2 others were invited and joined, ed joined');
  });
});

describe('timeline row identity', () => {
  it('reuses view objects for unchanged events so memoized rows skip re-rendering', () => {
    const items = [ev(1), ev(2)].map(item);
    const a = buildRows(items, new Map());
    const b = buildRows([...items, item(ev(3))], new Map());
    const va = a.flatMap((r) => (r.kind === 'event' ? [r.view] : []));
    const vb = b.flatMap((r) => (r.kind === 'event' ? [r.view] : []));
    assert.equal(vb[0], va[0]);
    assert.equal(vb[1], va[1]);
  });
});

describe('login logic', () => {
  it('finds the server name and normalizes URLs', () => {
    assert.equal(serverNameOf('@you:example.org'), 'example.org');
    assert.equal(serverNameOf(' @you:localhost:8448 '), 'localhost:8448');
    assert.equal(serverNameOf('you'), null);
    assert.equal(normalizeHomeserverUrl('matrix.org'), 'https://matrix.org');
    assert.equal(normalizeHomeserverUrl('http://localhost:8008/'), 'http://localhost:8008');
    assert.equal(normalizeHomeserverUrl('ftp://x'), null);
    assert.equal(normalizeHomeserverUrl('  '), null);
  });

  it('puts the cursor in the field a failed login is about', () => {
    assert.equal(loginErrorField('Wrong user name or password.'), 'password');
    assert.equal(loginErrorField('Could not reach the homeserver at https://h: the server name could not be resolved.'), 'homeserver');
    assert.equal(loginErrorField('The server at https://h does not look like a Matrix homeserver. Check the address.'), 'homeserver');
    assert.equal(loginErrorField('The homeserver at https://h is not answering (HTTP 502); it may be down. Try again later.'), 'homeserver');
    assert.equal(loginErrorField('Too many attempts; try again in 3 s.'), 'password');
  });
});

describe('formatting', () => {
  it('makes initials and stable colors', () => {
    assert.equal(initialsOf('Design Team'), 'DT');
    assert.equal(initialsOf('#general:example.org'), 'G');
    assert.equal(initialsOf('@bob:x'), 'B');
    assert.equal(initialsOf(''), '?');
    assert.equal(colorFor('!a:x'), colorFor('!a:x'));
    assert.match(colorFor('!b:x'), /^#[0-9a-f]{6}$/);
  });

  it('formats list times and counts', () => {
    const now = new Date(2026, 10, 20, 15, 0).getTime();
    assert.equal(formatListTime(new Date(2026, 10, 19, 9, 0).getTime(), now), 'Yesterday');
    assert.equal(formatListTime(0, now), '');
    assert.equal(formatCount(5), '5');
    assert.equal(formatCount(150), '99+');
  });

  it('writes member counts with the locale\'s thousands separator', () => {
    assert.equal(formatMemberCount(10004, 'en-US'), '10,004 members');
    assert.equal(formatMemberCount(1, 'en-US'), '1 member');
    assert.equal(formatMemberCount(0, 'en-US'), '0 members');
    assert.equal(formatNumber(10004, 'de-DE'), '10.004');
    assert.equal(formatNumber(1234567, 'en-IN'), '12,34,567');
    assert.equal(formatNumber(10004, 'fr-FR').replace(/\s/u, ' '), '10 004', 'a (narrow) no-break space in French');
    const room = { roomId: '!r:x', name: 'R', alias: undefined, topic: undefined, avatar: undefined, members: 2500, joinRule: 'public', isSpace: true };
    assert.deepEqual(summaryFacts(room, 2500, true), ['Space', `${formatNumber(2500)} members`, 'Joined'], 'the directory and space home rows too');
  });

  it('says presence as the user info shows it: online, away, last seen, with the status message', () => {
    const now = new Date(2026, 10, 20, 15, 0).getTime();
    const min = 60_000;
    const p = (presence: 'online' | 'unavailable' | 'offline', agoMs?: number, statusMsg?: string) => ({
      user_id: '@bob:x', presence, ...(agoMs === undefined ? {} : { last_active_ts: now - agoMs }), ...(statusMsg ? { status_msg: statusMsg } : {}),
    });
    assert.equal(presenceText(p('online', 3 * min), now), 'Online');
    assert.equal(presenceText(p('online', 0, 'at lunch'), now), 'Online · at lunch');
    assert.equal(presenceText(p('unavailable'), now), 'Away');
    assert.equal(presenceText(p('unavailable', 12 * min), now), 'Away · last seen 12 minutes ago');
    assert.equal(presenceText(p('offline'), now), 'Offline');
    assert.equal(presenceText(p('offline', 30_000), now), 'Last seen just now');
    assert.equal(presenceText(p('offline', 1 * min), now), 'Last seen 1 minute ago');
    assert.equal(presenceText(p('offline', 125 * min), now), 'Last seen 2 hours ago');
    assert.equal(presenceText(p('offline', 3 * 24 * 60 * min, 'on holiday'), now), 'Last seen 3 days ago · on holiday');
    assert.equal(formatAgo(now - 1500 * 24 * 60 * min, now, 'en-US'), '1,500 days ago');
  });
});

describe('status text and routes', () => {
  it('words the sync status', () => {
    assert.equal(syncStatusText({ type: 'ok', error_count: 0 }), null);
    assert.equal(syncStatusText({ type: 'erroring', error: 'The homeserver answered 502 Bad Gateway', error_count: 1 }),
      'The homeserver answered 502 Bad Gateway. Lattice keeps trying.');
    assert.equal(syncStatusText({ type: 'erroring', error: 'Could not reach the homeserver at https://h: connection refused (is the server running?)', error_count: 5 }),
      'Could not reach the homeserver at https://h: connection refused (is the server running?) Lattice keeps trying (5 attempts so far).');
    assert.equal(syncStatusText({ type: 'waiting', error_count: 0 }), 'Connecting to the homeserver… Lattice keeps trying.');
    assert.equal(syncStatusText({ type: 'permanently-failed', error: 'M_UNKNOWN_TOKEN', error_count: 1 }), 'Sync stopped: M_UNKNOWN_TOKEN');
  });

  it('round-trips room ids through the URL fragment', () => {
    assert.equal(roomIdFromHash(hashForRoom('!abc:example.org')), '!abc:example.org');
    assert.equal(roomIdFromHash('#/room/nope'), null);
    assert.equal(roomIdFromHash(''), null);
  });
});

describe('avatar URLs', () => {
  const ipc = { transport: 'ipc', devicePixelRatio: 1 } as const;
  const web = { transport: 'websocket', devicePixelRatio: 1 } as const;

  it('points Electron at lattice://media and the web host at /_gomuks/media on its own origin', () => {
    assert.equal(avatarImageUrl('mxc://example.org/AbC_12-x', 40, ipc), 'lattice://media/example.org/AbC_12-x?w=40&h=40');
    assert.equal(avatarImageUrl('mxc://example.org/AbC_12-x', 40, web), '/_gomuks/media/example.org/AbC_12-x?w=40&h=40');
  });

  it('asks for the displayed size in device pixels', () => {
    assert.equal(avatarImageUrl('mxc://m.org/a', 48, { transport: 'ipc', devicePixelRatio: 2 }), 'lattice://media/m.org/a?w=96&h=96');
    assert.equal(avatarImageUrl('mxc://m.org/a', 36, { transport: 'websocket', devicePixelRatio: 1.25 }), '/_gomuks/media/m.org/a?w=45&h=45');
    assert.equal(thumbnailPx(32, 1.5), 48);
    assert.equal(thumbnailPx(33, 1.5), 50, 'rounded');
    assert.equal(thumbnailPx(40, 0), 40, 'a nonsense ratio counts as 1');
    assert.equal(thumbnailPx(40, Number.NaN), 40);
    assert.equal(thumbnailPx(1000, 3), 1600, 'capped at what the hosts accept');
  });

  it('escapes the server part so a port survives the path', () => {
    assert.equal(avatarImageUrl('mxc://example.org:8448/x', 10, web), '/_gomuks/media/example.org%3A8448/x?w=10&h=10');
  });

  it('gives nothing (initials) for a missing or invalid mxc URI', () => {
    for (const bad of [undefined, '', 'https://example.org/a.png', 'mxc://example.org', 'mxc://example.org/a/b',
      'mxc://exa mple.org/a', 'mxc://example.org/../x', 'mxc://example.org/a?w=1', 'javascript:alert(1)']) {
      assert.equal(avatarImageUrl(bad, 40, ipc), undefined, String(bad));
    }
  });

  it('tells Electron from the web host by the preload bridge, like the transport does', () => {
    const bridge = { send() {}, onMessage: () => () => {} };
    assert.deepEqual(currentMediaEnv({ lattice: bridge, devicePixelRatio: 2 }), { transport: 'ipc', devicePixelRatio: 2 });
    assert.deepEqual(currentMediaEnv({ devicePixelRatio: 1 }), { transport: 'websocket', devicePixelRatio: 1 });
    assert.deepEqual(currentMediaEnv({ lattice: {} }), { transport: 'websocket', devicePixelRatio: 1 }, 'not a bridge');
  });
});

describe('avatar selectors', () => {
  const R = '!r:x';
  const meta: Room = {
    room_id: R, name: 'R', name_quality: 3, explicit_avatar: false, has_member_list: true, preview_event_rowid: 0,
    sorting_timestamp: 1, unread_highlights: 0, unread_notifications: 0, unread_messages: 0,
  };
  const member = (rowid: number, userId: string, content: Event['content']): Event =>
    ev(rowid, { type: 'm.room.member', state_key: userId, sender: userId, content: { membership: 'join', ...content } });

  it('maps members to their avatar mxc, skipping empty ones, and finds our own', () => {
    const store = new Store();
    store.applyClientState({ is_initialized: true, is_logged_in: true, is_verified: true, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false }, user_id: '@me:x' });
    store.applySyncComplete({
      rooms: {
        [R]: {
          meta,
          events: [member(1, '@alice:x', { avatar_url: 'mxc://x/alice' }), member(2, '@bob:x', { avatar_url: '' }),
            member(3, '@me:x', { avatar_url: 'mxc://x/me' })],
          state: { 'm.room.member': { '@alice:x': 1, '@bob:x': 2, '@me:x': 3 } },
        },
      },
    });
    const snap = store.getSnapshot();
    const avatars = selectMemberAvatars(snap.rooms.get(R));
    assert.deepEqual([...avatars], [['@alice:x', 'mxc://x/alice'], ['@me:x', 'mxc://x/me']]);
    assert.equal(selectMemberAvatars(snap.rooms.get(R)), avatars, 'memoized while the state is unchanged');
    assert.equal(selectOwnAvatar(snap), 'mxc://x/me');
    assert.equal(selectMemberAvatars(undefined).size, 0);

    // Once client_state carries the profile it wins: a changed name shows at once, a removed avatar stays removed.
    store.applyClientState({ ...store.getSnapshot().clientState!, displayname: 'New Me' });
    assert.equal(selectOwnDisplayName(store.getSnapshot()), 'New Me');
    assert.equal(selectOwnAvatar(store.getSnapshot()), undefined);
  });
});
