/**
 * The timeline shown around an event that is not in the loaded timeline (opened from a notification or a link):
 * the events /context returned, grown by pages from either end. Pure, so the bookkeeping (order, duplicates at the
 * seams, where each end stops) is unit-tested apart from the component that scrolls it (Timeline.tsx).
 */
import type { Event } from '../../../shared/rpc/types.ts';
import type { TimelineItem } from '../../api/selectors.ts';

export interface ContextView {
  /** The event that was asked for. */
  eventId: string;
  /** Oldest first. */
  items: readonly TimelineItem[];
  /** Tokens for the next older and newer pages; null once that end is the room's start or its newest event. */
  before: string | null;
  after: string | null;
}

const items = (events: readonly Event[]): TimelineItem[] => events.map((event) => ({ event, sendState: 'sent', sendError: null }));

export function openContext(eventId: string, found: { events: readonly Event[]; before: string | null; after: string | null }): ContextView {
  return { eventId, items: items(found.events), before: found.before, after: found.after };
}

/**
 * Adds a page (oldest first) at the older (`b`) or newer (`f`) end. Events already shown are left out: pages can
 * overlap the /context answer at their seam.
 */
export function addContextPage(view: ContextView, direction: 'b' | 'f', page: { events: readonly Event[]; next: string | null }): ContextView {
  const known = new Set(view.items.map((i) => i.event.event_id));
  const fresh = items(page.events.filter((e) => !known.has(e.event_id)));
  return direction === 'b'
    ? { ...view, items: [...fresh, ...view.items], before: page.next }
    : { ...view, items: [...view.items, ...fresh], after: page.next };
}

/** A page that failed: that end stops paging (scrolling would otherwise retry it on every scroll event). */
export function stopContextEnd(view: ContextView, direction: 'b' | 'f'): ContextView {
  return direction === 'b' ? { ...view, before: null } : { ...view, after: null };
}
