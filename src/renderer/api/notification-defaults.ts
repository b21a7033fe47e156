/**
 * The account-wide notification levels of the Settings screen, Off / On / Noisy for each of the spec's default push
 * rules that Element's notification settings show (element-web's VectorPushRulesDefinitions), read from and written
 * to the m.push_rules account data:
 * - messages: one-to-one chats, encrypted one-to-one chats, group chats, encrypted group chats. On notifies, Noisy
 *   adds the default sound, Off keeps the rule enabled with dont_notify (so the spec's rule still wins over the
 *   fallback rules after it, as Element does). The poll rules of each follow their chat kind, as Element syncs them;
 * - mentions: my display name (with the intentional-mention rule `is_user_mention` following it), my username, and
 *   @room (with `is_room_mention` following it). On notifies, Noisy highlights (and for my name, plays the sound);
 *   Off keeps the rules enabled with dont_notify, as Element's current settings write them (an older server's
 *   disabled rule reads as Off too);
 * - keywords: every keyword rule at once (the user's content rules). On notifies, Noisy highlights with the sound,
 *   Off disables them (Element's keywords, unlike mentions, are switched off by disabling);
 * - other events: invitations (Noisy: the default sound), call invitations (Noisy: the ring), room upgrades (Noisy:
 *   a highlight), all three Off by disabling; messages sent by bots, `.m.rule.suppress_notices` the other way round
 *   (On: that rule disabled; Off: enabled with dont_notify; Noisy: enabled, notifying with the sound).
 * A level is read leniently (any rule that is disabled or does not notify is Off; one that notifies with the
 * Noisy level's sound, or for rules whose Noisy is a highlight, with a highlight, is Noisy) so rules written by other
 * clients still show a choice. A row whose rule the server lacks reads null (the screen says so) and its edit fails.
 * Adding a keyword gives it the keywords' level (Noisy for the first, as before).
 */
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import type { Session } from './session.ts';
import { keywordProblem, rulesOf, selectNotificationSettings, type RuleKind, type RuleLite, type RuleRef, type RulesetLite } from './notification-rules.ts';
import type { StoreSnapshot } from './snapshot.ts';

export type Level = 'off' | 'on' | 'noisy';
export const LEVELS: readonly Level[] = ['off', 'on', 'noisy'];

export type RowId = 'dm' | 'encrypted_dm' | 'group' | 'encrypted_group' | 'display_name' | 'user_name' | 'room' | 'keywords'
  | 'invite' | 'call' | 'bots' | 'tombstone';
export type SectionId = 'messages' | 'mentions' | 'other';

/** What a rule's actions ask for. */
interface Decoded { notify: boolean; sound?: string; highlight: boolean }

interface RowDef {
  id: RowId;
  label: string;
  /** The rule the row shows (none for keywords, which are all the user's content rules). */
  rule?: RuleRef;
  /** Rules written along with it, when the server has them. */
  follow: readonly RuleRef[];
  on: Decoded;
  noisy: Decoded;
  /** Off as dont_notify on an enabled rule, or the rule disabled. */
  off: 'dont_notify' | 'disable';
  /** suppress_notices: enabled means "silence bots", so On is the rule disabled. */
  inverted?: boolean;
}

const ref = (kind: RuleKind, ruleId: string): RuleRef => ({ kind, ruleId });
const under = (ruleId: string) => ref('underride', ruleId);
const over = (ruleId: string) => ref('override', ruleId);
const polls = (suffix: string) => ['poll_start', 'poll_end'].flatMap((p) => [
  under(`.m.rule.${p}${suffix}`), under(`.org.matrix.msc3930.rule.${p}${suffix}`),
]);

const NOTIFY: Decoded = { notify: true, highlight: false };
const NOTIFY_SOUND: Decoded = { notify: true, highlight: false, sound: 'default' };
const HIGHLIGHT: Decoded = { notify: true, highlight: true };
const HIGHLIGHT_SOUND: Decoded = { notify: true, highlight: true, sound: 'default' };
const DONT_NOTIFY: Decoded = { notify: false, highlight: false };

