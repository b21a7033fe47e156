/**
 * The room's timeline, virtualized: only the rows near the viewport are in the DOM (TanStack Virtual measures
 * each as it renders), so a room with 10,000 loaded events scrolls like one with 50. This component keeps the
 * place (an anchor row and its offset, put back whenever rows or sizes change): history prepended above keeps what
 * the user reads in place, a jump makes its target the place, and new messages follow when the view is at the
 * bottom. History loads as the top comes near; the room is marked read while its bottom is in view.
 * The "New messages" line and read-receipt avatars come from use-read-markers.ts.
 *
 * Opening the room at an event (a notification, a matrix: link, a reply's quote): a loaded event is scrolled to
 * and highlighted; one a few pages back is paged to; one further back is shown with the events around it
 * (get_event_context) in place of the live timeline, paged on from both ends (paginate_manual) as it scrolls, until
 * "Jump to latest" returns to the live timeline.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { onJumpRequest } from '../../api/jump-requests.ts';
import { callRecords } from '../../api/call-signals.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession, useStoreSelector, useTimeline } from '../../api/hooks.ts';
import { isolateBidi, plainName } from '../../../shared/display-name.ts';
import {
  displayNameOf, hasUnread, localpart, selectHasOlderHistory, selectMemberAvatars, selectNameIndex, type TimelineItem,
} from '../../api/selectors.ts';
import type { MediaView, NameOf } from './event-view.ts';
import { EventRow } from './EventRow.tsx';
import { DaySeparator } from './DaySeparator.tsx';
import { JumpToDateDialog } from './JumpToDateDialog.tsx';
import { choiceTime, jumpToTime, type DayChoice } from '../../api/jump-to-date.ts';
import { onTimelineKeyDown } from './timeline-keys.ts';
import { Lightbox } from './Lightbox.tsx';
import { TimelineActionsContext, type TimelineActions } from './MessageBody.tsx';
import { addContextPage, openContext, stopContextEnd, type ContextView } from './context-view.ts';
import { ReadReceipts, UnreadMarker, type Reader } from './ReadMarkers.tsx';
import { buildRows, type StateGroupRow, type TimelineRow } from './timeline-model.ts';
import { StateGroup } from './StateGroup.tsx';
import { isThreadReply } from '../../api/threads.ts';
import { useReadMarkers } from './use-read-markers.ts';
import { useKeptFocus } from './use-kept-focus.ts';
import { useTabMode } from './use-tab-mode.ts';
import { keepReadingPlace, takeReadingPlace, type ReadingPlace } from './reading-places.ts';

/** Start loading history this far before the top, so it is usually there before the user arrives. */
const LOAD_MARGIN_PX = 800;
/** Within this of the bottom counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;
/** Room for the "loading older messages" line above the first row. */
const TOP_PX = 40;
/** How many history pages a jump loads before showing the event in its context instead. */
const JUMP_PAGES = 3;

/** A request to show an event: a new object for every request, so asking twice for one event jumps twice. */
export interface EventFocus {
  eventId: string;
}

function estimate(row: TimelineRow | undefined): number {
  if (!row) return 40;
  if (row.kind === 'day') return 42;
  if (row.kind === 'group') return 26;
  if (row.view.kind === 'state') return 26;
  return row.groupStart ? 56 : 28;
}

const NO_READERS: readonly Reader[] = [];

/** Who has read up to some event in a folded group: their avatars sit on the group's line. */
function groupReaders(group: StateGroupRow, readers: ReadonlyMap<string, readonly Reader[]>): readonly Reader[] {
  const all = group.rows.flatMap((r) => readers.get(r.item.event.event_id) ?? []);
  return all.length ? all : NO_READERS;
}

