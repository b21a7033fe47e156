/**
 * Whether an invitation to us should alert, by the account's push rules: the renderer and the desktop shell announce
 * new invitations themselves (the backend's push evaluation covers timeline events, not invite state), so both
 * read the same two rules here. The master rule silences everything; `.m.rule.invite_for_me` switched off (the
 * Settings screen's "Invitations") or without notify keeps an invitation quiet, and its sound tweak is the sound.
 * A server without the rule gets the spec's default: notify, with a sound.
 */
import type { JSONValue } from './rpc/types.ts';

type Obj = Record<string, JSONValue>;
const isObj = (v: JSONValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function inviteAlert(pushRulesContent: JSONValue | undefined): { notify: boolean; sound: boolean } {
  const global = isObj(pushRulesContent) ? pushRulesContent.global : undefined;
  const override = isObj(global) && Array.isArray(global.override) ? global.override.filter(isObj) : [];
  if (override.some((r) => r.rule_id === '.m.rule.master' && r.enabled === true)) return { notify: false, sound: false };
  const rule = override.find((r) => r.rule_id === '.m.rule.invite_for_me');
  if (!rule) return { notify: true, sound: true };
  const actions = rule.enabled !== false && Array.isArray(rule.actions) ? rule.actions : [];
  const notify = actions.includes('notify');
  return { notify, sound: notify && actions.some((a) => isObj(a) && a.set_tweak === 'sound' && typeof a.value === 'string') };
}
