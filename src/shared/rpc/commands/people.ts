/**
 * Commands about people and the account: profiles, shared rooms, account data, typing notifications and
 * (unencrypted) to-device messages.
 */
import { z } from 'zod';
import type { AccountInfo, RespEmpty, RespUserProfile } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { empty, eventTypeField, jsonObject, roomIdField, userIdField } from './fields.ts';

/** user ID → device ID (or `*`) → content. */
const toDeviceMessages = z.record(userIdField, z.record(z.string().min(1), jsonObject));

export const peopleCommands = {
  get_profile: command(z.object({ user_id: userIdField })).returns<RespUserProfile>(),
  /** Sets a field of our own profile (displayname, avatar_url, or an extended profile field). */
  set_profile_field: command(z.object({
    field: z.string().regex(/^[^\s/]+$/, 'must be a profile field name like displayname'),
    value: z.unknown().refine((v) => v !== undefined, 'is required'),
  })).returns<boolean>(),
  /** Rooms this account shares with the user, sorted. */
  get_mutual_rooms: command(z.object({ user_id: userIdField })).returns<string[]>(),
  /** The signed-in account (its access token is never handed out: the field is empty). */
  get_account_info: command(empty).returns<AccountInfo>(),
  /** Sets global account data, or a room's when room_id is given. */
  set_account_data: command(z.object({
    room_id: roomIdField.optional(),
    type: eventTypeField,
    content: jsonObject,
  })).returns<boolean>(),
  /** Typing for `timeout` milliseconds; 0 (or absent) stops. */
  set_typing: command(z.object({
    room_id: roomIdField,
    timeout: z.number().int().min(0).max(120_000).optional(),
  })).returns<boolean>(),
  /**
   * Sends a to-device event. With `encrypted`, each device's content is encrypted for it (Olm) and sent as
   * `m.room.encrypted`; `*` then means every device of that user this device knows of, and a device without
   * encryption keys is refused in words.
   */
  send_to_device: command(z.object({
    event_type: eventTypeField,
    messages: toDeviceMessages,
    encrypted: z.boolean().optional(),
  })).returns<RespEmpty>(),
} satisfies CommandArea;
