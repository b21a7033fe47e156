/**
 * Avatar image URLs. The page never holds the access token, so it cannot fetch media from the homeserver itself:
 * it asks its host, which relays to the backend (src/shared/rpc/media.ts). Desktop serves media on the app scheme,
 * the web host under `/_gomuks/media/` on the page's own origin (the same root-absolute style as the websocket).
 * The CSP allows both: `img-src 'self' … lattice:`.
 */
import { MEDIA_EVENT_PARAM, mxcToPath } from '../../../shared/rpc/media.ts';
import { getBridge } from '../../api/bridge.ts';
import { imageAuthToken } from '../../api/media-auth.ts';

export interface MediaEnv {
  /** How this page reaches the backend: Electron IPC, or the web host's websocket. */
  transport: 'ipc' | 'websocket';
  devicePixelRatio: number;
  /** The web host's `image_auth` token (media-auth.ts); its media route refuses requests without one. */
  imageAuth?: string | null;
}

/** Same test as `createTransport`: the preload bridge present means Electron. */
export function currentMediaEnv(scope: unknown = globalThis): MediaEnv {
  const dpr = (scope as { devicePixelRatio?: unknown } | undefined)?.devicePixelRatio;
  const ipc = getBridge(scope) !== undefined;
  const token = ipc ? null : imageAuthToken();
  return { transport: ipc ? 'ipc' : 'websocket', devicePixelRatio: typeof dpr === 'number' ? dpr : 1, ...(token ? { imageAuth: token } : {}) };
}

// The hosts refuse thumbnail sizes above this (parseMediaPath).
const MAX_THUMB = 1600;

/** Device pixels for a square of `cssPx`, so the thumbnail is sharp on high-density screens. */
export function thumbnailPx(cssPx: number, devicePixelRatio: number): number {
  const ratio = Number.isFinite(devicePixelRatio) && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const px = Math.round(cssPx * ratio);
  return Number.isFinite(px) ? Math.min(MAX_THUMB, Math.max(1, px)) : 1;
}

/**
 * The URL of a square thumbnail of `mxc` shown at `cssPx` CSS pixels, for this page's host; undefined when there
 * is no avatar or the URI is not a valid mxc:// URI (the caller shows initials).
 */
export function avatarImageUrl(mxc: string | undefined, cssPx: number, env: MediaEnv = currentMediaEnv()): string | undefined {
  const path = mxc ? mxcToPath(mxc) : undefined;
  if (!path) return undefined;
  const px = thumbnailPx(cssPx, env.devicePixelRatio);
  const base = env.transport === 'ipc' ? 'lattice://media/' : '/_gomuks/media/';
  const auth = env.transport === 'websocket' && env.imageAuth ? `&image_auth=${encodeURIComponent(env.imageAuth)}` : '';
  return `${base}${path}?w=${px}&h=${px}${auth}`;
}

/**
 * The URL of `mxc` itself (an image, or a file to download), or of a `cssW`×`cssH` thumbnail when a size is given:
 * cropped to it, or with `scale` fitted inside it; undefined for a missing or invalid URI.
 */
export function mediaUrl(mxc: string | undefined, thumb?: { cssW: number; cssH: number; scale?: boolean }, env: MediaEnv = currentMediaEnv()): string | undefined {
  const path = mxc ? mxcToPath(mxc) : undefined;
  if (!path) return undefined;
  const base = env.transport === 'ipc' ? 'lattice://media/' : '/_gomuks/media/';
  const query: string[] = [];
  if (thumb) query.push(`w=${thumbnailPx(thumb.cssW, env.devicePixelRatio)}`, `h=${thumbnailPx(thumb.cssH, env.devicePixelRatio)}`);
  if (thumb?.scale) query.push('method=scale');
  // The web host's media route opens only with the websocket's `image_auth` token (an <img> or a download link
  // cannot send a header, and the cookie alone does not count), the same as avatars above.
  if (env.transport === 'websocket' && env.imageAuth) query.push(`image_auth=${encodeURIComponent(env.imageAuth)}`);
  return query.length ? `${base}${path}?${query.join('&')}` : `${base}${path}`;
}

/**
 * An attachment's URL. An encrypted one (the event's `file`, or `info.thumbnail_file`) is asked for whole with
 * gomuks' `encrypted=true`: the host decrypts it with the key from the stored event, so no key reaches the page, and
 * no server-side thumbnail exists for ciphertext (the picture is scaled here instead). `carrier`, the event that
 * holds the key, is named for a file whose key the backend has no index for (a link preview's picture).
 */
export function attachmentUrl(mxc: string | undefined, encrypted: boolean, thumb?: { cssW: number; cssH: number },
  env: MediaEnv = currentMediaEnv(), carrier?: string): string | undefined {
  if (!encrypted) return mediaUrl(mxc, thumb, env);
  const url = mediaUrl(mxc, undefined, env);
  const event = carrier ? `&${MEDIA_EVENT_PARAM}=${encodeURIComponent(carrier)}` : '';
  return url && `${url}${url.includes('?') ? '&' : '?'}encrypted=true${event}`;
}
