/**
 * Push rules as the spec's `m.push_rules` account data carries them. Every field comes from the network or from
 * account data, so the evaluator checks each one before use rather than trusting these types.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';

export const RULE_KINDS = ['override', 'content', 'room', 'sender', 'underride'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** `notify`, the legacy `dont_notify` and `coalesce`, or `{ set_tweak, value }`; unknown actions are ignored. */
export type PushAction = string | { set_tweak: string; value?: unknown };

export interface PushCondition {
  kind: string;
  key?: string;
  pattern?: string;
  value?: unknown;
  is?: string;
}

export interface PushRule {
  rule_id: string;
  default?: boolean;
  enabled?: boolean;
  actions: PushAction[];
  conditions?: PushCondition[];
  /** Content rules: a glob matched against content.body. */
  pattern?: string;
}

export type Ruleset = Partial<Record<RuleKind, PushRule[]>>;

/** The room an event is evaluated in: what the conditions that are not about the event itself need. */
export interface PushRoomContext {
  /** Our own user ID: own events never notify, and the default rules match it. */
  userId: string;
  /** Our display name in this room (contains_display_name); none or empty never matches. */
  displayName?: string;
  /** Joined members (room_member_count). */
  memberCount: number;
  /** The room's m.room.power_levels content (sender_notification_permission). */
  powerLevels?: JSONObject;
  /** Users whose power is unlimited (room version 12 creators). */
  creators?: readonly string[];
}

/** An event as the evaluator sees it: the client-format fields the conditions' keys address. */
export interface PushEvent {
  type: string;
  sender: string;
  content: JSONObject;
  state_key?: string;
  room_id?: string;
  event_id?: string;
}

/** What the matching rule asks for. */
export interface PushResult {
  notify: boolean;
  highlight: boolean;
  /** The sound tweak, when the rule sets one (e.g. "default", "ring"). */
  sound?: string;
  /** `kind:rule_id` of the matching rule, for diagnostics. */
  rule?: string;
}

/** gomuks' unread_type bit flags on events. */
export const UnreadType = { None: 0, Normal: 1, Notify: 2, Highlight: 4, Sound: 8 } as const;
