/**
 * A space's home (`#/space/<ID>`, opened from the spaces bar or the room list's "Explore rooms"): the space's name,
 * topic and members, then every room and sub-space its hierarchy lists, joined or not, a page at a time, each with
 * what can be done about it (SpaceRoomRow). This is how someone finds the rooms of a space they have not joined, as
 * Element's space home does. What was read and expanded, and the filter, stay for the session: opening the home again
 * shows it at once and reads it again in the background, so it is never much older than the opening (and says so,
 * with a way to try again, when that read fails). A filter shows its matches in their place in the tree, each under
 * the sub-spaces it is in, whose toggles then open and close the filtered rows.
 *
 * Someone whose power in the space lets them send m.space.child manages it here as in Element: create a room in it,
 * add rooms they are in (AddRoomsDialog), remove a room from it (on the room's row; a room shown under a sub-space is
 * removed from that sub-space, where their power there allows); a member of the space opens its settings (the room
 * settings panel, which a space's state fits).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useConnection, useOwnUserId, useRoom, useSession, useStoreSelector } from '../../api/hooks.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import {
  joinHierarchyRoom, knockHierarchyRoom, loadHierarchy, loadMoreHierarchy, openHierarchy, refreshHierarchy, setHierarchyFilter,
  toggleHierarchyExpanded, useSpaceHierarchy,
} from '../../api/space-hierarchy.ts';
import { filterSpaceHomeRows, rowOffer, subSpaceOffer, type RowAction, type SpaceHomeRow } from '../../api/space-home-rows.ts';
import { canSendState } from '../../api/room-state.ts';
import { loadSpacePowers, mayManageSpace, removeFromSpace } from '../../api/space-manage.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatMemberCount } from '../common/format.ts';
import { CreateRoomDialog } from '../dialogs/RoomDialogs.tsx';
import { RoomSettingsPanel } from '../room/panels/RoomSettingsPanel.tsx';
import { AddRoomsDialog } from './AddRoomsDialog.tsx';
import { SpaceRoomRow, type RemoveState } from './SpaceRoomRow.tsx';
import { ShowRoomsButton } from '../sidebar-drawer.tsx';
import './space-home.css';

interface Props {
  spaceId: string;
  onOpenRoom: (roomId: string) => void;
  onOpenSpace: (spaceId: string) => void;
}

export function SpaceHome({ spaceId, onOpenRoom, onOpenSpace }: Props) {
  const session = useSession();
  const state = useSpaceHierarchy(session, spaceId);
  const synced = useRoom(spaceId);
  const rooms = useStoreSelector((s) => s.rooms);
  const invites = useStoreSelector((s) => s.invitedRooms);
  const expanded = state.expanded;
  const query = state.query;
  const setQuery = useCallback((q: string) => setHierarchyFilter(session, spaceId, q), [session, spaceId]);
  const listRef = useRef<HTMLUListElement>(null);
  const own = useOwnUserId();
  const connected = useConnection().state === 'open';
  const [dialog, setDialog] = useState<'create' | 'add' | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [removals, setRemovals] = useState<ReadonlyMap<string, RemoveState>>(new Map());

  useEffect(() => { void openHierarchy(session, spaceId); }, [session, spaceId]);
  // The space's state (its power levels above all), as opening a room loads a room's: whether the buttons that
  // change the space are offered depends on it. Again after a reconnect, whose clear_state drops it.
  const joinedSpace = synced?.meta !== undefined;
  const stateLoaded = synced?.stateLoaded === true;
  useEffect(() => {
    if (connected && joinedSpace && !stateLoaded) void session.loadRoomState(spaceId);
  }, [connected, joinedSpace, stateLoaded, session, spaceId]);
  const canManage = stateLoaded && canSendState(synced, own, 'm.space.child');

  const root = state.rooms.get(spaceId);
  // A space we are in: its synced name, topic and picture, which a change in its settings updates at once (the
  // hierarchy's are as the last read found them).
  const meta = synced?.meta;
  const known = meta?.name?.trim() || root?.name || (meta ? roomDisplayName(synced) : undefined) || root?.alias;
  // A space we cannot read has no name we could know; its ID then says which one it is, under a plain title.
  const name = known ?? (state.error ? 'Unknown space' : root ? 'Unnamed space' : 'Space');
  const topic = meta ? meta.topic : root?.topic;
  const members = root?.members;
  const rows = useMemo(() => filterSpaceHomeRows(state.rooms, spaceId, expanded, query, state.filterToggled),
    [state.rooms, spaceId, expanded, query, state.filterToggled]);
  const filtering = query.trim() !== '';

  // Esc clears the filter (and only then lets Esc go on); Enter or ↓ goes to the first match's first button (not to a
  // sub-space shown only because a match is in it).
  const onFilterKey = useCallback((e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && query !== '') {
      e.preventDefault();
      e.stopPropagation();
      setQuery('');
    } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
      const first = listRef.current?.querySelector<HTMLButtonElement>('[data-testid="space-room"][data-match="true"] button');
      if (first) { e.preventDefault(); first.focus(); }
    }
  }, [query, setQuery]);
  const isJoined = useCallback((id: string) => rooms.get(id)?.meta !== undefined, [rooms]);
  // The sub-spaces whose rooms are shown: where our power in one lets us, its rooms can be removed from it here too,
  // so its power levels are read (the sub-spaces we are not in offer nothing: we cannot change them).
  const subSpaces = useMemo(() => [...new Set(rows.filter((r) => r.depth > 0).map((r) => r.parentId))], [rows]);
  useEffect(() => {
    if (connected && subSpaces.length) void loadSpacePowers(session, subSpaces);
  }, [connected, subSpaces, rooms, session]);

  const onToggle = useCallback((roomId: string) => {
    toggleHierarchyExpanded(session, spaceId, roomId);
  }, [session, spaceId]);

  const onAction = useCallback((row: SpaceHomeRow, action: RowAction) => {
    switch (action) {
      case 'open':
        if (row.room.isSpace) onOpenSpace(row.room.roomId);
        else onOpenRoom(row.room.roomId);
        return;
      case 'explore':
        onOpenSpace(row.room.roomId);
        return;
      case 'view-invite':
        onOpenRoom(row.room.roomId);
        return;
      case 'join':
        void joinHierarchyRoom(session, spaceId, row.child);
        return;
      case 'knock':
        void knockHierarchyRoom(session, spaceId, row.child);
        return;
      default: {
        const never: never = action;
        return never;
      }
    }
  }, [session, spaceId, onOpenRoom, onOpenSpace]);

  const onRemove = useCallback((row: SpaceHomeRow) => {
    const id = row.room.roomId;
    const set = (v: RemoveState | null) => setRemovals((m) => {
      const next = new Map(m);
      if (v) next.set(id, v); else next.delete(id);
      return next;
    });
    set({ kind: 'removing' });
    const from = row.parentId === spaceId ? 'the space' : state.rooms.get(row.parentId)?.name ?? 'the sub-space';
    removeFromSpace(session, row.parentId, id, row.room.name ?? 'the room', from)
      .then(async () => { await refreshHierarchy(session, spaceId); set(null); })
      .catch((err: unknown) => set({ kind: 'failed', message: errorMessage(err) }));
  }, [session, spaceId, state.rooms]);

  const firstLoad = state.loading === 'first' && state.rooms.size === 0;
  return (
    <div className={`space-home-frame${settingsOpen ? ' has-panel' : ''}`}>
      <section className="space-home" aria-label={`Rooms of ${name}`} data-testid="space-home" data-space-id={spaceId}
        aria-busy={state.loading !== null}>
        <header className="space-home-header">
          <ShowRoomsButton />
          <Avatar id={spaceId} name={name} mxc={meta ? meta.avatar : root?.avatar} size={64} />
          <div className="space-home-heading">
            <h2 className="space-home-name" tabIndex={-1} data-testid="space-home-name">{name}</h2>
            {(root?.alias || typeof members === 'number' || !known) && (
              <p className="space-home-facts">
                {[root?.alias ?? (known ? null : spaceId), typeof members === 'number' ? formatMemberCount(members) : null]
                  .filter(Boolean).join(' · ')}
              </p>
            )}
            {topic && <p className="space-home-topic">{topic}</p>}
            {(canManage || joinedSpace) && (
              <div className="space-home-actions">
                {canManage && (
                  <>
                    <button type="button" className="space-room-button space-room-secondary" data-testid="space-home-create-room"
                      onClick={() => setDialog('create')}>Create a room</button>
                    <button type="button" className="space-room-button space-room-secondary" data-testid="space-home-add-rooms"
                      onClick={() => setDialog('add')}>Add existing rooms</button>
                  </>
                )}
                {joinedSpace && (
                  <button type="button" className="space-room-button space-room-secondary" data-testid="space-home-settings"
                    aria-expanded={settingsOpen} onClick={() => setSettingsOpen((o) => !o)}>Settings</button>
                )}
              </div>
            )}
          </div>
        </header>

        {firstLoad && (
          <p className="space-home-status" role="status" data-testid="space-home-loading">
            <span className="spinner" aria-hidden="true" /> Loading the rooms of this space…
          </p>
        )}
        {state.error && (
          <div className="space-home-problem" role="alert" data-testid="space-home-error">
            <p><strong>The rooms of this space cannot be listed.</strong></p>
            <p>{state.error}</p>
            <button type="button" className="button-primary" data-testid="space-home-retry" disabled={state.loading !== null}
              onClick={() => void loadHierarchy(session, spaceId)}>
              {state.loading === 'first' ? 'Trying again…' : 'Try again'}
            </button>
          </div>
        )}
        {state.refreshError && !state.error && (
          <div className="space-home-problem space-home-stale" role="status" data-testid="space-home-refresh-error">
            <p><strong>Could not check this space for changes.</strong> {state.refreshError}</p>
            <p>The rooms below are as they were when last read.</p>
            <button type="button" className="space-room-button space-room-secondary" data-testid="space-home-refresh-retry"
              disabled={state.loading !== null} onClick={() => void refreshHierarchy(session, spaceId)}>
              {state.loading === 'refresh' ? 'Checking…' : 'Check again'}
            </button>
          </div>
        )}
        {!firstLoad && !state.error && (
          !filtering && rows.length === 0 && state.nextBatch === null ? (
            <p className="space-home-status" data-testid="space-home-empty">This space has no rooms you can see.</p>
          ) : (
            <>
              <div className="space-home-toolbar">
                <h3 className="space-home-section">Rooms and spaces</h3>
                <input type="search" className="space-home-filter" data-testid="space-home-filter" value={query}
                  placeholder="Filter rooms" aria-label={`Filter the rooms of ${name} by name, topic or address`}
                  onChange={(e) => setQuery(e.target.value)} onKeyDown={onFilterKey} />
              </div>
              {filtering && rows.length === 0 && (
                <p className="space-home-status space-home-no-match" role="status" data-testid="space-home-no-match">
                  No rooms match “{query.trim()}”{state.nextBatch !== null ? ' in the rooms loaded so far.' : '.'}
                </p>
              )}
              <ul className="space-home-list" ref={listRef} aria-label={`Rooms and spaces in ${name}`}>
                {rows.map((row) => {
                  const id = row.room.roomId;
                  const joined = isJoined(id);
                  const request = state.requests.get(id);
                  const allowed = row.room.allowedRoomIds;
                  const base = rowOffer({
                    joinRule: row.room.joinRule, joined, request,
                    invited: invites.some((r) => r.room_id === id),
                    inAllowedRoom: allowed.length ? allowed.some(isJoined) : undefined,
                  });
                  const offer = row.room.isSpace && !joined ? subSpaceOffer(base) : base;
                  const members = rooms.get(id)?.meta?.lazy_load_summary?.['m.joined_member_count'] ?? row.room.members;
                  // Removed from the space that lists it here: this one, or the sub-space it is shown under.
                  const removable = row.depth === 0 ? canManage : own !== undefined && mayManageSpace(rooms, row.parentId, own);
                  return <SpaceRoomRow key={id} row={row} offer={offer} joined={joined} members={members} request={request}
                    onAction={onAction} onToggle={onToggle} onRemove={removable ? onRemove : undefined}
                    removeFrom={row.depth === 0 ? name : state.rooms.get(row.parentId)?.name ?? 'the sub-space'} removal={removals.get(id)} />;
                })}
              </ul>
            </>
          )
        )}
        {state.nextBatch !== null && !state.error && (
          <div className="space-home-more">
            {state.moreError && <p className="space-room-error" role="alert">Could not load more rooms: {state.moreError}</p>}
            <button type="button" className="space-room-button space-room-secondary" data-testid="space-home-more"
              aria-busy={state.loading === 'more'} disabled={state.loading !== null} onClick={() => void loadMoreHierarchy(session, spaceId)}>
              {state.loading === 'more' ? 'Loading…' : 'Load more rooms'}
            </button>
          </div>
        )}
      </section>
      {settingsOpen && <RoomSettingsPanel roomId={spaceId} space onClose={() => setSettingsOpen(false)} />}
      {dialog === 'create' && <CreateRoomDialog spaceId={spaceId} spaceName={name} onClose={() => setDialog(null)} />}
      {dialog === 'add' && <AddRoomsDialog spaceId={spaceId} spaceName={name} onClose={() => setDialog(null)} />}
    </div>
  );
}
