/**
 * The push rule evaluator, table-driven over the spec's default rules and the cases a user meets: mentions by
 * display name, user name and m.mentions, keywords, @room with and without the power to use it, DMs, muted and
 * "mentions only" rooms, own messages, notices, edits, invites. Then the condition kinds one by one, the legacy
 * action forms, and the per-room notification setting read from and written as push rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/index.ts';
import { conditionMatches } from '../../src/main/backend/push/conditions.ts';
import { effectiveRuleset, evaluatePushRules, readActions, unreadTypeOf } from '../../src/main/backend/push/evaluate.ts';
import { roomNotificationSetting, roomSettingEdits } from '../../src/main/backend/push/room-settings.ts';
import { UnreadType, type PushEvent, type PushRoomContext, type Ruleset } from '../../src/main/backend/push/types.ts';

const ME = '@alice:hs';
const ROOM = '!group:hs';
const MOD = '@mod:hs';
const BOB = '@bob:hs';
const group: PushRoomContext = {
  userId: ME, displayName: 'Ally', memberCount: 5, powerLevels: { users: { [MOD]: 50 }, users_default: 0 },
};
const dm: PushRoomContext = { ...group, memberCount: 2 };

const text = (body: string, extra: JSONObject = {}, sender = BOB): PushEvent =>
  ({ type: 'm.room.message', sender, room_id: ROOM, content: { msgtype: 'm.text', body, ...extra } });
const mentions = (users: string[], room = false): JSONObject => ({ 'm.mentions': { user_ids: users, ...(room ? { room: true } : {}) } });

const keywordRules: Ruleset = {
  content: [
    { rule_id: 'lunch', enabled: true, pattern: 'lunch', actions: ['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight', value: false }] },
    { rule_id: 'deploy', enabled: true, pattern: 'deploy*', actions: ['notify'] },
  ],
};
const muted: Ruleset = { override: [{ rule_id: ROOM, enabled: true, conditions: [{ kind: 'event_match', key: 'room_id', pattern: ROOM }], actions: [] }] };
const mentionsOnly: Ruleset = { ...keywordRules, room: [{ rule_id: ROOM, enabled: true, actions: ['dont_notify'] }] };

interface Case {
  name: string;
  event: PushEvent;
  room?: PushRoomContext;
  user?: Ruleset;
  notify: boolean;
  highlight?: boolean;
  sound?: string;
  rule?: string;
}

const cases: Case[] = [
  { name: 'a plain message in a group notifies quietly', event: text('hello'), notify: true, rule: 'underride:.m.rule.message' },
  { name: 'a message in a DM notifies with sound', event: text('hello'), room: dm, notify: true, sound: 'default', rule: 'underride:.m.rule.room_one_to_one' },
  { name: 'an encrypted message in a DM notifies with sound', event: { type: 'm.room.encrypted', sender: BOB, content: { algorithm: 'm.megolm.v1.aes-sha2' } }, room: dm, notify: true, sound: 'default' },
  { name: 'an encrypted message in a group notifies', event: { type: 'm.room.encrypted', sender: BOB, content: {} }, notify: true, rule: 'underride:.m.rule.encrypted' },
  { name: 'my display name as a word highlights', event: text('thanks ally!'), notify: true, highlight: true, sound: 'default', rule: 'override:.m.rule.contains_display_name' },
  { name: 'my display name inside another word does not', event: text('Allyson said hi'), notify: true, highlight: false },
  { name: 'my user name as a word highlights', event: text('ask Alice about it'), notify: true, highlight: true, rule: 'content:.m.rule.contains_user_name' },
  { name: 'm.mentions naming me highlights', event: text('hey', mentions([ME])), notify: true, highlight: true, sound: 'default', rule: 'override:.m.rule.is_user_mention' },
  { name: 'with m.mentions, a name in the text alone does not highlight', event: text('ally alice', mentions([BOB])), notify: true, highlight: false },
  { name: 'a keyword notifies with its own actions', event: text('Lunch?'), user: keywordRules, notify: true, highlight: false, sound: 'default', rule: 'content:lunch' },
  { name: 'a keyword inside a word does not match', event: text('my lunchbox'), user: keywordRules, notify: true, sound: undefined, rule: 'underride:.m.rule.message' },
  { name: 'a glob keyword matches a longer word', event: text('the deployment failed'), user: keywordRules, notify: true, rule: 'content:deploy' },
  { name: '@room from a moderator highlights', event: text('@room meeting now', {}, MOD), notify: true, highlight: true, rule: 'override:.m.rule.roomnotif' },
  { name: '@room from someone without the power does not', event: text('@room spam'), notify: true, highlight: false, rule: 'underride:.m.rule.message' },
  { name: 'm.mentions.room from a moderator highlights', event: text('all hands', mentions([], true), MOD), notify: true, highlight: true, rule: 'override:.m.rule.is_room_mention' },
  { name: 'm.mentions.room without the power does not', event: text('all hands', mentions([], true)), notify: true, highlight: false },
  { name: 'a muted room stays silent, even for a mention', event: text('hey', mentions([ME])), user: muted, notify: false, rule: `override:${ROOM}` },
  { name: 'a "mentions and keywords" room is silent for plain messages', event: text('hello'), user: mentionsOnly, notify: false, rule: `room:${ROOM}` },
  { name: 'a "mentions and keywords" room still highlights mentions', event: text('hey', mentions([ME])), user: mentionsOnly, notify: true, highlight: true },
  { name: 'a "mentions and keywords" room still notifies keywords', event: text('lunch'), user: mentionsOnly, notify: true, rule: 'content:lunch' },
  { name: 'my own message never notifies, even mentioning me', event: text('note to self, ally', mentions([ME]), ME), notify: false },
  { name: 'notices are suppressed', event: text('build passed', { msgtype: 'm.notice' }), notify: false, rule: 'override:.m.rule.suppress_notices' },
  { name: 'edits are suppressed', event: text('* fixed', { 'm.relates_to': { rel_type: 'm.replace', event_id: '$x' } }), notify: false, rule: 'override:.m.rule.suppress_edits' },
  { name: 'reactions are suppressed', event: { type: 'm.reaction', sender: BOB, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$x', key: '👍' } } }, notify: false },
  { name: 'an invite for me notifies with sound', event: { type: 'm.room.member', sender: BOB, state_key: ME, content: { membership: 'invite' } }, notify: true, sound: 'default', rule: 'override:.m.rule.invite_for_me' },
  { name: 'other membership changes do not', event: { type: 'm.room.member', sender: BOB, state_key: BOB, content: { membership: 'join' } }, notify: false, rule: 'override:.m.rule.member_event' },
  { name: 'a tombstone highlights', event: { type: 'm.room.tombstone', sender: MOD, state_key: '', content: { replacement_room: '!new:hs' } }, notify: true, highlight: true },
  { name: 'a call rings', event: { type: 'm.call.invite', sender: BOB, content: {} }, notify: true, sound: 'ring', rule: 'underride:.m.rule.call' },
  { name: 'the master rule, enabled, silences everything', event: text('hey', mentions([ME])), user: { override: [{ rule_id: '.m.rule.master', default: true, enabled: true, conditions: [], actions: [] }] }, notify: false, rule: 'override:.m.rule.master' },
  { name: 'a disabled default rule is skipped', event: text('hello'), user: { underride: [{ rule_id: '.m.rule.message', default: true, enabled: false, conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.message' }], actions: ['notify'] }] }, notify: false },
  { name: 'a sender rule applies to that sender', event: text('hello'), user: { sender: [{ rule_id: BOB, enabled: true, actions: [] }] }, notify: false, rule: `sender:${BOB}` },
  { name: 'an unknown condition kind never matches', event: text('hello'), user: { override: [{ rule_id: 'x', enabled: true, conditions: [{ kind: 'org.example.future' }], actions: [] }] }, notify: true, rule: 'underride:.m.rule.message' },
];

describe('push rules: the spec defaults and what a user meets', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = evaluatePushRules(effectiveRuleset(c.user, ME), c.event, c.room ?? group);
      assert.equal(r.notify, c.notify, 'notify');
      if (c.highlight !== undefined) assert.equal(r.highlight, c.highlight, 'highlight');
      if ('sound' in c) assert.equal(r.sound, c.sound, 'sound');
      if (c.rule) assert.equal(r.rule, c.rule, 'matching rule');
    });
  }
});

describe('push rule conditions', () => {
  const ev: PushEvent = { type: 'm.room.message', sender: BOB, room_id: ROOM, content: { body: 'x', 'm.mentions': { user_ids: [ME] }, n: 3, flag: null, 'a.b': 'dotted' } };
  const table: [string, Parameters<typeof conditionMatches>[0], boolean][] = [
    ['event_match is case-insensitive on a whole value', { kind: 'event_match', key: 'type', pattern: 'M.ROOM.*' }, true],
    ['event_match ? is one character', { kind: 'event_match', key: 'sender', pattern: '@bo?:hs' }, true],
    ['event_match on a missing key', { kind: 'event_match', key: 'content.nope', pattern: '*' }, false],
    ['event_match never matches a non-string', { kind: 'event_match', key: 'content.n', pattern: '3' }, false],
    ['event_property_is an integer', { kind: 'event_property_is', key: 'content.n', value: 3 }, true],
    ['event_property_is null', { kind: 'event_property_is', key: 'content.flag', value: null }, true],
    ['event_property_is is exact', { kind: 'event_property_is', key: 'content.body', value: 'X' }, false],
    ['an escaped dot is part of the key', { kind: 'event_property_is', key: 'content.a\\.b', value: 'dotted' }, true],
    ['event_property_contains', { kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: ME }, true],
    ['event_property_contains on a non-array', { kind: 'event_property_contains', key: 'content.body', value: 'x' }, false],
    ['room_member_count == by default', { kind: 'room_member_count', is: '5' }, true],
    ['room_member_count >', { kind: 'room_member_count', is: '>4' }, true],
    ['room_member_count <', { kind: 'room_member_count', is: '<5' }, false],
    ['room_member_count <=', { kind: 'room_member_count', is: '<=5' }, true],
    ['room_member_count >=', { kind: 'room_member_count', is: '>=6' }, false],
    ['room_member_count malformed', { kind: 'room_member_count', is: 'five' }, false],
    ['sender_notification_permission below the level', { kind: 'sender_notification_permission', key: 'room' }, false],
  ];
  for (const [name, cond, expected] of table) it(name, () => assert.equal(conditionMatches(cond, ev, group), expected));

  it('a literal pattern matches as the glob expression would, without one for ASCII text', () => {
    const match = (key: string, pattern: string, value: string) =>
      conditionMatches({ kind: 'event_match', key, pattern }, { ...ev, content: { body: value, msgtype: value } }, group);
    assert.equal(match('content.msgtype', 'm.notice', 'M.Notice'), true);
    assert.equal(match('content.msgtype', 'm.notice', 'm.notices'), false);
    assert.equal(match('content.msgtype', 'kilo', '\u212ailo'), true, 'the Kelvin sign folds to k, as in the expression');
    assert.equal(match('content.body', 'me', 'a message for me'), true, 'a later whole word after a part of one');
    assert.equal(match('content.body', 'me', 'a message, memes'), false);
    assert.equal(match('content.body', 'me', '😀me😀'), true, 'an emoji is not a letter');
    assert.equal(match('content.body', 'me', 'émé'), false, 'accented letters are letters');
    assert.equal(match('content.body', 'ab', 'aab ab'), true);
  });

  it('each body in a run of events is judged on its own, by every word rule in turn', () => {
    // The word rules share what they learnt of the last body (lowercased, all ASCII or not): a stale one would
    // answer for the next event.
    const rules = effectiveRuleset(keywordRules, ME);
    const run: [string, string | undefined][] = [
      ['LUNCH with Ally', 'override:.m.rule.contains_display_name'], ['lunch', 'content:lunch'],
      ['Lunch \u212a', 'content:lunch'], ['Allyson \u212a', 'underride:.m.rule.message'],
      ['ask ALICE', 'content:.m.rule.contains_user_name'], ['ask alicia', 'underride:.m.rule.message'],
      ['ask alicia', 'underride:.m.rule.message'], ['\u00e9ally\u00e9', 'underride:.m.rule.message'],
      ['\u00e9 ally', 'override:.m.rule.contains_display_name'],
    ];
    for (const [body, rule] of run) assert.equal(evaluatePushRules(rules, text(body), group).rule, rule, body);
  });

  it('sender_notification_permission follows the room\'s notifications levels and creators', () => {
    const cond = { kind: 'sender_notification_permission', key: 'room' };
    assert.equal(conditionMatches(cond, ev, { ...group, powerLevels: { notifications: { room: 0 } } }), true);
    assert.equal(conditionMatches(cond, ev, { ...group, powerLevels: { users: { [BOB]: '50' } } }), true, 'string levels of old rooms');
    assert.equal(conditionMatches(cond, ev, { ...group, creators: [BOB] }), true);
  });
});

describe('push rule actions and unread_type', () => {
  it('reads the legacy forms', () => {
    assert.deepEqual(readActions(['coalesce']), { notify: true, highlight: false });
    assert.deepEqual(readActions(['dont_notify']), { notify: false, highlight: false });
    assert.deepEqual(readActions(['notify', { set_tweak: 'highlight' }]), { notify: true, highlight: true });
    assert.deepEqual(readActions(['notify', { set_tweak: 'highlight', value: false }, 'something_new']), { notify: true, highlight: false });
  });

  it('tests each event type against the rules that can match it, in order, with one ruleset', () => {
    const user: Ruleset = { override: [
      { rule_id: 'custom', default: false, enabled: true, actions: ['notify', { set_tweak: 'highlight' }],
        conditions: [{ kind: 'event_match', key: 'type', pattern: 'org.example.*' }] },
    ] };
    const rules = effectiveRuleset(user, ME);
    const ev = (type: string): PushEvent => ({ type, sender: BOB, room_id: ROOM, content: { body: 'x' } });
    assert.equal(evaluatePushRules(rules, ev('org.example.ping'), group).rule, 'override:custom');
    assert.equal(evaluatePushRules(rules, ev('ORG.EXAMPLE.PING'), group).rule, 'override:custom', 'a glob is case-insensitive');
    assert.equal(evaluatePushRules(rules, ev('m.room.message'), group).rule, 'underride:.m.rule.message');
    assert.equal(evaluatePushRules(rules, ev('m.reaction'), group).rule, 'override:.m.rule.reaction');
    assert.equal(evaluatePushRules(rules, ev('m.room.encrypted'), group).rule, 'underride:.m.rule.encrypted');
    assert.equal(evaluatePushRules(rules, ev('org.example.ping'), group).rule, 'override:custom', 'again, from the cached list');
    assert.equal(evaluatePushRules(rules, ev('m.sticker'), group).rule, undefined);
  });

  it('sets gomuks\' unread_type flags', () => {
    const rules = effectiveRuleset(undefined, ME);
    assert.equal(unreadTypeOf(rules, text('hello'), group), UnreadType.Normal | UnreadType.Notify);
    assert.equal(unreadTypeOf(rules, text('hey', mentions([ME])), group), UnreadType.Normal | UnreadType.Notify | UnreadType.Highlight | UnreadType.Sound);
    assert.equal(unreadTypeOf(rules, text('mine', {}, ME), group), UnreadType.None);
    assert.equal(unreadTypeOf(effectiveRuleset(muted, ME), text('hello'), group), UnreadType.Normal, 'unread but silent');
    assert.equal(unreadTypeOf(rules, text('* fix', { 'm.relates_to': { rel_type: 'm.replace', event_id: '$x' } }), group), UnreadType.None);
  });

  it('keeps the user\'s rules and order, adding the defaults the account data lacks', () => {
    const merged = effectiveRuleset({ override: [{ rule_id: 'mine', enabled: true, conditions: [], actions: [] }], underride: [{ rule_id: 'bad' } as never] }, ME);
    assert.deepEqual(merged.override.slice(0, 2).map((r) => r.rule_id), ['.m.rule.master', 'mine']);
    assert.ok(!merged.underride.some((r) => r.rule_id === 'bad'), 'a malformed rule is dropped');
    assert.equal(merged.underride.at(-1)?.rule_id, '.m.rule.encrypted');
  });
});

describe('room notification settings', () => {
  it('reads all, mentions and keywords, and mute from the rules', () => {
    assert.equal(roomNotificationSetting(effectiveRuleset(undefined, ME), ROOM), 'all');
    assert.equal(roomNotificationSetting(effectiveRuleset(mentionsOnly, ME), ROOM), 'mentions_and_keywords');
    assert.equal(roomNotificationSetting(effectiveRuleset(muted, ME), ROOM), 'mute');
    assert.equal(roomNotificationSetting({ override: [{ ...muted.override![0], enabled: false }] }, ROOM), 'all');
  });

  it('plans the rule edits for each setting', () => {
    assert.deepEqual(roomSettingEdits({}, ROOM, 'mute').map((e) => `${e.op} ${e.kind}`), ['put override']);
    assert.deepEqual(roomSettingEdits(muted, ROOM, 'mentions_and_keywords').map((e) => `${e.op} ${e.kind}`), ['delete override', 'put room']);
    assert.deepEqual(roomSettingEdits({ ...muted, ...mentionsOnly }, ROOM, 'all').map((e) => `${e.op} ${e.kind}`), ['delete override', 'delete room']);
    assert.deepEqual(roomSettingEdits({}, ROOM, 'all'), []);
    const mute = roomSettingEdits({}, ROOM, 'mute')[0];
    assert.ok(mute.op === 'put');
    const silenced = evaluatePushRules(effectiveRuleset({ override: [{ rule_id: ROOM, enabled: true, ...mute.rule }] }, ME), text('hello'), group);
    assert.equal(silenced.notify, false, 'the planned mute rule silences the room');
  });

  it('with group chats at mentions and keywords, a room without rules reads so, and "all" is a room rule that wins', () => {
    const quietGroups = effectiveRuleset({ underride: [
      { rule_id: '.m.rule.message', default: true, enabled: true, conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.message' }], actions: ['dont_notify'] },
    ] }, ME);
    assert.equal(evaluatePushRules(quietGroups, text('hello'), group).notify, false, 'the default keeps a plain message quiet');
    assert.equal(roomNotificationSetting(quietGroups, ROOM, false), 'mentions_and_keywords');
    const edits = roomSettingEdits(quietGroups, ROOM, 'all', false);
    assert.deepEqual(edits.map((e) => `${e.op} ${e.kind}`), ['put room']);
    const all = edits[0];
    assert.ok(all.op === 'put');
    const withRoom = effectiveRuleset({ ...quietGroups, room: [{ rule_id: ROOM, enabled: true, ...all.rule }] }, ME);
    assert.equal(roomNotificationSetting(withRoom, ROOM, false), 'all');
    const r = evaluatePushRules(withRoom, text('hello'), group);
    assert.ok(r.notify && r.sound, 'the room\'s own rule notifies, with a sound, over the default');
    assert.deepEqual(roomSettingEdits(withRoom, ROOM, 'all', false), [], 'already so');
    assert.deepEqual(roomSettingEdits(withRoom, ROOM, 'all', true).map((e) => `${e.op} ${e.kind}`), ['delete room'],
      'with a default that notifies, "all" is the default again');
    const muted = effectiveRuleset({ ...quietGroups, override: [{ rule_id: ROOM, enabled: true, actions: [], conditions: [{ kind: 'event_match', key: 'room_id', pattern: ROOM }] }] }, ME);
    assert.equal(roomNotificationSetting(muted, ROOM, false), 'mute', 'a muted room stays muted');
  });
});
