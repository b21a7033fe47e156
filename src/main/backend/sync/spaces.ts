/**
 * Space edges from a sync's state events: m.space.child in a space (only a room created as a space has
 * children, as in gomuks) and m.space.parent in any room. An event whose `via` is missing or empty removes the edge.
 */
import type { JSONObject, Room } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';

export interface SpaceEvent { type: 'm.space.child' | 'm.space.parent'; state_key: string; content: JSONObject; rowid: number }

export function isSpace(room: Room): boolean {
  return room.creation_content?.type === 'm.space';
}

/** Stores the edges and notes each space whose edge list changed. */
export function applySpaceEvents(store: Store, room: Room, events: SpaceEvent[], changedSpaces: Set<string>): void {
  const space = isSpace(room);
  for (const ev of events) {
    if (ev.state_key === '') continue;
    const via = ev.content.via;
    const valid = Array.isArray(via) && via.length > 0;
    if (ev.type === 'm.space.child') {
      if (!space) continue;
      const order = typeof ev.content.order === 'string' ? ev.content.order : undefined;
      store.spaces.setChild(room.room_id, ev.state_key, valid ? { rowid: ev.rowid, order, suggested: ev.content.suggested === true } : null);
      changedSpaces.add(room.room_id);
    } else {
      store.spaces.setParent(ev.state_key, room.room_id, valid ? { rowid: ev.rowid, canonical: ev.content.canonical === true } : null);
      changedSpaces.add(ev.state_key);
    }
  }
}
