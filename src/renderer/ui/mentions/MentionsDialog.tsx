/**
 * Mentions: the messages that mentioned you (your name, your user ID, @room where it counts, or one of your keywords:
 * whatever the push rules highlighted) across every room, newest first, as Element's old Notifications panel and
 * Slack's Mentions list them. Opened from the sidebar's @ button; a message opens its room at it. ↑/↓ (Home/End)
 * choose, Enter opens, Esc closes; older ones come a page at a time. A failure is said in words, with a way to try
 * again. A modal dialog with a listbox, as the room switcher, so screen readers follow the chosen message.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { appendOlder, listedMentions, loadMentions, loadNewMentions, mergeNewMentions } from '../../api/mentions.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { localpart, roomDisplayName, selectMemberNames } from '../../api/selectors.ts';
import { isolateBidi } from '../../../shared/display-name.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import { Avatar } from '../common/Avatar.tsx';
import { useFocusReturn, trapTab } from '../common/focus-return.ts';
import { formatFullTime, formatListTime } from '../common/format.ts';
import { indexAfterKey } from '../common/list-keys.ts';
import { DEFAULT_TEXT_SIZE, useHour12, usePrefs } from '../prefs.ts';
import { previewText } from '../room/event-view.ts';
import { useUnreadMentions } from './MentionsButton.tsx';
import '../switcher/switcher.css';
import './mentions.css';

/**
 * A name in a mention's row: as the room's member list has it (the room list's way), else the sender's name stored
 * with the message (a room whose members are not loaded), else the ID's localpart; isolated, as every shown name is
 * (shared/display-name.ts), so a name cannot reorder the words around it.
 */
function nameIn(names: ReadonlyMap<string, string>, e: Event, userId: string): string {
  const stored = userId === e.sender ? e.local_content?.sender_profile?.displayname : undefined;
  return isolateBidi(names.get(userId) ?? stored ?? localpart(userId));
}

