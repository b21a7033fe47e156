/**
 * Custom emoji and sticker packs (MSC2545, as gomuks, Cinny, FluffyChat and Element forks read them): the user's own
 * pack (`im.ponies.user_emotes` account data), a room's packs (one pack per state key) and the room packs the user
 * enabled everywhere (`{rooms: {roomId: {stateKey: {}}}}` account data). MSC2545 was accepted as spec v1.19 with the
 * stable names `m.room.image_pack` (room state) and `m.image_pack.rooms` (account data); both are read beside the
 * unstable `im.ponies.room_emotes` and `im.ponies.emote_rooms` still in wide use, a stable pack winning over an
 * unstable one of the same state key (as gomuks does). The spec names no stable user pack: `im.ponies.user_emotes`
 * stays. Packs are written by people and other clients, so everything here is parsed defensively: an image without
 * a valid mxc:// URL or with an unusable shortcode is skipped, a pack with no usable image is no pack, and nothing
 * is ever thrown.
 */
import { mxcToPath } from '../../shared/rpc/media.ts';

export const USER_PACK_TYPE = 'im.ponies.user_emotes';
export const ROOM_PACK_TYPE = 'im.ponies.room_emotes';
export const EMOTE_ROOMS_TYPE = 'im.ponies.emote_rooms';
export const ROOM_PACK_STABLE_TYPE = 'm.room.image_pack';
export const PACK_ROOMS_STABLE_TYPE = 'm.image_pack.rooms';
/** A room pack's event types, the one that wins first. */
export const ROOM_PACK_TYPES = [ROOM_PACK_STABLE_TYPE, ROOM_PACK_TYPE] as const;
export type RoomPackType = (typeof ROOM_PACK_TYPES)[number];
/** The account data listing packs enabled everywhere, stable first. */
export const PACK_ROOMS_TYPES = [PACK_ROOMS_STABLE_TYPE, EMOTE_ROOMS_TYPE] as const;

export type PackUsage = 'emoticon' | 'sticker';

export interface PackImageInfo {
  readonly w?: number;
  readonly h?: number;
  readonly mimetype?: string;
  readonly size?: number;
}

export interface PackImage {
  /** The key in the pack's `images`, without colons: inserted as `:shortcode:`. */
  readonly shortcode: string;
  readonly url: string;
  /** A description (a sticker's body); the shortcode when the pack gives none. */
  readonly body: string;
  readonly info: PackImageInfo;
  /** Whether it is offered as an emoji, a sticker or both: its own `usage`, else its pack's, else both. */
  readonly emoticon: boolean;
  readonly sticker: boolean;
}

export interface ImagePack {
  /** Unique among the packs shown together: `user`, or `room:<roomId>:<stateKey>`. */
  readonly id: string;
  readonly name: string;
  /** The pack's avatar, else its first image's URL: the picker's tab icon. */
  readonly icon: string;
  readonly images: readonly PackImage[];
}

/** A room pack, whichever type its event has. */
export interface PackRef {
  readonly room_id: string;
  readonly state_key: string;
}

/** A room pack's event address (get_specific_room_state's key shape). */
export interface PackKey extends PackRef {
  readonly type: RoomPackType;
}

/** More would make a picker tab nobody can scroll through, and a stray huge event cost a lot of DOM. */
const MAX_IMAGES = 1000;
/** A shortcode is written between colons in text: no colons, no whitespace, and not absurdly long. */
const SHORTCODE = /^[^\s:]{1,100}$/u;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function validMxc(v: unknown): string | undefined {
  return typeof v === 'string' && v.startsWith('mxc://') && mxcToPath(v) !== undefined ? v : undefined;
}

