/**
 * Handlers of the send area: messages (markdown with m.mentions from its pills, or a slash command: see slash.ts;
 * with link previews still loading, the message waits for them in the outbox: see send/waiting-previews.ts)
 * and raw events, both through the Sender's persisted outbox; resending or discarding a message the homeserver
 * refused; sharing a room's encryption key ahead of sending; edits (m.replace with m.new_content); the list of
 * slash commands for the composer's autocomplete.
 */
import type { sendCommands } from '../../../shared/rpc/commands.ts';
import type { CommandParams, Event, JSONObject } from '../../../shared/rpc/index.ts';
import { renderMarkdown } from '../send/markdown.ts';
import { roomPower } from '../rooms/power-levels.ts';
import { addLinkPreviews } from '../send/link-previews.ts';
import { buildMentions } from '../send/mentions.ts';
import { listCommands } from '../send/slash/help.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { isSlashInput, runSlashCommand } from './slash.ts';

export function sendHandlers(ctx: CommandContext): AreaHandlers<typeof sendCommands> {
  return {
    send_message: (p) => {
      // A command checks the rooms it touches itself: /accept and /reject are typed in rooms we are only invited to.
      if (isSlashInput(p.text)) return runSlashCommand(ctx, { ...p, text: p.text }, messageContent);
      ctx.requireRoom(p.room_id);
      const s = ctx.requireSession();
      const content = messageContent(p);
      const power = roomPower(ctx.store, p.room_id, s.userId);
      content['m.mentions'] = buildMentions({
        text: p.text, explicit: p.mentions, ownUserId: s.userId, powerLevels: power.powerLevels, ownLevel: power.own,
      });
      return withTarget(ctx, s.sender.send(p.room_id, 'm.room.message', content, false, undefined, p.pending_url_previews).echo);
    },
    send_event: async ({ room_id: roomId, type, content, synchronous, disable_encryption }): Promise<Event> => {
      ctx.requireRoom(roomId);
      const { echo, done } = ctx.requireSession().sender.send(roomId, type, content, disable_encryption === true);
      withTarget(ctx, echo);
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
    ensure_group_session_shared: async ({ room_id: roomId }) => {
      const room = ctx.requireRoom(roomId);
      const { crypto } = ctx.requireSession();
      if (room.encryption_event && crypto) await crypto.ensureShared(roomId);
      return true;
    },
    get_slash_commands: () => listCommands(),
  };
}

/**
 * A relation's local echo changes its target as it is stored (a reaction is counted on it, an edit becomes its
 * latest), but no sync diff carries the target then, and the remote echo later replaces the echo's row without
 * counting again: so the target goes out now in a diff of its own, and a reaction's chip shows at once.
 */
function withTarget(ctx: CommandContext, echo: Event): Event {
  const target = echo.relates_to ? ctx.store.events.getByEventID(echo.relates_to) : undefined;
  if (target?.room_id === echo.room_id) ctx.broadcast('sync_complete', { rooms: { [echo.room_id]: { events: [target] } } });
  return echo;
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
  addLinkPreviews(content, p.url_previews);
  const relatesTo = p.relates_to as JSONObject | undefined;
  if (relatesTo?.rel_type === 'm.replace') return editContent(content, relatesTo);
  if (relatesTo) content['m.relates_to'] = relatesTo;
  return content;
}

/**
 * An edit (m.replace): the new content goes into m.new_content; the outer body is the "* " fallback clients
 * without edit support show, as the spec describes.
 */
function editContent(content: JSONObject, relatesTo: JSONObject): JSONObject {
  const outer: JSONObject = { ...content, 'm.new_content': content, 'm.relates_to': relatesTo };
  if (typeof content.body === 'string') outer.body = `* ${content.body}`;
  if (typeof content.formatted_body === 'string') outer.formatted_body = `* ${content.formatted_body}`;
  return outer;
}
