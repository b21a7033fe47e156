/**
 * The push rule evaluator: which rule of the user's ruleset (merged with the spec's defaults) matches an event, what
 * it asks for (notify, highlight, sound), and the event's unread_type flags. Pure: no database, no network; the
 * caller gives the ruleset and the room's context.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { isJsonObject } from '../matrix/json-shapes.ts';
import { compileCondition, type CompiledCondition } from './conditions.ts';
import { defaultRules, LEGACY_MENTION_RULES } from './default-rules.ts';
import {
  RULE_KINDS, UnreadType, type PushAction, type PushEvent, type PushResult, type PushRoomContext, type PushRule,
  type RuleKind, type Ruleset,
} from './types.ts';

/**
 * The ruleset to evaluate: the user's (the `global` of m.push_rules, which servers fill with the defaults too)
 * with every spec default it lacks added in the spec's place (.m.rule.master first, the rest after the user's
 * rules of their kind). Malformed rules are dropped.
 */
export function effectiveRuleset(user: Ruleset | undefined, userId: string): Required<Ruleset> {
  const defaults = defaultRules(userId);
  const out = {} as Required<Ruleset>;
  for (const kind of RULE_KINDS) {
    const given = (Array.isArray(user?.[kind]) ? user[kind] : []).filter(isRule);
    const have = new Set(given.map((r) => r.rule_id));
    const missing = defaults[kind].filter((r) => !have.has(r.rule_id));
    const master = missing.filter((r) => r.rule_id === '.m.rule.master');
    out[kind] = [...master, ...given, ...missing.filter((r) => r.rule_id !== '.m.rule.master')];
  }
  return out;
}

/** The first matching enabled rule's actions. Our own events never notify. */
export function evaluatePushRules(rules: Required<Ruleset>, ev: PushEvent, room: PushRoomContext): PushResult {
  const result = matchingResult(rules, ev, room);
  return result ? { ...result } : { notify: false, highlight: false };
}

/** The first matching enabled rule's result as compiled (shared: not to be changed), undefined for none. */
function matchingResult(rules: Required<Ruleset>, ev: PushEvent, room: PushRoomContext): Readonly<PushResult> | undefined {
  if (ev.sender === room.userId) return undefined;
  const intentional = Object.hasOwn(ev.content, 'm.mentions');
  for (const rule of candidates(rules, ev.type)) {
    if (intentional && rule.legacyMention) continue;
    if (rule.test(ev, room)) return rule.result;
  }
  return undefined;
}

/** An enabled rule made ready to test: its conditions compiled once, its actions read once. */
interface CompiledRule {
  legacyMention: boolean;
  result: PushResult;
  test: CompiledCondition;
  /** Whether an event of this type can match, from the rule's conditions on `type` alone (true without any). */
  typeAllows: (type: string) => boolean;
}

/**
 * The rules that can match an event of each type, in order, per compiled ruleset: most rules name an event type
 * (member events, tombstones, reactions, calls, encrypted events), and a message need not be tested against them.
 * Only a rule's conditions on `type` decide this, so the result is exact. Types are few; the map is bounded anyway.
 */
const candidatesByType = new WeakMap<CompiledRule[], Map<string, CompiledRule[]>>();
const MAX_TYPES = 256;

function candidates(rules: Required<Ruleset>, type: string): CompiledRule[] {
  const all = compiled(rules);
  let byType = candidatesByType.get(all);
  if (!byType) candidatesByType.set(all, (byType = new Map<string, CompiledRule[]>()));
  let out = byType.get(type);
  if (!out) {
    if (byType.size >= MAX_TYPES) byType.clear();
    out = all.filter((r) => r.typeAllows(type));
    byType.set(type, out);
  }
  return out;
}

/**
 * Every event of a sync is evaluated against the same ruleset object (PushEvaluator keeps it until m.push_rules
 * changes), so it is compiled once per object: keys split, globs made regular expressions, actions read.
 */
const compiledRulesets = new WeakMap<Required<Ruleset>, CompiledRule[]>();

function compiled(rules: Required<Ruleset>): CompiledRule[] {
  let out = compiledRulesets.get(rules);
  if (!out) {
    out = [];
    for (const kind of RULE_KINDS) {
      for (const rule of rules[kind]) {
        if (rule.enabled === false) continue;
        out.push({
          legacyMention: LEGACY_MENTION_RULES.has(rule.rule_id),
          result: { ...readActions(rule.actions), rule: `${kind}:${rule.rule_id}` },
          test: compileRule(kind, rule),
          typeAllows: typeCondition(kind, rule),
        });
      }
    }
    compiledRulesets.set(rules, out);
  }
  return out;
}

