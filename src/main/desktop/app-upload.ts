/**
 * `POST lattice://app/_gomuks/upload`: the desktop shell's side of gomuks' upload route, so the composer's uploads
 * work the same in the app as on the web host (the route, its options and answers are in ../host/upload-core.ts).
 * Electron's protocol handler hands over a fetch-style Request whose body is a ReadableStream; it goes to a private
 * temporary file as it arrives and the backend worker uploads it from there.
 *
 * Only the app's own page may upload: the request must come from the app origin (a sandboxed media page, whose
 * origin is opaque, or any other page cannot make the account send files).
 */
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PRIVATE_FILE } from '../backend/private-files.ts';
import { PROGRESS_STREAM_TYPE, runUpload, tooLarge, type UploadBackend } from '../host/upload-core.ts';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAppUrl } from './security.ts';

export const UPLOAD_PATH = '/_gomuks/upload';

/** True for the upload route's URL on the app host (any query). */
export function isUploadUrl(requestUrl: string): boolean {
  let u: URL;
  try { u = new URL(requestUrl); } catch { return false; }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.pathname === UPLOAD_PATH;
}

/**
 * Whether the request comes from the app's own page. Chromium names the origin on every POST; without one, the
 * referrer must be an app URL (a request with neither is refused).
 */
export function isFromAppOrigin(req: Request): boolean {
  const origin = req.headers.get('origin');
  if (origin !== null) return origin === APP_ORIGIN;
  return isAppUrl(req.referrer);
}

const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } as const;

function json(status: number, body: unknown): Response {
  return new Response(`${JSON.stringify(body)}\n`, { status, headers: { ...NO_STORE, 'Content-Type': 'application/json' } });
}

/** Writes `body` to `file` (created private), failing with 413 once it passes `limit` bytes. */
export async function receiveStream(body: ReadableStream<Uint8Array> | null, file: string, limit: number): Promise<void> {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) { done(tooLarge(limit)); return; }
      done(null, chunk);
    },
  });
  const source = body ? Readable.fromWeb(body) : Readable.from([]);
  await pipeline(source, counter, createWriteStream(file, { flags: 'wx', mode: PRIVATE_FILE }));
}

/**
 * Answers one upload request. `uploadDir` is a private folder for bodies on their way to the backend; `backend` is
 * null when the backend is not running.
 */
export function serveUpload(req: Request, backend: UploadBackend | null, uploadDir: string): Promise<Response> {
  if (req.method !== 'POST') return Promise.resolve(new Response('method not allowed', { status: 405, headers: { ...NO_STORE, Allow: 'POST' } }));
  if (!isFromAppOrigin(req)) return Promise.resolve(json(403, { errcode: 'M_FORBIDDEN', error: 'Only the Lattice app can upload files.' }));
  if (!backend) return Promise.resolve(json(503, { errcode: 'M_UNKNOWN', error: 'The Lattice backend is not running.' }));
  const length = req.headers.get('content-length');
  return new Promise<Response>((resolve) => {
    let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
    const encoder = new TextEncoder();
    const line = (value: unknown) => stream?.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
    let final: Response | undefined;
    // A plain answer waits until the temporary file is gone, so nothing of the body outlives it.
    void runUpload(backend, uploadDir, {
      query: new URL(req.url).searchParams,
      contentType: req.headers.get('content-type') ?? undefined,
      contentLength: length === null ? undefined : Number(length),
      receive: (file, limit) => receiveStream(req.body, file, limit),
    }, {
      beginStream: () => {
        resolve(new Response(new ReadableStream<Uint8Array>({ start: (c) => { stream = c; } }), {
          status: 200, headers: { ...NO_STORE, 'Content-Type': PROGRESS_STREAM_TYPE },
        }));
      },
      line,
      finish: (status, body) => {
        if (stream) { line(body); stream.close(); } else final = json(status, body);
      },
    }).catch(() => undefined).then(() => {
      // A no-op once the progress stream has begun.
      resolve(final ?? json(500, { errcode: 'M_UNKNOWN', error: 'The upload failed.' }));
    });
  });
}
