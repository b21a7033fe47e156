/**
 * The pictures a chat export's web page shows (chat-export-html.ts): each image and sticker of the exported messages
 * fetched through the host's media route (the page never holds the access token; an encrypted one decrypted by the
 * host with the key from its stored event) and kept as a data: URL, the only kind of image the page's policy loads.
 * An unencrypted picture is asked for as the homeserver's thumbnail fitted in 1280 px, which keeps a photo's file
 * small; ciphertext has no server-side thumbnail, so an encrypted one comes whole. A picture over PICTURE_LIMIT, or
 * once the pictures together reach TOTAL_LIMIT, stays named instead, as does one whose fetch fails or that is not a
 * raster image (an SVG could carry script; the page would not run it, but it is not needed either).
 */
import type { Event, EventRowID } from '../../../shared/rpc/types.ts';
import { attachmentUrl, currentMediaEnv, mediaUrl, type MediaEnv } from '../common/avatar-url.ts';
import { viewOf } from './chat-export-format.ts';

/**
 * Whether this page can read media's bytes at all. The web host serves them on the page's own origin. The desktop
 * app serves them on their own host of its scheme (lattice://media), which the page may show in an <img> but not
 * read: its policy allows connections to the page's own origin only and the scheme has no CORS (desktop/security.ts,
 * app-protocol.ts), both on purpose; there the export names its pictures, as it does other files.
 */
export function picturesReadable(env: MediaEnv = currentMediaEnv()): boolean {
  return env.transport === 'websocket';
}

export const PICTURE_LIMIT = 10 * 1024 * 1024;
const TOTAL_LIMIT = 200 * 1024 * 1024;
const THUMBNAIL_PX = 1280;
/** Raster types every browser shows from a data: URL. */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

export interface ExportPictures {
  /** Event ID → the picture as a data: URL. */
  pictures: Map<string, string>;
  /** Pictures left named: too large, past the total, not fetched or not an image. */
  skipped: number;
}

/** The bytes as base64, in slices (String.fromCharCode takes only so many arguments). */
function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** One picture's type and bytes, or null when it is not a raster image, is over `budget` bytes or cannot be had. */
async function fetchPicture(fetchImpl: typeof fetch, url: string, budget: number, signal: AbortSignal): Promise<{ type: string; bytes: Uint8Array } | null> {
  try {
    const res = await fetchImpl(url, { signal, credentials: 'same-origin' });
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!res.ok || !RASTER.has(type) || Number(res.headers.get('content-length') ?? 0) > budget) {
      await res.body?.cancel();
      return null;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.length > budget ? null : { type, bytes };
  } catch (err) {
    if (signal.aborted) throw err;
    return null;
  }
}

export async function gatherPictures(events: readonly Event[], related: ReadonlyMap<EventRowID, Event>, { signal, onProgress,
  env = currentMediaEnv(), fetchImpl = fetch }: {
  signal: AbortSignal;
  /** How many pictures are done, of how many. */
  onProgress: (done: number, of: number) => void;
  env?: MediaEnv;
  fetchImpl?: typeof fetch;
}): Promise<ExportPictures> {
  const wanted: { eventId: string; urls: string[] }[] = [];
  for (const e of events) {
    const view = viewOf(e, related);
    const media = view?.kind === 'message' ? view.media : null;
    if (!media || (media.kind !== 'image' && media.kind !== 'sticker')) continue;
    // A homeserver that cannot make a thumbnail of it (some formats) still serves the picture itself.
    const urls = media.encrypted ? [attachmentUrl(media.mxc, true, undefined, env)]
      : [mediaUrl(media.mxc, { cssW: THUMBNAIL_PX, cssH: THUMBNAIL_PX, scale: true }, { ...env, devicePixelRatio: 1 }), mediaUrl(media.mxc, undefined, env)];
    const found = urls.filter((u): u is string => u !== undefined);
    if (found.length) wanted.push({ eventId: e.event_id, urls: found });
  }
  const pictures = new Map<string, string>();
  let skipped = 0;
  let total = 0;
  onProgress(0, wanted.length);
  for (const [i, { eventId, urls }] of wanted.entries()) {
    signal.throwIfAborted();
    const budget = Math.min(PICTURE_LIMIT, TOTAL_LIMIT - total);
    let picture: { type: string; bytes: Uint8Array } | null = null;
    for (const url of urls) {
      picture = await fetchPicture(fetchImpl, url, budget, signal);
      if (picture) break;
    }
    if (picture) {
      total += picture.bytes.length;
      pictures.set(eventId, `data:${picture.type};base64,${base64(picture.bytes)}`);
    } else skipped++;
    onProgress(i + 1, wanted.length);
  }
  return { pictures, skipped };
}