/** The part of an override or underride rule that looks only at the event's type, as a test of a type. */
function typeCondition(kind: RuleKind, rule: PushRule): (type: string) => boolean {
  if (kind !== 'override' && kind !== 'underride') return () => true;
  const tests = (rule.conditions ?? []).filter((c) => c.kind === 'event_match' && c.key === 'type').map(compileCondition);
  if (tests.length === 0) return () => true;
  const room: PushRoomContext = { userId: '', memberCount: 0 };
  return (type) => tests.every((t) => t({ type, sender: '', content: {} }, room));
}

function compileRule(kind: RuleKind, rule: PushRule): CompiledCondition {
  switch (kind) {
    case 'override':
    case 'underride': {
      // All must hold, so the order is free: the ones that look at the event come first, and the ones that read
      // the room's state (display name, power levels) only run for the few events the others let through.
      const conditions = rule.conditions ?? [];
      const tests = [
        ...conditions.filter((c) => !NEEDS_ROOM_STATE.has(c.kind)),
        ...conditions.filter((c) => NEEDS_ROOM_STATE.has(c.kind)),
      ].map(compileCondition);
      return (ev, room) => {
        for (const t of tests) if (!t(ev, room)) return false;
        return true;
      };
    }
    case 'content':
      return typeof rule.pattern === 'string'
        ? compileCondition({ kind: 'event_match', key: 'content.body', pattern: rule.pattern })
        : () => false;
    case 'room': {
      const roomId = rule.rule_id;
      return (ev) => roomId === ev.room_id;
    }
    case 'sender': {
      const sender = rule.rule_id;
      return (ev) => sender === ev.sender;
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * Actions, with the legacy forms: `dont_notify` is the same as no action, `coalesce` counts as `notify`, a
 * highlight tweak without a value means true. Unknown actions and tweaks are ignored.
 */
export function readActions(actions: readonly PushAction[]): Omit<PushResult, 'rule'> {
  const r: Omit<PushResult, 'rule'> = { notify: false, highlight: false };
  for (const a of actions) {
    if (a === 'notify' || a === 'coalesce') r.notify = true;
    else if (typeof a === 'object' && a !== null && a.set_tweak === 'highlight') r.highlight = a.value === undefined || a.value === true;
    else if (typeof a === 'object' && a !== null && a.set_tweak === 'sound' && typeof a.value === 'string') r.sound = a.value;
  }
  return r;
}

const UNREAD_TYPES: ReadonlySet<string> = new Set(['m.room.message', 'm.sticker', 'm.room.encrypted', 'm.poll.start', 'org.matrix.msc3381.poll.start']);

/** Events a person would count as a new message in the room list (not edits, reactions, state or our own). */
export function countsAsUnread(ev: PushEvent, ownUserId: string): boolean {
  if (ev.sender === ownUserId || ev.state_key !== undefined) return false;
  if (!UNREAD_TYPES.has(ev.type)) return false;
  const rel = ev.content['m.relates_to'] as JSONObject | undefined;
  return !(rel && typeof rel === 'object' && rel.rel_type === 'm.replace');
}

/**
 * The seam for sync ingest: the unread_type bit flags (gomuks' UnreadType) to store on one incoming event. The
 * ingest calls this per timeline event with the room's context and the ruleset from m.push_rules.
 */
export function unreadTypeOf(rules: Required<Ruleset>, ev: PushEvent, room: PushRoomContext): number {
  let t: number = countsAsUnread(ev, room.userId) ? UnreadType.Normal : UnreadType.None;
  // Every event of a sync comes here: the rule's own result is read, not a copy of it.
  const r = matchingResult(rules, ev, room);
  // Highlight and sound are tweaks of a notification: without notify they mean nothing.
  if (!r) return t;
  if (r.notify) t |= UnreadType.Notify;
  if (r.notify && r.highlight) t |= UnreadType.Highlight;
  if (r.notify && r.sound) t |= UnreadType.Sound;
  return t;
}

const NEEDS_ROOM_STATE: ReadonlySet<string> = new Set(['contains_display_name', 'sender_notification_permission']);

function isRule(r: unknown): r is PushRule {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Partial<PushRule>;
  // Every condition an object: a rule holding anything else in its list is malformed, and dropped with the rest.
  return typeof o.rule_id === 'string' && Array.isArray(o.actions)
    && (o.conditions === undefined || (Array.isArray(o.conditions) && o.conditions.every(isJsonObject)));
}
