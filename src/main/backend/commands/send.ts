/**
 * Handlers of the send area: messages (markdown) and raw events, both through the Sender's persisted outbox, and
 * resending or discarding a message the homeserver refused.
 */
import type { sendCommands } from '../../../shared/rpc/commands.ts';
import type { CommandParams, Event, JSONObject } from '../../../shared/rpc/index.ts';
import { renderMarkdown } from '../send/markdown.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function sendHandlers(ctx: CommandContext): AreaHandlers<typeof sendCommands> {
  return {
    send_message: (p) => {
      ctx.requireRoom(p.room_id);
      return ctx.requireSession().sender.send(p.room_id, 'm.room.message', messageContent(p)).echo;
    },
    send_event: async ({ room_id: roomId, type, content, synchronous }): Promise<Event> => {
      ctx.requireRoom(roomId);
      const { echo, done } = ctx.requireSession().sender.send(roomId, type, content);
      if (!synchronous) return echo;
      const result = await done;
      if (result.error) throw new Error(`Sending failed: ${result.error}`);
      return result.event;
    },
    resend_event: ({ transaction_id: txnId }) => ctx.requireSession().sender.resend(txnId),
    discard_event: ({ transaction_id: txnId }) => {
      const echo = ctx.requireSession().sender.discard(txnId);
      ctx.broadcast('send_complete', { event: echo, error: echo.send_error ?? null, discarded: true });
      return echo;
    },
  };
}

/** The m.room.message content for a send_message request: rendered markdown, merged into any base content. */
function messageContent(p: CommandParams<'send_message'>): JSONObject {
  const content: JSONObject = p.base_content ? { ...p.base_content } : {};
  if (p.text !== undefined && p.text.trim() !== '') {
    const text = renderMarkdown(p.text);
    if (p.base_content) {
      // A caption for media: the text goes into body; msgtype stays the media's.
      content.body = text.body;
      if (text.formatted_body) { content.format = text.format!; content.formatted_body = text.formatted_body; }
    } else {
      Object.assign(content, text);
    }
  }
  if (p.extra) Object.assign(content, p.extra);
  if (p.relates_to) content['m.relates_to'] = p.relates_to as JSONObject;
  if (p.mentions) content['m.mentions'] = p.mentions as JSONObject;
  return content;
}
