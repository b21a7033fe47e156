/**
 * An open room: its header (name, topic, member count, panel buttons, Leave), one side panel at a time (members,
 * threads, settings, search, pinned, a thread or a member's info; a thread opened from the threads list covers it,
 * the list kept hidden under it as it was, and the thread's back arrow shows it again), the timeline, the typing line and the composer (or why
 * there is none). A room we are not in shows its preview; a joined space is shown in the spaces bar instead.
 */
import { usePrefs } from '../prefs.ts';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useConnection, useMemberNames, useOwnUserId, useRoom, useSession } from '../../api/hooks.ts';
import { isolateBidi } from '../../../shared/display-name.ts';
import { canSendEvent } from '../../api/room-state.ts';
import { displayNameOf, roomDisplayName } from '../../api/selectors.ts';
import { setOpenReport } from '../../api/reporting.ts';
import { isSpaceRoom } from '../../api/spaces.ts';
import { setOpenThread, useOpenThread } from '../../api/threads.ts';
import { setOpenUser, useOpenUser } from '../../api/user-info.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatMemberCount, formatNumber } from '../common/format.ts';
import { Icon, MEMBERS_ICON } from '../common/icons.tsx';
import { LeaveRoomDialog } from '../dialogs/RoomDialogs.tsx';
import { ExportChatDialog } from '../dialogs/ExportChatDialog.tsx';
import { useOpenJoined } from '../roomlist/open-joined.ts';
import { viaFromHash } from '../route.ts';
import { Composer } from './Composer.tsx';
import { MemberList } from './MemberList.tsx';
import { HeaderMenu } from './panels/HeaderMenu.tsx';
import { CallButtons } from '../calls/CallButtons.tsx';
import { useCall } from '../calls/use-call.ts';
import { selectCallPeer } from '../../api/call-peer.ts';
import { useHeaderFold } from './panels/use-header-fold.ts';
import { PanelButtons, type SidePanelKind } from './panels/PanelButtons.tsx';
import { PinnedPanel } from './panels/PinnedPanel.tsx';
import { RoomSearchPanel } from './panels/RoomSearchPanel.tsx';
import { RoomSettingsPanel } from './panels/RoomSettingsPanel.tsx';
import { ThreadsPanel } from './panels/ThreadsPanel.tsx';
import { usePanelFocus } from './panels/use-panel-focus.ts';
import { RoomPreview } from './RoomPreview.tsx';
import { PredecessorLine, SuccessorBar } from './RoomUpgradeLinks.tsx';
import { ThreadPanel } from './ThreadPanel.tsx';
import { UserInfoPanel } from './userinfo/UserInfoPanel.tsx';
import { Timeline, type EventFocus } from './Timeline.tsx';
import './room.css';
import './composer-frame.css';
import { ShowRoomsButton } from '../sidebar-drawer.tsx';
import { PartFailed, RenderGuard } from '../common/RenderGuard.tsx';
import './reactions.css';
import './attachments.css';

/** The right panel shows one of these at a time; the header's buttons toggle them. */
type Panel = 'members' | SidePanelKind;

