/**
 * Writing MSC2545 packs: "use everywhere" for a room pack (account data, through set_account_data), and changing
 * the description of the user's own pack (account data) or of a room's pack (state, through set_state) or adding or
 * removing one of its images; creating another pack in a room and deleting one. Each
 * write builds on the content the store holds now (image-pack-edit.ts keeps the rest of it) and resolves once the
 * store shows what was written, so a second change made right after builds on the first instead of undoing it.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { JSONObject } from '../../shared/rpc/types.ts';
import {
  isPackListed, newPackStateKey, withPackImage, withPackListed, withPackMeta, withoutPackImage, type PackMetaChange,
} from './image-pack-edit.ts';
import { hasPackState, packEvent } from './image-pack-hooks.ts';
import { EMOTE_ROOMS_TYPE, PACK_ROOMS_TYPES, ROOM_PACK_TYPE, USER_PACK_TYPE, type PackRef, type RoomPackType } from './image-packs.ts';
import type { Session } from './session.ts';
import type { StoreSnapshot } from './snapshot.ts';
import { uploadFile } from './uploads.ts';
import type { MediaMessageContent } from '../../shared/rpc/commands/media.ts';

/** The user's own pack, or one pack of a room (its event type is the one it has; a new pack is unstable-typed). */
export type PackTarget =
  | { readonly kind: 'user' }
  | { readonly kind: 'room'; readonly roomId: string; readonly stateKey: string; readonly type?: RoomPackType };

/**
 * A new room pack is written as `im.ponies.room_emotes`: the spec's `m.room.image_pack` is read by few clients
 * yet, the unstable type by all that show packs.
 */
function roomPackType(s: StoreSnapshot, t: Extract<PackTarget, { kind: 'room' }>): RoomPackType {
  return t.type ?? packEvent(s.rooms.get(t.roomId), t.stateKey)?.type ?? ROOM_PACK_TYPE;
}

function contentOf(s: StoreSnapshot, t: PackTarget): unknown {
  if (t.kind === 'user') return s.accountData[USER_PACK_TYPE]?.content;
  const type = roomPackType(s, t);
  const rowid = s.rooms.get(t.roomId)?.state[type]?.[t.stateKey];
  return rowid === undefined ? undefined : s.rooms.get(t.roomId)?.events.get(rowid)?.content;
}

