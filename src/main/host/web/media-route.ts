/**
 * `/_gomuks/media/<server>/<mediaId>`: media fetched by the backend with the account's token (see
 * src/shared/rpc/media.ts), served so that it can never run as a page of this origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseMediaPath, type MediaRequest, type MediaResponse } from '../../../shared/rpc/index.ts';
import { sendText } from './http-policy.ts';

export async function serveMedia(fetchMedia: (req: MediaRequest) => Promise<MediaResponse>, req: IncomingMessage,
  res: ServerResponse, pathPart: string, query: URLSearchParams): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') { sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' }); return; }
  const parsed = parseMediaPath(pathPart, query);
  if ('error' in parsed) { sendText(res, 400, `Bad media path: ${parsed.error}`); return; }
  const media = await fetchMedia(parsed);
  res.writeHead(media.status, {
    'Content-Type': media.contentType,
    'Content-Length': media.body.byteLength,
    'X-Content-Type-Options': 'nosniff',
    // Opened on its own, the response must not be able to run anything.
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': media.status === 200 ? 'private, max-age=86400' : 'no-store',
    ...(media.contentType === 'application/octet-stream' ? { 'Content-Disposition': 'attachment' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : media.body);
}
