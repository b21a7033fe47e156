/**
 * The spec's server-default push rules (Client-Server API, "Predefined rules"), in the spec's order. They apply
 * when the account data has none, and a user's ruleset is merged over them (see evaluate.ts). The legacy mention
 * rules (.m.rule.contains_display_name, .m.rule.roomnotif, .m.rule.contains_user_name) are kept, as the spec
 * does, but skipped for events that carry `m.mentions` (intentional mentions).
 */
import type { PushRule, Ruleset } from './types.ts';

const SOUND = { set_tweak: 'sound', value: 'default' };
const HIGHLIGHT = { set_tweak: 'highlight' };
const match = (key: string, pattern: string) => ({ kind: 'event_match', key, pattern });

export function defaultRules(userId: string): Required<Ruleset> {
  const localpart = /^@([^:]+)/.exec(userId)?.[1] ?? userId;
  const rule = (rule_id: string, conditions: PushRule['conditions'], actions: PushRule['actions'], enabled = true): PushRule =>
    ({ rule_id, default: true, enabled, conditions, actions });
  return {
    override: [
      rule('.m.rule.master', [], [], false),
      rule('.m.rule.suppress_notices', [match('content.msgtype', 'm.notice')], []),
      rule('.m.rule.invite_for_me', [
        match('type', 'm.room.member'), match('content.membership', 'invite'), match('state_key', userId),
      ], ['notify', SOUND]),
      rule('.m.rule.member_event', [match('type', 'm.room.member')], []),
      rule('.m.rule.is_user_mention', [
        { kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId },
      ], ['notify', HIGHLIGHT, SOUND]),
      rule('.m.rule.contains_display_name', [{ kind: 'contains_display_name' }], ['notify', SOUND, HIGHLIGHT]),
      rule('.m.rule.is_room_mention', [
        { kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true },
        { kind: 'sender_notification_permission', key: 'room' },
      ], ['notify', HIGHLIGHT]),
      rule('.m.rule.roomnotif', [
        { kind: 'sender_notification_permission', key: 'room' }, match('content.body', '@room'),
      ], ['notify', HIGHLIGHT]),
      rule('.m.rule.tombstone', [match('type', 'm.room.tombstone'), match('state_key', '')], ['notify', HIGHLIGHT]),
      rule('.m.rule.reaction', [match('type', 'm.reaction')], []),
      rule('.m.rule.room.server_acl', [match('type', 'm.room.server_acl'), match('state_key', '')], []),
      rule('.m.rule.suppress_edits', [
        { kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' },
      ], []),
    ],
    content: [
      { rule_id: '.m.rule.contains_user_name', default: true, enabled: true, pattern: localpart, actions: ['notify', SOUND, HIGHLIGHT] },
    ],
    room: [],
    sender: [],
    underride: [
      rule('.m.rule.call', [match('type', 'm.call.invite')], ['notify', { set_tweak: 'sound', value: 'ring' }]),
      rule('.m.rule.encrypted_room_one_to_one', [
        { kind: 'room_member_count', is: '2' }, match('type', 'm.room.encrypted'),
      ], ['notify', SOUND]),
      rule('.m.rule.room_one_to_one', [
        { kind: 'room_member_count', is: '2' }, match('type', 'm.room.message'),
      ], ['notify', SOUND]),
      rule('.m.rule.message', [match('type', 'm.room.message')], ['notify']),
      rule('.m.rule.encrypted', [match('type', 'm.room.encrypted')], ['notify']),
    ],
  };
}

/** The rules that predate m.mentions; an event with m.mentions is judged by the intentional-mention rules alone. */
export const LEGACY_MENTION_RULES: ReadonlySet<string> = new Set([
  '.m.rule.contains_display_name', '.m.rule.roomnotif', '.m.rule.contains_user_name',
]);
