/**
 * The desktop shell's security policy as pure functions, so every rule is unit-tested without Electron.
 * Follows Element Desktop's checklist: the app is served from its own privileged origin, nothing else may load
 * in the window, links leave through the OS browser only if they are http(s) or mailto, and the page gets the few
 * permissions a chat client needs.
 */
import path from 'node:path';
import { parseMediaPath, type MediaRequest } from '../../shared/rpc/media.ts';

export const APP_SCHEME = 'lattice';
export const APP_HOST = 'app';
/** How Chromium serializes the app origin (the scheme is registered as standard, so it has a real origin). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
/** Media the backend fetches for the page: `lattice://media/<server>/<mediaId>?w=&h=` (src/shared/rpc/media.ts). */
export const MEDIA_HOST = 'media';

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True for URLs (or origins) of the app itself. WHATWG URL gives non-special schemes an opaque origin ("null")
 * in Node, so the check compares scheme and host, and refuses userinfo and ports that could disguise another host.
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  const u = parseUrl(url);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password && !u.port;
}

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Links the OS may open for the user. Anything else (file:, smb:, custom app schemes, javascript:) could run
 * programs or leak credentials, so it is refused rather than handed to `shell.openExternal`.
 */
export function isAllowedExternalUrl(url: string): boolean {
  const u = parseUrl(url);
  if (!u || !EXTERNAL_PROTOCOLS.has(u.protocol)) return false;
  if (u.protocol === 'mailto:') return true;
  // A host is required: "https:foo" parses, but means nothing to a browser.
  return u.hostname !== '';
}

/**
 * Web permissions granted to the app page by default. `clipboard-sanitized-write` backs
 * `navigator.clipboard.writeText` (a "copy link" button); it only writes vetted data and never reads.
 */
export const DEFAULT_ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

/**
 * `media` is opt-in, and with it the devices named: the microphone (voice messages, calls) and the camera (video
 * calls). Electron names camera and microphone alike `media`, so the devices allowed are kept beside it as
 * `media:audio` and `media:video`, and `decidePermission` looks at which devices a request wants. Which device of a
 * kind the page asks for (`deviceId: { exact }`, chosen in Settings → Voice & video) is not part of a request, so
 * choosing one changes nothing here; listing the devices (`enumerateDevices`) is a `media` check naming its kind.
 * With the microphone comes `speaker-selection`, which Chromium checks to list the speakers and to play on a chosen
 * one (`setSinkId`): it names no device, opens nothing, and only lets call audio go to another output.
 */
export function allowedPermissions(opts: { microphone?: boolean; camera?: boolean } = {}): ReadonlySet<string> {
  const set = new Set(DEFAULT_ALLOWED_PERMISSIONS);
  if (opts.microphone) set.add('media').add('media:audio').add('speaker-selection');
  if (opts.camera) set.add('media').add('media:video');
  return set;
}

/**
 * Which devices a `media` request or check is about, as Electron says: `mediaTypes` on a request (`['audio']`,
 * `['video']`, both, or empty for a request it could not classify), `mediaType` on a check (`'audio'`, `'video'` or
 * `'unknown'`).
 */
export interface MediaDetails {
  mediaTypes?: readonly string[];
  mediaType?: string;
}

/** True when a `media` request or check names devices, every one of them allowed. */
function devicesAllowed(details: MediaDetails | undefined, allowed: ReadonlySet<string>): boolean {
  const types = details?.mediaTypes ?? (details?.mediaType !== undefined ? [details.mediaType] : []);
  return types.length > 0 && types.every((t) => (t === 'audio' || t === 'video') && allowed.has(`media:${t}`));
}

/**
 * Whether a permission request or check is granted. `requester` is the requesting URL or origin as Electron
 * reports it; everything not coming from the app origin is denied, whatever the permission. `media` is granted
 * for the devices allowed only: a request that wants another one (or does not say what it wants) is refused.
 */
export function decidePermission(permission: string, requester: string | null | undefined,
  allowed: ReadonlySet<string> = DEFAULT_ALLOWED_PERMISSIONS, details?: MediaDetails): boolean {
  if (!isAppUrl(requester) || !allowed.has(permission)) return false;
  return permission !== 'media' || devicesAllowed(details, allowed);
}

/**
 * Whether a getDisplayMedia request (screen sharing in a call) is served: from the app origin only, and for a
 * picture: the page never gets the system's sound (it asks for none, and nothing else may ask).
 */
export function allowDisplayMedia(request: { securityOrigin: string; videoRequested: boolean }): boolean {
  return isAppUrl(request.securityOrigin) && request.videoRequested;
}

/**
 * The primary display's source among desktopCapturer's screens, else the first: the screen the picker offers first
 * and has chosen when it opens (display-media.ts).
 */
export function primaryScreenSource<T extends { id: string; display_id: string }>(sources: readonly T[], primaryDisplayId: number): T | undefined {
  return sources.find((s) => s.display_id === String(primaryDisplayId)) ?? sources[0];
}

/** What a main-frame navigation in the app window may do. Only the app itself may be (re)loaded there. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Content-Security-Policy for every page served from the app scheme. Scripts come only from the app's own
 * files; the renderer talks to the backend over IPC, so it needs no network at all (`connect-src 'self'` only
 * covers fetching its own assets). Inline styles are allowed because React and the component code set them.
 * Images and media may also come from other hosts of the app scheme, where the backend's media will be served
 * (the renderer's own meta CSP allows the same); the page's meta CSP applies on top of this one.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${APP_SCHEME}:`,
  `media-src 'self' blob: ${APP_SCHEME}:`,
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * For media responses. An avatar shown in an <img> never runs anything, but the same URL opened on its own would
 * be a document of the media origin: sandboxed and with nothing allowed, it cannot run script or load anything.
 */
export const MEDIA_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'";

/**
 * A request URL on the media host → what to ask the backend for, or why the path is invalid; null when the URL
 * is not on the media host at all. Same userinfo/port strictness as `isAppUrl`.
 */
export function parseMediaUrl(requestUrl: string): MediaRequest | { error: string } | null {
  const u = parseUrl(requestUrl);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== MEDIA_HOST || u.username || u.password || u.port) return null;
  return parseMediaPath(u.pathname.replace(/^\//, ''), u.searchParams);
}

/**
 * Maps a request URL on the app origin to a file under `root`, or null when it must not be served: another
 * host, a path escaping `root` (including through percent-encoded `..`, `/` or `\`), or a NUL byte.
 * `/` maps to index.html.
 */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  const u = parseUrl(requestUrl);
  if (!u || !isAppUrl(requestUrl)) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel.startsWith('/') ? rel : `/${rel}`}`);
  return file.startsWith(base + path.sep) ? file : null;
}

export { mimeTypeFor } from '../host/static-files.ts';