/** `focus`: open at this event (scrolled to and highlighted) instead of the newest. */
export function RoomView({ roomId, focus = null }: { roomId: string; focus?: EventFocus | null }) {
  const session = useSession();
  const room = useRoom(roomId);
  // Without the power to post (an announcements room, a muted member) the composer is replaced by a line that says
  // so, as in Element, instead of letting a message be written that the server then refuses.
  const ownUserId = useOwnUserId();
  const mayPost = canSendEvent(room, ownUserId, 'm.room.message');
  const connected = useConnection().state === 'open';
  const stateLoaded = room?.stateLoaded ?? false;
  const exists = room !== undefined;
  const [panel, setPanel] = useState<Panel | null>(null);
  const thread = useOpenThread(roomId);
  // A member's user info (from the member list or a sender in the timeline) takes the panel's place.
  const user = useOpenUser(roomId);
  // A thread opened over the threads list keeps the list under it (to go back to), and the Threads button pressed.
  const overList = thread !== null && panel === 'threads';
  const shown: Panel | null = thread ? (overList ? 'threads' : null) : user ? null : panel;
  // A header button closes an open thread or user info too: one side panel at a time. A pressed one closes its panel.
  const toggle = (p: Panel) => {
    if (thread) setOpenThread(roomId, null);
    if (user) setOpenUser(roomId, null);
    setPanel(shown === p ? null : p);
  };
  const close = () => setPanel(null);
  const closeUser = (back: boolean) => {
    setOpenUser(roomId, null);
    setPanel(back ? 'members' : null);
  };
  // In a narrow window the panel overlays the timeline: Esc closes it from anywhere in the room, and the focus moves
  // into it and back out (use-panel-focus.ts).
  const slot = useRef<HTMLDivElement>(null);
  const section = useRef<HTMLElement>(null);
  const openKey = thread ? `thread ${thread}` : user ? `user ${user}` : panel;
  const closeAny = () => {
    if (thread) setOpenThread(roomId, null);
    else if (user) closeUser(false);
    else close();
  };
  const composer = useCallback(() => section.current?.querySelector<HTMLElement>('.composer-input') ?? null, []);
  usePanelFocus(slot, openKey, closeAny, composer);

  // Again after a reconnect: the new connection's clear_state drops what the old one loaded.
  useEffect(() => {
    if (connected && exists && !stateLoaded) void session.loadRoomState(roomId);
  }, [connected, exists, roomId, stateLoaded, session]);

  // Not (or no longer) in the room: what we can see of it from outside, and a way in.
  if (!room?.meta) return <RoomPreview target={roomId} via={viaFromHash(window.location.hash)} />;
  // A space is never a chat: joined (an invite accepted from its preview, a link to it) it shows in the spaces bar.
  if (isSpaceRoom(room)) return <JoinedSpace roomId={roomId} />;

  return (
    <section ref={section} className={`room${openKey ? ' has-member-panel' : ''}${thread ? ' has-thread-panel' : ''}`} aria-label={roomDisplayName(room)}>
      <RoomHeader room={room} open={shown} onToggle={toggle} />
      <PredecessorLine room={room} />
      {/* One side panel at a time: an open thread covers the others. The slot has no box of its own. */}
      <div ref={slot} className="room-panel-slot">
        <RenderGuard name="a side panel" resetKey={`${thread ?? ''} ${user ?? ''} ${panel ?? ''}`}
          fallback={(error, retry) => <aside className="member-panel side-panel"><PartFailed error={error} retry={retry} what="this panel" /></aside>}>
        {thread ? <ThreadPanel key={thread} roomId={roomId} rootId={thread}
          {...(overList ? { onBack: () => setOpenThread(roomId, null), onClose: () => { setOpenThread(roomId, null); close(); } } : {})} />
          : user ? <UserInfoPanel key={user} roomId={roomId} userId={user} onBack={() => closeUser(true)} onClose={() => closeUser(false)} /> : <>
          {panel === 'members' && <MemberList roomId={roomId} onClose={close} />}
          {panel === 'settings' && <RoomSettingsPanel key={roomId} roomId={roomId} onClose={close} />}
          {panel === 'search' && <RoomSearchPanel key={roomId} roomId={roomId} onClose={close} />}
          {panel === 'pinned' && <PinnedPanel key={roomId} roomId={roomId} onClose={close} />}
        </>}
        {/* Under a thread opened from it the list stays, hidden, for the thread's back arrow. */}
        {panel === 'threads' && (overList || !user) && <ThreadsPanel key={roomId} roomId={roomId} onClose={close} hidden={overList} />}
        </RenderGuard>
      </div>
      <Timeline roomId={roomId} focus={focus} />
      <TypingLine room={room} />
      {room.meta.tombstone ? <SuccessorBar room={room} />
        : mayPost ? <Composer roomId={roomId} roomName={roomDisplayName(room)} />
          : <div className="room-upgrade" role="status" data-testid="no-permission-to-post">
            <span className="room-upgrade-text">You do not have permission to post in this room.</span>
          </div>}
    </section>
  );
}

