/**
 * The account-wide notification switches of the Settings screen, read from and written to the push rules (the
 * m.push_rules account data the backend keeps current after each edit):
 * - everything on or off: the master rule (enabled means "notify for nothing");
 * - mentions of me (my name, my user ID, an explicit m.mentions) and @room mentions: the spec's default rules for
 *   them, switched on or off;
 * - keywords: the user's own content rules, one per word, notifying and highlighting as Element's do.
 */
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
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

/** A default rule that belongs to a switch, with where it lives. */
export interface RuleRef { kind: RuleKind; ruleId: string }

const MASTER: RuleRef = { kind: 'override', ruleId: '.m.rule.master' };
export const MENTION_RULES: readonly RuleRef[] = [
  { kind: 'override', ruleId: '.m.rule.is_user_mention' },
  { kind: 'override', ruleId: '.m.rule.contains_display_name' },
  { kind: 'content', ruleId: '.m.rule.contains_user_name' },
];
export const ROOM_MENTION_RULES: readonly RuleRef[] = [
  { kind: 'override', ruleId: '.m.rule.is_room_mention' },
  { kind: 'override', ruleId: '.m.rule.roomnotif' },
];

/** What a keyword rule does: notify with a sound and highlight, like a mention. */
const KEYWORD_ACTIONS: JSONValue[] = ['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight' }];

export interface NotificationSettings {
  /** False until the push rules have arrived (the switches are then disabled). */
  loaded: boolean;
  /** Notifications at all: the master rule is off. */
  enabled: boolean;
  mentions: boolean;
  roomMentions: boolean;
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

/** A rule notifies when it is enabled and its actions include notify (an empty list, as of v1.7, means "don't"). */
function notifies(rule: RuleLite | undefined): boolean {
  return !!rule && rule.enabled !== false && !!rule.actions?.includes('notify');
}

const memo = new WeakMap<object, NotificationSettings>();
const NOT_LOADED: NotificationSettings = { loaded: false, enabled: true, mentions: true, roomMentions: true, keywords: [] };

/** The switches as the push rules set them. The same object while the rules are the same (for useSyncExternalStore). */
export function selectNotificationSettings(snap: StoreSnapshot): NotificationSettings {
  const rules = rulesOf(snap);
  if (!rules) return NOT_LOADED;
  const known = memo.get(rules);
  if (known) return known;
  const master = find(rules, MASTER);
  const present = (refs: readonly RuleRef[]) => refs.map((ref) => find(rules, ref)).filter((r) => r !== undefined);
  const settings: NotificationSettings = {
    loaded: true,
    enabled: !(master?.enabled ?? false),
    mentions: present(MENTION_RULES).some(notifies),
    roomMentions: present(ROOM_MENTION_RULES).some(notifies),
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

/** The update_push_rule requests that switch a group of default rules on or off (only those the server has). */
export function switchEdits(snap: StoreSnapshot, refs: readonly RuleRef[], on: boolean): { kind: RuleKind; rule_id: string; action: 'enable' | 'disable' }[] {
  const rules = rulesOf(snap) ?? {};
  return refs.filter((ref) => find(rules, ref) !== undefined)
    .map((ref) => ({ kind: ref.kind, rule_id: ref.ruleId, action: on ? 'enable' as const : 'disable' as const }));
}

export async function setNotificationsEnabled(session: Session, on: boolean): Promise<void> {
  // The master rule silences everything when enabled, so "notifications on" disables it.
  await session.client.request('update_push_rule', { kind: MASTER.kind, rule_id: MASTER.ruleId, action: on ? 'disable' : 'enable' });
}

export async function setRuleGroup(session: Session, refs: readonly RuleRef[], on: boolean): Promise<void> {
  const edits = switchEdits(session.store.getSnapshot(), refs, on);
  if (!edits.length) throw new Error('Your homeserver does not have the rules for this setting.');
  for (const edit of edits) await session.client.request('update_push_rule', edit);
}

export async function addKeyword(session: Session, word: string): Promise<void> {
  const w = word.trim();
  const problem = keywordProblem(w, selectNotificationSettings(session.store.getSnapshot()).keywords);
  if (problem) throw new Error(problem);
  const content: JSONObject = { pattern: w, actions: KEYWORD_ACTIONS };
  await session.client.request('update_push_rule', { kind: 'content', rule_id: w, action: 'put', new_content: content });
}

export async function removeKeyword(session: Session, word: string): Promise<void> {
  await session.client.request('update_push_rule', { kind: 'content', rule_id: word, action: 'delete' });
}
