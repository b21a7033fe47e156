/**
 * In which order the engine is fed a response's to-device verification events. It cancels a new request (and the
 * one before) while it holds an earlier request with the same user that is not cancelled, and it lets go of
 * finished ones only at the start of a feed (`receiveSyncChanges`). So a request must come in a feed after the one
 * that saw the end of that user's last verification, whether that end came to this device or in a room (room
 * events reach the engine after the response's feed, see Verifications.observeRooms).
 */

/** The type prefix of every verification event but an in-room request (an m.room.message). */
export const PREFIX = 'm.key.verification.';

/**
 * The to-device events of one response, split in those fed with the response and those held back to be fed after
 * its room events (`Verifications.feedHeldBack`): each verification request, and every later verification event
 * of its sender. Encrypted events cannot be told apart and are fed with the response.
 */
export function holdBackRequests<E>(events: readonly E[]): { now: E[]; later: E[] } {
  const now: E[] = [];
  const later: E[] = [];
  const requesters = new Set<string>();
  for (const event of events) {
    const ev = verificationEvent(event);
    if (ev && (ev.type === 'm.key.verification.request' || requesters.has(ev.sender))) {
      requesters.add(ev.sender);
      later.push(event);
    } else {
      now.push(event);
    }
  }
  return { now, later };
}

/**
 * Held-back to-device events (see holdBackRequests) cut into feeds: a new one starts at a request from a sender
 * whose earlier verification event is in the feed before (the end of their last verification, most likely).
 */
export function toDeviceFeeds<E>(events: readonly E[]): E[][] {
  let part: E[] = [];
  const parts = [part];
  const senders = new Set<string>();
  for (const event of events) {
    const ev = verificationEvent(event);
    if (ev) {
      if (ev.type === 'm.key.verification.request' && senders.has(ev.sender)) {
        part = [];
        parts.push(part);
        senders.clear();
      }
      senders.add(ev.sender);
    }
    part.push(event);
  }
  return parts;
}

/** A plaintext `m.key.verification.*` to-device event's type and sender, or undefined for anything else. */
function verificationEvent(event: unknown): { type: string; sender: string } | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { type, sender } = event as { type?: unknown; sender?: unknown };
  return typeof type === 'string' && type.startsWith(PREFIX) && typeof sender === 'string' ? { type, sender } : undefined;
}

/**
 * The rooms of one response in the order their verification events go to the engine: the rooms without a request
 * from someone else first. The server lists rooms in no particular order, so the end of a user's last verification
 * (in one room) could otherwise reach the engine after their new request (in another), which it would then cancel.
 * Stable: the server's order within each group, and each room's events in their own order.
 */
export function requestsLast<R extends { events: readonly { type: string; sender: string }[] }>(rooms: readonly R[], ownUserId: string): R[] {
  // An in-room request is an m.room.message (msgtype m.key.verification.request); every later event of a flow has
  // its own m.key.verification.* type.
  const asks = (r: R) => r.events.some((e) => e.type === 'm.room.message' && e.sender !== ownUserId);
  return [...rooms.filter((r) => !asks(r)), ...rooms.filter(asks)];
}
