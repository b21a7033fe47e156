/**
 * React bindings for the store. Every hook reads through `useSyncExternalStore` with a selector that returns
 * the same object while its slice is unchanged, so components re-render only for their own data.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ClientState, SyncStatus } from '../../shared/rpc/types.ts';
import type { Session } from './session.ts';
import { selectMemberNames, selectOwnDisplayName, selectTimeline, type TimelineItem } from './selectors.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';
import type { TransportStatus } from './transport.ts';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext.Provider>');
  return session;
}

export function useStoreSelector<T>(selector: (snap: StoreSnapshot) => T): T {
  const { store } = useSession();
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot()));
}

export function useRoom(roomId: string | null): RoomData | undefined {
  return useStoreSelector((s) => (roomId ? s.rooms.get(roomId) : undefined));
}

export function useTimeline(roomId: string | null): readonly TimelineItem[] {
  return useStoreSelector((s) => selectTimeline(roomId ? s.rooms.get(roomId) : undefined));
}

export function useMemberNames(roomId: string | null): ReadonlyMap<string, string> {
  return useStoreSelector((s) => selectMemberNames(roomId ? s.rooms.get(roomId) : undefined));
}

export function useClientState(): ClientState | null {
  return useStoreSelector((s) => s.clientState);
}

export function useSyncStatus(): SyncStatus {
  return useStoreSelector((s) => s.syncStatus);
}

export function useConnection(): TransportStatus {
  return useStoreSelector((s) => s.connection);
}

export function useInitComplete(): boolean {
  return useStoreSelector((s) => s.initComplete);
}

export function useOwnUserId(): string | undefined {
  return useStoreSelector((s) => s.clientState?.user_id);
}

export function useOwnDisplayName(): string | undefined {
  return useStoreSelector(selectOwnDisplayName);
}