export function MentionsDialog({ onOpen, onClose }: { onOpen: (roomId: string, eventId: string) => void; onClose: () => void }) {
  const session = useSession();
  // Every event the pages brought (edits too, for paging on from them); the listed ones are derived.
  const [fetched, setFetched] = useState<Event[]>([]);
  const events = useMemo(() => listedMentions(fetched), [fetched]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const hour12 = useHour12();
  // The rooms' avatars grow with the rows' text (mentions.css scales it), asked for at the size they are drawn.
  const avatarSize = Math.round(32 * usePrefs().textSize / DEFAULT_TEXT_SIZE);
  useFocusReturn();

  // The page after `before`, its outcome set when it comes (the first page's loading state is the initial one).
  const fetchPage = useCallback((before: Event[]) => {
    loadMentions((params) => session.client.request('get_mentions', params), before).then((page) => {
      // Added below what is listed now: new mentions may have gone on top meanwhile (below).
      setFetched((current) => appendOlder(current, page.fetched));
      setMore(page.more);
    }, (err: unknown) => setError(`Could not load your mentions: ${errorMessage(err)}`)).finally(() => setLoading(false));
  }, [session]);
  useEffect(() => { fetchPage([]); }, [fetchPage]);
  // A mention that arrives while the dialog is open goes on top, as the @ button's count rises (an open dialog is
  // what the user is reading: it should not need closing and opening to be current).
  const unread = useUnreadMentions();
  const lastUnread = useRef(unread);
  const fetchedNow = useRef(fetched);
  useEffect(() => { fetchedNow.current = fetched; }, [fetched]);
  useEffect(() => {
    const rose = unread > lastUnread.current;
    lastUnread.current = unread;
    if (!rose) return;
    loadNewMentions((params) => session.client.request('get_mentions', params)).then((got) => {
      const merged = mergeNewMentions(fetchedNow.current, got);
      setFetched(merged.fetched);
      if (merged.restarted) setMore(true);
    }, (err: unknown) => setError(`Could not load your newest mentions: ${errorMessage(err)}`));
  }, [unread, session]);
  function loadMore(): void {
    setLoading(true);
    setError(null);
    fetchPage(fetched);
  }
  useEffect(() => { list.current?.focus(); }, []);
  useEffect(() => {
    list.current?.querySelector(`#mention-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  function open(i: number): void {
    const e = events[i];
    if (!e) return;
    onOpen(e.room_id, e.event_id);
    onClose();
  }

  function onKeyDown(ev: KeyboardEvent<HTMLUListElement>): void {
    const next = indexAfterKey(ev.key, active, events.length);
    if (next !== null) {
      ev.preventDefault();
      setActive(next);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      open(active);
    }
  }

  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="switcher mentions" role="dialog" aria-modal="true" aria-labelledby="mentions-title" data-testid="mentions-dialog"
        onKeyDown={(ev) => {
          if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); onClose(); } else trapTab(ev);
        }}>
        <h2 className="mentions-title" id="mentions-title">Mentions</h2>
        <ul className="switcher-results mentions-list" role="listbox" aria-labelledby="mentions-title" tabIndex={0} ref={list}
          aria-activedescendant={events[active] ? `mention-${active}` : undefined} onKeyDown={onKeyDown} data-testid="mentions-list">
          {events.map((e, i) => (
            <MentionRow key={e.event_id} event={e} index={i} active={i === active} hour12={hour12} avatarSize={avatarSize}
              onHover={() => setActive(i)} onOpen={() => open(i)} />
          ))}
          {!loading && !error && events.length === 0 && (
            <li className="switcher-empty" data-testid="mentions-empty">
              No mentions yet. Messages that mention your name or one of your keywords are listed here.
            </li>
          )}
        </ul>
        <div className="mentions-foot">
          {error && <p className="mentions-error" role="alert" data-testid="mentions-error">{error}</p>}
          {loading ? <p className="mentions-status" role="status"><span className="spinner" aria-hidden="true" /> Loading…</p>
            : (error || more) && (
              <button type="button" className="dialog-button" data-testid="mentions-more" onClick={loadMore}>
                {error ? 'Try again' : 'Load older mentions'}
              </button>
            )}
        </div>
      </div>
    </div>
  );
}

function MentionRow({ event: e, index, active, hour12, avatarSize, onHover, onOpen }: {
  event: Event; index: number; active: boolean; hour12: boolean | undefined; avatarSize: number; onHover: () => void; onOpen: () => void;
}) {
  const room = useStoreSelector((s) => s.rooms.get(e.room_id));
  const roomName = roomDisplayName(room) || e.room_id;
  const names = selectMemberNames(room);
  const sender = nameIn(names, e, e.sender);
  const text = previewText(e, (id) => nameIn(names, e, id), undefined, e.sender);
  // An emote reads "* Bob waves" with its sender in it already.
  const emote = (e.decrypted ?? e.content).msgtype === 'm.emote';
  return (
    <li id={`mention-${index}`} role="option" aria-selected={active} data-testid="mention" data-event-id={e.event_id}
      className={`switcher-result mention${active ? ' is-active' : ''}`}
      onMouseEnter={onHover} onMouseDown={(ev) => { ev.preventDefault(); onOpen(); }}>
      <Avatar id={e.room_id} name={roomName} mxc={room?.meta?.avatar} size={avatarSize} />
      <div className="mention-main">
        <div className="mention-head">
          <span className="mention-room">{roomName}</span>
          <time className="mention-time" dateTime={new Date(e.timestamp).toISOString()} title={formatFullTime(e.timestamp, { hour12 })}>
            {formatListTime(e.timestamp, undefined, { hour12 })}
          </time>
        </div>
        <div className="mention-text">{!emote && <><span className="mention-sender">{sender}</span> </>}{text}</div>
      </div>
    </li>
  );
}
