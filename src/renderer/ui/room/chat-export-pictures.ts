/**
 * The pictures a chat export's web page shows (chat-export-html.ts): each image and sticker of the exported messages
 * asked of the backend with get_picture (the page never holds the access token; an encrypted one decrypted by the
 * backend with the key from its stored event) and kept as a data: URL, the only kind of image the page's policy
 * loads. The command, not the host's media route: the desktop app's page may show lattice://media in an <img> but
 * not read its bytes (its policy allows connections to the page's own origin only and the scheme has no CORS, both
 * on purpose), and one way serves both hosts. An unencrypted picture is asked for fitted in 1280 px (the homeserver's
 * thumbnail, or one the backend makes), which keeps a photo's file small; ciphertext has no server-side thumbnail, so
 * an encrypted one comes whole. A picture over PICTURE_LIMIT, or once the pictures together reach TOTAL_LIMIT, stays
 * named instead, as does one that cannot be had or is not a raster image (an SVG could carry script; the page would
 * not run it, but it is not needed either).
 */
import { PICTURE_MAX_BYTES, type CommandParams, type PictureData } from '../../../shared/rpc/commands.ts';
import type { Event, EventRowID } from '../../../shared/rpc/types.ts';
import { viewOf } from './chat-export-format.ts';

export const PICTURE_LIMIT = PICTURE_MAX_BYTES;
const TOTAL_LIMIT = 200 * 1024 * 1024;
const FIT_PX = 1280;
/** Raster types every browser shows from a data: URL (the backend gives no other; checked here all the same). */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

/** The backend's get_picture, with Cancel. */
export type GetPicture = (params: CommandParams<'get_picture'>, signal: AbortSignal) => Promise<PictureData>;

export interface ExportPictures {
  /** Event ID → the picture as a data: URL. */
  pictures: Map<string, string>;
  /** Pictures left named: too large, past the total, not to be had or not an image. */
  skipped: number;
}

/** How many bytes a base64 text holds. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** One picture, or null when it is not a raster image, is over `budget` bytes or cannot be had. */
async function askPicture(getPicture: GetPicture, params: CommandParams<'get_picture'>, signal: AbortSignal): Promise<PictureData | null> {
  try {
    const got = await getPicture(params, signal);
    return RASTER.has(got.mimetype) ? got : null;
  } catch {
    // Cancel ends the export; anything else (too large, not a picture, the homeserver refused) leaves it named.
    signal.throwIfAborted();
    return null;
  }
}

export async function gatherPictures(events: readonly Event[], related: ReadonlyMap<EventRowID, Event>, { signal, onProgress, getPicture }: {
  signal: AbortSignal;
  /** How many pictures are done, of how many. */
  onProgress: (done: number, of: number) => void;
  getPicture: GetPicture;
}): Promise<ExportPictures> {
  const wanted: { eventId: string; mxc: string; encrypted: boolean }[] = [];
  for (const e of events) {
    const view = viewOf(e, related);
    const media = view?.kind === 'message' ? view.media : null;
    if (media?.mxc && (media.kind === 'image' || media.kind === 'sticker')) wanted.push({ eventId: e.event_id, mxc: media.mxc, encrypted: media.encrypted });
  }
  const pictures = new Map<string, string>();
  let skipped = 0;
  let total = 0;
  onProgress(0, wanted.length);
  for (const [i, { eventId, mxc, encrypted }] of wanted.entries()) {
    signal.throwIfAborted();
    const budget = Math.min(PICTURE_LIMIT, TOTAL_LIMIT - total);
    const picture = budget < 1 ? null : await askPicture(getPicture, encrypted
      ? { mxc, encrypted: true, event_id: eventId, max_bytes: budget }
      : { mxc, fit: FIT_PX, max_bytes: budget }, signal);
    if (picture) {
      total += decodedLength(picture.data);
      pictures.set(eventId, `data:${picture.mimetype};base64,${picture.data}`);
    } else skipped++;
    onProgress(i + 1, wanted.length);
  }
  return { pictures, skipped };
}
