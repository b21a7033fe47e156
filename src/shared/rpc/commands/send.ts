/** Commands that send events into rooms. */
import { z } from 'zod';
import type { Event } from '../types.ts';
import type { SlashCommandHelp } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { empty, jsonObject, roomIdField } from './fields.ts';

export const sendCommands = {
  /**
   * Sends an m.room.message. `text` is markdown: it fills body, formatted_body (sanitized HTML) and msgtype.
   * Returns the local echo at once (event_id temporary, send_error `NOT_SENT`); `send_complete` follows.
   */
  send_message: command(z.object({
    room_id: roomIdField,
    text: z.string().optional(),
    base_content: jsonObject.optional(),
    extra: jsonObject.optional(),
    relates_to: jsonObject.optional(),
    mentions: jsonObject.optional(),
  }).refine((d) => (d.text !== undefined && d.text.trim() !== '') || d.base_content !== undefined,
    { message: 'text or base_content is required' })).returns<Event>(),
  /** Sends any event. With `synchronous` the response carries the real event ID. */
  send_event: command(z.object({
    room_id: roomIdField,
    type: z.string().min(1),
    content: jsonObject,
    disable_encryption: z.boolean().optional(),
    synchronous: z.boolean().optional(),
  })).returns<Event>(),
  /** The slash commands send_message understands, with their usage and help, for the composer's autocomplete. */
  get_slash_commands: command(empty).returns<SlashCommandHelp[]>(),
} satisfies CommandArea;