/**
 * A joined space opened as a room: selected in the spaces bar instead, with no room open (open-joined.ts). Before
 * the first paint, so not even one frame shows the space as a chat (the preview's Accept re-rendered this view
 * with the joined space before its own "show it as a space" ran).
 */
function JoinedSpace({ roomId }: { roomId: string }) {
  const openJoined = useOpenJoined();
  useLayoutEffect(() => {
    if (openJoined(roomId, () => undefined) === 'space') window.location.hash = '';
  }, [openJoined, roomId]);
  return null;
}

function RoomHeader({ room, open, onToggle }: { room: RoomData; open: Panel | null; onToggle: (p: Panel) => void }) {
  const meta = room.meta!;
  const name = roomDisplayName(room);
  const members = meta.lazy_load_summary?.['m.joined_member_count'];
  const callPeer = selectCallPeer(room, useOwnUserId());
  const { calls } = useSession();
  const callOn = useCall() !== null;
  const [leaving, setLeaving] = useState(false);
  const [exporting, setExporting] = useState(false);
  const header = useRef<HTMLElement>(null);
  const fold = useHeaderFold(header, name);
  const folded = fold === 'folded';
  return (
    <header ref={header} className={`room-header${fold === 'full' ? '' : ` is-${fold}`}`} data-testid="room-header">
      <ShowRoomsButton />
      <Avatar id={room.id} name={name} mxc={meta.avatar} size={36} />
      <div className="room-header-text">
        <h2 className="room-header-name" title={name}>
          {name}
          {meta.encryption_event && <span className="room-header-e2ee" title="End-to-end encrypted" aria-label="End-to-end encrypted">🔒</span>}
        </h2>
        {meta.topic ? (
          <p className="room-header-topic" title={meta.topic}>{meta.topic}</p>
        ) : meta.canonical_alias && meta.canonical_alias !== name ? (
          <p className="room-header-topic">{meta.canonical_alias}</p>
        ) : null}
      </div>
      {members !== undefined && (
        <button type="button" className="room-header-members room-header-panel-button" title="Show members" data-testid="open-members"
          aria-label={formatMemberCount(members)} aria-pressed={open === 'members'} onClick={() => onToggle('members')}>
          <Icon shape={MEMBERS_ICON} />
          {formatNumber(members)}<span className="room-header-panel-label">{members === 1 ? 'member' : 'members'}</span>
        </button>
      )}
      {callPeer && <CallButtons roomId={room.id} peerId={callPeer} />}
      <PanelButtons open={open} onToggle={onToggle} />
      <button type="button" className="room-header-leave room-header-wide" data-testid="open-leave-room" onClick={() => setLeaving(true)}>Leave</button>
      <HeaderMenu open={open} folded={folded} leaveFolded={fold === 'trimmed'} onToggle={onToggle} onLeave={() => setLeaving(true)}
        onCall={callPeer ? { place: (video) => { void calls.place(room.id, callPeer, video); }, busy: callOn } : undefined}
        onExport={() => setExporting(true)} onReport={() => setOpenReport({ kind: 'room', roomId: room.id })} />
      {leaving && <LeaveRoomDialog roomId={room.id} roomName={name} onClose={() => setLeaving(false)} />}
      {exporting && <ExportChatDialog roomId={room.id} roomName={name} encrypted={!!meta.encryption_event} onClose={() => setExporting(false)} />}
    </header>
  );
}

function TypingLine({ room }: { room: RoomData }) {
  const names = useMemberNames(room.id);
  const own = useOwnUserId();
  const { showTyping } = usePrefs();
  if (!showTyping) return null;
  const others = room.typing.filter((u) => u !== own).map((u) => isolateBidi(displayNameOf(names, u)));
  let text = '';
  if (others.length === 1) text = `${others[0]} is typing…`;
  else if (others.length === 2) text = `${others[0]} and ${others[1]} are typing…`;
  else if (others.length > 2) text = `${others[0]} and ${others.length - 1} others are typing…`;
  return <div className="room-typing" aria-live="polite" data-testid="typing">{text}</div>;
}
