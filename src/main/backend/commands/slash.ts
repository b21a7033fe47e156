/**
 * Slash commands typed into send_message: the composer text is parsed (send/slash/parser.ts), then executed
 * (send/slash/executor.ts) through `SlashOperations` bound here to the session's Matrix client, sender and store.
 * As in gomuks, a command that sends a timeline event answers with its local echo; anything else answers with a
 * local notice (an event that exists only in the answer, from gomuks' fake sender `@gomuks`, with a negative rowid
 * and the text as sanitized HTML). A command that cannot be parsed or fails is an error, and nothing is sent.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { commandSchemas, Event, JSONObject } from '../../../shared/rpc/index.ts';
import { escapeHtml } from '../../../shared/escape-html.ts';
import { eventAtTime } from '../reading/event-at-time.ts';
import type { SendMessageAction, SlashContext } from '../send/slash/actions.ts';
import { describeSlashAction, executeSlashAction, type SlashOperations } from '../send/slash/executor.ts';
import { parseComposerInput } from '../send/slash/parser.ts';
import { renderSlashMessage } from '../send/slash/render.ts';
import type { CommandContext } from './context.ts';

type SendMessageParams = z.output<(typeof commandSchemas)['send_message']>;

/** The sender of local notices, as in gomuks (frontends written for gomuks recognise it). */
const LOCAL_SENDER = '@gomuks';

/** Composer text the parser must see: a command, or the escapes (`//`, `\/`) that send a leading slash. */
export function isSlashInput(text: string | undefined): text is string {
  return text !== undefined && (text.startsWith('/') || text.startsWith('\\/'));
}

/**
 * Runs the command in `p.text`. `messageContent` builds m.room.message content the way plain send_message does
 * (base content, extra fields, relations, mentions), so a `/me` reply is still a reply.
 */
export async function runSlashCommand(ctx: CommandContext, p: SendMessageParams & { text: string },
  messageContent: (p: SendMessageParams) => JSONObject): Promise<Event> {
  const s = ctx.requireSession();
  const slashCtx = contextOf(p, s.userId);
  const parsed = parseComposerInput(p.text, slashCtx);
  if (!parsed.ok) throw new Error(parsed.error);
  const result = await executeSlashAction(parsed.action, slashCtx, operations(ctx, p, messageContent));
  if (!result.ok) throw new Error(result.error);
  if (result.event) return result.event;
  const done = `Done: ${describeSlashAction(parsed.action, slashCtx)}${result.openRoom ? ` (${result.openRoom})` : ''}.`;
  return localNotice(p.room_id, result.output ?? done);
}

function contextOf(p: SendMessageParams, ownUserId: string): SlashContext {
  const ctx: SlashContext = { roomId: p.room_id, ownUserId };
  const reply = (p.relates_to?.['m.in_reply_to'] as JSONObject | undefined)?.event_id;
  if (typeof reply === 'string') ctx.replyTo = reply;
  const base = p.base_content;
  if (typeof base?.msgtype === 'string') {
    ctx.attachment = { msgtype: base.msgtype, encrypted: base.file !== undefined };
    if (typeof base.url === 'string') ctx.attachment.url = base.url;
  }
  return ctx;
}

function txnId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

function operations(ctx: CommandContext, p: SendMessageParams, messageContent: (p: SendMessageParams) => JSONObject): SlashOperations<Event> {
  const s = ctx.requireSession();
  const { client } = s;
  const send = (roomId: string, type: string, content: JSONObject, unencrypted: boolean, ts?: number, waitFor?: readonly string[]): Event => {
    ctx.requireRoom(roomId);
    return s.sender.send(roomId, type, content, unencrypted, ts, waitFor).echo;
  };
  return {
    sendMessage: async (roomId, message: SendMessageAction) => {
      const rendered: JSONObject = { ...renderSlashMessage(message).content };
      // Media with a caption keeps its own msgtype; the caption fills its body, as for plain send_message.
      const base = p.base_content ? { ...p.base_content, ...captionOf(rendered) } : rendered;
      return send(roomId, 'm.room.message', messageContent({ ...p, room_id: roomId, text: undefined, base_content: base }),
        message.unencrypted, message.timestamp, p.pending_url_previews);
    },
    sendEvent: async (roomId, type, content, { unencrypted }) => send(roomId, type, content as JSONObject, unencrypted),
    setState: async (roomId, type, stateKey, content) => {
      const r = await client.roomActions.setState(roomId, type, stateKey, content as JSONObject);
      return r.event_id ?? '';
    },
    getState: async (roomId, type, stateKey) => ctx.store.state.get(roomId, type, stateKey)?.content,
    setMembership: async (roomId, action, userId, reason) => {
      if (action === 'leave') await client.membership.leave(roomId, reason);
      else await client.membership.change(roomId, action, userId!, reason);
    },
    joinRoom: async (target, via, reason) => (await client.membership.join(target, via, reason)).room_id,
    createRoom: async (request) => (await client.membership.createRoom(request as JSONObject)).room_id,
    setProfileField: async (field, value) => { await client.profile.setField(s.userId, field, value); },
    getAccountData: async (type, roomId) => ctx.store.account.getAccountData(roomId ?? '', type),
    setAccountData: async (type, content, roomId) => { await client.account.setAccountData(s.userId, type, content as JSONObject, roomId); },
    createAlias: async (alias, roomId) => { await client.membership.createAlias(alias, roomId); },
    deleteAlias: async (alias) => { await client.membership.deleteAlias(alias); },
    resolveAlias: async (alias) => {
      const r = await client.membership.resolveAlias(alias);
      return { roomId: r.room_id, servers: r.servers ?? [] };
    },
    redact: async (roomId, eventId, reason) => { await client.roomActions.redact(roomId, eventId, txnId('latr'), reason); },
    eventAtTime: async (roomId, ts) => {
      ctx.requireRoom(roomId);
      return (await eventAtTime({ store: ctx.store, client }, roomId, ts, 'f'))?.event_id ?? null;
    },
  };
}

function captionOf(rendered: JSONObject): JSONObject {
  const out: JSONObject = { body: rendered.body };
  if (rendered.formatted_body !== undefined) {
    out.format = rendered.format;
    out.formatted_body = rendered.formatted_body;
  }
  return out;
}

/** gomuks' fake event: shown to the user who typed the command, never stored or sent. */
function localNotice(roomId: string, text: string): Event {
  return {
    rowid: -Date.now(),
    timeline_rowid: 0,
    room_id: roomId,
    event_id: `$lattice-internal-${randomBytes(8).toString('hex')}`,
    sender: LOCAL_SENDER,
    type: 'm.room.message',
    timestamp: Date.now(),
    content: { msgtype: 'm.notice', body: text },
    unsigned: {},
    local_content: { sanitized_html: escapeHtml(text).replace(/\n/g, '<br>') },
  };
}
