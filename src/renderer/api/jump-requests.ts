/**
 * Asks the open timeline to scroll to an event, from outside it (the search and pinned panels). The timeline owns
 * the jump (it loads older pages until the event is there); a panel only says which event, in which room.
 */
type Listener = (roomId: string, eventId: string) => void;

const listeners = new Set<Listener>();

export function requestJump(roomId: string, eventId: string): void {
  for (const l of listeners) l(roomId, eventId);
}

export function onJumpRequest(listener: Listener): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}
