/** Commands about notifications: push rules (gomuks' mute_room and update_push_rule) and per-room settings. */
import { z } from 'zod';
import type { RoomNotificationSetting } from '../types.ts';
import { command, type CommandArea } from './define.ts';
import { jsonObject, roomIdField } from './fields.ts';

const ruleKind = z.enum(['override', 'content', 'room', 'sender', 'underride']);
const setting = z.enum(['all', 'mentions_and_keywords', 'mute']);

export const notificationCommands = {
  /** Mutes or unmutes a room through a push rule. Answers `muted`, as gomuks does. */
  mute_room: command(z.object({
    room_id: roomIdField,
    muted: z.boolean(),
  })).returns<boolean>(),
  /**
   * Edits one push rule: enable, disable, put (create or replace with `new_content`: actions, conditions or
   * pattern), delete, or put_actions (`actions`).
   */
  update_push_rule: command(z.object({
    kind: ruleKind,
    rule_id: z.string().min(1),
    action: z.enum(['enable', 'disable', 'put', 'delete', 'put_actions']),
    new_content: jsonObject.optional(),
    actions: z.array(z.unknown()).optional(),
  }).refine((d) => d.action !== 'put' || d.new_content !== undefined, { message: 'put needs new_content' })
    .refine((d) => d.action !== 'put_actions' || d.actions !== undefined, { message: 'put_actions needs actions' }))
    .returns<true>(),
  /** The room's notification setting, read from the push rules (Lattice's own command). */
  get_room_notification_setting: command(z.object({
    room_id: roomIdField,
  })).returns<RoomNotificationSetting>(),
  /** Sets the room's notification setting by editing push rules (Lattice's own command). Answers the new setting. */
  set_room_notification_setting: command(z.object({
    room_id: roomIdField,
    setting,
  })).returns<RoomNotificationSetting>(),
} satisfies CommandArea;
