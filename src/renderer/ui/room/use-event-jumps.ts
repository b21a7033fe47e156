/**
 * Jumping the timeline to an event (a notification, a matrix: link, a reply's quote, the search and pinned panels,
 * a date): a loaded event is scrolled to and highlighted (its folded group opened first); one a few pages back is
 * paged to; one further back is shown with the events around it (get_event_context) in place of the live timeline.
 * The highlight fades after a moment, and a jump from inside the timeline takes the keyboard focus to the message.
 */
import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { onJumpRequest } from '../../api/jump-requests.ts';
import type { TimelineItem } from '../../api/selectors.ts';
import type { Session } from '../../api/session.ts';
import { openContext, type ContextView } from './context-view.ts';
import type { TimelineRow } from './timeline-model.ts';
import type { TimelinePlace } from './use-timeline-place.ts';

/** How many history pages a jump loads before showing the event in its context instead. */
const JUMP_PAGES = 3;

/** A request to show an event: a new object for every request, so asking twice for one event jumps twice. */
export interface EventFocus {
  eventId: string;
}

export function useEventJumps({ session, roomId, focus, scrollerRef, rows, items, context, setContext, setExpanded, virtualizer, place, onError }: {
  session: Session;
  roomId: string;
  /** The event the room was asked to open at. */
  focus: EventFocus | null;
  scrollerRef: RefObject<HTMLDivElement | null>;
  rows: readonly TimelineRow[];
  /** The live timeline's items (what the rows are made of when no context is shown). */
  items: readonly TimelineItem[];
  context: ContextView | null;
  setContext: Dispatch<SetStateAction<ContextView | null>>;
  setExpanded: Dispatch<SetStateAction<ReadonlySet<string>>>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  place: TimelinePlace;
  onError: (message: string) => void;
}): {
  /** The event just jumped to, shown highlighted for a moment. */
  highlight: string | null;
  /** True when the event was loaded and is scrolled to now; false when it is being loaded (or cannot be). */
  jumpToEvent: (eventId: string) => boolean;
} {
  const [highlight, setHighlight] = useState<string | null>(null);
  /** A reply's target being loaded from history, to scroll to once its row exists. */
  const [pendingJump, setPendingJump] = useState<string | null>(null);
  // For jumps asked from events and effects, which read the rows of the last commit.
  const rowsRef = useRef(rows);
  useLayoutEffect(() => { rowsRef.current = rows; });
  const { atBottomRef, anchorRef } = place;

  /**
   * Scrolls to and highlights the event if it has a row now: true when it had; 'opening' when it is in a folded
   * group, opened now (the pending jump completes once its rows exist); false when it is not loaded.
   */
  const showLoaded = useCallback((eventId: string): boolean | 'opening' => {
    const index = rowsRef.current.findIndex((r) => r.kind === 'event' && r.item.event.event_id === eventId);
    if (index < 0) {
      // Inside a folded group: open it, and the jump completes once its rows exist.
      const group = rowsRef.current.find((r) => r.kind === 'group' && r.rows.some((e) => e.item.event.event_id === eventId));
      if (!group) return false;
      setExpanded((open) => new Set(open).add(group.key));
      setPendingJump(eventId);
      return 'opening';
    }
    atBottomRef.current = false;
    // The message jumped to is now the place to keep. The anchorRef still held is the place before the jump (the
    // bottom, while older pages loaded for it), and the next layout whose sizes changed would put that back, undoing
    // the jump, whenever it comes before the jump's own scroll event has recorded where the view went.
    const to = virtualizer.getOffsetForIndex(index, 'center');
    const item = virtualizer.measurementsCache[index];
    if (to && item) anchorRef.current = { key: String(item.key), offset: item.start - to[0] };
    virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlight(eventId);
    return true;
  }, [virtualizer, setExpanded, atBottomRef, anchorRef]);

  const jumpToEvent = useCallback((eventId: string): boolean => {
    const shown = showLoaded(eventId);
    if (shown !== false) return shown === true;
    // Not shown. Back in the live timeline when it is there; else a few older pages, else its context.
    if (context && items.some((i) => i.event.event_id === eventId)) {
      atBottomRef.current = false;
      setContext(null);
      setPendingJump(eventId);
      return false;
    }
    setPendingJump(eventId);
    const showContext = async (): Promise<void> => {
      const found = await session.eventContext(roomId, eventId);
      if (!found) throw new Error('the server does not know that message in this room');
      atBottomRef.current = false;
      // The place kept in the live timeline means nothing in the context view; the jump's scroll sets a new one.
      anchorRef.current = null;
      setContext(openContext(eventId, found));
    };
    const placed = context ? Promise.resolve(false) : session.loadHistoryUntil(roomId, eventId, JUMP_PAGES);
    placed.then((found) => (found ? undefined : showContext())).catch((err: unknown) => {
      setPendingJump(null);
      onError(`Could not open that message: ${errorMessage(err)}`);
    });
    return false;
  }, [context, items, roomId, session, showLoaded, setContext, atBottomRef, anchorRef, onError]);

  // Opened at an event (a notification, a link): once per request, after the rows of this render exist.
  useEffect(() => {
    // The jump scrolls the virtualizer, which has the rows only once they are committed: it cannot happen in render.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (focus) jumpToEvent(focus.eventId);
    // Only a new request jumps; the jump itself changes what jumpToEvent closes over.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);

  // The search and pinned panels (and a jump to a date) ask for a jump from outside the timeline.
  useEffect(() => onJumpRequest((room, eventId) => { if (room === roomId) jumpToEvent(eventId); }), [jumpToEvent, roomId]);

  // A jump waiting for its row completes once the row is committed (loaded, or its group opened).
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (pendingJump && showLoaded(pendingJump) === true) setPendingJump(null);
  }, [rows, pendingJump, showLoaded]);

  // A jump from inside the timeline (a reply's quote) takes the focus along: the keyboard goes on from the message.
  useEffect(() => {
    const el = scrollerRef.current;
    if (!highlight || !el?.contains(document.activeElement)) return;
    requestAnimationFrame(() => el.querySelector<HTMLElement>(`.message[data-event-id="${CSS.escape(highlight)}"]`)?.focus({ preventScroll: true }));
  }, [highlight, scrollerRef]);

  useEffect(() => {
    if (!highlight) return undefined;
    const t = setTimeout(() => setHighlight(null), 2000);
    return () => clearTimeout(t);
  }, [highlight]);

  return { highlight, jumpToEvent };
}
