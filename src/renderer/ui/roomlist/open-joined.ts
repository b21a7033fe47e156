/**
 * Showing a room the user has just joined (an invite accepted from the list or from a room's preview, a room joined
 * by its address): a space is selected in the spaces bar, which lists its rooms, since a space has no messages of its
 * own to open as a chat; any other room opens. The spaces bar's selection lives in the main layout, which provides
 * it here, so every place that joins rooms opens them the same way.
 */
import { createContext, useCallback, useContext } from 'react';
import { useSession } from '../../api/hooks.ts';
import { isSpaceRoom } from '../../api/spaces.ts';

/** Selects a space (or pseudo-space) in the spaces bar. */
export const SpaceSelection = createContext<(spaceId: string) => void>(() => undefined);

/**
 * Opens a joined room with `openRoom`, or, for a space, shows it in the spaces bar instead; says which it did. The
 * room must be in the store already (waitForJoinedRoom), as its creation content says whether it is a space.
 */
export function useOpenJoined(): (roomId: string, openRoom: (roomId: string) => void) => 'space' | 'room' {
  const { store } = useSession();
  const selectSpace = useContext(SpaceSelection);
  return useCallback((roomId, openRoom) => {
    const room = store.getSnapshot().rooms.get(roomId);
    if (room && isSpaceRoom(room)) {
      selectSpace(roomId);
      return 'space';
    }
    openRoom(roomId);
    return 'room';
  }, [store, selectSpace]);
}
