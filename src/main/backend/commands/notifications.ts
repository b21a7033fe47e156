/**
 * Handlers of the notifications area: push rule edits through the homeserver's /pushrules API. After each edit
 * the account's rules are read back and stored as m.push_rules account data, and frontends get them at once in a
 * sync_complete, instead of only when the next sync brings the change.
 */
import type { notificationCommands } from '../../../shared/rpc/commands.ts';
import type { JSONObject, RoomNotificationSetting } from '../../../shared/rpc/index.ts';
import { MatrixError } from '../matrix/errors.ts';
import { effectiveRuleset, evaluatePushRules } from '../push/evaluate.ts';
import { PushEvaluator, pushRoomContext } from '../push/push-evaluator.ts';
import { roomNotificationSetting, roomSettingEdits, withoutRoomRules } from '../push/room-settings.ts';
import type { PushAction, PushRule, Ruleset } from '../push/types.ts';
import type { AreaHandlers, CommandContext, Session } from './context.ts';

export function notificationHandlers(ctx: CommandContext): AreaHandlers<typeof notificationCommands> {
  const storedRules = (s: Session): Required<Ruleset> => {
    const content = ctx.store.account.getAccountData('', 'm.push_rules');
    return effectiveRuleset(content?.global as Ruleset | undefined, s.userId);
  };
  /** Whether someone else's plain message in the room notifies by the account's defaults (the room's own rules aside). */
  const defaultNotifies = (s: Session, roomId: string): boolean => evaluatePushRules(
    withoutRoomRules(storedRules(s), roomId),
    { type: 'm.room.message', sender: '@someone-else:invalid', room_id: roomId, content: { msgtype: 'm.text', body: '' } },
    pushRoomContext(ctx.store, roomId, s.userId),
  ).notify;
  const readRoom = (s: Session, roomId: string) => roomNotificationSetting(storedRules(s), roomId, defaultNotifies(s, roomId));
  const setRoom = async (roomId: string, setting: RoomNotificationSetting, signal: AbortSignal) => {
    const s = ctx.requireSession();
    for (const edit of roomSettingEdits(storedRules(s), roomId, setting, defaultNotifies(s, roomId))) {
      if (edit.op === 'put') await s.client.pushRules.put(edit.kind, edit.rule_id, edit.rule, {}, signal);
      else await s.client.pushRules.delete(edit.kind, edit.rule_id, signal);
    }
    await refreshRules(ctx, s, signal);
    return readRoom(s, roomId);
  };
  return {
    mute_room: async ({ room_id: roomId, muted }, signal) => {
      ctx.requireRoom(roomId);
      const s = ctx.requireSession();
      if (muted) {
        await setRoom(roomId, 'mute', signal);
      } else if ((storedRules(s).override ?? []).some((r) => r.rule_id === roomId)) {
        // Unmuting removes only the mute rule: a room set to "mentions and keywords" before stays so.
        await s.client.pushRules.delete('override', roomId, signal);
        await refreshRules(ctx, s, signal);
      }
      return muted;
    },
    update_push_rule: ({ kind, rule_id: ruleId, action, new_content: content, actions }, signal): Promise<true> => worded(async () => {
      const s = ctx.requireSession();
      switch (action) {
        case 'enable':
        case 'disable':
          await s.client.pushRules.setEnabled(kind, ruleId, action === 'enable', signal);
          break;
        case 'put':
          await s.client.pushRules.put(kind, ruleId, ruleBody(content ?? {}), {}, signal);
          break;
        case 'delete':
          await s.client.pushRules.delete(kind, ruleId, signal);
          break;
        case 'put_actions':
          await s.client.pushRules.setActions(kind, ruleId, (actions ?? []) as PushAction[], signal);
          break;
        default: {
          const never: never = action;
          throw new Error(`unknown push rule action ${String(never)}`);
        }
      }
      await refreshRules(ctx, s, signal);
      return true as const;
    }),
    get_room_notification_setting: ({ room_id: roomId }) => {
      ctx.requireRoom(roomId);
      return readRoom(ctx.requireSession(), roomId);
    },
    set_room_notification_setting: ({ room_id: roomId, setting }, signal) => {
      ctx.requireRoom(roomId);
      return setRoom(roomId, setting, signal);
    },
  };
}

/** The homeserver's refusal of a rule change, in words. */
async function worded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MatrixError) throw new Error(`The homeserver refused the push rule change: ${e.message} (${e.errcode})`);
    throw e;
  }
}

/** Only the fields a rule body has (the server rejects the rest). */
function ruleBody(content: JSONObject): Pick<PushRule, 'actions' | 'conditions' | 'pattern'> {
  const body: Pick<PushRule, 'actions' | 'conditions' | 'pattern'> = {
    actions: Array.isArray(content.actions) ? content.actions as PushAction[] : [],
  };
  if (Array.isArray(content.conditions)) body.conditions = content.conditions as unknown as PushRule['conditions'];
  if (typeof content.pattern === 'string') body.pattern = content.pattern;
  return body;
}

/**
 * Reads the account's push rules from the homeserver and stores them as m.push_rules, telling frontends and the
 * push evaluator. After an edit, and when a sync answer carried rules that may predate the last edit.
 */
export async function refreshRules(ctx: Pick<CommandContext, 'store' | 'broadcast'>, s: Session, signal?: AbortSignal): Promise<void> {
  const { global } = await s.client.pushRules.getAll(signal);
  if (!global) return;
  const content = { global } as unknown as JSONObject;
  ctx.store.account.setAccountData('', 'm.push_rules', content);
  s.accountData.wrote('m.push_rules');
  PushEvaluator.for(ctx.store, s.userId).rulesChanged();
  ctx.broadcast('sync_complete', { account_data: { 'm.push_rules': { user_id: s.userId, type: 'm.push_rules', content } } });
}
