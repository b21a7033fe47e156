/**
 * "Explore public rooms": the homeserver's public room directory (or another server's), searched as one types,
 * a page at a time, each room with its avatar, name, address, topic and member count, and what can be done about it
 * (View a room we are in, Join, Ask to join a knock room, or why not), as Element's room directory offers; a room
 * address or ID typed into the search box is offered above them (ExploreAddressRow). A modal
 * dialog of its own rather than `Dialog`: Enter searches here, it does not submit and close.
 */
import { memo, useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import {
  closeDirectory, joinPublicRoom, knockPublicRoom, loadMorePublicRooms, normalizeServer, openDirectory, searchPublicRooms,
  serverProblem, setDirectoryQuery, setDirectoryServer, useDirectory, type PublicRoom,
} from '../../api/public-rooms.ts';
import { serverOf } from '../../api/room-list-actions.ts';
import { roomAddress } from '../../api/room-requests.ts';
import { rowOffer, type RowAction, type RowOffer } from '../../api/space-home-rows.ts';
import type { Session } from '../../api/session.ts';
import type { RowRequest } from '../../api/space-hierarchy.ts';
import { Avatar } from '../common/Avatar.tsx';
import { busyAction, REQUEST_FAILED, summaryName } from '../../api/room-summary.ts';
import { summaryFacts } from '../common/format.ts';
import { trapTab, useFocusReturn } from '../common/focus-return.ts';
import { hashForRoom, hashForSpace } from '../route.ts';
import { ExploreAddressRow } from './ExploreAddressRow.tsx';
import './dialogs.css';
import './explore-rooms.css';

const ACTION: Record<Exclude<RowAction, 'explore'>, { label: string; busy: string; testId: string }> = {
  open: { label: 'View', busy: 'View', testId: 'explore-room-view' },
  'view-invite': { label: 'View invite', busy: 'View invite', testId: 'explore-room-invite' },
  join: { label: 'Join', busy: 'Joining…', testId: 'explore-room-join' },
  knock: { label: 'Ask to join', busy: 'Asking…', testId: 'explore-room-knock' },
};

export function ExploreRoomsDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const state = useDirectory(session);
  const ownServer = serverOf(useOwnUserId()) ?? 'your homeserver';
  const rooms = useStoreSelector((s) => s.rooms);
  const invites = useStoreSelector((s) => s.invitedRooms);
  const ref = useRef<HTMLDialogElement>(null);
  useFocusReturn();

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    openDirectory(session);
    return () => closeDirectory(session);
  }, [session]);

  const open = useCallback((room: PublicRoom, action: RowAction) => {
    switch (action) {
      case 'open':
      case 'view-invite':
      case 'explore':
        window.location.hash = room.isSpace && action !== 'view-invite' ? hashForSpace(room.roomId) : hashForRoom(room.roomId);
        onClose();
        return;
      case 'join':
        void joinPublicRoom(session, room);
        return;
      case 'knock':
        void knockPublicRoom(session, room);
        return;
      default: {
        const never: never = action;
        return never;
      }
    }
  }, [session, onClose]);

  // Enter searches at once rather than after the pause. Esc in a box with text clears it (and searches again);
  // in an empty one it closes the dialog, as everywhere else.
  const onFieldKey = (e: KeyboardEvent<HTMLInputElement>, clear: (session: Session, value: string) => void) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void searchPublicRooms(session);
    } else if (e.key === 'Escape' && e.currentTarget.value !== '') {
      e.preventDefault();
      e.stopPropagation();
      clear(session, '');
    }
  };

  // Scrolling to the end reads the next page, as Element's directory does; the button stays for the keyboard and for
  // a page too short to scroll (nothing is read before the person has scrolled at all).
  const results = useRef<HTMLDivElement>(null);
  const more = useRef<HTMLDivElement>(null);
  const canPage = state.nextBatch !== null && state.loading === null && !state.error && !state.moreError;
  useEffect(() => {
    const root = results.current;
    const end = more.current;
    if (!canPage || !root || !end) return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && root.scrollTop > 0) void loadMorePublicRooms(session);
    }, { root, rootMargin: '0px 0px 120px 0px' });
    seen.observe(end);
    return () => seen.disconnect();
  }, [canPage, session]);

  const where = state.shown?.server || ownServer;
  // A new search under way (typing, the pause after it, or its answer on the way): what is shown is about the last
  // one, so it may not say so as if it were the answer. The rows stay, dimmed, until the answer replaces them.
  const searching = state.pending || state.loading === 'first';
  const asking = serverProblem(state.server) === null ? normalizeServer(state.server) || ownServer : null;
  const waiting = searching && state.rooms.length === 0;
  const error = searching ? null : state.error;
  // A room's address or ID typed into the search box is offered at once, unless the directory's answer to it lists
  // that room (then its own row says more of it).
  const typed = roomAddress(state.query);
  const listed = typed !== null && state.shown?.query === typed && state.rooms.some((r) => r.roomId === typed || r.alias === typed);
  const address = listed ? null : typed;
  return (
    <dialog ref={ref} className="dialog explore-dialog" data-testid="explore-rooms-dialog" aria-labelledby="explore-rooms-title"
      onClose={onClose} onKeyDown={trapTab}>
      <div className="explore-header">
        <h2 id="explore-rooms-title" className="dialog-title">Explore public rooms</h2>
        <button type="button" className="icon-button explore-close" aria-label="Close" data-testid="explore-close" onClick={onClose}>×</button>
      </div>
      <div className="explore-fields">
        <label className="dialog-field explore-search">Search
          <input type="search" data-testid="explore-search" value={state.query} autoFocus placeholder="Name, topic or address"
            onChange={(e) => setDirectoryQuery(session, e.target.value)} onKeyDown={(e) => onFieldKey(e, setDirectoryQuery)} />
        </label>
        <label className="dialog-field explore-server">Server
          <input data-testid="explore-server" value={state.server} placeholder={ownServer} spellCheck={false} autoCapitalize="off"
            onChange={(e) => setDirectoryServer(session, e.target.value)} onKeyDown={(e) => onFieldKey(e, setDirectoryServer)} />
        </label>
      </div>
      <div ref={results} className="explore-results" aria-busy={state.loading !== null || state.pending} data-testid="explore-results">
        {address && <ExploreAddressRow key={address} address={address} server={state.server} onDone={onClose} />}
        {waiting && (
          <p className="explore-status" role="status" data-testid="explore-loading">
            <span className="spinner" aria-hidden="true" /> {asking !== null ? <>Looking for public rooms on {asking}…</> : 'Searching…'}
          </p>
        )}
        {searching && state.rooms.length > 0 && (
          <p className="explore-status explore-searching" role="status" data-testid="explore-searching">
            <span className="spinner" aria-hidden="true" /> {asking !== null ? <>Searching {asking}…</> : 'Searching…'}
          </p>
        )}
        {error && (
          <div className="explore-problem" role="alert" data-testid="explore-error">
            <p><strong>The public rooms could not be listed.</strong></p>
            <p>{error}</p>
            <button type="button" className="dialog-button" data-testid="explore-retry" onClick={() => void searchPublicRooms(session)}>
              Try again
            </button>
          </div>
        )}
        {!searching && !error && state.shown && state.rooms.length === 0 && (
          <p className="explore-status" role="status" data-testid="explore-empty">
            {state.shown.query
              ? <>No public rooms on {where} match “{state.shown.query}”.</>
              : <>{where} lists no public rooms.</>}
          </p>
        )}
        {state.rooms.length > 0 && (
          <ul className={`explore-list${searching ? ' is-stale' : ''}`} aria-label={`Public rooms on ${where}`} data-testid="explore-list">
            {state.rooms.map((room) => {
              const joined = rooms.get(room.roomId)?.meta !== undefined;
              const request = state.requests.get(room.roomId);
              const offer = rowOffer({
                joinRule: room.joinRule, joined, request, invited: invites.some((r) => r.room_id === room.roomId), inAllowedRoom: undefined,
              });
              const members = rooms.get(room.roomId)?.meta?.lazy_load_summary?.['m.joined_member_count'] ?? room.members;
              return <PublicRoomRow key={room.roomId} room={room} offer={offer} joined={joined} members={members} request={request} onAction={open} />;
            })}
          </ul>
        )}
        {state.nextBatch !== null && !error && !searching && (
          <div ref={more} className="explore-more">
            {state.moreError && <p className="explore-row-error" role="alert">Could not load more rooms: {state.moreError}</p>}
            <button type="button" className="dialog-button" data-testid="explore-more" aria-busy={state.loading === 'more'}
              disabled={state.loading !== null} onClick={() => void loadMorePublicRooms(session)}>
              {state.loading === 'more' ? 'Loading…' : 'Load more rooms'}
            </button>
          </div>
        )}
      </div>
    </dialog>
  );
}

