import { useCallback, useEffect, useState } from 'react';
import { useClientState, useConnection, useInitComplete, useOwnDisplayName, useOwnUserId, useRoom, useSession, useStoreSelector } from '../api/hooks.ts';
import { localpart, roomDisplayName, selectOwnAvatar } from '../api/selectors.ts';
import { selectSpacesModel } from '../api/spaces.ts';
import { Avatar } from './common/Avatar.tsx';
import { LoginScreen } from './login/LoginScreen.tsx';
import { RoomView } from './room/RoomView.tsx';
import type { EventFocus } from './room/Timeline.tsx';
import { SpaceSelection } from './roomlist/open-joined.ts';
import { RoomList } from './roomlist/RoomList.tsx';
import { SpacesBar } from './roomlist/SpacesBar.tsx';
import { SettingsDialog } from './settings/SettingsDialog.tsx';
import { MentionsButton } from './mentions/MentionsButton.tsx';
import { MentionsDialog } from './mentions/MentionsDialog.tsx';
import { QuickSwitcher } from './switcher/QuickSwitcher.tsx';
import { ConnectionBanner, StatusBanners } from './status/StatusBanners.tsx';
import { roomIdFromHash, hashForRoom, hashForSpace, spaceIdFromHash } from './route.ts';
import { SpaceHome } from './spaces/SpaceHome.tsx';
import { LinkPrompt } from '../links/LinkPrompt.tsx';
import { useLinkNavigation } from '../links/use-link-navigation.ts';
import { WebNotifications } from '../notify/WebNotifications.tsx';
import { NewRoomButtons } from './dialogs/NewRoomButtons.tsx';
import { SignOutDialog } from './dialogs/SignOutDialog.tsx';
import { ReportLayer } from './dialogs/ReportDialogs.tsx';
import { setOpenReport } from '../api/reporting.ts';
import { MessageDialogLayer } from './dialogs/MessageDialogs.tsx';
import { EncryptionGate, EncryptionReminder } from './security/EncryptionGate.tsx';
import { VerificationLayer } from './verification/VerificationLayer.tsx';
import { CallLayer } from './calls/CallLayer.tsx';
import { ScreenPickerLayer } from './calls/ScreenPicker.tsx';
import { SidebarDrawerProvider, useSidebarDrawer } from './sidebar-drawer.tsx';
import { DialogFailed, OverlayFailed, PartFailed, RenderGuard } from './common/RenderGuard.tsx';
import './app.css';

export function App() {
  const clientState = useClientState();
  const connection = useConnection();
  // A login in this window (not a restored session) waits for the first encryption check before the rooms show.
  const [freshLogin, setFreshLogin] = useState(false);
  // Set while rendering (React's pattern for state that follows a prop), so no frame shows the rooms first.
  if (clientState?.is_logged_in === false && !freshLogin) setFreshLogin(true);

  if (!clientState) {
    return (
      <div className="splash" data-testid="splash">
        <span className="splash-logo" aria-hidden="true" />
        {connection.state === 'connecting' || connection.state === 'open' ? (
          <p className="splash-text" role="status"><span className="spinner" aria-hidden="true" /> Connecting to Lattice…</p>
        ) : (
          <div className="splash-banner"><ConnectionBanner status={connection} /></div>
        )}
      </div>
    );
  }

  if (!clientState.is_logged_in) {
    return (
      <div className="app-shell">
        <StatusBanners />
        <LoginScreen />
      </div>
    );
  }
  return (
    <EncryptionGate freshLogin={freshLogin} banners={<StatusBanners />}>
      <MainLayout />
    </EncryptionGate>
  );
}

interface Route {
  /** The open room (or the preview of one we are not in). */
  room: string | null;
  /** The space whose home is shown, when no room is open. */
  space: string | null;
}

function routeFromHash(hash: string): Route {
  return { room: roomIdFromHash(hash), space: spaceIdFromHash(hash) };
}

