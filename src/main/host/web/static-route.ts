/**
 * The built renderer's files: index.html and its hashed assets, from one folder that no request path can leave.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from '../../backend/log/logger.ts';
import { mimeTypeFor } from '../static-files.ts';
import { sendText } from './http-policy.ts';
import type { WebAuth } from './web-auth.ts';

/**
 * Splits a request path into safe segments, or returns null. Each segment is decoded on its own, so an encoded
 * `%2f` cannot create new segments, and anything that could step outside the static root is refused outright
 * rather than normalized away.
 */
function safeSegments(rawPath: string): string[] | null {
  if (!rawPath.startsWith('/')) return null;
  const out: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try { seg = decodeURIComponent(raw); } catch { return null; }
    if (seg === '.' || seg === '..' || /[/\\\0:]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

/** `staticRoot` is already resolved with realpath. */
export async function serveStatic(staticRoot: string, auth: WebAuth, logger: Logger, req: IncomingMessage,
  res: ServerResponse, rawPath: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') { sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' }); return; }
  const segs = safeSegments(rawPath);
  if (segs === null) { sendText(res, 400, 'Bad Request: invalid path'); return; }
  const rel = segs.length === 0 ? ['index.html'] : segs;
  const candidate = path.join(staticRoot, ...rel);
  const notFound = () => sendText(res, 404, 'Not Found');
  if (!candidate.startsWith(staticRoot + path.sep)) { notFound(); return; }
  let file: string;
  let size: number;
  try {
    // realpath too: a symlink inside the build output must not expose files outside it.
    file = await realpath(candidate);
    if (!file.startsWith(staticRoot + path.sep)) { notFound(); return; }
    const st = await stat(file);
    if (!st.isFile()) { notFound(); return; }
    size = st.size;
  } catch { notFound(); return; }
  const isIndex = rel.length === 1 && rel[0] === 'index.html';
  if (isIndex) {
    // Loading the app is the natural moment to extend the cookie (and its session, server-side).
    const cookie = auth.refreshedCookie(req.headers.cookie);
    if (cookie !== undefined) res.setHeader('Set-Cookie', cookie);
  }
  res.writeHead(200, {
    'Content-Type': mimeTypeFor(file),
    'Content-Length': size,
    // Vite names assets by content hash; everything else (index.html) must be revalidated to pick up a new build.
    'Cache-Control': rel[0] === 'assets' && rel.length > 1 ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  const stream = createReadStream(file);
  stream.on('error', (e) => { logger.warn(`reading ${file} failed: ${e.message}`); res.destroy(); });
  stream.pipe(res);
}
