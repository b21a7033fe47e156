/**
 * How hosts ask the backend for media. The renderer never sees the access token: it loads media from a URL its
 * host serves (web host: `/_gomuks/media/<server>/<mediaId>`, Electron: `lattice://media/<server>/<mediaId>`,
 * both with optional `?w=<px>&h=<px>` for a thumbnail, cropped unless `&method=scale`), and the host relays that
 * here.
 */

export interface MediaRequest {
  /** Server name part of the mxc:// URI. */
  server: string;
  mediaId: string;
  /**
   * A thumbnail of about this size instead of the original: cropped to it (avatars, attachment previews), or with
   * `scale` fitted inside it with its aspect kept (`method=scale` in the query, a Lattice extension: inline pictures).
   */
  thumbnail?: { width: number; height: number; scale?: true };
  /**
   * An encrypted attachment (gomuks' `encrypted=true`): the backend finds its key in the stored decrypted event and
   * answers with the decrypted bytes (a thumbnail size is then ignored).
   */
  encrypted?: boolean;
  /**
   * With `encrypted`: the event that carries the file (`event=<event ID>` in the query, a Lattice extension), where
   * the backend looks for a key it has no index for (a link preview's picture, MSC4095's `beeper:image:encryption`)
   * rather than searching every decrypted message. The renderer knows which event it shows.
   */
  eventId?: string;
}

/** The query parameter that names the event carrying an encrypted file (MediaRequest.eventId). */
export const MEDIA_EVENT_PARAM = 'event';

export interface MediaResponse {
  /** HTTP status for the host to answer with: 200, or 400/404/413/502 with `error`. */
  status: number;
  /** Safe to serve: only raster image types are passed through; anything else becomes a download. */
  contentType: string;
  body: Uint8Array;
  error?: string;
}

// Server names, by the spec's grammar ("Server Name"): `hostname [ ":" port ]`, where hostname is an IPv4 address,
// a bracketed IPv6 literal or a DNS name. The grammar's dns-name is any run of [A-Za-z0-9.-]; here it must also be
// dot-separated labels (no empty label, so never `.` or `..`): the name becomes a path segment of the homeserver
// URL, where `..` would climb out of the media endpoint to others, with the user's token. Media IDs: the spec
// allows [A-Za-z0-9_-]; Synapse generates from that set too.
const DNS_NAME = /^(?=.{1,255}$)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;
// Event IDs: `$` and up to 255 bytes in all (the spec's limit), printable ASCII without spaces (`$opaque:server` in
// old room versions, URL-safe base64 since v4).
const EVENT_ID = /^\$[\x21-\x7e]{1,254}$/;

/** True for a server name the spec's grammar allows (see above), with a port, if any, from 1 to 65535. */
function isValidServerName(name: string): boolean {
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(name);
  if (!m) return false;
  const [, host, port] = m;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return DNS_NAME.test(host) || IPV6_LITERAL.test(host);
}

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
  if (!isValidServerName(server)) return { error: 'invalid server name' };
  if (!MEDIA_ID.test(mediaId)) return { error: 'invalid media ID' };
  const event = query.get(MEDIA_EVENT_PARAM);
  if (event !== null && !EVENT_ID.test(event)) return { error: 'invalid event ID' };
  const encrypted = query.get('encrypted') === 'true' ? { encrypted: true, ...(event !== null ? { eventId: event } : {}) } : {};
  const w = query.get('w');
  const h = query.get('h');
  if (w === null && h === null) return { server, mediaId, ...encrypted };
  const width = Number(w);
  const height = Number(h);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_THUMB || height > MAX_THUMB) {
    return { error: `thumbnail size must be whole pixels from 1 to ${MAX_THUMB}` };
  }
  const method = query.get('method');
  if (method !== null && method !== 'crop' && method !== 'scale') return { error: 'thumbnail method must be crop or scale' };
  return { server, mediaId, thumbnail: { width, height, ...(method === 'scale' ? { scale: true as const } : {}) }, ...encrypted };
}

/**
 * mxc://server/id → its server name and media ID, or undefined for anything that isn't a valid mxc URI by the
 * grammar above (a server of `..` would climb out of the media endpoint with the user's token).
 */
export function parseMxc(mxc: string): { server: string; mediaId: string } | undefined {
  const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
  if (!m || !isValidServerName(m[1]) || !MEDIA_ID.test(m[2])) return undefined;
  return { server: m[1], mediaId: m[2] };
}

/** mxc://server/id → the host path part, or undefined for anything that isn't a valid mxc URI. */
export function mxcToPath(mxc: string): string | undefined {
  const m = parseMxc(mxc);
  return m && `${encodeURIComponent(m.server)}/${encodeURIComponent(m.mediaId)}`;
}
