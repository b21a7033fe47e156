/**
 * Gathering a room's history for "Export chat": pages of `paginate`, newest first, from the backend (its database,
 * then the homeserver, which it stores as for any history page), without touching the timeline the room shows, until
 * the caller has enough or the room's start is reached. Edits and reactions of each page come beside it
 * (`related_events`), so an edited message is exported as it reads now.
 */
import type { Event, EventRowID } from '../../shared/rpc/types.ts';
import type { Session } from './session.ts';

/** Events a page asks for: fewer round trips than the timeline's pages, each still quick to store. */
const EXPORT_PAGE_SIZE = 200;

export interface GatheredHistory {
  /** Oldest first. */
  events: Event[];
  /** Edits (and reactions) of those events, by row ID. */
  related: ReadonlyMap<EventRowID, Event>;
  /** The room's start was reached: nothing older exists. */
  complete: boolean;
}

export async function gatherHistory(session: Session, roomId: string, { enough, onProgress, signal }: {
  /** Asked after each page with its new events (newest first) and the edits gathered so far: true stops. */
  enough: (page: readonly Event[], related: ReadonlyMap<EventRowID, Event>) => boolean;
  onProgress: (gathered: number) => void;
  signal: AbortSignal;
}): Promise<GatheredHistory> {
  const newestFirst: Event[] = [];
  const related = new Map<EventRowID, Event>();
  let below: number | undefined;
  let complete = false;
  for (;;) {
    const page = await session.client.request('paginate', {
      room_id: roomId, limit: EXPORT_PAGE_SIZE, ...(below !== undefined ? { max_timeline_id: below } : {}),
    });
    signal.throwIfAborted();
    for (const e of page.related_events) related.set(e.rowid, e);
    const lowest = page.events.at(-1)?.timeline_rowid;
    // Only events below the last page's lowest: a page never repeats one, and one that brings nothing new ends it.
    const fresh = below === undefined ? page.events : page.events.filter((e) => e.timeline_rowid < below!);
    newestFirst.push(...fresh);
    onProgress(newestFirst.length);
    if (!page.has_more) complete = true;
    if (complete || !fresh.length || lowest === undefined || enough(fresh, related)) break;
    below = lowest;
  }
  return { events: newestFirst.toReversed(), related, complete };
}