const ROWS: Record<SectionId, readonly RowDef[]> = {
  messages: [
    { id: 'dm', label: 'Messages in one-to-one chats', rule: under('.m.rule.room_one_to_one'), follow: polls('_one_to_one'), on: NOTIFY, noisy: NOTIFY_SOUND, off: 'dont_notify' },
    { id: 'encrypted_dm', label: 'Encrypted messages in one-to-one chats', rule: under('.m.rule.encrypted_room_one_to_one'), follow: [], on: NOTIFY, noisy: NOTIFY_SOUND, off: 'dont_notify' },
    { id: 'group', label: 'Messages in group chats', rule: under('.m.rule.message'), follow: polls(''), on: NOTIFY, noisy: NOTIFY_SOUND, off: 'dont_notify' },
    { id: 'encrypted_group', label: 'Encrypted messages in group chats', rule: under('.m.rule.encrypted'), follow: [], on: NOTIFY, noisy: NOTIFY_SOUND, off: 'dont_notify' },
  ],
  mentions: [
    { id: 'display_name', label: 'Messages containing my display name', rule: over('.m.rule.contains_display_name'), follow: [over('.m.rule.is_user_mention')], on: NOTIFY, noisy: HIGHLIGHT_SOUND, off: 'dont_notify' },
    { id: 'user_name', label: 'Messages containing my username', rule: ref('content', '.m.rule.contains_user_name'), follow: [], on: NOTIFY, noisy: HIGHLIGHT_SOUND, off: 'dont_notify' },
    { id: 'room', label: 'Messages containing @room', rule: over('.m.rule.roomnotif'), follow: [over('.m.rule.is_room_mention')], on: NOTIFY, noisy: HIGHLIGHT, off: 'dont_notify' },
    { id: 'keywords', label: 'Messages containing keywords', follow: [], on: NOTIFY, noisy: HIGHLIGHT_SOUND, off: 'disable' },
  ],
  other: [
    { id: 'invite', label: 'When I\'m invited to a room', rule: over('.m.rule.invite_for_me'), follow: [], on: NOTIFY, noisy: NOTIFY_SOUND, off: 'disable' },
    { id: 'call', label: 'Call invitation', rule: under('.m.rule.call'), follow: [], on: NOTIFY, noisy: { notify: true, highlight: false, sound: 'ring' }, off: 'disable' },
    { id: 'bots', label: 'Messages sent by bots', rule: over('.m.rule.suppress_notices'), follow: [], on: NOTIFY, noisy: NOTIFY_SOUND, off: 'dont_notify', inverted: true },
    { id: 'tombstone', label: 'When rooms are upgraded', rule: over('.m.rule.tombstone'), follow: [], on: NOTIFY, noisy: HIGHLIGHT, off: 'disable' },
  ],
};
export const SECTIONS: readonly { id: SectionId; title: string; rows: readonly { id: RowId; label: string }[] }[] = [
  { id: 'messages', title: 'Messages', rows: ROWS.messages },
  { id: 'mentions', title: 'Mentions & keywords', rows: ROWS.mentions },
  { id: 'other', title: 'Other', rows: ROWS.other },
];
const ROW_BY_ID = new Map(Object.values(ROWS).flat().map((r) => [r.id, r]));

/** One update_push_rule request. */
export interface RuleEdit {
  kind: RuleKind;
  rule_id: string;
  action: 'enable' | 'disable' | 'put_actions';
  actions?: JSONValue[];
}

interface Located { ref: RuleRef; rule: RuleLite }

function locate(rules: RulesetLite, refs: readonly RuleRef[]): Located[] {
  const out: Located[] = [];
  for (const r of refs) {
    const rule = rules[r.kind]?.find((x) => x.rule_id === r.ruleId);
    if (rule) out.push({ ref: r, rule });
  }
  return out;
}

/** The user's keyword rules: content rules not from the spec. */
function keywordRules(rules: RulesetLite): Located[] {
  return (rules.content ?? []).filter((r) => !r.default && !r.rule_id.startsWith('.') && typeof r.pattern === 'string')
    .map((rule) => ({ ref: ref('content', rule.rule_id), rule }));
}

/** What actions ask for: dont_notify or no notify at all is quiet; a highlight tweak without a value means true. */
function decode(actions: readonly JSONValue[] | undefined): Decoded {
  const d: Decoded = { notify: false, highlight: false };
  for (const a of actions ?? []) {
    if (a === 'notify' || a === 'coalesce') d.notify = true;
    else if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
      if (a.set_tweak === 'sound' && typeof a.value === 'string') d.sound = a.value;
      else if (a.set_tweak === 'highlight') d.highlight = a.value === undefined || a.value === true;
    }
  }
  return d;
}

/** Element's encoding: notify, then the sound, then the highlight tweak (false spelled out); else dont_notify. */
function encode(d: Decoded): JSONValue[] {
  if (!d.notify) return ['dont_notify'];
  const out: JSONValue[] = ['notify'];
  if (d.sound) out.push({ set_tweak: 'sound', value: d.sound });
  out.push(d.highlight ? { set_tweak: 'highlight' } : { set_tweak: 'highlight', value: false });
  return out;
}

const sameActions = (a: Decoded, b: Decoded) => a.notify === b.notify && a.highlight === b.highlight && a.sound === b.sound;
const enabled = (r: RuleLite) => r.enabled !== false;

/** The level one rule is at, for a row. */
function levelOf(def: RowDef, rule: RuleLite): Level {
  if (def.inverted && !enabled(rule)) return 'on';
  const d = decode(rule.actions);
  if (!enabled(rule) || !d.notify) return 'off';
  const noisy = def.noisy.sound ? d.sound !== undefined : d.highlight;
  return noisy ? 'noisy' : 'on';
}

/** Keywords: Off when none notifies; otherwise Noisy when any that notifies is noisy. Null without keywords. */
function keywordLevel(def: RowDef, found: readonly Located[]): Level | null {
  if (!found.length) return null;
  const levels = found.map((f) => levelOf(def, f.rule));
  if (levels.every((l) => l === 'off')) return 'off';
  return levels.includes('noisy') ? 'noisy' : 'on';
}

