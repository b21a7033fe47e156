/** The spec's redaction algorithm (room versions 11+ keys; older versions keep a superset we don't rely on). */
import type { JSONObject } from '../../../shared/rpc/index.ts';

const KEEP: Record<string, string[]> = {
  'm.room.member': ['membership', 'join_authorised_via_users_server', 'third_party_invite'],
  'm.room.create': [], // v11: the whole content is kept
  'm.room.join_rules': ['join_rule', 'allow'],
  'm.room.power_levels': ['ban', 'events', 'events_default', 'invite', 'kick', 'redact', 'state_default', 'users', 'users_default'],
  'm.room.history_visibility': ['history_visibility'],
  'm.room.redaction': ['redacts'],
};

export function redactContent(type: string, content: JSONObject): JSONObject {
  if (type === 'm.room.create') return content;
  const keep = KEEP[type];
  if (!keep) return {};
  const out: JSONObject = {};
  for (const k of keep) if (k in content) out[k] = content[k];
  return out;
}
