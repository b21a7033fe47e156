/**
 * The ignored users (spec: "Ignoring Users", m.ignored_user_list account data). The homeserver already leaves
 * their events and invites out of /sync; ingest filters them too (typing notifications come through regardless,
 * and what was stored before the ignore must not reach frontends afterwards).
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';

export const IGNORED_USER_LIST = 'm.ignored_user_list';

/** The user IDs an m.ignored_user_list content names (its `ignored_users` keys). */
export function ignoredUsers(content: JSONObject | undefined): Set<string> {
  const list = content?.ignored_users;
  return new Set(list && typeof list === 'object' && !Array.isArray(list) ? Object.keys(list) : []);
}

export function sameUsers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((u) => b.has(u));
}
