/**
 * What the room list asks of the backend for one room: accept or decline an invite, mark read or unread, mute,
 * favourite or low priority, and its shareable link. Also the pure reads behind the menu's labels (tags, mute
 * from the account's push rules), so the menu and the rows agree on what "muted" and "favourite" mean.
 *
 * Tags are m.tag room account data and the unread flag is m.marked_unread, both written with gomuks'
 * set_account_data; the change comes back through the next sync, as it would from any other client.
 */
import type { AccountData, JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { selectLatestReadableEvent, selectPreviewEvent } from './selectors.ts';
import type { Session } from './session.ts';
import type { RoomData } from './snapshot.ts';

export type RoomTag = 'm.favourite' | 'm.lowpriority';

function isObject(v: JSONValue | undefined): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The room's tags as its m.tag content has them (tag → {order?}). */
export function roomTags(room: RoomData): JSONObject {
  const tags = room.accountData['m.tag']?.content.tags;
  return isObject(tags) ? tags : {};
}

export function hasTag(room: RoomData, tag: RoomTag): boolean {
  return roomTags(room)[tag] !== undefined;
}

/**
 * The m.tag content with `tag` added or removed. Favourite and low priority exclude each other (a room is not
 * both at the top and at the bottom), as in Element; other tags are kept as they are.
 */
export function tagsWith(room: RoomData, tag: RoomTag, on: boolean): JSONObject {
  const tags: JSONObject = { ...roomTags(room) };
  if (on) {
    tags[tag] = isObject(tags[tag]) ? tags[tag] : {};
    delete tags[tag === 'm.favourite' ? 'm.lowpriority' : 'm.favourite'];
  } else {
    delete tags[tag];
  }
  return { tags };
}

export async function setRoomTag(session: Session, room: RoomData, tag: RoomTag, on: boolean): Promise<void> {
  await session.client.request('set_account_data', { room_id: room.id, type: 'm.tag', content: tagsWith(room, tag, on) });
}

/**
 * Whether the account's push rules mute the room: an enabled override rule named after the room that does not
 * notify (what mute_room writes, and what Element writes for "mute").
 */
export function isMutedBy(pushRules: AccountData | undefined, roomId: string): boolean {
  const global = pushRules?.content.global;
  const override = isObject(global) ? global.override : undefined;
  if (!Array.isArray(override)) return false;
  return override.some((r) => isObject(r) && r.rule_id === roomId && r.enabled !== false
    && Array.isArray(r.actions) && !r.actions.some((a) => a === 'notify' || a === 'coalesce'));
}

export async function setMuted(session: Session, roomId: string, muted: boolean): Promise<void> {
  await session.client.request('mute_room', { room_id: roomId, muted });
}

/** Sets m.marked_unread: the room shows as unread until it is read, here or on another device. */
export async function markUnread(session: Session, roomId: string): Promise<void> {
  await session.client.request('set_account_data', { room_id: roomId, type: 'm.marked_unread', content: { unread: true } });
  session.forgetReadPosition(roomId);
}

/**
 * Reads the room up to its newest event (the list row's preview when the room was never opened) and clears a
 * "marked unread" flag, so the room stops counting as unread everywhere.
 */
export async function markRoomRead(session: Session, room: RoomData): Promise<void> {
  const latest = selectLatestReadableEvent(room) ?? selectPreviewEvent(room);
  if (latest?.event_id.startsWith('$')) {
    await session.client.request('mark_read', { room_id: room.id, event_id: latest.event_id, receipt_type: 'm.read' });
  }
  if (room.meta?.marked_unread) await clearMarkedUnread(session, room.id);
  session.store.markReadLocally(room.id);
}

async function clearMarkedUnread(session: Session, roomId: string): Promise<void> {
  await session.client.request('set_account_data', { room_id: roomId, type: 'm.marked_unread', content: { unread: false } });
}

/** Accepting an invite joins the room (a DM invite also records the DM); resolves the room ID to open. */
export async function acceptInvite(session: Session, roomId: string): Promise<string> {
  const { room_id: joined } = await session.client.request('join_room', { room_id_or_alias: roomId, from_invite: true });
  return joined;
}

/** Declining is leaving: the invite goes away on every device. */
export async function declineInvite(session: Session, roomId: string): Promise<void> {
  await session.client.request('leave_room', { room_id: roomId });
}

/** The server part of a user or room ID (`@a:example.org` → `example.org`); undefined for v12 room IDs. */
export function serverOf(id: string | undefined): string | undefined {
  const i = id?.indexOf(':') ?? -1;
  return id && i > 0 ? id.slice(i + 1) : undefined;
}

/**
 * A matrix.to link to the room: by its address when it has one, else by ID with our server to join through
 * (a room ID alone does not say which server can let someone in).
 */
export function roomPermalink(room: RoomData, ownUserId: string | undefined): string {
  const alias = room.meta?.canonical_alias;
  if (alias) return `https://matrix.to/#/${encodeURIComponent(alias)}`;
  const via = serverOf(ownUserId) ?? serverOf(room.id);
  return `https://matrix.to/#/${encodeURIComponent(room.id)}${via ? `?via=${encodeURIComponent(via)}` : ''}`;
}

/**
 * Resolves once the store has the joined room (its meta came with a sync), so opening it right after a join shows
 * the room and not a "not in this room" preview; resolves false after `ms` without it.
 */
export function waitForJoinedRoom(session: Session, roomId: string, ms = 15_000): Promise<boolean> {
  const { store } = session;
  const joined = (): boolean => store.getSnapshot().rooms.get(roomId)?.meta !== undefined;
  if (joined()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    const unsubscribe = store.subscribe(() => { if (joined()) done(true); });
  });
}
