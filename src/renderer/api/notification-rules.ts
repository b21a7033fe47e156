/**
 * The account's push rules as the Settings screen reads them (the m.push_rules account data the backend keeps
 * current after each edit): everything on or off (the master rule: enabled means "notify for nothing") and the
 * user's keywords (their own content rules, one per word). The Off / On / Noisy level of each default rule, and of
 * the keywords, is in notification-defaults.ts.
 */
import type { JSONValue } from '../../shared/rpc/types.ts';
import type { Session } from './session.ts';
import type { StoreSnapshot } from './snapshot.ts';

export type RuleKind = 'override' | 'content' | 'room' | 'sender' | 'underride';

export interface RuleLite {
  rule_id: string;
  enabled?: boolean;
  default?: boolean;
  actions?: JSONValue[];
  pattern?: string;
}

export type RulesetLite = Partial<Record<RuleKind, RuleLite[]>>;

/** A rule, with where it lives. */
export interface RuleRef { kind: RuleKind; ruleId: string }

const MASTER: RuleRef = { kind: 'override', ruleId: '.m.rule.master' };

export interface NotificationSettings {
  /** False until the push rules have arrived (the switches are then disabled). */
  loaded: boolean;
  /** Notifications at all: the master rule is off. */
  enabled: boolean;
  /** The user's keyword rules, in the server's order. */
  keywords: string[];
}

/** The account's global push rules, as the m.push_rules account data holds them (undefined until it has come). */
export function rulesOf(snap: StoreSnapshot): RulesetLite | undefined {
  const global = snap.accountData['m.push_rules']?.content.global;
  return typeof global === 'object' && global !== null && !Array.isArray(global) ? global : undefined;
}

function find(rules: RulesetLite, ref: RuleRef): RuleLite | undefined {
  return rules[ref.kind]?.find((r) => r.rule_id === ref.ruleId);
}

const memo = new WeakMap<object, NotificationSettings>();
const NOT_LOADED: NotificationSettings = { loaded: false, enabled: true, keywords: [] };

/** The switches as the push rules set them. The same object while the rules are the same (for useSyncExternalStore). */
export function selectNotificationSettings(snap: StoreSnapshot): NotificationSettings {
  const rules = rulesOf(snap);
  if (!rules) return NOT_LOADED;
  const known = memo.get(rules);
  if (known) return known;
  const master = find(rules, MASTER);
  const settings: NotificationSettings = {
    loaded: true,
    enabled: !(master?.enabled ?? false),
    keywords: (rules.content ?? []).filter((r) => !r.default && !r.rule_id.startsWith('.') && typeof r.pattern === 'string')
      .map((r) => r.pattern!),
  };
  memo.set(rules, settings);
  return settings;
}

/** Why `word` cannot be a keyword, or null when it can. */
export function keywordProblem(word: string, existing: readonly string[]): string | null {
  const w = word.trim();
  if (!w) return 'Type a word to be notified about.';
  if (w.length > 100) return 'A keyword can be at most 100 characters.';
  if (w.startsWith('.')) return 'A keyword cannot start with a dot.';
  if (/[/\\]/.test(w)) return 'A keyword cannot contain / or \\.';
  if (existing.some((k) => k.toLowerCase() === w.toLowerCase())) return `"${w}" is already a keyword.`;
  return null;
}

export async function setNotificationsEnabled(session: Session, on: boolean): Promise<void> {
  // The master rule silences everything when enabled, so "notifications on" disables it.
  await session.client.request('update_push_rule', { kind: MASTER.kind, rule_id: MASTER.ruleId, action: on ? 'disable' : 'enable' });
}
