/**
 * Requests the chat UI makes, built here so components never assemble payloads: sending with reply/edit
 * relations and mentions, redactions, permalinks, and the slash-command list.
 */
import type { Event, JSONObject } from '../../shared/rpc/types.ts';
import type { CommandParams } from '../../shared/rpc/commands.ts';
import type { SlashCommandHelp } from '../../shared/rpc/responses.ts';
import type { ComposerMode } from './composer-modes.ts';
import type { Session } from './session.ts';
import type { RoomData } from './snapshot.ts';
import { effectiveContent, effectiveType } from '../../shared/event-cleartext.ts';
import type { PackImage } from './image-packs.ts';

/** The emoji the message toolbar offers for a one-click reaction. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;

/** `m.relates_to` for a send in the given composer mode, or undefined for a plain message. */
export function relationFor(mode: ComposerMode): JSONObject | undefined {
  switch (mode.kind) {
    case 'normal': return undefined;
    case 'reply': return { 'm.in_reply_to': { event_id: mode.event.event_id } };
    case 'edit': return { rel_type: 'm.replace', event_id: mode.event.event_id };
    default: { const never: never = mode; return never; }
  }
}

/** User IDs mentioned through matrix.to pills in markdown text (`[name](https://matrix.to/#/@u:hs)`). */
export function mentionedUsers(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\]\(https:\/\/matrix\.to\/#\/(@[^)\s/?]+)\)/g)) ids.add(decodeURIComponent(m[1]));
  return [...ids];
}

/**
 * The link previews a message goes with: the ready ones kept (`url_previews`) and the links whose previews were
 * still loading, which the backend waits for before sending it (`pending_url_previews`).
 */
export type SendPreviews = Pick<CommandParams<'send_message'>, 'url_previews' | 'pending_url_previews'>;

/** send_message with the composer's mode: a reply also mentions the replied-to sender, as the spec asks. */
export async function sendComposed(session: Session, roomId: string, text: string, mode: ComposerMode, ownUserId?: string,
  previews?: SendPreviews): Promise<void> {
  const users = new Set(mentionedUsers(text));
  if (mode.kind === 'reply' && mode.event.sender !== ownUserId) users.add(mode.event.sender);
  const relatesTo = relationFor(mode);
  const echo = await session.client.request('send_message', {
    room_id: roomId,
    text,
    mentions: { user_ids: [...users] },
    ...(relatesTo ? { relates_to: relatesTo } : {}),
    ...previews,
  });
  session.store.addLocalEcho(echo);
}

/** An m.sticker from a pack's image: its description as the body, its URL and size (MSC2545, as Element sends one). */
export async function sendSticker(session: Session, roomId: string, image: PackImage, relatesTo?: JSONObject): Promise<void> {
  const echo = await session.client.request('send_event', {
    room_id: roomId, type: 'm.sticker',
    content: { body: image.body, url: image.url, info: { ...image.info }, ...(relatesTo ? { 'm.relates_to': relatesTo } : {}) },
  });
  session.store.addLocalEcho(echo);
}

export async function redact(session: Session, event: Event, reason?: string): Promise<void> {
  await session.client.request('redact_event', { room_id: event.room_id, event_id: event.event_id, ...(reason ? { reason } : {}) });
}

export function permalink(roomId: string, eventId?: string): string {
  return `https://matrix.to/#/${encodeURIComponent(roomId)}${eventId ? `/${encodeURIComponent(eventId)}` : ''}`;
}

/** The markdown a mention pill is: a matrix.to link the backend renders as an HTML link. */
export function mentionPill(userId: string, name: string): string {
  const label = name.replace(/[[\]\\]/g, '\\$&');
  return `[${label}](https://matrix.to/#/${userId})`;
}

