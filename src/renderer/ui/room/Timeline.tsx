import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useMemberNames, useOwnUserId, useRoom, useSession, useStoreSelector, useTimeline } from '../../api/hooks.ts';
import { isolateBidi, plainName } from '../../../shared/display-name.ts';
import { displayNameOf, hasUnread, localpart, selectMemberAvatars, selectNameIndex } from '../../api/selectors.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatClock, formatDaySeparator, formatFullTime } from '../common/format.ts';
import type { EventView, NameOf } from './event-view.ts';
import { buildRows } from './timeline-model.ts';
import { MessageActions } from './MessageActions.tsx';
import type { TimelineItem } from '../../api/selectors.ts';

/** Start loading history this far before the top, so it is usually there before the user arrives. */
const LOAD_MARGIN_PX = 800;
/** Within this of the bottom counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;

export function Timeline({ roomId }: { roomId: string }) {
  const session = useSession();
  const room = useRoom(roomId)!;
  const items = useTimeline(roomId);
  const names = useMemberNames(roomId);
  const avatars = useStoreSelector((s) => selectMemberAvatars(s.rooms.get(roomId)));
  const nameIndex = useStoreSelector((s) => selectNameIndex(s.rooms.get(roomId)));
  const ownUserId = useOwnUserId();
  const rows = useMemo(() => buildRows(items, room.events), [items, room.events]);

  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** The first row and where it was after the last render: how we tell a prepend and undo its jump. */
  const anchor = useRef<{ key: string; top: number } | null>(null);
  const lastHeight = useRef<number | null>(null);
  const [scrolledUp, setScrolledUp] = useState(false);
  const { hasMore, loading, error } = room.history;
  const unread = hasUnread(room);

  const maybeLoadHistory = useCallback(() => {
    const el = scroller.current;
    if (!el || !hasMore || loading || error) return;
    if (el.scrollTop < LOAD_MARGIN_PX) void session.loadHistory(roomId);
  }, [hasMore, loading, error, roomId, session]);

  const maybeMarkRead = useCallback(() => {
    if (unread && atBottom.current && document.visibilityState === 'visible') void session.markRead(roomId);
  }, [unread, roomId, session]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Day separators keep their key when older events of the same day arrive, so anchor on an event row.
    const first = rows.find((r) => r.kind === 'event')?.key;
    const prev = anchor.current;
    // Also judge "at the bottom" by the height before this render: a message can arrive before the scroll
    // event of the user's last scroll to the bottom has been delivered.
    const wasAtBottom = atBottom.current
      || (lastHeight.current !== null && lastHeight.current - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX);
    if (wasAtBottom) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
    } else if (prev && first !== prev.key) {
      // Rows were added above: move by exactly their height so what the user reads stays put.
      const old = el.querySelector<HTMLElement>(`[data-row-key="${prev.key}"]`);
      if (old) el.scrollTop += old.offsetTop - prev.top;
    }
    const firstEl = first ? el.querySelector<HTMLElement>(`[data-row-key="${first}"]`) : null;
    anchor.current = first && firstEl ? { key: first, top: firstEl.offsetTop } : null;
    lastHeight.current = el.scrollHeight;
  }, [rows]);

  // Keep loading until the viewport is filled (or history ends), and mark read when at the bottom.
  useEffect(() => {
    maybeLoadHistory();
    maybeMarkRead();
  }, [rows, maybeLoadHistory, maybeMarkRead]);

  // Content that grows later (fonts, images) must not push the newest message out of view.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
      lastHeight.current = el.scrollHeight;
    });
    ro.observe(inner);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const onVisible = (): void => maybeMarkRead();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [maybeMarkRead]);

  function onScroll(): void {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
    // Only past a screenful, so the button does not flicker while reading the last few messages.
    setScrolledUp(el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight);
    maybeLoadHistory();
    maybeMarkRead();
  }

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

  function jumpToLatest(): void {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = true;
    el.scrollTop = el.scrollHeight;
  }

  return (
    <div className="timeline-frame">
      {scrolledUp && (
        <button type="button" className="jump-latest" onClick={jumpToLatest} data-testid="jump-to-latest">
          Jump to latest <span aria-hidden="true">↓</span>
        </button>
      )}
      <div className="timeline-scroller" ref={scroller} onScroll={onScroll} data-testid="timeline" role="log" aria-label="Messages" aria-busy={loading} tabIndex={0}>
        <div className="timeline-content" ref={content}>
          <div className="timeline-top">
            {loading ? (
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
          <ol className="timeline-rows">
            {rows.map((row) => (
              <li key={row.key} data-row-key={row.key} className="timeline-row-wrap">
                {row.kind === 'day' ? (
                  <DaySeparator ts={row.ts} />
                ) : (
                  <EventRow
                    item={row.item}
                    view={row.view}
                    groupStart={row.groupStart}
                    {...senderOf(row.item.event)}
                    stateText={row.view.kind === 'state' ? row.view.text(nameOf) : ''}
                    own={row.item.event.sender === ownUserId}
                  />
                )}
              </li>
            ))}
          </ol>
        </div>
      </div>
    </div>
  );
}

const DaySeparator = memo(function DaySeparator({ ts }: { ts: number }) {
  return (
    <div className="day-separator" role="separator">
      <span>{formatDaySeparator(ts)}</span>
    </div>
  );
});

interface EventRowProps {
  item: TimelineItem;
  view: EventView;
  groupStart: boolean;
  /** The display name alone (shown isolated); see senderAmbiguous. */
  senderName: string;
  /** Another member's name looks the same, or the name looks like a user ID: the user ID is shown beside it. */
  senderAmbiguous: boolean;
  senderAvatar: string | undefined;
  /** Precomputed so the memo compares a string instead of a closure. */
  stateText: string;
  own: boolean;
}

const EventRow = memo(function EventRow({ item, view, groupStart, senderName, senderAmbiguous, senderAvatar, stateText, own }: EventRowProps) {
  const e = item.event;
  const common = {
    'data-testid': 'message',
    'data-event-id': e.event_id,
    'data-rowid': e.rowid,
    'data-send-state': item.sendState,
  };
  if (view.kind === 'state') {
    return (
      <div className="event-state" {...common}>
        <span>{stateText}</span>
        <time className="event-state-time" dateTime={new Date(e.timestamp).toISOString()} title={formatFullTime(e.timestamp)}>
          {formatClock(e.timestamp)}
        </time>
      </div>
    );
  }

  const classes = ['message', groupStart ? 'is-group-start' : 'is-continuation', `send-${item.sendState}`];
  if (own) classes.push('is-own');
  if (view.kind === 'message' && view.msgtype === 'm.notice') classes.push('is-notice');
  const time = (
    <time className="message-time" dateTime={new Date(e.timestamp).toISOString()} title={formatFullTime(e.timestamp)}>
      {formatClock(e.timestamp)}
    </time>
  );
  return (
    <div className={classes.join(' ')} {...common} aria-busy={item.sendState === 'pending'}>
      {/* First, so the row's text still ends with the message (tests and screen readers read it in order). */}
      {item.sendState === 'sent' && view.kind === 'message' && <MessageActions event={e} />}
      <div className="message-gutter">
        {groupStart ? <Avatar id={e.sender} name={senderName} mxc={senderAvatar} size={36} /> : time}
      </div>
      <div className="message-main">
        {groupStart && (
          <div className="message-header">
            <span className="message-sender" title={e.sender}>
              <bdi className="message-sender-name" data-testid="sender-name">{senderName}</bdi>
              {senderAmbiguous && <span className="message-sender-id" data-testid="sender-id">{e.sender}</span>}
            </span>
            {time}
          </div>
        )}
        <MessageBody view={view} senderName={senderName} senderId={senderAmbiguous ? e.sender : undefined} />
        {e.reactions && Object.keys(e.reactions).length > 0 && <Reactions reactions={e.reactions} />}
        {item.sendState === 'pending' && <div className="message-status">Sending…</div>}
        {item.sendState === 'failed' && (
          <div className="message-status message-failed" role="alert" data-testid="send-error">
            Failed to send: {item.sendError}
          </div>
        )}
      </div>
    </div>
  );
});

function MessageBody({ view, senderName, senderId }: { view: EventView; senderName: string; senderId: string | undefined }) {
  if (view.kind === 'deleted') return <div className="message-body message-deleted">Message deleted</div>;
  if (view.kind === 'encrypted') return <div className="message-body message-deleted">{view.reason}</div>;
  if (view.kind !== 'message') return null;
  const edited = view.edited ? <span className="message-edited"> (edited)</span> : null;
  const emote = view.msgtype === 'm.emote';
  const prefix = emote ? <span className="message-emote-name">* <bdi>{senderName}</bdi>{senderId && ` (${senderId})`} </span> : null;
  if (view.html !== null) {
    return (
      <div className={`message-body${emote ? ' message-emote' : ''}`}>
        {prefix}
        {/* sanitized_html is sanitized by the backend at ingest with the spec's allow-list. */}
        <div className="message-html" dangerouslySetInnerHTML={{ __html: view.html }} />
        {edited}
      </div>
    );
  }
  const body = view.body || placeholderFor(view.msgtype);
  return (
    <div className={`message-body message-text${emote ? ' message-emote' : ''}`}>
      {prefix}
      {body}
      {edited}
    </div>
  );
}

function placeholderFor(msgtype: string): string {
  switch (msgtype) {
    case 'm.image': return '(image)';
    case 'm.video': return '(video)';
    case 'm.audio': return '(audio)';
    case 'm.file': return '(file)';
    case 'm.sticker': return '(sticker)';
    default: return '';
  }
}

function Reactions({ reactions }: { reactions: Record<string, number> }) {
  return (
    <ul className="reactions" aria-label="Reactions">
      {Object.entries(reactions).filter(([, n]) => n > 0).map(([key, n]) => (
        <li key={key} className="reaction" title={`${key} ×${n}`}>
          <span className="reaction-key">{key}</span> <span className="reaction-count">{n}</span>
        </li>
      ))}
    </ul>
  );
}
