/**
 * What the user info panel asks for and reads: which user's panel a room has open (UI state in a tiny external
 * store, so a sender's name in the timeline can open it without threading callbacks through memoized rows), the
 * user's devices with their trust, presence, the ignore list (m.ignored_user_list, from the synced account data) and
 * the DM with them.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ProfileEncryptionInfo } from '../../shared/rpc/commands/verification.ts';
import type { PresenceState, UserPresence } from '../../shared/rpc/types.ts';
import { useSession, useStoreSelector } from './hooks.ts';
import { findDm } from '../links/link-route.ts';
import { startDirectChat } from './room-requests.ts';
import { setOpenThread } from './threads.ts';
import type { Session } from './session.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';
import { listeners } from './listeners.ts';

// --- whose panel is open --------------------------------------------------------------------------------------

const openUsers = new Map<string, string>();
const openChanged = listeners();

/** Opens (or with null closes) the user info panel of a room; opening it closes the room's thread panel. */
export function setOpenUser(roomId: string, userId: string | null): void {
  if (userId) setOpenThread(roomId, null);
  if (userId) openUsers.set(roomId, userId);
  else openUsers.delete(roomId);
  openChanged.notify();
}

export function useOpenUser(roomId: string): string | null {
  return useSyncExternalStore(openChanged.subscribe, () => openUsers.get(roomId) ?? null);
}

/**
 * The name a member had before leaving or being removed: the leave or ban event usually carries none, so the panel
 * would show only the user ID's local part. Null when there is no such earlier name.
 */
export function selectFormerName(room: RoomData | undefined, userId: string): string | null {
  const rowid = room?.state['m.room.member']?.[userId];
  const event = rowid === undefined ? undefined : room?.events.get(rowid);
  if (!event || typeof event.content.displayname === 'string') return null;
  const prev = event.unsigned?.prev_content;
  const name = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev.displayname : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name : null;
}

// --- ignoring -------------------------------------------------------------------------------------------------

/** Whether the user is on our m.ignored_user_list, as the last synced account data says. */
export function selectIsIgnored(snap: StoreSnapshot, userId: string): boolean {
  const ignored = snap.accountData['m.ignored_user_list']?.content.ignored_users;
  return typeof ignored === 'object' && ignored !== null && !Array.isArray(ignored) && Object.hasOwn(ignored, userId);
}

export async function setIgnored(session: Session, userId: string, ignore: boolean): Promise<void> {
  await session.client.request(ignore ? 'ignore_user' : 'unignore_user', { user_id: userId });
}

// --- devices and presence -------------------------------------------------------------------------------------

/** A user's devices and trust, following their devices first when this device does not yet (a keys query). */
export function loadUserDevices(session: Session, userId: string): Promise<ProfileEncryptionInfo> {
  return session.client.request('track_user_devices', { user_id: userId });
}

/** Accepts a user's changed identity (their new master key), so it is no longer reported as changed. */
export async function acceptNewIdentity(session: Session, userId: string): Promise<void> {
  await session.client.request('pin_user_identity', { user_id: userId });
}

/** A user's presence state, undefined while nothing is known: a string, so a reader re-renders only when it changes. */
export function usePresenceState(userId: string): PresenceState | undefined {
  return useStoreSelector((s) => s.presence.get(userId)?.presence);
}

/**
 * A user's whole presence (for the user info panel), null while unknown or when the server shares none: as pushed
 * (the store), else asked of the backend once, which asks the homeserver when it holds nothing. That answer stays
 * here rather than in the store: a homeserver with presence off can still answer "offline" when asked, and the
 * member list must not then show a dot.
 */
export function useUserPresence(userId: string): UserPresence | null {
  const session = useSession();
  const pushed = useStoreSelector((s) => s.presence.get(userId));
  const [asked, setAsked] = useState<{ userId: string; presence: UserPresence | null } | null>(null);
  const known = pushed !== undefined;
  useEffect(() => {
    if (known) return;
    let live = true;
    session.client.request('get_presence', { user_id: userId })
      .then((p) => { if (live) setAsked({ userId, presence: p }); })
      .catch(() => undefined); // presence is a nicety: a server without it just shows none
    return () => { live = false; };
  }, [session, userId, known]);
  return pushed ?? (asked?.userId === userId ? asked.presence : null);
}

// --- direct chat ----------------------------------------------------------------------------------------------

/**
 * The DM with the user we already have (m.direct), else a new one (encrypted unless `encrypted` is false, the user
 * invited), as Element opens one; answers its room ID.
 */
export async function openDirectChat(session: Session, userId: string, encrypted = true): Promise<string> {
  return findDm(session.store.getSnapshot(), userId) ?? startDirectChat(session, userId, encrypted);
}

/**
 * Calls `onChange` whenever the backend says `userId`'s cross-signing identity changed or was verified: verifying
 * a user ends before the engine has read its own signature on their key back from the homeserver, so the trust
 * shown right after a verification can still be the old one.
 */
export function onIdentityUpdate(session: Session, userId: string, onChange: () => void): () => void {
  return session.client.on('user_identity_update', (u) => { if (u.user_id === userId) onChange(); });
}