/** The text a message shows now: its latest edit's new content, else its own body. */
export function currentText(room: RoomData | undefined, event: Event): string {
  const edit = event.last_edit_rowid !== undefined ? room?.events.get(event.last_edit_rowid) : undefined;
  // In an encrypted room both are stored as the server has them (m.room.encrypted), their text in `decrypted`.
  const newContent = edit ? effectiveContent(edit)['m.new_content'] : undefined;
  if (newContent && typeof newContent === 'object' && !Array.isArray(newContent) && typeof newContent.body === 'string') return newContent.body;
  const body = effectiveContent(event).body;
  return typeof body === 'string' ? body : '';
}

/** Our newest editable message (a sent, unredacted m.room.message that is not itself an edit), for ↑. */
export function lastOwnMessage(room: RoomData | undefined, ownUserId: string | undefined): Event | undefined {
  if (!room || !ownUserId) return undefined;
  // A message the server accepted but sync has not placed yet is newer than the whole timeline.
  for (let i = room.pending.length - 1; i >= 0; i--) {
    const e = room.events.get(room.pending[i]);
    if (e && isEditable(e, ownUserId)) return e;
  }
  for (let i = room.timeline.length - 1; i >= 0; i--) {
    const e = room.events.get(room.timeline[i].event_rowid);
    if (e && isEditable(e, ownUserId)) return e;
  }
  return undefined;
}

/** The message kinds the composer can edit: text. An edit of an attachment would replace its file with text. */
const EDITABLE_MSGTYPES: ReadonlySet<unknown> = new Set(['m.text', 'm.notice', 'm.emote']);

export function isEditable(e: Event, ownUserId: string | undefined): boolean {
  // A sent message of an encrypted room is stored as m.room.encrypted, its own type in decrypted_type.
  return e.sender === ownUserId && effectiveType(e) === 'm.room.message' && !e.redacted_by && e.relation_type !== 'm.replace'
    && !e.event_id.startsWith('~') && EDITABLE_MSGTYPES.has(effectiveContent(e).msgtype);
}

function stateContent(room: RoomData | undefined, type: string, key = ''): JSONObject | undefined {
  const rowid = room?.state[type]?.[key];
  return rowid === undefined ? undefined : room?.events.get(rowid)?.content;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** Room versions (12 and later) where the creators outrank everyone and are not listed in power levels. */
function isCreator(room: RoomData | undefined, userId: string): boolean {
  const rowid = room?.state['m.room.create']?.[''];
  const create = rowid === undefined ? undefined : room?.events.get(rowid);
  if (!create) return false;
  const version = Number(create.content.room_version ?? '1');
  if (!(version >= 12)) return false;
  const extra = create.content.additional_creators;
  return create.sender === userId || (Array.isArray(extra) && extra.includes(userId));
}

/** A user's power level in the room, from m.room.power_levels (spec defaults when absent; creators of v12+ rooms are above all). */
export function powerLevel(room: RoomData | undefined, userId: string | undefined): number {
  if (userId && isCreator(room, userId)) return Number.POSITIVE_INFINITY;
  const pl = stateContent(room, 'm.room.power_levels');
  if (!pl || !userId) return 0;
  const users = pl.users;
  const own = users && typeof users === 'object' && !Array.isArray(users) ? users[userId] : undefined;
  return num(own, num(pl.users_default, 0));
}

/** Whether we may redact the event: always our own, others' with the room's redact level. */
export function canRedact(room: RoomData | undefined, ownUserId: string | undefined, event: Event): boolean {
  if (event.redacted_by || event.event_id.startsWith('~')) return false;
  if (event.sender === ownUserId) return true;
  return powerLevel(room, ownUserId) >= num(stateContent(room, 'm.room.power_levels')?.redact, 50);
}

let slashCommands: Promise<SlashCommandHelp[]> | null = null;

/** The backend's slash commands, asked once; a failure is forgotten so the next call asks again. */
export function getSlashCommands(session: Session): Promise<SlashCommandHelp[]> {
  slashCommands ??= session.client.request('get_slash_commands', {}).catch((err: unknown) => {
    slashCommands = null;
    throw err;
  });
  return slashCommands;
}
