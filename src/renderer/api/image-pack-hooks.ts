/**
 * The custom emoji and sticker packs offered in a room (image-packs.ts parses them): the user's own pack, the
 * room's packs (its current state, which opening the room loads), the packs of the spaces containing it (as Cinny
 * and MSC2545 offer them; nearest space first) and the room packs the user enabled everywhere. An enabled pack of
 * a room whose state this page does not hold yet is asked of the backend's database once (get_specific_room_state,
 * as gomuks' frontend does), and so are a containing space's packs (get_state_of_types for those spaces: their
 * state keys are not known beforehand); the backend keeps every joined room's state, so no request reaches the
 * homeserver, and syncs keep what was read current.
 */
import { useEffect, useMemo } from 'react';
import type { Event } from '../../shared/rpc/types.ts';
import { useSession, useStoreSelector } from './hooks.ts';
import {
  PACK_ROOMS_TYPES, ROOM_PACK_TYPES, USER_PACK_TYPE, enabledPackRefs, parseImagePack, roomPackId,
  type ImagePack, type PackKey, type PackRef, type RoomPackType,
} from './image-packs.ts';
import type { Session } from './session.ts';
import { ancestorSpaces } from './spaces.ts';
import type { RoomData, StoreSnapshot } from './snapshot.ts';

const NO_PACKS: readonly ImagePack[] = [];

export function roomName(room: RoomData | undefined): string {
  return room?.meta?.name ?? room?.meta?.canonical_alias ?? 'Room pack';
}

/**
 * A room pack's event: the stable type's if the room has one under that state key, else the unstable one's. A
 * deleted pack (its state emptied, as Cinny and Lattice delete one) is none.
 */
export function packEvent(room: RoomData | undefined, stateKey: string): { type: RoomPackType; event: Event } | undefined {
  for (const type of ROOM_PACK_TYPES) {
    const rowid = room?.state[type]?.[stateKey];
    const event = rowid === undefined ? undefined : room?.events.get(rowid);
    if (event && !isDeletedPack(event.content)) return { type, event };
  }
  return undefined;
}

/** Whether a pack's content is emptied (`{}`, or none at all): the pack was deleted. */
function isDeletedPack(content: unknown): boolean {
  return typeof content !== 'object' || content === null || Object.keys(content).length === 0;
}

/** Whether the room has state of either pack type under this key, a deleted pack's too. */
export function hasPackState(room: RoomData | undefined, stateKey: string): boolean {
  return ROOM_PACK_TYPES.some((type) => room?.state[type]?.[stateKey] !== undefined);
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
  for (const id of roomId ? [roomId, ...ancestorSpaces(roomId, s.spaceEdges)] : []) {
    const room = s.rooms.get(id);
    inputs.push(id);
    for (const key of packStateKeys(room)) inputs.push(packEvent(room, key)?.event, room?.meta?.name);
  }
  for (const ref of enabledRefs(s)) {
    const other = s.rooms.get(ref.room_id);
    inputs.push(packEvent(other, ref.state_key)?.event, other?.meta?.name);
  }
  return inputs;
}

/** The packs offered in a room (or, with no room, those offered everywhere), in the order the picker shows them. */
export function roomPacksOf(s: StoreSnapshot, roomId: string | null): ImagePack[] {
  const packs: ImagePack[] = [];
  const seen = new Set<string>();
  const add = (p: ImagePack | null) => {
    if (p && !seen.has(p.id)) {
      seen.add(p.id);
      packs.push(p);
    }
  };
  add(parseImagePack(s.accountData[USER_PACK_TYPE]?.content, 'user', 'Your emoji'));
  for (const id of roomId ? [roomId, ...ancestorSpaces(roomId, s.spaceEdges)] : []) {
    const room = s.rooms.get(id);
    for (const key of packStateKeys(room)) {
      add(parseImagePack(packEvent(room, key)?.event.content, roomPackId(id, key), roomName(room)));
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

/** The spaces containing the room that we are in and whose packs have not been asked for yet. */
function unaskedSpaces(s: StoreSnapshot, roomId: string | null, asked: ReadonlySet<string>): string[] {
  return roomId ? ancestorSpaces(roomId, s.spaceEdges).filter((id) => s.rooms.has(id) && !asked.has(`space:${id}`)) : [];
}

/** A selector of the room's packs that answers with the same array while what they are made of is unchanged. */
function packSelector(roomId: string | null): (s: StoreSnapshot) => readonly ImagePack[] {
  const memo: { inputs: unknown[] | null; packs: readonly ImagePack[] } = { inputs: null, packs: NO_PACKS };
  return (s) => {
    const inputs = inputsOf(s, roomId);
    const last = memo.inputs;
    if (last && inputs.length === last.length && inputs.every((v, i) => v === last[i])) return memo.packs;
    const packs = roomPacksOf(s, roomId);
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
  const spaceEdges = useStoreSelector((s) => s.spaceEdges);

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

  useEffect(() => {
    let asked = askedBySession.get(session);
    if (!asked) askedBySession.set(session, asked = new Set());
    const spaces = unaskedSpaces(session.store.getSnapshot(), roomId, asked);
    if (!spaces.length) return;
    for (const id of spaces) asked.add(`space:${id}`);
    session.client.request('get_state_of_types', { types: [...ROOM_PACK_TYPES], room_ids: spaces })
      .then((events) => session.store.applySpecificState(events))
      .catch((err: unknown) => console.warn('lattice: loading the packs of the room\'s spaces failed', err));
  }, [session, roomId, spaceEdges]);

  return packs;
}
