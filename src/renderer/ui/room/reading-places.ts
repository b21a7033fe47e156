/**
 * Where the reader left each room's timeline, so coming back to a room read partway up (after answering in another
 * room, say) shows the same messages instead of the newest, as Element does. Kept in memory for the session: the
 * first row in view by its row key, and its distance from the top of the view. A room left at its newest messages
 * has no place and opens at the newest again.
 */
export interface ReadingPlace {
  key: string;
  offset: number;
}

const places = new Map<string, ReadingPlace>();

/** The place the room was left at, once: a later opening without a new place starts at the newest. */
export function takeReadingPlace(roomId: string): ReadingPlace | undefined {
  const place = places.get(roomId);
  places.delete(roomId);
  return place;
}

export function keepReadingPlace(roomId: string, place: ReadingPlace | null): void {
  if (place) places.set(roomId, place);
  else places.delete(roomId);
}
