/** The composer's request building and autocomplete, without a browser: relations, mentions, power, completion. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canRedact, currentText, lastOwnMessage, mentionedUsers, mentionPill, relationFor } from '../../src/renderer/api/actions.ts';
import { applySuggestion, complete } from '../../src/renderer/api/autocomplete.ts';
import { filterMembers, selectMembers } from '../../src/renderer/api/members.ts';
import { emptyRoom, type RoomData } from '../../src/renderer/api/snapshot.ts';
import type { SlashCommandHelp } from '../../src/shared/rpc/responses.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

const ME = '@me:hs';
function ev(rowid: number, over: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:hs', event_id: `$e${rowid}`, sender: ME, type: 'm.room.message',
    timestamp: rowid, content: { msgtype: 'm.text', body: `text ${rowid}` }, ...over,
  };
}
function roomWith(events: Event[], state: RoomData['state'] = {}): RoomData {
  return {
    ...emptyRoom('!r:hs'),
    events: new Map(events.map((e) => [e.rowid, e])),
    timeline: events.filter((e) => e.timeline_rowid > 0).map((e) => ({ timeline_rowid: e.timeline_rowid, event_rowid: e.rowid })),
    state,
  };
}

describe('composer requests', () => {
  it('builds reply and edit relations', () => {
    const e = ev(1);
    assert.equal(relationFor({ kind: 'normal' }), undefined);
    assert.deepEqual(relationFor({ kind: 'reply', event: e }), { 'm.in_reply_to': { event_id: '$e1' } });
    assert.deepEqual(relationFor({ kind: 'edit', event: e, text: 'x' }), { rel_type: 'm.replace', event_id: '$e1' });
  });

  it('finds mentioned users in pills, once each, and escapes brackets in pill labels', () => {
    const text = `hi ${mentionPill('@bob:hs', 'Bob [admin]')} and ${mentionPill('@bob:hs', 'Bob')} and [x](https://example.org)`;
    assert.deepEqual(mentionedUsers(text), ['@bob:hs']);
    assert.match(text, /\[Bob \\\[admin\\\]\]\(https:\/\/matrix\.to\/#\/@bob:hs\)/);
  });

  it('edits the newest own message, skipping others, edits, redactions and local echoes; shows the latest edit', () => {
    const edit = ev(4, { timeline_rowid: 4, relation_type: 'm.replace', content: { body: '* new', 'm.new_content': { body: 'new' } } });
    const events = [ev(1), ev(2, { last_edit_rowid: 4 }), ev(3, { sender: '@bob:hs' }), edit, ev(5, { redacted_by: '$x' })];
    const room = roomWith(events);
    const last = lastOwnMessage(room, ME);
    assert.equal(last?.event_id, '$e2');
    assert.equal(currentText(room, last), 'new');
    assert.equal(lastOwnMessage(room, '@nobody:hs'), undefined);
    // Sent (the server gave it an ID) but not placed by sync yet: the newest; one still sending has no ID to edit.
    const placedLater = ev(6, { timeline_rowid: 0 });
    const sending = ev(7, { timeline_rowid: 0, event_id: '~txn7' });
    const withPending = { ...roomWith([...events, placedLater, sending]), pending: [6, 7] };
    assert.equal(lastOwnMessage(withPending, ME)?.event_id, '$e6');
  });

  it('does not offer to edit an attachment or a voice message: the edit would replace its file with text', () => {
    const voice = ev(2, { content: { msgtype: 'm.audio', body: 'Voice message', url: 'mxc://hs/v', 'org.matrix.msc3245.voice': {} } });
    const image = ev(3, { content: { msgtype: 'm.image', body: 'cat.png', url: 'mxc://hs/c' } });
    assert.equal(lastOwnMessage(roomWith([ev(1), voice, image]), ME)?.event_id, '$e1');
    assert.equal(lastOwnMessage(roomWith([ev(1, { content: { msgtype: 'm.emote', body: 'waves' } })]), ME)?.event_id, '$e1');
  });

  it('edits our own message of an encrypted room, stored as m.room.encrypted, with its decrypted text', () => {
    const sealed = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' };
    const original = ev(1, { type: 'm.room.encrypted', content: sealed, decrypted_type: 'm.room.message', decrypted: { msgtype: 'm.text', body: 'apple' }, last_edit_rowid: 2 });
    const edit = ev(2, {
      type: 'm.room.encrypted', content: sealed, decrypted_type: 'm.room.message', relation_type: 'm.replace', relates_to: '$e1',
      decrypted: { body: '* pear', 'm.new_content': { msgtype: 'm.text', body: 'pear' } },
    });
    const room = roomWith([original, edit]);
    assert.equal(lastOwnMessage(room, ME)?.event_id, '$e1');
    assert.equal(currentText(room, original), 'pear');
    assert.equal(currentText(room, { ...original, last_edit_rowid: undefined }), 'apple');
    // One we cannot read is not offered: its text is unknown.
    assert.equal(lastOwnMessage(roomWith([ev(3, { type: 'm.room.encrypted', content: sealed })]), ME), undefined);
  });

  it('lets us delete our own messages, and others only with the redact power level', () => {
    const pl = ev(9, { timeline_rowid: 0, type: 'm.room.power_levels', state_key: '', content: { users: { [ME]: 50, '@bob:hs': 100 }, redact: 60 } });
    const bobs = ev(3, { sender: '@bob:hs' });
    const room = roomWith([ev(1), bobs, pl], { 'm.room.power_levels': { '': 9 } });
    assert.equal(canRedact(room, ME, ev(1)), true);
    assert.equal(canRedact(room, ME, bobs), false);
    assert.equal(canRedact(room, '@bob:hs', ev(1)), true);
    assert.equal(canRedact(room, ME, ev(1, { redacted_by: '$r' })), false);
  });
});

describe('composer autocomplete', () => {
  const commands: SlashCommandHelp[] = [
    { name: 'me', aliases: [], usage: '/me <message>', summary: 'Emote', args: [], messagePrefix: true },
    { name: 'myroomnick', aliases: ['roomnick'], usage: '/myroomnick <name>', summary: 'Nick', args: [], messagePrefix: false },
    { name: 'kick', aliases: [], usage: '/kick <user_id> [reason]', summary: 'Kick', args: [], messagePrefix: false },
  ];
  const members = new Map([['@bob:hs', 'Bob Builder'], ['@alice:hs', 'Alice']]);

  it('completes slash commands only at the start, by name or alias', () => {
    assert.deepEqual(complete('/m', 2, commands, members)?.suggestions.map((s) => s.key), ['/me', '/myroomnick']);
    assert.deepEqual(complete('/room', 5, commands, members)?.suggestions.map((s) => s.key), ['/myroomnick']);
    assert.equal(complete('hi /m', 5, commands, members), null);
    assert.equal(complete('//m', 3, commands, members), null);
  });

  it('completes members after @ by ID or any word of the name, and inserts a pill', () => {
    assert.deepEqual(complete('hi @bui', 7, commands, members)?.suggestions.map((s) => s.key), ['@bob:hs']);
    const c = complete('hi @al there', 6, commands, members)!;
    assert.deepEqual(c.suggestions.map((s) => s.key), ['@alice:hs']);
    const r = applySuggestion('hi @al there', c, c.suggestions[0]);
    assert.equal(r.text, 'hi [Alice](https://matrix.to/#/@alice:hs)  there');
    assert.equal(r.cursor, 'hi [Alice](https://matrix.to/#/@alice:hs) '.length);
    assert.equal(complete('hi @', 4, commands, members), null);
  });

  it('completes rooms after # by address or any word of the name', () => {
    const rooms = [{ id: '!a:hs', name: 'Design Team', alias: '#design:hs' }, { id: '!b:hs', name: 'Secret [plans]' }];
    const c = complete('see #des', 8, commands, members, null, rooms)!;
    assert.deepEqual(c.suggestions.map((s) => s.insert), ['#design:hs ']);
    assert.deepEqual(complete('see #team', 9, commands, members, null, rooms)?.suggestions.map((s) => s.key), ['!a:hs']);
    const plans = complete('#sec', 4, commands, members, null, rooms)!;
    assert.equal(plans.suggestions[0].insert, '[Secret \\[plans\\]](https://matrix.to/#/!b%3Ahs) ');
    assert.equal(complete('#', 1, commands, members, null, rooms), null);
  });
});

describe('member list', () => {
  it('orders joined members by power level, keeps invited and banned apart, and ignores those who left', () => {
    const member = (rowid: number, userId: string, membership: string, displayname?: string) => ev(rowid, {
      timeline_rowid: 0, type: 'm.room.member', state_key: userId, content: { membership, ...(displayname ? { displayname } : {}) },
    });
    const pl = ev(10, { timeline_rowid: 0, type: 'm.room.power_levels', state_key: '', content: { users: { '@boss:hs': 100, '@mod:hs': 50 } } });
    const events = [member(1, '@zed:hs', 'join', 'Aaron'), member(2, '@mod:hs', 'join'), member(3, '@boss:hs', 'join'),
      member(4, '@inv:hs', 'invite'), member(5, '@bad:hs', 'ban'), member(6, '@gone:hs', 'leave'), pl];
    const room = roomWith(events, {
      'm.room.member': { '@zed:hs': 1, '@mod:hs': 2, '@boss:hs': 3, '@inv:hs': 4, '@bad:hs': 5, '@gone:hs': 6 },
      'm.room.power_levels': { '': 10 },
    });
    const g = selectMembers(room);
    assert.deepEqual(g.joined.map((m) => m.userId), ['@boss:hs', '@mod:hs', '@zed:hs']);
    assert.deepEqual(g.invited.map((m) => m.userId), ['@inv:hs']);
    assert.deepEqual(g.banned.map((m) => m.userId), ['@bad:hs']);
    assert.equal(selectMembers(room), g, 'memoized while the member state is unchanged');
  });

  it('names members as the timeline does: a shared name or one that looks like a user ID comes with the user ID', () => {
    const member = (rowid: number, userId: string, displayname: string) => ev(rowid, {
      timeline_rowid: 0, type: 'm.room.member', state_key: userId, content: { membership: 'join', displayname },
    });
    const room = roomWith([member(1, '@bob:hs', 'Bob'), member(2, '@eve:hs', 'bob'), member(3, '@mal:hs', '@bob:hs'), member(4, '@carol:hs', 'Carol')], {
      'm.room.member': { '@bob:hs': 1, '@eve:hs': 2, '@mal:hs': 3, '@carol:hs': 4 },
    });
    const shown = Object.fromEntries(selectMembers(room).joined.map((m) => [m.userId, [m.name, m.ambiguous]]));
    assert.deepEqual(shown, {
      '@bob:hs': ['Bob', true], '@eve:hs': ['bob', true], '@mal:hs': ['@bob:hs', true], '@carol:hs': ['Carol', false],
    });
  });

  it('carries each member\'s avatar, and filters by name or user ID ignoring case and accents, keeping groups and order', () => {
    const member = (rowid: number, userId: string, membership: string, displayname: string, avatar_url?: string) => ev(rowid, {
      timeline_rowid: 0, type: 'm.room.member', state_key: userId, content: { membership, displayname, ...(avatar_url ? { avatar_url } : {}) },
    });
    const room = roomWith([
      member(1, '@zoe:hs', 'join', 'Zoë Ülker', 'mxc://hs/zoe'), member(2, '@ivan:hs', 'join', 'İVAN'), member(3, '@anna:hs', 'join', 'Anna'),
      member(4, '@zoey:hs', 'invite', 'ZOEY'), member(5, '@x:hs', 'ban', 'Ｚｏｏ'),
    ], { 'm.room.member': { '@zoe:hs': 1, '@ivan:hs': 2, '@anna:hs': 3, '@zoey:hs': 4, '@x:hs': 5 } });
    const g = selectMembers(room);
    assert.equal(g.joined.find((m) => m.userId === '@zoe:hs')?.avatar, 'mxc://hs/zoe');
    assert.equal(g.joined.find((m) => m.userId === '@anna:hs')?.avatar, undefined);
    const ids = (q: string) => { const f = filterMembers(g, q); return [f.joined, f.invited, f.banned].map((l) => l.map((m) => m.userId)); };
    assert.deepEqual(ids('zoe'), [['@zoe:hs'], ['@zoey:hs'], []], 'case and the diaeresis set aside');
    assert.deepEqual(ids('ÜLK'), [['@zoe:hs'], [], []]);
    assert.deepEqual(ids('ivan'), [['@ivan:hs'], [], []], 'dotted capital I matches i');
    assert.deepEqual(ids('zoo'), [[], [], ['@x:hs']], 'full-width letters match their plain forms');
    assert.deepEqual(ids('@ANNA:'), [['@anna:hs'], [], []], 'the user ID too');
    assert.deepEqual(ids('nobody'), [[], [], []]);
    assert.equal(filterMembers(g, '  '), g, 'a blank filter keeps the groups as they are');
  });

  it('sorts by name ignoring case and accents, and a member without a display name by their local part, not under @', () => {
    const member = (rowid: number, userId: string, displayname?: string) => ev(rowid, {
      timeline_rowid: 0, type: 'm.room.member', state_key: userId, content: { membership: 'join', ...(displayname ? { displayname } : {}) },
    });
    const people: [string, string | undefined][] = [
      ['@zed:hs', undefined], ['@x1:hs', 'émile'], ['@x2:hs', 'Eve'], ['@bob:hs', undefined], ['@x3:hs', 'ALICE'],
      ['@x4:hs', 'Carl'], ['@x5:hs', 'Ébène'], ['@x6:hs', '@dan:elsewhere'], ['@x7:hs', 'Zoë'], ['@x8:hs', 'zoe'],
    ];
    const events = people.map(([id, name], i) => member(i + 1, id, name));
    const room = roomWith(events, { 'm.room.member': Object.fromEntries(people.map(([id], i) => [id, i + 1])) });
    assert.deepEqual(selectMembers(room).joined.map((m) => m.name), [
      'ALICE', '@bob:hs', 'Carl', '@dan:elsewhere', 'Ébène', 'émile', 'Eve', '@zed:hs',
      // The same name but for case and accents: by user ID.
      'Zoë', 'zoe',
    ]);
  });
});
