/**
 * Connects link routing to the app: links from the desktop shell (`lattice.onNavigate`) and matrix links clicked
 * in the page go through `routeLink`; opening a room selects it; a room we are not in (or are invited to) opens its
 * preview in the room pane (ui/room/RoomPreview.tsx, through the room route with the link's via servers); a user
 * who is a member of the room on screen opens their user info in its side panel (as a mention pill does in
 * Element), anyone else becomes a prompt offering a direct chat (LinkPrompt.tsx).
 * Also tells the shell which room is shown (`lattice.setViewedRoom`), so it does not notify about it.
 *
 * A link with an event opens a joined room at that event (the timeline scrolls to it, loading it if needed); a
 * room reached through its preview opens at its newest message once joined.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MatrixLink } from '../../shared/matrix-uri.ts';
import { getBridge } from '../api/bridge.ts';
import { useSession } from '../api/hooks.ts';
import { setOpenUser } from '../api/user-info.ts';
import { interceptMatrixLinkClicks } from './link-clicks.ts';
import { hashForRoom } from '../ui/route.ts';
import { routeLink, type LinkAction } from './link-route.ts';

function navigateTo(hash: string): void {
  window.location.hash = hash;
}

export type LinkPromptAction = Extract<LinkAction, { kind: 'show-user' }>;

export function useLinkNavigation(selected: string | null, openRoom: (roomId: string, eventId?: string) => void): {
  prompt: LinkPromptAction | null;
  dismiss: () => void;
} {
  const session = useSession();
  const [prompt, setPrompt] = useState<LinkPromptAction | null>(null);

  const open = useCallback((link: MatrixLink) => {
    const snap = session.store.getSnapshot();
    const action = routeLink(link, { ...snap, ownUserId: snap.clientState?.user_id ?? null });
    switch (action.kind) {
      case 'open-room':
        setPrompt(null);
        openRoom(action.roomId, action.eventId);
        break;
      case 'join':
      case 'preview':
        // Joining is never done without the user's click, even for action=join links: the preview has the button.
        setPrompt(null);
        navigateTo(hashForRoom(action.room, action.via));
        break;
      case 'show-user': {
        const shown = selected ? snap.rooms.get(selected) : undefined;
        if (shown && !action.startChat && shown.state['m.room.member']?.[action.userId] !== undefined) {
          setPrompt(null);
          setOpenUser(shown.id, action.userId);
        } else {
          setPrompt(action);
        }
        break;
      }
      default: {
        const never: never = action;
        return never;
      }
    }
  }, [session, openRoom, selected]);

  useEffect(() => {
    const offClicks = interceptMatrixLinkClicks(document, open);
    const offShell = getBridge()?.onNavigate?.(open);
    return () => {
      offClicks();
      offShell?.();
    };
  }, [open]);

  useEffect(() => {
    getBridge()?.setViewedRoom?.(selected);
  }, [selected]);
  // Leaving the logged-in layout (sign out) shows no room.
  useEffect(() => () => getBridge()?.setViewedRoom?.(null), []);

  return { prompt, dismiss: useCallback(() => setPrompt(null), []) };
}
