/**
 * Handlers of the ignoring area. The list is read from the homeserver before it is changed, so an edit made on
 * another device a moment ago is kept rather than overwritten with a stale copy.
 */
import type { ignoringCommands } from '../../../shared/rpc/commands.ts';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { MatrixError } from '../matrix/errors.ts';
import { IGNORED_USER_LIST, ignoredUsers } from '../sync/ignored-users.ts';
import type { AreaHandlers, CommandContext, Session } from './context.ts';

export function ignoringHandlers(ctx: CommandContext): AreaHandlers<typeof ignoringCommands> {
  async function change(userId: string, ignore: boolean, signal: AbortSignal): Promise<boolean> {
    const s = ctx.requireSession();
    if (ignore && userId === s.userId) throw new Error('You cannot ignore yourself.');
    const content = await currentList(s, signal);
    const list = { ...(isObj(content.ignored_users) ? content.ignored_users : {}) };
    if (ignore === Object.hasOwn(list, userId)) return false;
    if (ignore) list[userId] = {};
    else delete list[userId];
    await s.client.account.setAccountData(s.userId, IGNORED_USER_LIST, { ...content, ignored_users: list });
    // The next /sync brings the new list; the sync loop then resyncs so that stored history follows it.
    return true;
  }

  return {
    ignore_user: ({ user_id: userId }, signal) => change(userId, true, signal),
    unignore_user: ({ user_id: userId }, signal) => change(userId, false, signal),
    get_ignored_users: () => [...ignoredUsers(ctx.store.account.getAccountData('', IGNORED_USER_LIST))],
  };
}

async function currentList(s: Session, signal: AbortSignal): Promise<JSONObject> {
  try {
    return await s.client.account.getAccountData(s.userId, IGNORED_USER_LIST, signal) as JSONObject;
  } catch (e) {
    // Never set: an empty list.
    if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return {};
    throw e;
  }
}

function isObj(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
