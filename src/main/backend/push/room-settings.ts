/**
 * A room's notification setting, as people choose it (all messages / mentions and keywords / mute), read from and
 * written as push rules the way other clients (Element, gomuks' mute_room) do, so the setting follows the account
 * everywhere:
 *   mute                   an override rule with the room's ID, matching room_id, without actions
 *   mentions_and_keywords  a room rule with the room's ID, without actions (mentions are override rules, so they
 *                          still match first; keywords are content rules, which come before room rules)
 *   all                    neither of the two
 */
import type { RoomNotificationSetting } from '../../../shared/rpc/index.ts';
import type { PushRule, RuleKind, Ruleset } from './types.ts';

export function roomNotificationSetting(rules: Ruleset, roomId: string): RoomNotificationSetting {
  const active = (kind: RuleKind) => (rules[kind] ?? []).find((r) => r.rule_id === roomId && r.enabled !== false);
  const override = active('override');
  if (override && isSilent(override)) return 'mute';
  const room = active('room');
  if (room && isSilent(room)) return 'mentions_and_keywords';
  return 'all';
}

/** A rule that matches and then does nothing: no notify (legacy `dont_notify` included). */
function isSilent(rule: PushRule): boolean {
  return !rule.actions.some((a) => a === 'notify' || a === 'coalesce');
}

export type RuleEdit =
  | { op: 'put'; kind: RuleKind; rule_id: string; rule: Pick<PushRule, 'actions' | 'conditions'> }
  | { op: 'delete'; kind: RuleKind; rule_id: string };

/** The push rule changes that turn the room's current rules into `setting`; none when it already is. */
export function roomSettingEdits(rules: Ruleset, roomId: string, setting: RoomNotificationSetting): RuleEdit[] {
  const has = (kind: RuleKind) => (rules[kind] ?? []).some((r) => r.rule_id === roomId);
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
      if (has('room')) edits.push({ op: 'delete', kind: 'room', rule_id: roomId });
      break;
    default: {
      const never: never = setting;
      throw new Error(`unknown notification setting ${String(never)}`);
    }
  }
  return edits;
}