function useRoute(): Route & { select: (roomId: string) => void; openSpaceHome: (spaceId: string) => void } {
  const [route, setRoute] = useState<Route>(() => routeFromHash(location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(routeFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // replaceState: room switches should not fill the back/forward history of a desktop app.
  const select = useCallback((roomId: string) => {
    setRoute({ room: roomId, space: null });
    history.replaceState(null, '', hashForRoom(roomId));
  }, []);
  const openSpaceHome = useCallback((spaceId: string) => {
    setRoute({ room: null, space: spaceId });
    history.replaceState(null, '', hashForSpace(spaceId));
  }, []);
  return { ...route, select, openSpaceHome };
}

type Panel = 'switcher' | 'settings' | 'mentions' | null;

/**
 * The shown room, and the event to show in it when one was asked for (a notification, a link): a room opened
 * from the list or the switcher opens at its newest message, so picking it does not replay an old request.
 */
function useRoomNavigation(): {
  selected: string | null;
  spaceHome: string | null;
  focus: (EventFocus & { roomId: string }) | null;
  select: (roomId: string) => void;
  openAt: (roomId: string, eventId?: string) => void;
  openSpaceHome: (spaceId: string) => void;
} {
  const { room: selected, space: spaceHome, select: selectRoom, openSpaceHome } = useRoute();
  const [focus, setFocus] = useState<(EventFocus & { roomId: string }) | null>(null);
  const select = useCallback((roomId: string) => {
    setFocus(null);
    selectRoom(roomId);
  }, [selectRoom]);
  const openAt = useCallback((roomId: string, eventId?: string) => {
    setFocus(eventId ? { roomId, eventId } : null);
    selectRoom(roomId);
  }, [selectRoom]);
  return { selected, spaceHome, focus, select, openAt, openSpaceHome };
}

function MainLayout() {
  const { selected, spaceHome, focus, select, openAt, openSpaceHome } = useRoomNavigation();
  const [spaceId, setSpaceId] = useState('home');
  const { store } = useSession();
  // As in Element: picking a space shows its home unless the open room is one of its rooms (the room stays open);
  // picking the space already selected shows its home again.
  const pickSpace = useCallback((id: string) => {
    setSpaceId(id);
    const rooms = selectSpacesModel(store.getSnapshot()).members.get(id);
    if (!rooms) return; // a pseudo-space has no home
    if (id === spaceId || selected === null || !rooms.has(selected)) openSpaceHome(id);
  }, [store, spaceId, selected, openSpaceHome]);
  // A space's home reached by its address (a reload, a link) selects the space in the spaces bar as a click does, once
  // the sync has told which spaces we are in; a space we are not in (or a sub-space) leaves the bar as it is.
  const homeIsBarSpace = useStoreSelector((s) => spaceHome !== null && selectSpacesModel(s).members.has(spaceHome));
  // Set while rendering (React's "adjust state when a prop changes"), once per home, so picking another entry of the
  // bar while the home stays open is not undone.
  const [barSynced, setBarSynced] = useState<string | null>(null);
  if (spaceHome !== null && homeIsBarSpace && barSynced !== spaceHome) {
    setBarSynced(spaceHome);
    setSpaceId(spaceHome);
  }
  const spaceHomeName = useStoreSelector((s) => (spaceHome ? roomDisplayName(s.rooms.get(spaceHome)) : ''));
  const [panel, setPanel] = useState<Panel>(null);
  const room = useRoom(selected);
  const links = useLinkNavigation(selected, openAt);
  // In a small window the sidebar is a drawer over the room (sidebar-drawer.tsx); picking a room in it closes it.
  const drawer = useSidebarDrawer(selected !== null || spaceHome !== null);
  const { close: closeDrawer } = drawer;
  const pickRoom = useCallback((roomId: string) => { select(roomId); closeDrawer(); }, [select, closeDrawer]);
  const pickSpaceHome = useCallback((id: string) => { openSpaceHome(id); closeDrawer(); }, [openSpaceHome, closeDrawer]);
  useEffect(() => {
    document.title = room ? `${roomDisplayName(room)} · Lattice` : spaceHomeName ? `${spaceHomeName} · Lattice` : 'Lattice';
  }, [room, spaceHomeName]);

  // Ctrl+K (⌘K) opens the room switcher from anywhere, even the composer.
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === 'k') {
        ev.preventDefault();
        setPanel((p) => (p === 'switcher' ? null : 'switcher'));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <SpaceSelection.Provider value={setSpaceId}>
      <div className="app-shell">
        <StatusBanners />
        <EncryptionReminder />
        <WebNotifications selected={selected} open={openAt} />
        <SidebarDrawerProvider value={drawer.context}>
        <div className={drawer.layoutClass}>
          <aside className="sidebar" {...drawer.sidebarProps}>
            <SidebarHeader onOpenSettings={() => setPanel('settings')} onOpenMentions={() => setPanel('mentions')} />
            <NewRoomButtons />
            <div className="sidebar-body">
              <SpacesBar spaceId={spaceId} onSelect={pickSpace} />
              <RenderGuard name="the room list" fallback={(error, retry) => <PartFailed error={error} retry={retry} what="the room list" />}>
                <RoomList selectedRoomId={selected} spaceId={spaceId} onSelect={pickRoom} onExploreSpace={pickSpaceHome} />
              </RenderGuard>
            </div>
          </aside>
          <main className="main-pane">
            {/* Another room or space opened draws afresh: one that failed does not hold the pane. */}
            <RenderGuard name="the room" resetKey={selected ?? spaceHome}
              fallback={(error, retry) => <PartFailed error={error} retry={retry} what={selected ? 'this room' : 'this space'} />}>
              {selected ? (
                <RoomView key={selected} roomId={selected} focus={focus?.roomId === selected ? focus : null} />
              ) : spaceHome ? (
                <SpaceHome key={spaceHome} spaceId={spaceHome} onOpenRoom={select} onOpenSpace={openSpaceHome} />
              ) : <NoRoomOpen />}
            </RenderGuard>
          </main>
          {drawer.scrim}
        </div>
        </SidebarDrawerProvider>
        <RenderGuard name="a dialog" resetKey={panel} fallback={(error) => <DialogFailed error={error} onClose={() => setPanel(null)} />}>
          {panel === 'switcher' && <QuickSwitcher onSelect={pickRoom} onClose={() => setPanel(null)} />}
          {panel === 'settings' && <SettingsDialog onClose={() => setPanel(null)} />}
          {panel === 'mentions' && <MentionsDialog onOpen={(roomId, eventId) => { openAt(roomId, eventId); closeDrawer(); }} onClose={() => setPanel(null)} />}
        </RenderGuard>
        {/* The windows over the app (a verification, a call, a report): one that fails says so in a corner, not
            over the app, so the rest stays usable while it is tried again. */}
        <RenderGuard name="a window over the app" fallback={(error, retry) => <OverlayFailed error={error} retry={retry} />}>
          <VerificationLayer />
          <CallLayer />
          <ScreenPickerLayer />
          <ReportLayer />
          <MessageDialogLayer />
        </RenderGuard>
        {/* A chat started from the prompt opens in view: a report dialog under the prompt (its other server's
            contacts) makes way, its draft kept (reporting.ts). */}
        {links.prompt && <LinkPrompt action={links.prompt} onOpenRoom={(id) => { links.dismiss(); setOpenReport(null); select(id); }} onClose={links.dismiss} />}
      </div>
    </SpaceSelection.Provider>
  );
}

/**
 * The main pane with no room open: which room to pick, or, for an account in no room at all (a new one), what to do
 * first, with the buttons for it.
 */
function NoRoomOpen() {
  const initComplete = useInitComplete();
  const noRooms = useStoreSelector((s) => s.roomList.length === 0 && s.invitedRooms.length === 0);
  if (initComplete && noRooms) {
    return (
      <div className="empty-state" data-testid="welcome">
        <span className="empty-state-art" aria-hidden="true" />
        <h2>Welcome to Lattice</h2>
        <p>You are not in any rooms yet. Create a room and invite people to it, start a chat with someone, join a room
          by its address (such as #lattice:example.org), or find one among your server's public rooms.</p>
        <NewRoomButtons place="welcome" />
      </div>
    );
  }
  return (
    <div className="empty-state" data-testid="empty-state">
      <span className="empty-state-art" aria-hidden="true" />
      <h2>Select a room</h2>
      <p>Pick a conversation from the list to start reading.</p>
    </div>
  );
}

function SidebarHeader({ onOpenSettings, onOpenMentions }: { onOpenSettings: () => void; onOpenMentions: () => void }) {
  const userId = useOwnUserId() ?? '';
  const displayName = useOwnDisplayName() ?? localpart(userId);
  const avatar = useStoreSelector(selectOwnAvatar);
  const connected = useConnection().state === 'open';
  const [signingOut, setSigningOut] = useState(false);

  return (
    <div className="sidebar-header">
      <Avatar id={userId} name={displayName} mxc={avatar} size={32} />
      <div className="sidebar-user">
        <span className="sidebar-user-name">{displayName}</span>
        <span className="sidebar-user-id" title={userId}>{userId}</span>
      </div>
      <MentionsButton onOpen={onOpenMentions} />
      <button type="button" className="icon-button" onClick={onOpenSettings} title="Settings" aria-label="Settings" data-testid="open-settings">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
        </svg>
      </button>
      <button type="button" className="icon-button" onClick={() => setSigningOut(true)} disabled={!connected} title="Sign out" aria-label="Sign out" data-testid="open-sign-out">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l5-5-5-5M15 12H4" />
        </svg>
      </button>
      {signingOut && <SignOutDialog onClose={() => setSigningOut(false)} />}
    </div>
  );
}