/** JSON with sorted keys: the server may hand an object back with its keys in another order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => (val && typeof val === 'object' && !Array.isArray(val)
    ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : val));
}

/** Resolves once `read` of the store matches `content`, or after a while regardless (the sync may be slow). */
function untilStoreHas(session: Session, read: (s: StoreSnapshot) => unknown, content: JSONObject): Promise<void> {
  const want = canonical(content);
  return new Promise((resolve) => {
    const check = () => {
      if (canonical(read(session.store.getSnapshot())) !== want) return false;
      done();
      return true;
    };
    const timer = setTimeout(() => done(), 15_000);
    const unsubscribe = session.store.subscribe(() => { check(); });
    function done(): void {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
    check();
  });
}

async function writeAccountData(session: Session, type: string, content: JSONObject): Promise<void> {
  await session.client.request('set_account_data', { type, content });
  await untilStoreHas(session, (s) => s.accountData[type]?.content, content);
}

async function writePack(session: Session, t: PackTarget, content: JSONObject): Promise<void> {
  if (t.kind === 'user') {
    await writeAccountData(session, USER_PACK_TYPE, content);
    return;
  }
  const type = roomPackType(session.store.getSnapshot(), t);
  await session.client.request('set_state', { room_id: t.roomId, type, state_key: t.stateKey, content });
  await untilStoreHas(session, (s) => contentOf(s, { ...t, type }), content);
}

/** Whether the room pack is enabled everywhere, by either account data type. */
export function isPackEverywhere(s: StoreSnapshot, ref: PackRef): boolean {
  return PACK_ROOMS_TYPES.some((t) => isPackListed(s.accountData[t]?.content, ref.room_id, ref.state_key));
}

/**
 * Turns "use everywhere" on (listed in `im.ponies.emote_rooms`, which every client with packs reads) or off
 * (taken out of each list that has it, the stable one too, or it would stay on).
 */
export async function setPackEverywhere(session: Session, ref: PackRef, on: boolean): Promise<void> {
  const s = session.store.getSnapshot();
  if (on) {
    if (isPackEverywhere(s, ref)) return;
    await writeAccountData(session, EMOTE_ROOMS_TYPE, withPackListed(s.accountData[EMOTE_ROOMS_TYPE]?.content, ref.room_id, ref.state_key, true));
    return;
  }
  for (const type of PACK_ROOMS_TYPES) {
    const content = session.store.getSnapshot().accountData[type]?.content;
    if (isPackListed(content, ref.room_id, ref.state_key)) {
      await writeAccountData(session, type, withPackListed(content, ref.room_id, ref.state_key, false));
    }
  }
}

/** Emoji and stickers are shown small; a huge file would only cost every client that loads the pack. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export interface ImageToAdd {
  readonly file: File;
  readonly shortcode: string;
  readonly emoticon: boolean;
  readonly sticker: boolean;
}

/**
 * Uploads the picture (never encrypted: a pack is readable by anyone who can read the room or account data it is
 * in, and other clients load its images by URL) and adds it to the pack. Checks what it can before uploading.
 */
export async function addPackImage(session: Session, t: PackTarget, add: ImageToAdd, onProgress?: (fraction: number) => void): Promise<void> {
  const { file } = add;
  checkPicture(file);
  const check = { url: 'mxc://check/only', emoticon: add.emoticon, sticker: add.sticker };
  withPackImage(contentOf(session.store.getSnapshot(), t), add.shortcode, check); // throws the shortcode's or usage's problem in words
  const uploaded = await uploadPackPicture(file, `${add.shortcode}.png`, onProgress);
  const { mimetype, size, w, h } = uploaded.info;
  const info: JSONObject = { mimetype, size, ...(w ? { w } : {}), ...(h ? { h } : {}) };
  await writePack(session, t, withPackImage(contentOf(session.store.getSnapshot(), t), add.shortcode, { ...add, url: uploaded.url, info }));
}

/** What the pack editor saves: the description, with a newly picked picture to upload in place of `avatarUrl`. */
export interface PackMetaToSave extends PackMetaChange {
  readonly avatarFile?: File;
}

/** A pack's picture, as pack images and pack pictures alike must be: an image of at most 10 MB; else why, in words. */
function checkPicture(file: File): void {
  if (!file.type.startsWith('image/')) throw new Error(`${file.name || 'That file'} is not an image: pick a PNG, GIF, WebP or JPEG picture.`);
  if (file.size > MAX_IMAGE_BYTES) throw new Error('That picture is larger than 10 MB: pick a smaller one.');
}

/** Uploads a picture for a pack (unencrypted, as the images are), answering its mxc:// URL and what the server saw. */
async function uploadPackPicture(file: File, name: string, onProgress?: (fraction: number) => void): Promise<{ url: string; info: MediaMessageContent['info'] }> {
  checkPicture(file);
  let uploaded: MediaMessageContent;
  try {
    uploaded = await uploadFile(file, file.name || name, { encrypt: false, onProgress: (sent, total) => onProgress?.(total ? sent / total : 0) });
  } catch (e) {
    throw new Error(`The upload failed: ${errorMessage(e)}`);
  }
  if (!uploaded.url) throw new Error('The upload failed: the homeserver answered no address for the picture.');
  return { url: uploaded.url, info: uploaded.info };
}

/** Saves a pack's name, picture (uploaded first when a new one was picked), attribution and usage. */
export async function setPackMeta(session: Session, t: PackTarget, save: PackMetaToSave, onProgress?: (fraction: number) => void): Promise<void> {
  const { avatarFile, ...change } = save;
  withPackMeta(contentOf(session.store.getSnapshot(), t), change); // says what is wrong before anything is uploaded
  const avatarUrl = avatarFile ? (await uploadPackPicture(avatarFile, 'pack.png', onProgress)).url : change.avatarUrl;
  await writePack(session, t, withPackMeta(contentOf(session.store.getSnapshot(), t), { ...change, avatarUrl }));
}

export async function removePackImage(session: Session, t: PackTarget, shortcode: string): Promise<void> {
  await writePack(session, t, withoutPackImage(contentOf(session.store.getSnapshot(), t), shortcode));
}

/**
 * Creates another pack in the room, named `name`, with no image yet (`im.ponies.room_emotes`, under a state key
 * made from the name: image-pack-edit.ts), and answers its state key once the store shows it.
 */
export async function createRoomPack(session: Session, roomId: string, name: string): Promise<string> {
  const room = session.store.getSnapshot().rooms.get(roomId);
  const stateKey = newPackStateKey(name, (key) => hasPackState(room, key));
  await writePack(session, { kind: 'room', roomId, stateKey, type: ROOM_PACK_TYPE }, { pack: { display_name: name.trim() }, images: {} });
  return stateKey;
}

/**
 * Deletes a room's pack as Cinny does: its state emptied (state cannot be removed), which every client reads as no
 * pack. Its images stay on the homeserver, as uploads do.
 */
export async function deleteRoomPack(session: Session, t: Extract<PackTarget, { kind: 'room' }>): Promise<void> {
  await writePack(session, t, {});
}
