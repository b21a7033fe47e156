/**
 * A room's notification setting, as people choose it (all messages / mentions and keywords / mute), read from and
 * written as push rules the way other clients (Element, gomuks' mute_room) do, so the setting follows the account
 * everywhere:
 *   mute                   an override rule with the room's ID, matching room_id, without actions
 *   mentions_and_keywords  a room rule with the room's ID, without actions (mentions are override rules, so they
 *                          still match first; keywords are content rules, which come before room rules)
 *   all                    neither of the two while the account's default for the room's messages (the underride
 *                          rules: group or one-to-one chats) notifies; when that default is "mentions and keywords",
 *                          a room rule that notifies with a sound, as Element's "All messages" for a room
 * With neither rule the room follows the account's default, and reads as that default.
 */
import type { RoomNotificationSetting } from '../../../shared/rpc/index.ts';
import type { PushRule, RuleKind, Ruleset } from './types.ts';

/**
 * `defaultNotifies`: whether a plain message in the room notifies by the account's rules without the room's own
 * (and without the master rule, which silences everything and is a switch of its own).
 */
export function roomNotificationSetting(rules: Ruleset, roomId: string, defaultNotifies = true): RoomNotificationSetting {
  const active = (kind: RuleKind) => (rules[kind] ?? []).find((r) => r.rule_id === roomId && r.enabled !== false);
  const override = active('override');
  if (override && isSilent(override)) return 'mute';
  const room = active('room');
  if (room) return isSilent(room) ? 'mentions_and_keywords' : 'all';
  return defaultNotifies ? 'all' : 'mentions_and_keywords';
}

/** The account's rules as they would be without the room's own rules and the master rule (see defaultNotifies). */
export function withoutRoomRules(rules: Required<Ruleset>, roomId: string): Required<Ruleset> {
  return {
    ...rules,
    override: rules.override.filter((r) => r.rule_id !== roomId && r.rule_id !== '.m.rule.master'),
    room: rules.room.filter((r) => r.rule_id !== roomId),
  };
}

/** A rule that matches and then does nothing: no notify (legacy `dont_notify` included). */
function isSilent(rule: PushRule): boolean {
  return !rule.actions.some((a) => a === 'notify' || a === 'coalesce');
}

export type RuleEdit =
  | { op: 'put'; kind: RuleKind; rule_id: string; rule: Pick<PushRule, 'actions' | 'conditions'> }
  | { op: 'delete'; kind: RuleKind; rule_id: string };

/** The push rule changes that turn the room's current rules into `setting`; none when it already is. */
export function roomSettingEdits(rules: Ruleset, roomId: string, setting: RoomNotificationSetting, defaultNotifies = true): RuleEdit[] {
  const has = (kind: RuleKind) => (rules[kind] ?? []).some((r) => r.rule_id === roomId);
  const roomRule = (rules.room ?? []).find((r) => r.rule_id === roomId);
  const edits: RuleEdit[] = [];
  const muteRule: RuleEdit = {
    op: 'put', kind: 'override', rule_id: roomId,
    rule: { actions: [], conditions: [{ kind: 'event_match', key: 'room_id', pattern: roomId }] },
  };
  const quietRule: RuleEdit = { op: 'put', kind: 'room', rule_id: roomId, rule: { actions: [] } };
  switch (setting) {
    case 'mute':
      edits.push(muteRule);
      break;
    case 'mentions_and_keywords':
      if (has('override')) edits.push({ op: 'delete', kind: 'override', rule_id: roomId });
      edits.push(quietRule);
      break;
    case 'all':
      if (has('override')) edits.push({ op: 'delete', kind: 'override', rule_id: roomId });
      if (defaultNotifies) {
        if (roomRule) edits.push({ op: 'delete', kind: 'room', rule_id: roomId });
      } else if (!roomRule || roomRule.enabled === false || isSilent(roomRule)) {
        // The default would keep this room quiet: its own rule says all messages, and wins (room before underride).
        edits.push({ op: 'put', kind: 'room', rule_id: roomId, rule: { actions: ['notify', { set_tweak: 'sound', value: 'default' }] } });
      }
      break;
    default: {
      const never: never = setting;
      throw new Error(`unknown notification setting ${String(never)}`);
    }
  }
  return edits;
}
