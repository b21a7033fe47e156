/**
 * The thread side panel: the root message, its replies (those we hold from sync, plus pages fetched from the
 * homeserver's /relations through paginate_manual), and a composer that replies in the thread (ThreadComposer.tsx). Opened from a root's "N replies" summary or a message's
 * Thread action; Esc or × closes it. Opened over the threads list (`onBack`), its header has a back arrow to the
 * list, as in Element, and × (`onClose`) closes the list too; Esc goes back one step.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { NOT_SENT, type Event } from '../../../shared/rpc/types.ts';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import { canSendEvent } from '../../api/room-state.ts';
import { selectEventById } from '../../api/relations.ts';
import { displayNameOf, selectMemberAvatars, selectMemberNames } from '../../api/selectors.ts';
import { selectThreadReplies, setOpenThread } from '../../api/threads.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatClock, formatFullTime } from '../common/format.ts';
import { useHour12 } from '../prefs.ts';
import { viewEvent, type MediaView } from './event-view.ts';
import { Lightbox } from './Lightbox.tsx';
import { MessageBody, Reactions, TimelineActionsContext, type TimelineActions } from './MessageBody.tsx';
import { PendingStatus } from './PendingStatus.tsx';
import { ThreadComposer } from './ThreadComposer.tsx';
import './thread.css';

export function ThreadPanel({ roomId, rootId, onBack, onClose }: { roomId: string; rootId: string; onBack?: () => void; onClose?: () => void }) {
  const session = useSession();
  const storedRoot = useStoreSelector((s) => selectEventById(s.rooms.get(roomId), rootId));
  const live = useStoreSelector((s) => selectThreadReplies(s.rooms.get(roomId), rootId));
  const ownUserId = useOwnUserId();
  const mayPost = useStoreSelector((s) => canSendEvent(s.rooms.get(roomId), ownUserId, 'm.room.message'));
  const [fetchedRoot, setFetchedRoot] = useState<Event | null>(null);
  const [fetched, setFetched] = useState<readonly Event[]>([]);
  const [nextBatch, setNextBatch] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [lightbox, setLightbox] = useState<MediaView | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const root = storedRoot ?? fetchedRoot ?? undefined;
  const close = () => setOpenThread(roomId, null);
  const closeAll = onClose ?? close;

  function fetchPage(from: string | null): Promise<void> {
    return session.client.request('paginate_manual', {
      room_id: roomId, thread_root: rootId, direction: 'b', limit: 50, ...(from ? { since: from } : {}),
    }).then((page) => {
      setFetched((old) => [...old, ...page.events]);
      setNextBatch(page.next_batch ?? null);
    }, (err: unknown) => setError(`Could not load the thread: ${errorMessage(err)}`));
  }

  function loadPage(from: string): void {
    setLoading(true);
    void fetchPage(from).finally(() => setLoading(false));
  }

  // The panel is keyed by its thread (RoomView), so this runs once per thread with fresh state.
  useEffect(() => {
    void fetchPage(null);
    if (!storedRoot) {
      session.client.request('get_event', { room_id: roomId, event_id: rootId })
        .then(setFetchedRoot, (err: unknown) => setError(`Could not load the thread's first message: ${errorMessage(err)}`));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per thread; the stored root may arrive later
  }, [roomId, rootId, session]);

  const replies = useMemo(() => {
    const byId = new Map<string, Event>();
    for (const e of fetched) byId.set(e.event_id, e);
    for (const e of live) byId.set(e.event_id, e); // the store's copy is newer (reactions, edits, send state)
    return [...byId.values()].filter((e) => e.event_id !== rootId).sort((a, b) => a.timestamp - b.timestamp || a.rowid - b.rowid);
  }, [fetched, live, rootId]);

  // Keep the newest reply in view as replies arrive.
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [replies.length]);

  // And when the panel gets shorter (a smaller window): a list read to its end stays at its end.
  useEffect(() => {
    const el = listRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let atEnd = true;
    const onScroll = () => { atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 4; };
    const observer = new ResizeObserver(() => { if (atEnd) el.scrollTop = el.scrollHeight; });
    el.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(el);
    return () => { observer.disconnect(); el.removeEventListener('scroll', onScroll); };
  }, []);

  const actions = useMemo<TimelineActions>(() => ({
    roomId,
    jumpTo: () => false,
    openLightbox: setLightbox,
    react: (eventId, key, shortcode) => { session.react(roomId, eventId, key, shortcode).catch((err: unknown) => setError(`Could not react: ${errorMessage(err)}`)); },
  }), [roomId, session]);

  const latest = replies.length ? replies[replies.length - 1].event_id : rootId;
  return (
    <TimelineActionsContext.Provider value={actions}>
      <aside className="thread-panel" aria-label="Thread" data-testid="thread-panel"
        onKeyDown={(e) => { if (e.key === 'Escape' && !lightbox && !e.defaultPrevented) { e.preventDefault(); close(); } }}>
        <header className="thread-panel-header">
          {onBack && (
            <button type="button" className="thread-panel-back" aria-label="Back to threads" title="Back to threads" data-testid="thread-back" onClick={onBack}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
                <path d="M19 12H5M11 6l-6 6 6 6" />
              </svg>
            </button>
          )}
          <h3>Thread</h3>
          <button type="button" className="thread-panel-close" aria-label="Close thread" data-testid="thread-close" onClick={closeAll}>×</button>
        </header>
        <div className="thread-panel-list" ref={listRef}>
          {root ? <ThreadMessage roomId={roomId} event={root} /> : <p className="thread-note">Loading…</p>}
          <div className="thread-divider" role="separator">
            <span>{replies.length === 1 ? '1 reply' : `${replies.length} replies`}</span>
          </div>
          {nextBatch && (
            <button type="button" className="thread-more" disabled={loading} onClick={() => loadPage(nextBatch)}>
              {loading ? 'Loading…' : 'Load earlier replies'}
            </button>
          )}
          {replies.map((e) => <ThreadMessage key={e.event_id} roomId={roomId} event={e} />)}
          {error && <p className="thread-error" role="alert">{error}</p>}
        </div>
        {mayPost ? <ThreadComposer roomId={roomId} rootId={rootId} latestId={latest} />
          : <p className="thread-no-permission" role="status">You do not have permission to post in this room.</p>}
        {lightbox && <Lightbox media={lightbox} onClose={() => setLightbox(null)} />}
      </aside>
    </TimelineActionsContext.Provider>
  );
}

function ThreadMessage({ roomId, event }: { roomId: string; event: Event }) {
  const hour12 = useHour12();
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(roomId)));
  const avatars = useStoreSelector((s) => selectMemberAvatars(s.rooms.get(roomId)));
  const edit = useStoreSelector((s) => (event.last_edit_rowid ? s.rooms.get(roomId)?.events.get(event.last_edit_rowid) : undefined));
  const view = viewEvent(event, edit);
  if (!view || view.kind === 'state') return null;
  const name = displayNameOf(names, event.sender);
  return (
    <div className="thread-message" data-testid="thread-message" data-event-id={event.event_id}>
      <Avatar id={event.sender} name={name} mxc={avatars.get(event.sender)} size={28} />
      <div className="thread-message-main">
        <div className="message-header">
          <bdi className="message-sender-name">{name}</bdi>
          <time className="message-time" dateTime={new Date(event.timestamp).toISOString()} title={formatFullTime(event.timestamp, { hour12 })}>
            {formatClock(event.timestamp, { hour12 })}
          </time>
        </div>
        <MessageBody view={view} senderName={name} senderId={undefined} eventId={event.event_id} />
        {view.kind !== 'deleted' && event.reactions && Object.keys(event.reactions).length > 0 && <Reactions eventId={event.event_id} reactions={event.reactions} />}
        {event.send_error === NOT_SENT && <PendingStatus event={event} />}
      </div>
    </div>
  );
}
