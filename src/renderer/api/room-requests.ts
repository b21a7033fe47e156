/**
 * Requests of the room dialogs: create a room, start a DM, join by alias or ID, leave. Each answers the room ID
 * (where there is one) so the UI can open the room.
 */
import type { Session } from './session.ts';

export interface NewRoom {
  name: string;
  topic: string;
  isPublic: boolean;
}

export async function createRoom(session: Session, r: NewRoom): Promise<string> {
  const { room_id: roomId } = await session.client.request('create_room', {
    ...(r.name.trim() ? { name: r.name.trim() } : {}),
    ...(r.topic.trim() ? { topic: r.topic.trim() } : {}),
    preset: r.isPublic ? 'public_chat' : 'private_chat',
    visibility: r.isPublic ? 'public' : 'private',
  });
  return roomId;
}

/** A DM: a trusted private room with the user invited and marked direct (the backend records it in m.direct). */
export async function startDirectChat(session: Session, userId: string): Promise<string> {
  const { room_id: roomId } = await session.client.request('create_room', {
    preset: 'trusted_private_chat',
    is_direct: true,
    invite: [userId.trim()],
  });
  return roomId;
}

export async function joinRoom(session: Session, idOrAlias: string): Promise<string> {
  const { room_id: roomId } = await session.client.request('join_room', { room_id_or_alias: idOrAlias.trim() });
  return roomId;
}

export async function leaveRoom(session: Session, roomId: string): Promise<void> {
  await session.client.request('leave_room', { room_id: roomId });
}
