/**
 * The rest of the account-wide notification settings, as Element's notification settings read and write them
 * (element-web's models/notificationsettings), all on the spec's default push rules:
 * - the default for messages, "All messages" or "Mentions and keywords", in group chats (.m.rule.message,
 *   .m.rule.encrypted) and in one-to-one chats (.m.rule.room_one_to_one, .m.rule.encrypted_room_one_to_one):
 *   "all" when any of the pair is enabled and notifies; writing keeps both enabled and sets their actions to
 *   notify (no highlight) or dont_notify. A room's own rule (room or override kind) still comes first, so a room
 *   set to all messages, mentions or mute keeps that setting;
 * - other events: invitations, call invitations and room upgrades are their rules enabled or not; messages sent
 *   by bots is .m.rule.suppress_notices inverted (on = that rule does not silence them);
 * - sounds: the `sound` tweak on the rules that notify: mentions and keywords ("default", on the mention rules and
 *   the keyword rules), one-to-one chats ("default", on both DM rules and on the invitation rule, as Element does),
 *   group chats ("default", on the pair of message rules; Element's older settings called this "noisy") and calls
 *   ("ring").
 * Older servers lack some default rules: a setting whose rules are all missing reads null (the screen says so)
 * and its edit fails in words; one with some of its rules present edits those.
 */
import type { JSONValue } from '../../shared/rpc/types.ts';
import type { Session } from './session.ts';
import { rulesOf, type RuleKind, type RuleLite, type RuleRef, type RulesetLite } from './notification-rules.ts';
import type { StoreSnapshot } from './snapshot.ts';

export type MessageLevel = 'all' | 'mentions';
export type RuleGroupName = 'group' | 'dm';
export type OtherEvent = 'invite' | 'call' | 'bots' | 'tombstone';
export type SoundFor = 'mentions' | 'dm' | 'group' | 'calls';

const ref = (kind: RuleKind, ruleId: string): RuleRef => ({ kind, ruleId });
export const LEVEL_RULES: Record<RuleGroupName, readonly RuleRef[]> = {
  group: [ref('underride', '.m.rule.message'), ref('underride', '.m.rule.encrypted')],
  dm: [ref('underride', '.m.rule.room_one_to_one'), ref('underride', '.m.rule.encrypted_room_one_to_one')],
};
const OTHER_RULES: Record<OtherEvent, RuleRef> = {
  invite: ref('override', '.m.rule.invite_for_me'),
  call: ref('underride', '.m.rule.call'),
  bots: ref('override', '.m.rule.suppress_notices'),
  tombstone: ref('override', '.m.rule.tombstone'),
};
const MENTION_SOUND_RULES: readonly RuleRef[] = [
  ref('override', '.m.rule.is_user_mention'),
  ref('content', '.m.rule.contains_user_name'),
  ref('override', '.m.rule.contains_display_name'),
];

export interface NotificationDefaults {
  /** null: the server has none of the rules behind the setting. */
  level: Record<RuleGroupName, MessageLevel | null>;
  other: Record<OtherEvent, boolean | null>;
  sound: Record<SoundFor, boolean | null>;
}

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

/** The user's keyword rules (content rules not from the spec), which sound like mentions. */
function keywordRules(rules: RulesetLite): Located[] {
  return (rules.content ?? []).filter((r) => !r.rule_id.startsWith('.'))
    .map((rule) => ({ ref: ref('content', rule.rule_id), rule }));
}

interface Decoded { notify: boolean; sound?: string; highlight: boolean }

/** What a rule's actions ask for: legacy dont_notify is no notify, a highlight tweak without a value means true. */
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
/** Element's shouldNotify: any of them enabled and notifying. */
const anyNotifies = (found: readonly Located[]) => found.some((f) => enabled(f.rule) && decode(f.rule.actions).notify);
/** Element's determineSound: the sound of the first of them that is enabled and notifies with one. */
const soundOf = (found: readonly Located[]) => found.map((f) => (enabled(f.rule) ? decode(f.rule.actions) : undefined))
  .find((d) => d?.notify && d.sound)?.sound;
const anySound = (found: readonly Located[]) => soundOf(found) !== undefined;
/** Element's isMuted: enabled and asking for nothing (no notify, highlight or sound). */
const muted = (r: RuleLite) => { const d = decode(r.actions); return enabled(r) && !d.notify && !d.highlight && d.sound === undefined; };

const memo = new WeakMap<object, NotificationDefaults>();
const NOT_LOADED: NotificationDefaults = {
  level: { group: null, dm: null },
  other: { invite: null, call: null, bots: null, tombstone: null },
  sound: { mentions: null, dm: null, group: null, calls: null },
};

