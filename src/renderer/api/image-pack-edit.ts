/**
 * Changing MSC2545 packs as Cinny does, as pure functions of the content read: turning a room pack's "use
 * everywhere" on or off in the account data that lists such packs, changing a pack's own description (its name,
 * picture, attribution and usage), adding or removing one image of a pack, and a new room pack's state key. Each
 * keeps everything else in the content as another client wrote it (other rooms and state keys, the pack's
 * `pack` object, other images, unknown fields): account data and state are replaced whole on write, so whatever is
 * dropped here is lost for every client.
 */
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { isListedValue } from './image-packs.ts';

/** The spec's shortcode grammar (v1.19): what clients should enforce when they create an image. */
const SHORTCODE_GRAMMAR = /^[A-Za-z0-9_-]+$/;

function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The content as an object to build on (a copy), or an empty one when it is none. */
function base(content: unknown): JSONObject {
  return isObject(content) ? { ...content } : {};
}

/** Whether the pack is listed, and so on, in this "enabled everywhere" content (image-packs.ts reads it so too). */
export function isPackListed(content: unknown, roomId: string, stateKey: string): boolean {
  return isObject(content) && isObject(content.rooms) && isObject(content.rooms[roomId]) && isListedValue(content.rooms[roomId][stateKey]);
}

/**
 * The "enabled everywhere" content with the pack listed (`on`) or not. Turning on keeps the pack's object when it
 * has one (options a later MSC may define) and writes the spec's `{}` otherwise, a `null` or `false` included. A
 * room left with no pack is removed rather than left as `{}`: Cinny reads that as none of its packs, but the latest
 * MSC2545 text as all of them.
 */
export function withPackListed(content: unknown, roomId: string, stateKey: string, on: boolean): JSONObject {
  const next = base(content);
  const rooms: JSONObject = isObject(next.rooms) ? { ...next.rooms } : {};
  const keys: JSONObject = isObject(rooms[roomId]) ? { ...rooms[roomId] } : {};
  if (on) {
    if (!isListedValue(keys[stateKey])) keys[stateKey] = {};
  } else {
    delete keys[stateKey];
  }
  if (Object.keys(keys).length) rooms[roomId] = keys;
  else delete rooms[roomId];
  next.rooms = rooms;
  return next;
}

/** A pack's description as the editor saves it: an empty text or no picture takes that field out. */
export interface PackMetaChange {
  readonly displayName: string;
  readonly avatarUrl: string | null;
  readonly attribution: string;
  readonly emoticon: boolean;
  readonly sticker: boolean;
}

/**
 * The pack content with its `pack` object changed: the name, picture and attribution as given (an empty one
 * removed, so a room pack is named after its room again), and `usage` written only when it is not both (MSC2545:
 * none means both). Other fields of `pack`, and the images, stay as they were.
 */
export function withPackMeta(content: unknown, change: PackMetaChange): JSONObject {
  if (!change.emoticon && !change.sticker) throw new Error('Choose whether the pack\'s images are emoji, stickers or both.');
  const next = base(content);
  const meta: JSONObject = isObject(next.pack) ? { ...next.pack } : {};
  const set = (key: string, value: string | null) => {
    const v = value?.trim();
    if (v) meta[key] = v;
    else delete meta[key];
  };
  set('display_name', change.displayName);
  set('avatar_url', change.avatarUrl);
  set('attribution', change.attribution);
  if (change.emoticon && change.sticker) delete meta.usage;
  else meta.usage = [change.emoticon ? 'emoticon' : 'sticker'];
  next.pack = meta;
  if (!isObject(next.images)) next.images = {};
  return next;
}

/** Why this shortcode cannot be added to the pack, in words, or null when it can. */
export function shortcodeProblem(content: unknown, shortcode: string): string | null {
  if (shortcode === '') return 'Give the image a shortcode, such as party_cat.';
  if (new TextEncoder().encode(shortcode).length > 100) return 'A shortcode can be at most 100 characters long.';
  if (!SHORTCODE_GRAMMAR.test(shortcode)) return 'A shortcode can have only letters A–Z, digits, - and _ (no spaces or colons).';
  if (isObject(content) && isObject(content.images) && Object.hasOwn(content.images, shortcode)) {
    return `This pack already has :${shortcode}:. Remove that one first, or pick another shortcode.`;
  }
  return null;
}

export interface NewPackImage {
  readonly url: string;
  readonly body?: string;
  readonly info?: JSONObject;
  readonly emoticon: boolean;
  readonly sticker: boolean;
}

/**
 * The pack content with the image added under its shortcode. `usage` is written only when the image is not
 * both (MSC2545: none means both), and then always on the image, so a pack's own usage does not narrow it.
 */
export function withPackImage(content: unknown, shortcode: string, image: NewPackImage): JSONObject {
  const problem = shortcodeProblem(content, shortcode);
  if (problem) throw new Error(problem);
  if (!image.emoticon && !image.sticker) throw new Error('Choose whether the image is an emoji, a sticker or both.');
  const next = base(content);
  const entry: JSONObject = { url: image.url };
  if (image.body) entry.body = image.body;
  if (image.info && Object.keys(image.info).length) entry.info = image.info;
  const usage: JSONValue[] = [];
  if (image.emoticon) usage.push('emoticon');
  if (image.sticker) usage.push('sticker');
  const meta = isObject(next.pack) ? next.pack : {};
  const packUsage = Array.isArray(meta.usage) ? meta.usage.filter((u) => u === 'emoticon' || u === 'sticker') : [];
  // Both and the pack says nothing (or both): no field needed. Otherwise the image says what it is.
  if (usage.length === 1 || (packUsage.length === 1)) entry.usage = usage;
  next.images = { ...(isObject(next.images) ? next.images : {}), [shortcode]: entry };
  return next;
}

/** The pack content without this image. */
export function withoutPackImage(content: unknown, shortcode: string): JSONObject {
  const next = base(content);
  const images: JSONObject = isObject(next.images) ? { ...next.images } : {};
  delete images[shortcode];
  next.images = images;
  return next;
}

/**
 * A new room pack's state key, as Cinny picks it: its name, or the name with 2, 3, … after it when the room already
 * has state under that key. A deleted pack's key (empty content) counts as taken too: members may still list it in
 * their packs enabled everywhere, where a new pack under it would turn on unasked.
 */
export function newPackStateKey(name: string, taken: (stateKey: string) => boolean): string {
  const key = name.trim();
  if (!key) throw new Error('Give the pack a name.');
  if (!taken(key)) return key;
  let n = 2;
  while (taken(`${key}${n}`)) n++;
  return `${key}${n}`;
}
