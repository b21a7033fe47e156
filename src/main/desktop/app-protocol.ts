/**
 * Serves the built renderer from `lattice://app/…`. A privileged custom scheme rather than file:// gives the page
 * a real origin of its own (permissions, storage and the IPC sender check key on it) and lets every response carry
 * the Content-Security-Policy header, which file:// cannot.
 *
 * `lattice://media/<server>/<mediaId>` relays to the backend, which fetches the media with the account's token:
 * the page gets images without ever holding the token (src/shared/rpc/media.ts).
 *
 * `POST lattice://app/_gomuks/upload` is gomuks' upload route, relayed to the backend like the web host's
 * (app-upload.ts).
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import type { CustomScheme, Protocol } from 'electron';
import type { MediaRequest, MediaResponse } from '../../shared/rpc/media.ts';
import { parseByteRange, rangeHeaders } from '../host/byte-range.ts';
import type { UploadBackend } from '../host/upload-core.ts';
import { isUploadUrl, serveUpload } from './app-upload.ts';
import {
  APP_SCHEME, CONTENT_SECURITY_POLICY, MEDIA_CONTENT_SECURITY_POLICY, mimeTypeFor, parseMediaUrl, resolveAppFile,
} from './security.ts';

export const APP_SCHEME_DEFINITION: CustomScheme = {
  scheme: APP_SCHEME,
  // standard: a real origin and relative URL resolution; secure: a secure context (notifications, clipboard,
  // crypto.subtle); supportFetchAPI: module scripts and fetch() of the app's own assets; codeCache: faster start.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before the app's `ready` event: Chromium reads scheme privileges once, at startup. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);
}

type ReadFile = (file: string) => Promise<Uint8Array<ArrayBuffer>>;

export interface MediaBackend {
  fetchMedia(req: MediaRequest): Promise<MediaResponse>;
}
/** The backend once it has started; null before that (or when it could not start). */
export type MediaSource = () => MediaBackend | null;
const NO_BACKEND: MediaSource = () => null;

/** Where uploads go: the running backend (null when it is not) and a private folder for bodies in transit. */
export interface UploadTarget {
  backend(): UploadBackend | null;
  dir(): string;
}
const NO_UPLOADS: UploadTarget = { backend: () => null, dir: () => '' };

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
} as const;

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

const MEDIA_HEADERS = {
  'Content-Security-Policy': MEDIA_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

function mediaPlain(status: number, text: string): Response {
  return new Response(text, {
    status, headers: { ...MEDIA_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** Answers like the web host's `/_gomuks/media/` route, so both transports behave the same for the page. */
async function serveMedia(req: Request, parsed: MediaRequest | { error: string }, media: MediaSource): Promise<Response> {
  if ('error' in parsed) return mediaPlain(400, `bad media path: ${parsed.error}`);
  const backend = media();
  if (!backend) return mediaPlain(503, 'the backend is not running');
  let res: MediaResponse;
  try {
    res = await backend.fetchMedia(parsed);
  } catch {
    return mediaPlain(502, 'could not fetch media');
  }
  // Copied only if it isn't already a plain ArrayBuffer view, which is what Response takes.
  const whole = res.body.buffer instanceof ArrayBuffer ? res.body as Uint8Array<ArrayBuffer> : new Uint8Array(res.body);
  // A media element seeking asks for a part (see byte-range.ts).
  const range = res.status === 200 ? parseByteRange(req.headers.get('range'), whole.byteLength) : null;
  const body = range === null ? whole : range === 'unsatisfiable' ? null : whole.subarray(range.start, range.end + 1);
  try {
    return new Response(req.method === 'HEAD' ? null : body, {
      status: range === null ? res.status : range === 'unsatisfiable' ? 416 : 206,
      headers: {
        ...MEDIA_HEADERS,
        'Content-Type': res.contentType,
        ...(res.status === 200 ? { 'Accept-Ranges': 'bytes' } : {}),
        ...(range ? rangeHeaders(range, whole.byteLength) : {}),
        'Cache-Control': res.status === 200 ? 'private, max-age=86400' : 'no-store',
        ...(res.contentType === 'application/octet-stream' ? { 'Content-Disposition': 'attachment' } : {}),
      },
    });
  } catch {
    // A status outside 200–599 or a header value Response refuses: the backend's answer is unusable.
    return mediaPlain(502, 'invalid media response');
  }
}

/**
 * The request handler for the app scheme: files under `root` (the built renderer) on the app host, the backend's
 * media on the media host, nothing else.
 */
export function createAppRequestHandler(root: string, readFile: ReadFile = fsReadFile,
  media: MediaSource = NO_BACKEND, uploads: UploadTarget = NO_UPLOADS): (req: Request) => Promise<Response> {
  return async (req) => {
    if (isUploadUrl(req.url)) return serveUpload(req, uploads.backend(), uploads.dir());
    const mediaReq = parseMediaUrl(req.url);
    if (mediaReq) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return mediaPlain(405, 'method not allowed');
      return serveMedia(req, mediaReq, media);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'method not allowed');
    const file = resolveAppFile(root, req.url);
    if (!file) return plain(404, 'not found');
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'not found');
      return plain(500, 'could not read file');
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(file), 'Cache-Control': 'no-cache' };
    return new Response(req.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

/** Call after `ready`. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string, media: MediaSource = NO_BACKEND,
  uploads: UploadTarget = NO_UPLOADS): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root, fsReadFile, media, uploads));
}
