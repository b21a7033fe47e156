/** Commands that send events into rooms. */
import { z } from 'zod';
import type { Event } from '../types.ts';
import type { SlashCommandHelp } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { empty, jsonObject, roomIdField } from './fields.ts';
import { linkPreviewField } from './link-preview.ts';

export const sendCommands = {
  /**
   * Sends an m.room.message. `text` is markdown: it fills body, formatted_body (sanitized HTML) and msgtype.
   * Returns the local echo at once (event_id temporary, send_error `NOT_SENT`); `send_complete` follows. Encrypted
   * in an encrypted room, unless the text starts with `/unencrypted` (a slash command, see send/slash/).
   */
  send_message: command(z.object({
    room_id: roomIdField,
    text: z.string().optional(),
    base_content: jsonObject.optional(),
    extra: jsonObject.optional(),
    relates_to: jsonObject.optional(),
    mentions: jsonObject.optional(),
    /**
     * Link previews to bundle (MSC4095), as get_url_preview answered them: they go into the content as
     * `com.beeper.linkpreviews`. An empty list is sent too: it says "no previews" (the sender removed them).
     */
    url_previews: z.array(linkPreviewField).max(20).optional(),
    /**
     * Lattice's extension: links of the text whose previews were still loading when the user sent it. The local
     * echo is made at once (persisted in the outbox, `local_content.waiting_for_link_previews` set); the backend
     * fetches these previews itself (encrypted in an encrypted room, as get_url_preview's `encrypt`) for at most
     * 10 s from now, also across a restart, and then sends the message with the ones it got added to
     * `url_previews` (without them, if none came), in its place in the room's outbox. A link the homeserver cannot
     * preview only adds nothing: it never keeps the message from being sent.
     */
    pending_url_previews: z.array(z.string().max(4096).regex(/^https?:\/\/\S+$/i, 'must be an http(s) URL')).max(20).optional(),
  }).refine((d) => (d.text !== undefined && d.text.trim() !== '') || d.base_content !== undefined,
    { message: 'text or base_content is required' })).returns<Event>(),
  /**
   * Sends any event, encrypted in an encrypted room unless `disable_encryption`. With `synchronous` the response
   * carries the real event ID.
   */
  send_event: command(z.object({
    room_id: roomIdField,
    type: z.string().min(1),
    content: jsonObject,
    disable_encryption: z.boolean().optional(),
    synchronous: z.boolean().optional(),
  })).returns<Event>(),
  /**
   * Queues a failed outgoing event again (gomuks' shape), in its place: the room's later messages still wait for
   * it. Returns the local echo, pending again; `send_complete` follows.
   */
  resend_event: command(z.object({
    transaction_id: z.string().min(1),
  })).returns<Event>(),
  /**
   * Drops a failed outgoing event and its local echo (Lattice's own command; gomuks has none). The room's later
   * messages, which waited behind it, go on. Returns the dropped echo; `send_complete` reports it to every
   * frontend with `discarded` set.
   */
  discard_event: command(z.object({
    transaction_id: z.string().min(1),
  })).returns<Event>(),
  /**
   * Shares the room's encryption key with its members' devices ahead of sending, so the first message goes out
   * without that wait: call it when the user starts typing. True once done (also for an unencrypted room).
   */
  ensure_group_session_shared: command(z.object({ room_id: roomIdField })).returns<boolean>(),
  /** The slash commands send_message understands, with their usage and help, for the composer's autocomplete. */
  get_slash_commands: command(empty).returns<SlashCommandHelp[]>(),
} satisfies CommandArea;
