/**
 * The event nearest a time, for jumping to a date (timestamp_to_event): the homeserver's
 * /rooms/{roomId}/timestamp_to_event (spec v1.6), then, when the event it names has no row of its own in the main
 * timeline (a reaction, an edit, a thread reply, a redaction: the timeline would have nothing to scroll to or
 * highlight), the first one that has, from the events around it (/context). Synapse answers with whatever event came
 * first, and in a lively room that is often a reaction.
 */
import type { TimestampToEventResponse } from '../../../shared/rpc/commands/reading.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { describeJumpToDateError, MatrixError } from '../matrix/errors.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';

/** Relations shown inside another event, never as a row of the main timeline. */
const FOLDED_RELATIONS = new Set(['m.annotation', 'm.replace', 'm.thread']);
/** Events looked through, in the asked direction, for one with a row. */
const LOOK_AHEAD = 20;

/** Whether an event has no row of its own in the main timeline (its relation is in cleartext even when encrypted). */
function folded(type: string, content: unknown): boolean {
  if (type === 'm.reaction' || type === 'm.room.redaction') return true;
  const rel = (content as { 'm.relates_to'?: { rel_type?: unknown } } | undefined)?.['m.relates_to']?.rel_type;
  return typeof rel === 'string' && FOLDED_RELATIONS.has(rel);
}

/**
 * The event with a timeline row nearest `ts` in direction `dir`, or null when the room has none that way. Throws an
 * Error in words when the homeserver cannot be asked.
 */
export async function eventAtTime(deps: { store: Store; client: MatrixClient }, roomId: string, ts: number, dir: 'f' | 'b',
  signal?: AbortSignal): Promise<TimestampToEventResponse | null> {
  let found: TimestampToEventResponse;
  try {
    const resp = await deps.client.events.timestampToEvent(roomId, ts, dir, signal);
    found = { event_id: resp.event_id, origin_server_ts: resp.origin_server_ts };
  } catch (e) {
    // Synapse: 404 M_NOT_FOUND "Unable to find event from <ts> in direction <dir>".
    if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return null;
    throw new Error(describeJumpToDateError(e));
  }
  const stored = deps.store.events.getByEventID(found.event_id);
  if (stored && !folded(stored.type, stored.content)) return found;
  let around: (ClientEvent | undefined)[];
  try {
    const resp = await deps.client.events.context(roomId, found.event_id, LOOK_AHEAD, signal);
    around = [resp.event, ...(dir === 'f' ? resp.events_after ?? [] : resp.events_before ?? [])];
  } catch {
    // The event itself is still the right place; the timeline opens the events around it without a highlight.
    return found;
  }
  const shown = around.find((e) => e !== undefined && !folded(e.type, e.content));
  return shown ? { event_id: shown.event_id, origin_server_ts: shown.origin_server_ts } : found;
}
