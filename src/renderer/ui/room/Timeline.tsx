/**
 * The room's timeline, virtualized: only the rows near the viewport are in the DOM (TanStack Virtual measures
 * each as it renders), so a room with 10,000 loaded events scrolls like one with 50. This component puts the pieces
 * together: the rows (timeline-model.ts, drawn by TimelineRowView.tsx), the place kept as rows come and go
 * (use-timeline-place.ts), history loaded as an end comes near (use-history-paging.ts), the room marked read while
 * its bottom is in view (use-mark-read.ts), jumps to an event (use-event-jumps.ts) or a day (use-day-jumps.ts), the
 * room-wide keys (use-room-keys.ts) and Home/End to the oldest and newest message (use-focus-ends.ts), the "New
 * messages" line and read-receipt avatars (use-read-markers.ts), the bar that leads back to that line when it is out
 * of sight (use-unread-jump.ts), and
 * the rows kept rendered out of view: the focused one (use-kept-focus.ts), those with a menu open (use-held-rows.ts).
 * An event far back is shown with the events around it in place of the live timeline until "Jump to latest".
 */
import { useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { callRecords } from '../../api/call-signals.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession, useStoreSelector, useTimeline } from '../../api/hooks.ts';
import { selectHasOlderHistory, selectMemberAvatars, selectNameIndex } from '../../api/selectors.ts';
import { isThreadReply } from '../../api/threads.ts';
import type { MediaView } from './event-view.ts';
import { JumpToDateDialog } from './JumpToDateDialog.tsx';
import { onTimelineKeyDown } from './timeline-keys.ts';
import { Lightbox } from './Lightbox.tsx';
import { TimelineActionsContext, type TimelineActions } from './MessageBody.tsx';
import type { ContextView } from './context-view.ts';
import { buildRows } from './timeline-model.ts';
import { usePrefs } from '../prefs.ts';
import { estimateRowHeight, rowNames, TimelineRowView } from './TimelineRowView.tsx';
import { RenderGuard, RowFailed } from '../common/RenderGuard.tsx';
import { useReadMarkers } from './use-read-markers.ts';
import { useKeptFocus } from './use-kept-focus.ts';
import { HoldRowProvider, useHeldRows, withHeldRows } from './use-held-rows.ts';
import { useTabMode } from './use-tab-mode.ts';
import { useTimelinePlace } from './use-timeline-place.ts';
import { useHistoryPaging } from './use-history-paging.ts';
import { useMarkRead } from './use-mark-read.ts';
import { useRoomKeys } from './use-room-keys.ts';
import { useEventJumps, type EventFocus } from './use-event-jumps.ts';
import { useDayJumps } from './use-day-jumps.ts';
import { useUnreadJump } from './use-unread-jump.ts';
import { UnreadJumpBar } from './ReadMarkers.tsx';
import { useFocusEnds } from './use-focus-ends.ts';

export type { EventFocus } from './use-event-jumps.ts';

/** Room for the "loading older messages" line above the first row. */
const TOP_PX = 40;

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
  const { showJoinLeave, showProfileChanges } = usePrefs();
  const hide = useMemo(() => ({ joinLeave: !showJoinLeave, profile: !showProfileChanges }), [showJoinLeave, showProfileChanges]);
  const rows = useMemo(() => buildRows(context ? context.items : items, room.events, expanded, hide),
    [context, items, room.events, expanded, hide]);
  const markers = useReadMarkers(room, rows, ownUserId, names, avatars);

  const scrollerRef = useRef<HTMLDivElement>(null);
  const [lightbox, setLightbox] = useState<MediaView | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const { error } = room.history;
  const hasMore = selectHasOlderHistory(room);
  const loading = room.history.loading && hasMore;

  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  const estimateSize = useCallback((i: number) => estimateRowHeight(rows[i]), [rows]);
  const keptFocus = useKeptFocus(scrollerRef, rows);
  // The focused row and those whose menu or reaction picker is open stay rendered, wherever the view is.
  const { held, hold } = useHeldRows();
  const focusExtractor = keptFocus.rangeExtractor;
  const rangeExtractor = useCallback((range: Range) => withHeldRows(focusExtractor(range), rows, held), [focusExtractor, rows, held]);
  useTabMode(scrollerRef);
  // The app does not use the React Compiler; the virtualizer re-renders this component itself as it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollerRef.current,
    estimateSize,
    getItemKey,
    overscan: 6,
    rangeExtractor,
    paddingStart: TOP_PX,
    paddingEnd: 8,
  });
  const totalSize = virtualizer.getTotalSize();

  const closeContext = useCallback(() => setContext(null), []);
  const place = useTimelinePlace({
    roomId, opensAtEvent: focus !== null, scrollerRef, rows, totalSize, virtualizer, contextShown: context !== null, closeContext,
  });
  const jumpToLatest = place.toLatest;
  const maybeLoadHistory = useHistoryPaging({ session, roomId, scrollerRef, context, setContext, hasMore, loading, error, onError: setActionError });
  const maybeMarkRead = useMarkRead({ session, roomId, room, contextShown: context !== null, atBottomRef: place.atBottomRef });

  // Keep loading until the viewport is filled (or history ends), and mark read when at the bottom.
  useEffect(() => {
    maybeLoadHistory();
    maybeMarkRead();
  }, [rows, maybeLoadHistory, maybeMarkRead]);

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

  const focusEnd = useFocusEnds({ scrollerRef, rows, virtualizer, place, hold });

  const { highlight, jumpToEvent } = useEventJumps({
    session, roomId, focus, scrollerRef, rows, items, context, setContext, setExpanded, virtualizer, place, onError: setActionError,
  });
  const unreadJump = useUnreadJump({ room, rows, totalSize, markers, scrollerRef, virtualizer, contextShown: context !== null, jumpToEvent });
  const { dismiss: dismissUnread } = unreadJump;
  const markReadFromBar = useCallback(() => {
    dismissUnread();
    void session.markRead(roomId);
  }, [dismissUnread, session, roomId]);

  useRoomKeys({ session, roomId, scrollerRef, lightboxOpen: lightbox !== null, toLatest: jumpToLatest, toFirstUnread: unreadJump.jump });

  function onScroll(): void {
    place.onScroll();
    unreadJump.onScroll();
    maybeLoadHistory();
    maybeMarkRead();
  }
  const actions = useMemo<TimelineActions>(() => ({
    roomId,
    jumpTo: (eventId) => jumpToEvent(eventId),
    openLightbox: (media) => setLightbox(media),
    react: (eventId, key, shortcode) => {
      session.react(roomId, eventId, key, shortcode).catch((err: unknown) => setActionError(`Could not react: ${errorMessage(err)}`));
    },
  }), [roomId, session, jumpToEvent]);
  const { jumpToDay, pickingFrom, closePicker } = useDayJumps(session, roomId, setActionError);

  useEffect(() => {
    if (!actionError) return undefined;
    const t = setTimeout(() => setActionError(null), 6000);
    return () => clearTimeout(t);
  }, [actionError]);

  const virtualRows = virtualizer.getVirtualItems();
  const rowNaming = rowNames(names, nameIndex, avatars);

  return (
    <TimelineActionsContext.Provider value={actions}>
      <HoldRowProvider value={hold}>
        <div className="timeline-frame">
          {actionError && <div className="timeline-toast" role="alert" data-testid="timeline-error">{actionError}</div>}
          {context && (
            <div className="timeline-context" role="status" data-testid="timeline-context">
              <span>Showing older messages around the one you opened.</span>
              <button type="button" className="link-button" onClick={jumpToLatest}>Jump to latest</button>
            </div>
          )}
          {unreadJump.shown && <UnreadJumpBar onJump={unreadJump.jump} onMarkRead={markReadFromBar} />}
          {place.scrolledUp && !context && (
            <button type="button" className="jump-latest" onClick={jumpToLatest} data-testid="jump-to-latest">
              Jump to latest <span aria-hidden="true">↓</span>
            </button>
          )}
          <div className="timeline-scroller" ref={scrollerRef} onScroll={onScroll} data-testid="timeline" role="log" aria-label="Messages" aria-busy={loading} tabIndex={0}
            onKeyDown={(ev) => onTimelineKeyDown(ev, focusEnd)} onFocus={keptFocus.onFocus} onBlur={keptFocus.onBlur}>
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
                    {/* A row that cannot be drawn says so in its place; a new copy of its event (edited,
                        redacted, decrypted) tries again. */}
                    <RenderGuard name="a timeline row" resetKey={row.kind === 'event' ? row.item.event : row}
                      fallback={(error) => <RowFailed error={error} />}>
                      <TimelineRowView row={row} names={rowNaming} markers={markers} callContext={callContext} ownUserId={ownUserId}
                        highlight={highlight} onToggleGroup={toggleGroup} onJumpToDay={jumpToDay} />
                    </RenderGuard>
                  </div>
                );
              })}
            </div>
          </div>
          {lightbox && <Lightbox media={lightbox} onClose={() => setLightbox(null)} />}
          {pickingFrom !== null && <JumpToDateDialog roomId={roomId} initial={pickingFrom} onClose={closePicker} />}
        </div>
      </HoldRowProvider>
    </TimelineActionsContext.Provider>
  );
}