export function Timeline({ roomId, focus = null }: {
  roomId: string;
  focus?: EventFocus | null;
}) {
  const session = useSession();
  const room = useRoom(roomId)!;
  const items = useTimeline(roomId);
  const names = useMemberNames(roomId);
  const avatars = useStoreSelector((s) => selectMemberAvatars(s.rooms.get(roomId)));
  const nameIndex = useStoreSelector((s) => selectNameIndex(s.rooms.get(roomId)));
  const ownUserId = useOwnUserId();
  const [context, setContext] = useState<ContextView | null>(null);
  /** The folded state groups the user opened (by their key). */
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const toggleGroup = useCallback((key: string) => setExpanded((open) => {
    const next = new Set(open);
    if (!next.delete(key)) next.add(key);
    return next;
  }), []);
  // What the call lines need to say how a call ended (answered when, by whom started).
  const callContext = useMemo(() => ({ calls: callRecords(room.events.values()), ownUserId }), [room.events, ownUserId]);
  const rows = useMemo(() => buildRows(context ? context.items : items, room.events, expanded), [context, items, room.events, expanded]);
  const markers = useReadMarkers(room, rows, ownUserId, names, avatars);

  const scroller = useRef<HTMLDivElement>(null);
  // Back in a room read partway up earlier in this session: at the same messages (reading-places.ts), unless asked
  // to open at an event.
  const [startPlace] = useState(() => (focus ? undefined : takeReadingPlace(roomId)));
  const atBottom = useRef(startPlace === undefined);
  const [scrolledUp, setScrolledUp] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [lightbox, setLightbox] = useState<MediaView | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  /** The day a date separator's "Jump to a date…" opened the date picker at. */
  const [pickingFrom, setPickingFrom] = useState<number | null>(null);
  /** A reply's target being loaded from history, to scroll to once its row exists. */
  const [pendingJump, setPendingJump] = useState<string | null>(null);
  const { error } = room.history;
  const hasMore = selectHasOlderHistory(room);
  const loading = room.history.loading && hasMore;
  // A room marked unread is read when it is opened; marked unread while open, it stays so until something new
  // arrives or the user reads it on purpose (Esc), instead of being read again at once.
  const markedAtOpen = useRef(room.meta?.marked_unread === true);
  const unread = hasUnread(room) && (room.meta?.marked_unread !== true || markedAtOpen.current
    || (room.meta.unread_messages > 0 || room.meta.unread_notifications > 0 || room.meta.unread_highlights > 0));

  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  const estimateSize = useCallback((i: number) => estimate(rows[i]), [rows]);
  const keptFocus = useKeptFocus(scroller, rows);
  useTabMode(scroller);
  // The app does not use the React Compiler; the virtualizer re-renders this component itself as it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    getItemKey,
    overscan: 6,
    rangeExtractor: keptFocus.rangeExtractor,
    paddingStart: TOP_PX,
    paddingEnd: 8,
  });
  const totalSize = virtualizer.getTotalSize();

  /** One page at a time from either end of the context view; a failed direction is not retried by scrolling. */
  const contextPaging = useRef(false);
  const pageContext = useCallback((direction: 'b' | 'f'): void => {
    const token = direction === 'b' ? context?.before : context?.after;
    if (!context || !token || contextPaging.current) return;
    contextPaging.current = true;
    const { eventId } = context;
    const add = (update: (c: ContextView) => ContextView): void =>
      setContext((c) => (c && c.eventId === eventId ? update(c) : c));
    session.contextPage(roomId, token, direction).then((page) => {
      add((c) => addContextPage(c, direction, page));
    }, (err: unknown) => {
      add((c) => stopContextEnd(c, direction));
      setActionError(`Could not load more messages: ${errorMessage(err)}`);
    }).finally(() => { contextPaging.current = false; });
  }, [context, roomId, session]);

  const maybeLoadHistory = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    if (context) {
      // A short context is near both ends at once: older first, then newer once the start is reached.
      if (el.scrollTop < LOAD_MARGIN_PX && context.before) pageContext('b');
      else if (el.scrollHeight - el.scrollTop - el.clientHeight < LOAD_MARGIN_PX) pageContext('f');
      return;
    }
    if (!hasMore || loading || error) return;
    if (el.scrollTop < LOAD_MARGIN_PX) void session.loadHistory(roomId);
  }, [context, pageContext, hasMore, loading, error, roomId, session]);

  // The bottom of an older context is not the newest message: reading it does not read the room.
  const maybeMarkRead = useCallback(() => {
    if (unread && !context && atBottom.current && document.visibilityState === 'visible') {
      markedAtOpen.current = false;
      void session.markRead(roomId);
    }
  }, [context, unread, roomId, session]);

  // At the bottom (opening, sending, reading the newest): stay there whatever grows, the content or what is around
  // the timeline (a banner above, a taller composer below shrink the viewport). The flag alone can be stale (the
  // scroll event of the user's last scroll may not have arrived), so the position against the sizes we last left
  // must agree: the larger of the old and new viewport, since a shrink leaves scrollTop where it was and a growth
  // may clamp it.
  const lastSize = useRef<{ height: number; client: number; top: number } | null>(null);
  const stickToBottom = useCallback((): void => {
    const el = scroller.current;
    if (!el) return;
    const prev = lastSize.current;
    const wasAtEnd = prev === null || prev.height - el.scrollTop - Math.max(prev.client, el.clientHeight) <= BOTTOM_SLACK_PX;
    if (atBottom.current && wasAtEnd) el.scrollTop = el.scrollHeight;
    else atBottom.current = false;
    lastSize.current = { height: el.scrollHeight, client: el.clientHeight, top: el.scrollTop };
  }, []);
  useLayoutEffect(stickToBottom, [rows, totalSize, stickToBottom]);

  // History prepended above must not move what the user reads: remember the first event row in view and its
  // distance from the top, and put it back there when the rows change. (Day separators are not anchors: their
  // key moves up when older events of the same day arrive.) Rows above measured later are compensated by the
  // virtualizer itself.
  const anchor = useRef<ReadingPlace | null>(startPlace ?? null);
  const captureAnchor = useCallback((): void => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    const first = virtualizer.getVirtualItems().find((v) => v.end > top && rowsRef.current[v.index]?.kind === 'event');
    anchor.current = first ? { key: String(first.key), offset: first.start - top } : null;
  }, [virtualizer]);
  // Also when sizes change: rows measured after the prepend must not push the anchor down either.
  const restoring = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    const a = anchor.current;
    if (!el || !a || atBottom.current) return;
    const index = rows.findIndex((r) => r.key === a.key);
    const item = index >= 0 ? virtualizer.measurementsCache[index] : undefined;
    if (item && Math.abs(item.start - a.offset - el.scrollTop) > 0.5) {
      const before = el.scrollTop;
      el.scrollTop = item.start - a.offset;
      // Only a scroll that moved fires a scroll event to skip: a position the browser clamped back to where it was
      // fires none, and a flag left set would make the user's next scroll go unrecorded.
      if (Math.abs(el.scrollTop - before) > 0.5) restoring.current = true;
    }
  }, [rows, totalSize, virtualizer]);
  // The place's row is gone (a gap in the timeline since): the newest messages, as for a room never read.
  useLayoutEffect(() => {
    if (startPlace && !rowsRef.current.some((r) => r.key === startPlace.key)) {
      atBottom.current = true;
      anchor.current = null;
      if (scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
    }
  }, [startPlace]);
  // Leaving the room: remember the place when it was not at the newest (nor in an older event's context).
  const contextOpen = useRef(false);
  contextOpen.current = context !== null;
  useEffect(() => () => {
    keepReadingPlace(roomId, atBottom.current || contextOpen.current ? null : anchor.current);
  }, [roomId]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(stickToBottom);
    ro.observe(el);
    return () => ro.disconnect();
  }, [stickToBottom]);

  // Keep loading until the viewport is filled (or history ends), and mark read when at the bottom.
  useEffect(() => {
    maybeLoadHistory();
    maybeMarkRead();
  }, [rows, maybeLoadHistory, maybeMarkRead]);

  useEffect(() => {
    const onVisible = (): void => maybeMarkRead();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [maybeMarkRead]);

  const jumpToLatest = useCallback((): void => {
    const el = scroller.current;
    atBottom.current = true;
    // At once, not at the next render: the scroll below must not read the context view as still open.
    contextOpen.current = false;
    setContext(null);
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    // Sizes measured now may be the context view's, about to be replaced by the live timeline (shorter or taller):
    // forget them, so the next layout sticks to the end instead of reading the swap as the user scrolling up.
    lastSize.current = null;
  }, []);

  // Sending a message brings the view to it, wherever the user had scrolled (a reaction does not, nor a reply in a
  // thread: that one shows in the thread panel, and the main timeline keeps the place the user was reading).
  const pendingCount = room.pending.filter((rowid) => {
    const e = room.events.get(rowid);
    return e?.type === 'm.room.message' && !isThreadReply(e);
  }).length;
  const lastPending = useRef(pendingCount);
  useEffect(() => {
    if (pendingCount > lastPending.current) jumpToLatest();
    lastPending.current = pendingCount;
  }, [pendingCount, jumpToLatest]);

  // PgUp/PgDn scroll the timeline from anywhere in the room (the composer keeps focus); Esc marks read.
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      const el = scroller.current;
      if (!el || ev.defaultPrevented) return;
      if ((ev.key === 'PageUp' || ev.key === 'PageDown') && !ev.altKey && !ev.ctrlKey && !ev.metaKey && ev.target !== el) {
        ev.preventDefault();
        el.scrollBy({ top: (ev.key === 'PageUp' ? -1 : 1) * el.clientHeight * 0.9 });
      } else if (ev.key === 'Escape' && !lightbox && !ev.defaultPrevented) {
        // From a message the jump scrolls away (its row leaves the DOM and the focus would fall to the page): the
        // keyboard goes on from the room's composer instead.
        const fromTimeline = el.contains(document.activeElement);
        jumpToLatest();
        void session.markRead(roomId);
        if (fromTimeline) el.closest('.room')?.querySelector<HTMLElement>('[data-testid="composer"]')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lightbox, jumpToLatest, roomId, session]);

  function onScroll(): void {
    const el = scroller.current;
    if (!el) return;
    // Only the user moving up leaves the bottom. A scroll event that reports a gap without the position having
    // moved up comes from the viewport shrinking (a banner above, a taller composer) or content growing below, in
    // whatever order the browser delivers it against the resize: the view stays pinned and goes back to the end.
    const gap = el.scrollHeight - el.scrollTop - el.clientHeight;
    const movedUp = lastSize.current !== null && el.scrollTop < lastSize.current.top - 1;
    // The end of an older event's context is not the newest message: sticking to it would drag the view past each
    // newer page as it loads (and off the event jumped to, when the scroll that clamps the shorter context view
    // arrives before the jump's own scroll).
    if (gap <= BOTTOM_SLACK_PX) atBottom.current = !contextOpen.current;
    else if (movedUp || !atBottom.current) atBottom.current = false;
    else el.scrollTop = el.scrollHeight;
    lastSize.current = { height: el.scrollHeight, client: el.clientHeight, top: el.scrollTop };
    // Our own restoring scroll is not the user moving: keep the anchor it restored.
    if (restoring.current) restoring.current = false;
    else captureAnchor();
    // Only past a screenful, so the button does not flicker while reading the last few messages.
    setScrolledUp(el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight);
    maybeLoadHistory();
    maybeMarkRead();
  }

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
    atBottom.current = false;
    // The message jumped to is now the place to keep. The anchor still held is the place before the jump (the
    // bottom, while older pages loaded for it), and the next layout whose sizes changed would put that back, undoing
    // the jump, whenever it comes before the jump's own scroll event has recorded where the view went.
    const to = virtualizer.getOffsetForIndex(index, 'center');
    const item = virtualizer.measurementsCache[index];
    if (to && item) anchor.current = { key: String(item.key), offset: item.start - to[0] };
    virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlight(eventId);
    return true;
  }, [virtualizer]);

  const jumpToEvent = useCallback((eventId: string): boolean => {
    const shown = showLoaded(eventId);
    if (shown !== false) return shown === true;
    // Not shown. Back in the live timeline when it is there; else a few older pages, else its context.
    if (context && items.some((i) => i.event.event_id === eventId)) {
      atBottom.current = false;
      setContext(null);
      setPendingJump(eventId);
      return false;
    }
    setPendingJump(eventId);
    const showContext = async (): Promise<void> => {
      const found = await session.eventContext(roomId, eventId);
      if (!found) throw new Error('the server does not know that message in this room');
      atBottom.current = false;
      // The place kept in the live timeline means nothing in the context view; the jump's scroll sets a new one.
      anchor.current = null;
      setContext(openContext(eventId, found));
    };
    const placed = context ? Promise.resolve(false) : session.loadHistoryUntil(roomId, eventId, JUMP_PAGES);
    placed.then((found) => (found ? undefined : showContext())).catch((err: unknown) => {
      setPendingJump(null);
      setActionError(`Could not open that message: ${errorMessage(err)}`);
    });
    return false;
  }, [context, items, roomId, session, showLoaded]);

  // Opened at an event (a notification, a link): once per request, after the rows of this render exist.
  useEffect(() => {
    if (focus) jumpToEvent(focus.eventId);
    // Only a new request jumps; the jump itself changes what jumpToEvent closes over.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);

  const actions = useMemo<TimelineActions>(() => ({
    roomId,
    jumpTo: (eventId) => jumpToEvent(eventId),
    openLightbox: (media) => setLightbox(media),
    react: (eventId, key, shortcode) => {
      session.react(roomId, eventId, key, shortcode).catch((err: unknown) => setActionError(`Could not react: ${errorMessage(err)}`));
    },
  }), [roomId, session, jumpToEvent]);
  // A date separator's menu: a day (the jump comes back through onJumpRequest), or the date picker at its day.
  const jumpToDay = useCallback((ts: number, choice: DayChoice | 'pick') => {
    if (choice === 'pick') setPickingFrom(ts);
    else jumpToTime(session, roomId, choiceTime(choice)).catch((err: unknown) => setActionError(errorMessage(err)));
  }, [session, roomId]);
  // The search and pinned panels ask for a jump from outside the timeline.
  useEffect(() => onJumpRequest((room, eventId) => { if (room === roomId) actions.jumpTo(eventId); }), [actions, roomId]);

  useEffect(() => {
    if (pendingJump && showLoaded(pendingJump) === true) setPendingJump(null);
  }, [rows, pendingJump, showLoaded]);

  // A jump from inside the timeline (a reply's quote) takes the focus along: the keyboard goes on from the message.
  useEffect(() => {
    const el = scroller.current;
    if (!highlight || !el?.contains(document.activeElement)) return;
    requestAnimationFrame(() => el.querySelector<HTMLElement>(`.message[data-event-id="${CSS.escape(highlight)}"]`)?.focus({ preventScroll: true }));
  }, [highlight]);

  useEffect(() => {
    if (!highlight) return undefined;
    const t = setTimeout(() => setHighlight(null), 2000);
    return () => clearTimeout(t);
  }, [highlight]);
  useEffect(() => {
    if (!actionError) return undefined;
    const t = setTimeout(() => setActionError(null), 6000);
    return () => clearTimeout(t);
  }, [actionError]);

  const virtualRows = virtualizer.getVirtualItems();
  // Names inside sentences ("X changed their name to Y") are isolated, so a right-to-left override stays inside.
  const nameOf: NameOf = (userId, nameThen) => {
    const then = nameThen === undefined ? undefined : nameIndex.resolve(userId, nameThen);
    return isolateBidi(then ? plainName(userId, then) : displayNameOf(names, userId));
  };
  /** The sender as they were named when the event was sent (the backend keeps it), else as they are named now. */
  const senderOf = (e: TimelineItem['event']) => {
    const then = e.local_content?.sender_profile;
    const shown = nameIndex.resolve(e.sender, then?.displayname);
    return {
      senderName: shown?.name ?? localpart(e.sender),
      senderAmbiguous: shown?.ambiguous ?? false,
      senderAvatar: then ? then.avatar_url : avatars.get(e.sender),
    };
  };


  return (
    <TimelineActionsContext.Provider value={actions}>
      <div className="timeline-frame">
        {actionError && <div className="timeline-toast" role="alert" data-testid="timeline-error">{actionError}</div>}
        {context && (
          <div className="timeline-context" role="status" data-testid="timeline-context">
            <span>Showing older messages around the one you opened.</span>
            <button type="button" className="link-button" onClick={jumpToLatest}>Jump to latest</button>
          </div>
        )}
        {scrolledUp && !context && (
          <button type="button" className="jump-latest" onClick={jumpToLatest} data-testid="jump-to-latest">
            Jump to latest <span aria-hidden="true">↓</span>
          </button>
        )}
        <div className="timeline-scroller" ref={scroller} onScroll={onScroll} data-testid="timeline" role="log" aria-label="Messages" aria-busy={loading} tabIndex={0}
          onKeyDown={onTimelineKeyDown} onFocus={keptFocus.onFocus} onBlur={keptFocus.onBlur}>
          <div className="timeline-content" style={{ height: totalSize }}>
            <div className="timeline-top">
              {context ? (
                context.before === null && <span className="timeline-start">This is the beginning of the room.</span>
              ) : loading ? (
                <span className="timeline-loading" data-testid="timeline-loading"><span className="spinner" aria-hidden="true" /> Loading older messages…</span>
              ) : error ? (
                <span className="timeline-history-error" role="alert">
                  Couldn't load older messages: {error}{' '}
                  <button type="button" className="link-button" onClick={() => void session.loadHistory(roomId)}>Try again</button>
                </span>
              ) : !hasMore ? (
                <span className="timeline-start">This is the beginning of the room.</span>
              ) : null}
            </div>
            {virtualRows.map((v) => {
              const row = rows[v.index];
              return (
                <div key={v.key} data-index={v.index} data-row-key={row.key} ref={virtualizer.measureElement}
                  className="timeline-row-wrap" style={{ transform: `translateY(${v.start}px)` }}>
                  {row.kind === 'day' ? (
                    <DaySeparator ts={row.ts} onJump={jumpToDay} />
                  ) : row.kind === 'group' ? (<>
                    {!row.expanded && row.rows.some((e) => e.item.event.event_id === markers.unreadFrom) && <UnreadMarker />}
                    <StateGroup group={row} nameOf={nameOf} onToggle={toggleGroup} />
                    {!row.expanded && <ReadReceipts readers={groupReaders(row, markers.readers)} />}
                  </>) : (<>
                    {row.item.event.event_id === markers.unreadFrom && <UnreadMarker />}
                    <EventRow
                      item={row.item}
                      view={row.view}
                      groupStart={row.groupStart}
                      {...senderOf(row.item.event)}
                      stateText={row.view.kind === 'state' ? row.view.text(nameOf, callContext) : ''}
                      own={row.item.event.sender === ownUserId}
                      highlighted={highlight !== null && row.item.event.event_id === highlight}
                    />
                    <ReadReceipts readers={markers.readers.get(row.item.event.event_id) ?? NO_READERS} />
                  </>)}
                </div>
              );
            })}
          </div>
        </div>
        {lightbox && <Lightbox media={lightbox} onClose={() => setLightbox(null)} />}
        {pickingFrom !== null && <JumpToDateDialog roomId={roomId} initial={pickingFrom} onClose={() => setPickingFrom(null)} />}
      </div>
    </TimelineActionsContext.Provider>
  );
}
