/**
 * `/_gomuks/media/<server>/<mediaId>`: media fetched by the backend with the account's token (see
 * src/shared/rpc/media.ts), served so that it can never run as a page of this origin.
 *
 * Query parameters: Lattice's `w`/`h` (a thumbnail of that size), and gomuks' `thumbnail=avatar` (an avatar-sized
 * thumbnail), `encrypted=true` (an encrypted attachment, decrypted by the backend),
 * `fallback=<color>:<letter>` (an SVG letter avatar instead of an error) and `image_auth` (checked by the router).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseMediaPath, type MediaRequest, type MediaResponse } from '../../../shared/rpc/index.ts';
import { parseByteRange, rangeHeaders } from '../byte-range.ts';
import { sendText } from './http-policy.ts';

/** gomuks' `thumbnail=avatar` size. */
const AVATAR_THUMBNAIL_PX = 256;

const FALLBACK_COLOR = /^(?:#[0-9A-Fa-f]{3,8}|[a-z]{3,20})$/;

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** gomuks' letter avatar, for `fallback=<color>:<letter>` when the real one cannot be had. */
function fallbackAvatar(spec: string): Buffer | undefined {
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const color = spec.slice(0, colon);
  const letter = [...spec.slice(colon + 1)].slice(0, 2).join('');
  if (!FALLBACK_COLOR.test(color) || letter === '') return undefined;
  return Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1000">'
    + `<rect x="0" y="0" width="1000" height="1000" fill="${color}"/>`
    + '<text x="500" y="750" text-anchor="middle" fill="#fff" font-weight="bold" font-size="666" font-family="sans-serif">'
    + `${escapeXml(letter)}</text></svg>`);
}

export async function serveMedia(fetchMedia: (req: MediaRequest) => Promise<MediaResponse>, req: IncomingMessage,
  res: ServerResponse, pathPart: string, query: URLSearchParams): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') { sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' }); return; }
  const q = new URLSearchParams(query);
  if (q.get('thumbnail') === 'avatar' && !q.has('w') && !q.has('h')) {
    q.set('w', String(AVATAR_THUMBNAIL_PX));
    q.set('h', String(AVATAR_THUMBNAIL_PX));
  }
  const parsed = parseMediaPath(pathPart, q);
  if ('error' in parsed) { sendText(res, 400, `Bad media path: ${parsed.error}`); return; }
  const fallback = q.get('fallback');
  let media = await fetchMedia(parsed);
  const svg = media.status !== 200 && fallback !== null ? fallbackAvatar(fallback) : undefined;
  if (svg) media = { status: 200, contentType: 'image/svg+xml', body: svg };
  // A media element seeking asks for a part (see byte-range.ts).
  const size = media.body.byteLength;
  const range = media.status === 200 && !svg ? parseByteRange(req.headers.range, size) : null;
  const status = range === null ? media.status : range === 'unsatisfiable' ? 416 : 206;
  res.writeHead(status, {
    'Content-Type': media.contentType,
    'Content-Length': size,
    ...(media.status === 200 && !svg ? { 'Accept-Ranges': 'bytes' } : {}),
    ...(range ? rangeHeaders(range, size) : {}),
    'X-Content-Type-Options': 'nosniff',
    // Opened on its own, the response must not be able to run anything (an SVG fallback included).
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': media.status === 200 && !svg ? 'private, max-age=86400' : 'no-store',
    ...(media.contentType === 'application/octet-stream' ? { 'Content-Disposition': 'attachment' } : {}),
  });
  const body = range === null ? media.body : range === 'unsatisfiable' ? undefined : media.body.subarray(range.start, range.end + 1);
  res.end(req.method === 'HEAD' ? undefined : body);
}