interface RowProps {
  room: PublicRoom;
  offer: RowOffer;
  joined: boolean;
  members: number | undefined;
  request: RowRequest | undefined;
  onAction: (room: PublicRoom, action: RowAction) => void;
}

/** One room of the directory; memoized, as the dialog re-renders on every sync (it reads which rooms we are in). */
const PublicRoomRow = memo(function PublicRoomRow({ room, offer, joined, members, request, onAction }: RowProps) {
  const name = summaryName(room);
  const busy = busyAction(request);
  const facts = summaryFacts(room, members, joined);
  return (
    <li className="explore-row" data-testid="explore-room" data-room-id={room.roomId}>
      <Avatar id={room.roomId} name={name} mxc={room.avatar} size={40} />
      <div className="explore-row-text">
        <span className="explore-row-name" title={name}>{name}</span>
        {room.alias && room.alias !== name && <span className="explore-row-alias" title={room.alias}>{room.alias}</span>}
        {room.topic && <p className="explore-row-topic" title={room.topic} data-testid="explore-room-topic">{room.topic}</p>}
        {facts.length > 0 && <p className="explore-row-facts">{facts.join(' · ')}</p>}
        {offer.note && <p className="explore-row-note" data-testid="explore-room-note">{offer.note}</p>}
        {request?.kind === 'failed' && (
          <p className="explore-row-error" role="alert" data-testid="explore-room-error">{REQUEST_FAILED[request.action]}: {request.message}</p>
        )}
      </div>
      {offer.actions.length > 0 && (
        <div className="explore-row-actions">
          {offer.actions.map((a) => a === 'explore' ? null : (
            <button key={a} type="button" className={`dialog-button${a === 'join' || a === 'knock' ? ' explore-join' : ''}`}
              data-testid={ACTION[a].testId} disabled={busy !== null} aria-label={`${ACTION[a].label}: ${name}`}
              onClick={() => onAction(room, a)}>
              {busy === a ? ACTION[a].busy : ACTION[a].label}
            </button>
          ))}
        </div>
      )}
    </li>
  );
});