/** The settings as the push rules set them. The same object while the rules are the same (for useSyncExternalStore). */
export function selectNotificationDefaults(snap: StoreSnapshot): NotificationDefaults {
  const rules = rulesOf(snap);
  if (!rules) return NOT_LOADED;
  const known = memo.get(rules);
  if (known) return known;
  const orNull = <T>(found: readonly Located[], value: (f: readonly Located[]) => T): T | null => (found.length ? value(found) : null);
  const level = (g: RuleGroupName) => orNull(locate(rules, LEVEL_RULES[g]), (f) => (anyNotifies(f) ? 'all' as const : 'mentions' as const));
  const one = (e: OtherEvent) => locate(rules, [OTHER_RULES[e]]);
  const settings: NotificationDefaults = {
    level: { group: level('group'), dm: level('dm') },
    other: {
      invite: orNull(one('invite'), anyNotifies),
      call: orNull(one('call'), anyNotifies),
      bots: orNull(one('bots'), (f) => !muted(f[0].rule)),
      tombstone: orNull(one('tombstone'), anyNotifies),
    },
    sound: {
      mentions: orNull([...locate(rules, MENTION_SOUND_RULES), ...keywordRules(rules)], anySound),
      dm: orNull(locate(rules, LEVEL_RULES.dm), anySound),
      group: orNull(locate(rules, LEVEL_RULES.group), anySound),
      calls: orNull(one('call'), anySound),
    },
  };
  memo.set(rules, settings);
  return settings;
}

/** The requests that bring one rule to `want` (enabled state and actions), none for what already is so. */
function bring(found: Located, want: { enabled?: boolean; actions?: Decoded }): RuleEdit[] {
  const edits: RuleEdit[] = [];
  const base = { kind: found.ref.kind, rule_id: found.ref.ruleId };
  // Actions first, so a rule being switched on never notifies with its old actions in between.
  if (want.actions && !sameActions(decode(found.rule.actions), want.actions)) {
    edits.push({ ...base, action: 'put_actions', actions: encode(want.actions) });
  }
  if (want.enabled !== undefined && want.enabled !== enabled(found.rule)) edits.push({ ...base, action: want.enabled ? 'enable' : 'disable' });
  return edits;
}

const missing = (what: string) => new Error(`Your homeserver does not have the push rules for ${what}, so this cannot be changed here.`);
const DEFAULT_SOUND = 'default';

/** "All messages" or "Mentions and keywords" for group or one-to-one chats: the pair enabled, notifying or not. */
export function levelEdits(snap: StoreSnapshot, group: RuleGroupName, level: MessageLevel): RuleEdit[] {
  const found = locate(rulesOf(snap) ?? {}, LEVEL_RULES[group]);
  if (!found.length) throw missing(group === 'group' ? 'group chats' : 'one-to-one chats');
  // The sound stays as the sound switch reads it: none after "Mentions and keywords", as in Element.
  const sound = soundOf(found);
  const actions: Decoded = level === 'all' ? { notify: true, highlight: false, ...(sound ? { sound } : {}) } : { notify: false, highlight: false };
  return found.flatMap((f) => bring(f, { enabled: true, actions }));
}

/** An "other events" switch: the rule enabled or not (bots: suppress_notices the other way round). */
export function otherEdits(snap: StoreSnapshot, event: OtherEvent, on: boolean): RuleEdit[] {
  const rules = rulesOf(snap) ?? {};
  const found = locate(rules, [OTHER_RULES[event]])[0];
  if (!found) throw missing(({ invite: 'invitations', call: 'call invitations', bots: 'messages sent by bots', tombstone: 'room upgrades' })[event]);
  const current = decode(found.rule.actions);
  switch (event) {
    case 'bots':
      // Element: the rule silences bots when enabled, with dont_notify.
      return bring(found, on ? { enabled: false } : { enabled: true, ...(current.notify ? { actions: { notify: false, highlight: false } } : {}) });
    case 'tombstone':
      return bring(found, on ? { enabled: true, ...(current.notify ? {} : { actions: { notify: true, highlight: true } }) } : { enabled: false });
    case 'invite': {
      const sound = soundOf(locate(rules, LEVEL_RULES.dm));
      return bring(found, on ? { enabled: true, ...(current.notify ? {} : { actions: { notify: true, highlight: false, ...(sound ? { sound } : {}) } }) } : { enabled: false });
    }
    case 'call':
      return bring(found, on ? { enabled: true, ...(current.notify ? {} : { actions: { notify: true, highlight: false, sound: 'ring' } }) } : { enabled: false });
    default: {
      const never: never = event;
      throw new Error(`unknown event kind ${String(never)}`);
    }
  }
}

/** A "play a sound for" switch: the sound tweak on those of its rules whose actions notify (the rest stay quiet). */
export function soundEdits(snap: StoreSnapshot, what: SoundFor, on: boolean): RuleEdit[] {
  const rules = rulesOf(snap) ?? {};
  const targets: Record<SoundFor, () => Located[]> = {
    mentions: () => [...locate(rules, MENTION_SOUND_RULES), ...keywordRules(rules)],
    dm: () => locate(rules, [...LEVEL_RULES.dm, OTHER_RULES.invite]),
    group: () => locate(rules, LEVEL_RULES.group),
    calls: () => locate(rules, [OTHER_RULES.call]),
  };
  const found = targets[what]();
  if (!found.length) throw missing(({ mentions: 'mentions', dm: 'one-to-one chats', group: 'group chats', calls: 'calls' })[what]);
  const sound = on ? (what === 'calls' ? 'ring' : DEFAULT_SOUND) : undefined;
  return found.filter((f) => decode(f.rule.actions).notify).flatMap((f) => {
    const { notify, highlight } = decode(f.rule.actions);
    return bring(f, { actions: { notify, highlight, ...(sound ? { sound } : {}) } });
  });
}

/** Sends the edits one by one (the backend reads the rules back after each, so the screen follows). */
export async function applyEdits(session: Session, edits: readonly RuleEdit[]): Promise<void> {
  for (const e of edits) await session.client.request('update_push_rule', e);
}
