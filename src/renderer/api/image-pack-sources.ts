/**
 * Every room pack of the rooms we are in, for the Settings screen's list (as Cinny's "Emojis & Stickers" lists
 * them): the page holds only the state of rooms it has opened, so the packs of all joined rooms are read once from
 * the backend's database (get_state_of_types, no request to the homeserver) into the store, where syncs keep them
 * current like any other state.
 */
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import { useSession, useStoreSelector } from './hooks.ts';
import { packEvent, packStateKeys, roomName } from './image-pack-hooks.ts';
import {
  ROOM_PACK_TYPES, parseImagePack, readPackMeta, roomPackId, type ImagePack, type PackMeta, type PackRef, type RoomPackType,
} from './image-packs.ts';
import type { StoreSnapshot } from './snapshot.ts';

export interface RoomPackSource {
  readonly ref: PackRef;
  readonly type: RoomPackType;
  readonly roomName: string;
  readonly roomAvatar: string | undefined;
  /** Null while it has no usable image: listed all the same, so it can be filled. */
  readonly pack: ImagePack | null;
  /** Its own name, picture and attribution, which a pack without images has too. */
  readonly meta: PackMeta;
}

const NONE: readonly RoomPackSource[] = [];

function inputsOf(s: StoreSnapshot): unknown[] {
  const inputs: unknown[] = [s.roomList];
  for (const room of s.roomList) {
    for (const key of packStateKeys(room)) inputs.push(packEvent(room, key)?.event);
  }
  return inputs;
}

function build(s: StoreSnapshot): RoomPackSource[] {
  const out: RoomPackSource[] = [];
  for (const room of s.roomList) {
    for (const key of packStateKeys(room)) {
      const found = packEvent(room, key);
      if (!found) continue;
      out.push({
        ref: { room_id: room.id, state_key: key }, type: found.type, roomName: roomName(room), roomAvatar: room.meta?.avatar,
        pack: parseImagePack(found.event.content, roomPackId(room.id, key), roomName(room)), meta: readPackMeta(found.event.content),
      });
    }
  }
  return out;
}

function sourcesSelector(): (s: StoreSnapshot) => readonly RoomPackSource[] {
  const memo: { inputs: unknown[] | null; out: readonly RoomPackSource[] } = { inputs: null, out: NONE };
  return (s) => {
    const inputs = inputsOf(s);
    const last = memo.inputs;
    if (last && inputs.length === last.length && inputs.every((v, i) => v === last[i])) return memo.out;
    const out = build(s);
    memo.inputs = inputs;
    memo.out = out.length ? out : NONE;
    return memo.out;
  };
}

/** The room packs of every joined room (loading them once), and the loading's failure in words. */
export function useRoomPackSources(): { sources: readonly RoomPackSource[]; loading: boolean; error: string | null } {
  const session = useSession();
  const select = useMemo(() => sourcesSelector(), []);
  const sources = useStoreSelector(select);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    session.client.request('get_state_of_types', { types: [...ROOM_PACK_TYPES] })
      .then((events) => { session.store.applySpecificState(events); },
        (err: unknown) => { if (live) setError(`Could not read your rooms' packs: ${errorMessage(err)}`); })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [session]);
  return { sources, loading, error };
}