type NotificationLevels = Record<RowId, Level | null>;

const memo = new WeakMap<object, NotificationLevels>();
const NOT_LOADED = Object.fromEntries([...ROW_BY_ID.keys()].map((id) => [id, null])) as NotificationLevels;

/** Every row's level as the push rules set it. The same object while the rules are the same (for useSyncExternalStore). */
export function selectNotificationLevels(snap: StoreSnapshot): NotificationLevels {
  const rules = rulesOf(snap);
  if (!rules) return NOT_LOADED;
  const known = memo.get(rules);
  if (known) return known;
  const levels = {} as NotificationLevels;
  for (const def of ROW_BY_ID.values()) {
    if (!def.rule) { levels[def.id] = keywordLevel(def, keywordRules(rules)); continue; }
    const found = locate(rules, [def.rule])[0];
    levels[def.id] = found ? levelOf(def, found.rule) : null;
  }
  memo.set(rules, levels);
  return levels;
}

/** The requests that bring one rule to `want` (enabled state and actions), none for what already is so. */
function bring(found: Located, want: { enabled: boolean; actions?: Decoded }): RuleEdit[] {
  const edits: RuleEdit[] = [];
  const base = { kind: found.ref.kind, rule_id: found.ref.ruleId };
  // Actions first, so a rule being switched on never notifies with its old actions in between.
  if (want.actions && !sameActions(decode(found.rule.actions), want.actions)) {
    edits.push({ ...base, action: 'put_actions', actions: encode(want.actions) });
  }
  if (want.enabled !== enabled(found.rule)) edits.push({ ...base, action: want.enabled ? 'enable' : 'disable' });
  return edits;
}

/** What a rule of the row becomes at `level`: its enabled state and, when enabled, its actions. */
function targetOf(id: RowId, level: Level): { enabled: boolean; actions?: Decoded } {
  const def = ROW_BY_ID.get(id)!;
  if (def.inverted) return level === 'on' ? { enabled: false } : { enabled: true, actions: level === 'noisy' ? def.noisy : DONT_NOTIFY };
  if (level === 'off') return def.off === 'disable' ? { enabled: false } : { enabled: true, actions: DONT_NOTIFY };
  return { enabled: true, actions: level === 'noisy' ? def.noisy : def.on };
}

/** The edits that put a row at `level`: its rule and those that follow it (keywords: every keyword rule). */
export function levelEdits(snap: StoreSnapshot, id: RowId, level: Level): RuleEdit[] {
  const def = ROW_BY_ID.get(id);
  if (!def) throw new Error(`Unknown notification setting ${id}.`);
  const rules = rulesOf(snap) ?? {};
  if (!def.rule) {
    const found = keywordRules(rules);
    if (!found.length) throw new Error('Add a keyword first.');
    const want = targetOf(id, level);
    // Off leaves each keyword's actions alone (a keyword turned back on keeps its flavour, as in Element).
    return found.flatMap((f) => bring(f, want));
  }
  const main = locate(rules, [def.rule]);
  if (!main.length) throw new Error(`Your homeserver does not have the push rule for "${def.label}", so it cannot be changed here.`);
  const want = targetOf(id, level);
  return [...main, ...locate(rules, def.follow)].flatMap((f) => bring(f, want));
}

/** The actions (and whether enabled) a new keyword gets: the keywords' level, Noisy when there are none yet. */
export function newKeywordTarget(snap: StoreSnapshot): { enabled: boolean; actions: JSONValue[] } {
  const rules = rulesOf(snap) ?? {};
  const def = ROW_BY_ID.get('keywords')!;
  const found = keywordRules(rules);
  const level = keywordLevel(def, found) ?? 'noisy';
  if (level !== 'off') return { enabled: true, actions: encode(level === 'noisy' ? def.noisy : def.on) };
  // All keywords are off: the new one is too, with the flavour of the first (Element's choice).
  return { enabled: false, actions: encode(levelOf(def, { ...found[0].rule, enabled: true }) === 'on' ? def.on : def.noisy) };
}

/** Sends the edits one by one (the backend reads the rules back after each, so the screen follows). */
export async function applyEdits(session: Session, edits: readonly RuleEdit[]): Promise<void> {
  for (const e of edits) await session.client.request('update_push_rule', e);
}

/** Adds a keyword rule at the keywords' level (put, then disable when the keywords are off). */
export async function addKeyword(session: Session, word: string): Promise<void> {
  const w = word.trim();
  const snap = session.store.getSnapshot();
  const problem = keywordProblem(w, selectNotificationSettings(snap).keywords);
  if (problem) throw new Error(problem);
  const target = newKeywordTarget(snap);
  const content: JSONObject = { pattern: w, actions: target.actions };
  await session.client.request('update_push_rule', { kind: 'content', rule_id: w, action: 'put', new_content: content });
  if (!target.enabled) await session.client.request('update_push_rule', { kind: 'content', rule_id: w, action: 'disable' });
}

export async function removeKeyword(session: Session, word: string): Promise<void> {
  await session.client.request('update_push_rule', { kind: 'content', rule_id: word, action: 'delete' });
}
