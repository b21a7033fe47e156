/**
 * Requests of the room dialogs: create a room, start a DM, join by alias or ID (and what counts as one), leave. Each answers the room ID
 * (where there is one) so the UI can open the room. Private rooms and DMs are encrypted unless the user turns it off,
 * as Element does; public rooms are not (anyone can join and read, so encryption would only cost).
 */
import type { Session } from './session.ts';
import { listNewRoomInSpace, roomInSpaceRequest, serverOf, type RestrictedRooms } from './space-manage.ts';

export interface NewRoom {
  name: string;
  topic: string;
  isPublic: boolean;
  /** End-to-end encryption from the start (m.room.encryption in the initial state). */
  encrypted: boolean;
  /** A public room's address, its local part (`#<this>:server`); none when absent or blank. */
  alias?: string;
  /**
   * Made inside a space: the space as its parent from the start; `restricted`, for a room only the space's members
   * may join, is the room version that allows it (space-manage.ts), null for the public/invite-only choice.
   */
  space?: { id: string; restricted: RestrictedRooms | null };
}

/** The state event that turns on encryption, with the only algorithm the spec defines for rooms. */
const ENCRYPTION_STATE = { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } };

export async function createRoom(session: Session, r: NewRoom): Promise<string> {
  const own = session.store.getSnapshot().clientState?.user_id ?? '';
  const inSpace = r.space ? roomInSpaceRequest(r.space.id, serverOf(own) ?? '', r.isPublic ? null : r.space.restricted) : undefined;
  const initialState = [...(r.encrypted ? [ENCRYPTION_STATE] : []), ...(inSpace?.initialState ?? [])];
  const { room_id: roomId } = await session.client.request('create_room', {
    ...(r.name.trim() ? { name: r.name.trim() } : {}),
    ...(r.topic.trim() ? { topic: r.topic.trim() } : {}),
    preset: r.isPublic ? 'public_chat' : 'private_chat',
    visibility: r.isPublic ? 'public' : 'private',
    ...(r.isPublic && r.alias?.trim() ? { room_alias_name: r.alias.trim() } : {}),
    ...(initialState.length ? { initial_state: initialState } : {}),
    ...(inSpace?.roomVersion ? { room_version: inSpace.roomVersion } : {}),
  });
  if (r.space) await listNewRoomInSpace(session, r.space.id, roomId, r.name.trim() || 'The room');
  return roomId;
}

/** A DM: a trusted private room with the user invited and marked direct (the backend records it in m.direct). */
export async function startDirectChat(session: Session, userId: string, encrypted = true): Promise<string> {
  const { room_id: roomId } = await session.client.request('create_room', {
    preset: 'trusted_private_chat',
    is_direct: true,
    invite: [userId.trim()],
    ...(encrypted ? { initial_state: [ENCRYPTION_STATE] } : {}),
  });
  return roomId;
}

/**
 * The room address (`#room:server`) or room ID (`!id:server`, or `!id` as room version 12 makes them) that was typed,
 * trimmed; null for anything else. An address always names its server.
 */
export function roomAddress(typed: string): string | null {
  const t = typed.trim();
  return /^#[^:\s]+:\S+$/.test(t) || /^![^:\s]+(?::\S+)?$/.test(t) ? t : null;
}

/** The room ID an address (`#room:server`) names now, as the homeserver resolves it (over federation if need be). */
export async function resolveRoomAlias(session: Session, alias: string): Promise<string> {
  return (await session.client.request('resolve_alias', { alias })).room_id;
}

/** `via`: the servers to join a room ID through, where our homeserver may not be in it yet (another directory's). */
export async function joinRoom(session: Session, idOrAlias: string, via: readonly string[] = []): Promise<string> {
  const { room_id: roomId } = await session.client.request('join_room', {
    room_id_or_alias: idOrAlias.trim(), ...(via.length ? { via: [...via] } : {}),
  });
  return roomId;
}

export async function leaveRoom(session: Session, roomId: string): Promise<void> {
  await session.client.request('leave_room', { room_id: roomId });
}
