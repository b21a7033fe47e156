/**
 * The custom emoji and sticker packs offered in a room (image-packs.ts parses them): the user's own pack, the
 * room's packs (its current state, which opening the room loads) and the room packs the user enabled everywhere.
 * An enabled pack of a room whose state this page does not hold yet is asked of the backend's database once
 * (get_specific_room_state, as gomuks' frontend does); the backend keeps every joined room's state, so no request
 * reaches the homeserver.
 */
import { useEffect, useMemo } from 'react';
import type { Event } from '../../shared/rpc/types.ts';
import { useSession, useStoreSelector } from './hooks.ts';
import {
  PACK_ROOMS_TYPES, ROOM_PACK_TYPES, USER_PACK_TYPE, enabledPackRefs, parseImagePack, roomPackId,
  type ImagePack, type PackKey, type PackRef, type RoomPackType,
} from './image-packs.ts';
import type { Session } from './session.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';

const NO_PACKS: readonly ImagePack[] = [];

export function roomName(room: RoomData | undefined): string {
  return room?.meta?.name ?? room?.meta?.canonical_alias ?? 'Room pack';
}

/** A room pack's event: the stable type's if the room has one under that state key, else the unstable one's. */
export function packEvent(room: RoomData | undefined, stateKey: string): { type: RoomPackType; event: Event } | undefined {
  for (const type of ROOM_PACK_TYPES) {
    const rowid = room?.state[type]?.[stateKey];
    const event = rowid === undefined ? undefined : room?.events.get(rowid);
    if (event) return { type, event };
  }
  return undefined;
}

/** The state keys of a room's packs, of either type, each once (stable ones first). */
export function packStateKeys(room: RoomData | undefined): string[] {
  return [...new Set(ROOM_PACK_TYPES.flatMap((t) => Object.keys(room?.state[t] ?? {})))];
}

/** The room packs enabled everywhere, from both account data types. */
export function enabledRefs(s: StoreSnapshot): PackRef[] {
  return enabledPackRefs(...PACK_ROOMS_TYPES.map((t) => s.accountData[t]?.content));
}

/** What the packs are made of, each object kept by the store while unchanged: equal inputs, same packs. */
function inputsOf(s: StoreSnapshot, roomId: string | null): unknown[] {
  const inputs: unknown[] = [s.accountData[USER_PACK_TYPE], ...PACK_ROOMS_TYPES.map((t) => s.accountData[t])];
  const room = roomId ? s.rooms.get(roomId) : undefined;
  for (const key of packStateKeys(room)) inputs.push(packEvent(room, key)?.event, room?.meta?.name);
  for (const ref of enabledRefs(s)) {
    const other = s.rooms.get(ref.room_id);
    inputs.push(packEvent(other, ref.state_key)?.event, other?.meta?.name);
  }
  return inputs;
}

function buildPacks(s: StoreSnapshot, roomId: string | null): ImagePack[] {
  const packs: ImagePack[] = [];
  const seen = new Set<string>();
  const add = (p: ImagePack | null) => {
    if (p && !seen.has(p.id)) {
      seen.add(p.id);
      packs.push(p);
    }
  };
  add(parseImagePack(s.accountData[USER_PACK_TYPE]?.content, 'user', 'Your emoji'));
  const room = roomId ? s.rooms.get(roomId) : undefined;
  if (room && roomId) {
    for (const key of packStateKeys(room)) {
      add(parseImagePack(packEvent(room, key)?.event.content, roomPackId(roomId, key), roomName(room)));
    }
  }
  for (const ref of enabledRefs(s)) {
    const other = s.rooms.get(ref.room_id);
    add(parseImagePack(packEvent(other, ref.state_key)?.event.content, roomPackId(ref.room_id, ref.state_key), roomName(other)));
  }
  return packs;
}

/**
 * Enabled packs of rooms we are in whose state this page has not loaded, and has not asked for yet: both event
 * types of each, since either may hold it.
 */
function missingKeys(s: StoreSnapshot, asked: ReadonlySet<string>): PackKey[] {
  return enabledRefs(s).filter((k) => {
    const room = s.rooms.get(k.room_id);
    return room !== undefined && packEvent(room, k.state_key) === undefined && !asked.has(roomPackId(k.room_id, k.state_key));
  }).flatMap((k) => ROOM_PACK_TYPES.map((type) => ({ ...k, type })));
}

const askedBySession = new WeakMap<Session, Set<string>>();

/** A selector of the room's packs that answers with the same array while what they are made of is unchanged. */
function packSelector(roomId: string | null): (s: StoreSnapshot) => readonly ImagePack[] {
  const memo: { inputs: unknown[] | null; packs: readonly ImagePack[] } = { inputs: null, packs: NO_PACKS };
  return (s) => {
    const inputs = inputsOf(s, roomId);
    const last = memo.inputs;
    if (last && inputs.length === last.length && inputs.every((v, i) => v === last[i])) return memo.packs;
    const packs = buildPacks(s, roomId);
    memo.inputs = inputs;
    memo.packs = packs.length ? packs : NO_PACKS;
    return memo.packs;
  };
}

export function useImagePacks(roomId: string | null): readonly ImagePack[] {
  const session = useSession();
  const select = useMemo(() => packSelector(roomId), [roomId]);
  const packs = useStoreSelector(select);
  const stableRooms = useStoreSelector((s) => s.accountData[PACK_ROOMS_TYPES[0]]);
  const emoteRooms = useStoreSelector((s) => s.accountData[PACK_ROOMS_TYPES[1]]);

  useEffect(() => {
    let asked = askedBySession.get(session);
    if (!asked) askedBySession.set(session, asked = new Set());
    const keys = missingKeys(session.store.getSnapshot(), asked);
    if (!keys.length) return;
    for (const k of keys) asked.add(roomPackId(k.room_id, k.state_key));
    session.client.request('get_specific_room_state', { keys })
      .then((events) => session.store.applySpecificState(events))
      .catch((err: unknown) => console.warn('lattice: loading enabled emoji packs failed', err));
  }, [session, stableRooms, emoteRooms]);

  return packs;
}