/** The usages a `usage` field names, or undefined when it names none it knows (then the next level decides). */
function usages(v: unknown): { emoticon: boolean; sticker: boolean } | undefined {
  if (!Array.isArray(v)) return undefined;
  const emoticon = v.includes('emoticon');
  const sticker = v.includes('sticker');
  return emoticon || sticker ? { emoticon, sticker } : undefined;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function imageInfo(v: unknown): PackImageInfo {
  if (!isObject(v)) return {};
  const w = positive(v.w);
  const h = positive(v.h);
  const size = positive(v.size);
  const mimetype = str(v.mimetype);
  return { ...(w ? { w } : {}), ...(h ? { h } : {}), ...(size ? { size } : {}), ...(mimetype ? { mimetype } : {}) };
}

/**
 * One pack from its event content, or null when it has no usable image. `fallbackName` names it when the pack
 * itself does not (`pack.display_name`).
 */
export function parseImagePack(content: unknown, id: string, fallbackName: string): ImagePack | null {
  if (!isObject(content) || !isObject(content.images)) return null;
  const meta = isObject(content.pack) ? content.pack : {};
  const packUsage = usages(meta.usage) ?? { emoticon: true, sticker: true };
  const images: PackImage[] = [];
  for (const [shortcode, raw] of Object.entries(content.images)) {
    if (images.length >= MAX_IMAGES) break;
    if (!SHORTCODE.test(shortcode) || !isObject(raw)) continue;
    const url = validMxc(raw.url);
    if (!url) continue;
    const use = usages(raw.usage) ?? packUsage;
    images.push({ shortcode, url, body: str(raw.body) ?? shortcode, info: imageInfo(raw.info), ...use });
  }
  if (!images.length) return null;
  return { id, name: str(meta.display_name) ?? fallbackName, icon: validMxc(meta.avatar_url) ?? images[0].url, images };
}

/** A pack's own description (its `pack` object), as far as it is usable: what the pack editor shows and edits. */
export interface PackMeta {
  readonly displayName?: string;
  readonly avatarUrl?: string;
  readonly attribution?: string;
  /** The pack's usage, or undefined when it names none it knows (then its images are both, unless they say). */
  readonly usage?: { readonly emoticon: boolean; readonly sticker: boolean };
}

export function readPackMeta(content: unknown): PackMeta {
  const meta = isObject(content) && isObject(content.pack) ? content.pack : {};
  const displayName = str(meta.display_name)?.trim();
  const avatarUrl = validMxc(meta.avatar_url);
  const attribution = str(meta.attribution)?.trim();
  const usage = usages(meta.usage);
  return {
    ...(displayName ? { displayName } : {}), ...(avatarUrl ? { avatarUrl } : {}), ...(attribution ? { attribution } : {}), ...(usage ? { usage } : {}),
  };
}

/**
 * Whether an entry of an "enabled everywhere" list turns its pack on. MSC2545 gives each listed state key an empty
 * object, kept for options a later proposal may add (only some of the pack's images, say): any object, `{}` or
 * not, means the whole pack is on. Cinny counts any truthy value, so a stray `true` is on too; `null` or `false`
 * is off, as Cinny reads it.
 */
export function isListedValue(v: unknown): boolean {
  return !!v;
}

/**
 * The room packs enabled everywhere by these contents (`m.image_pack.rooms`, then `im.ponies.emote_rooms`), in
 * their order, each once; malformed entries are skipped. A room whose object lists no state key enables none of
 * its packs: the latest MSC2545 text reads it as all of them, but Cinny reads it as none and leaves exactly that
 * behind when its last pack of a room is switched off, so accounts hold many such rooms that mean "none".
 */
export function enabledPackRefs(...contents: unknown[]): PackRef[] {
  const refs: PackRef[] = [];
  const seen = new Set<string>();
  for (const content of contents) {
    if (!isObject(content) || !isObject(content.rooms)) continue;
    for (const [roomId, stateKeys] of Object.entries(content.rooms)) {
      if (!roomId.startsWith('!') || !isObject(stateKeys)) continue;
      for (const [stateKey, value] of Object.entries(stateKeys)) {
        if (!isListedValue(value)) continue;
        const id = roomPackId(roomId, stateKey);
        if (seen.has(id)) continue;
        seen.add(id);
        refs.push({ room_id: roomId, state_key: stateKey });
      }
    }
  }
  return refs;
}

export function roomPackId(roomId: string, stateKey: string): string {
  return `room:${roomId}:${stateKey}`;
}

/** The packs' images for one usage, with the packs that have none left out. */
export function packsFor(packs: readonly ImagePack[], usage: PackUsage): ImagePack[] {
  return packs.flatMap((p) => {
    const images = p.images.filter((i) => i[usage]);
    return images.length === 0 ? [] : [images.length === p.images.length ? p : { ...p, images }];
  });
}

/** Images whose shortcode (first) or description starts a word with `query`, at most `max`; each URL once. */
export function searchPackImages(packs: readonly ImagePack[], query: string, max = 48): PackImage[] {
  const q = query.toLowerCase().replace(/^:|:$/g, '');
  const first: PackImage[] = [];
  const second: PackImage[] = [];
  const seen = new Set<string>();
  for (const p of packs) {
    for (const i of p.images) {
      if (seen.has(`${i.shortcode} ${i.url}`)) continue;
      const code = i.shortcode.toLowerCase();
      if (code.startsWith(q)) first.push(i);
      else if (code.includes(q) || i.body.toLowerCase().split(/\s+/).some((w) => w.startsWith(q))) second.push(i);
      else continue;
      seen.add(`${i.shortcode} ${i.url}`);
    }
  }
  return [...first, ...second].slice(0, max);
}

/** Fenced code blocks and code spans: a `:shortcode:` typed there is text the user wants shown as typed. */
const CODE = /(```[\s\S]*?(?:```|$)|`[^`\n]*`)/;
const TYPED_SHORTCODE = /:([^\s:]{1,100}):/gu;

/**
 * The composer's text with each `:shortcode:` of an emoji in `packs` (outside code) as the markdown image the
 * backend sends as an MSC2545 custom emoji (`![:code:](mxc://… "Emoji: :code:")`, see send/markdown.ts). The first
 * pack with a shortcode wins: the user's own, then the room's, its spaces', then those enabled everywhere. A slash command is
 * left alone (a `/topic` or `/myroomnick` takes its text as is), except the two that send a markdown message.
 */
export function withCustomEmoji(text: string, packs: readonly ImagePack[]): string {
  if (text.startsWith('/') && !/^\/(?:me|notice)\s/.test(text)) return text;
  const byCode = new Map<string, string>();
  for (const p of packs) for (const i of p.images) if (i.emoticon && !byCode.has(i.shortcode)) byCode.set(i.shortcode, i.url);
  if (!byCode.size || !text.includes(':')) return text;
  return text.split(CODE).map((part, i) => (i % 2 === 1 ? part : part.replace(TYPED_SHORTCODE, (whole, code: string) => {
    const url = byCode.get(code);
    return url ? emoticonMarkdown(code, url) : whole;
  }))).join('');
}

export function emoticonMarkdown(shortcode: string, url: string): string {
  const name = `:${shortcode}:`;
  return `![${name.replace(/[[\]\\]/g, '\\$&')}](${url} "Emoji: ${name.replace(/["\\]/g, '\\$&')}")`;
}
