/**
 * A room as the spec's PublishedRoomsChunk describes it to someone who may not be in it: what the public room
 * directory lists (public-rooms.ts), and what each room of a space's hierarchy carries (space-hierarchy.ts; the
 * spec's SpaceHierarchyRoomsChunk extends it). Read once here for both, with what their rows show alike.
 */
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import type { RowRequest } from './space-hierarchy.ts';

export interface RoomSummary {
  readonly roomId: string;
  readonly name: string | undefined;
  readonly alias: string | undefined;
  readonly topic: string | undefined;
  readonly avatar: string | undefined;
  readonly members: number | undefined;
  readonly joinRule: string | undefined;
  readonly isSpace: boolean;
}

/** A string field that says something (not empty or blank). */
export function textField(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The summary in a chunk; null for one without a room ID. */
export function parseRoomSummary(raw: JSONObject): RoomSummary | null {
  const roomId = textField(raw.room_id);
  if (!roomId?.startsWith('!')) return null;
  const members = raw.num_joined_members;
  return {
    roomId,
    name: textField(raw.name),
    alias: textField(raw.canonical_alias),
    topic: textField(raw.topic),
    avatar: textField(raw.avatar_url),
    members: typeof members === 'number' && Number.isInteger(members) && members >= 0 ? members : undefined,
    joinRule: textField(raw.join_rule),
    isSpace: raw.room_type === 'm.space',
  };
}

/** The name a row shows: the room's name, else its address, else its ID. */
export function summaryName(room: RoomSummary): string {
  return room.name ?? room.alias ?? room.roomId;
}

/** Which of a row's buttons shows that its request runs. */
export function busyAction(request: RowRequest | undefined): 'join' | 'knock' | null {
  return request?.kind === 'joining' ? 'join' : request?.kind === 'knocking' ? 'knock' : null;
}

/** How a row says its request failed, before the reason. */
export const REQUEST_FAILED: Readonly<Record<'join' | 'knock', string>> = { join: 'Could not join', knock: 'Could not ask to join' };
