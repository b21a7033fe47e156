/**
 * How hosts ask the backend for media. The renderer never sees the access token: it loads media from a URL its
 * host serves (web host: `/_gomuks/media/<server>/<mediaId>`, Electron: `lattice://media/<server>/<mediaId>`,
 * both with optional `?w=<px>&h=<px>` for a thumbnail), and the host relays that here.
 */

export interface MediaRequest {
  /** Server name part of the mxc:// URI. */
  server: string;
  mediaId: string;
  /** A thumbnail of about this size (crop), instead of the original. */
  thumbnail?: { width: number; height: number };
}

export interface MediaResponse {
  /** HTTP status for the host to answer with: 200, or 400/404/413/502 with `error`. */
  status: number;
  /** Safe to serve: only raster image types are passed through; anything else becomes a download. */
  contentType: string;
  body: Uint8Array;
  error?: string;
}

// Server names: hostname or IP literal with an optional port (spec: "Server Name"). Media IDs: the spec allows
// [A-Za-z0-9_-]; Synapse generates from that set too.
const SERVER_NAME = /^(?:[A-Za-z0-9.-]{1,255}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;
const MAX_THUMB = 1600;

/**
 * Parses the host-side path `<server>/<mediaId>` and query into a request, or says why it is invalid. The query is
 * typed by the one method used, since `src/shared` sees neither the DOM's nor Node's `URLSearchParams`.
 */
export function parseMediaPath(pathPart: string, query: { get(name: string): string | null }): MediaRequest | { error: string } {
  const parts = pathPart.split('/');
  if (parts.length !== 2) return { error: 'expected <server>/<mediaId>' };
  let server: string;
  let mediaId: string;
  try {
    server = decodeURIComponent(parts[0]);
    mediaId = decodeURIComponent(parts[1]);
  } catch {
    return { error: 'bad escape in media path' };
  }
  // "." and ".." pass the character check but are dot segments: the homeserver URL would resolve them away and
  // the request would reach another endpoint with the account's token.
  if (!SERVER_NAME.test(server) || server === '.' || server === '..') return { error: 'invalid server name' };
  if (!MEDIA_ID.test(mediaId)) return { error: 'invalid media ID' };
  const w = query.get('w');
  const h = query.get('h');
  if (w === null && h === null) return { server, mediaId };
  const width = Number(w);
  const height = Number(h);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_THUMB || height > MAX_THUMB) {
    return { error: `thumbnail size must be whole pixels from 1 to ${MAX_THUMB}` };
  }
  return { server, mediaId, thumbnail: { width, height } };
}

/** mxc://server/id → the host path part, or undefined for anything that isn't a valid mxc URI. */
export function mxcToPath(mxc: string): string | undefined {
  const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
  if (!m || !SERVER_NAME.test(m[1]) || !MEDIA_ID.test(m[2])) return undefined;
  return `${encodeURIComponent(m[1])}/${encodeURIComponent(m[2])}`;
}
