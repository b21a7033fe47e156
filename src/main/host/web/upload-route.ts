/**
 * `POST /_gomuks/upload`: gomuks' upload route. The request body is the file; the query carries gomuks' options
 * (`filename`, `encrypt`, `voice_message`, `force_file`, `progress`, and for images the re-encoding ones `encode_to`,
 * `resize_width`/`resize_height`, `resize_percent`, `quality`). The answer is the m.room.message content to send, as
 * gomuks answers; with `progress=true` it is gomuks' progress stream instead: one JSON value per line, numbers from
 * 0 to 1 while the file goes to the homeserver, then the content (or an `{errcode, error}` object).
 *
 * The body goes to a private temporary file as it arrives, never whole into this thread's memory, and the backend
 * reads it from there (`UploadBackend`): a large file sits in memory once, in the backend, not in both threads.
 * The size is checked against the homeserver's limit (its media config) before and while the body arrives.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { errorMessage } from '../../../shared/error-message.ts';
import { IMAGE_ENCODINGS, type ImageEncoding } from '../../../shared/rpc/commands.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../backend/private-files.ts';
import { sendText } from './http-policy.ts';

export interface UploadParams {
  filename?: string;
  contentType?: string;
  encrypt: boolean;
  voice_message: boolean;
  force_file: boolean;
  encode_to?: ImageEncoding;
  resize_width?: number;
  resize_height?: number;
  resize_percent?: number;
  quality?: number;
}

/** The backend's side of an upload (in the web host: over the worker channel, see worker-protocol.ts). */
export interface UploadBackend {
  /** The homeserver's upload limit in bytes; undefined when it names none. */
  maxBytes(): Promise<number | undefined>;
  /**
   * Uploads the file at `file` (the route deletes it afterwards) and resolves with the content to send, or rejects
   * with words. `onProgress` gets the share of the file the homeserver has taken so far.
   */
  upload(params: UploadParams, file: string, onProgress: (fraction: number) => void): Promise<unknown>;
}

/** Without a limit from the homeserver, this one bounds what a request can put on the disk. */
export const FALLBACK_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** gomuks' progress stream sends at most about four updates a second. */
const PROGRESS_INTERVAL_MS = 250;

const PROGRESS_STREAM_TYPE = 'application/x-mau-progress-stream+json';

class UploadError extends Error {
  readonly status: number;
  readonly errcode: string;
  constructor(status: number, errcode: string, message: string) {
    super(message);
    this.status = status;
    this.errcode = errcode;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(`${JSON.stringify(body)}\n`);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
  res.end(buf);
}

const bool = (v: string | null): boolean => v === 'true' || v === '1';

function intParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined | Error {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : new Error(`${name} must be a whole number from ${min} to ${max}`);
}

/** Reads and checks the query, or says what is wrong with it. */
function parseUploadParams(q: URLSearchParams, contentType: string | undefined): UploadParams | Error {
  const p: UploadParams = {
    encrypt: bool(q.get('encrypt')), voice_message: bool(q.get('voice_message')), force_file: bool(q.get('force_file')),
  };
  const filename = q.get('filename');
  if (filename !== null && filename !== '') {
    if (filename.length > 255) return new Error('filename must be at most 255 characters');
    p.filename = filename;
  }
  if (contentType) p.contentType = contentType;
  const encodeTo = q.get('encode_to');
  if (encodeTo) {
    const known = IMAGE_ENCODINGS.find((t) => t === encodeTo);
    if (!known) return new Error(`cannot encode to ${encodeTo}: Lattice re-encodes images only, to ${IMAGE_ENCODINGS.join(', ')}`);
    p.encode_to = known;
  }
  for (const [name, min, max] of [['resize_width', 1, 16384], ['resize_height', 1, 16384], ['resize_percent', 1, 100], ['quality', 1, 100]] as const) {
    const v = intParam(q, name, min, max);
    if (v instanceof Error) return v;
    if (v !== undefined) p[name] = v;
  }
  return p;
}

function formatMiB(n: number): string {
  return `${(n / 1048576).toFixed(n % 1048576 === 0 ? 0 : 1)} MiB`;
}

const tooLarge = (limit: number) => new UploadError(413, 'M_TOO_LARGE', `Files over ${formatMiB(limit)} cannot be uploaded to this homeserver.`);

/** Writes the request body to `file` (created private), refusing it once it passes `limit` bytes. */
function receiveBody(req: IncomingMessage, file: string, limit: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const out = createWriteStream(file, { flags: 'wx', mode: PRIVATE_FILE });
    let size = 0;
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      // What is left of the body is not read; the answer says why and the connection closes after it.
      req.off('data', onData);
      req.pause();
      // Rejected once the file is closed, so that deleting it afterwards cannot race its creation.
      out.once('close', () => reject(e));
      out.destroy();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) { fail(tooLarge(limit)); return; }
      // Waits for the disk when it is slower than the network, so the body never piles up in memory.
      if (!out.write(chunk)) { req.pause(); out.once('drain', () => { if (!settled) req.resume(); }); }
    };
    req.on('data', onData);
    req.once('end', () => out.end(() => { if (!settled) { settled = true; resolve(size); } }));
    req.once('error', fail);
    req.once('close', () => { if (!req.complete) fail(new UploadError(400, 'M_UNKNOWN', 'The upload was interrupted.')); });
    out.once('error', fail);
  });
}

export async function handleUpload(backend: UploadBackend | undefined, uploadDir: string, req: IncomingMessage,
  res: ServerResponse, query: URLSearchParams): Promise<void> {
  if (req.method !== 'POST') { sendText(res, 405, 'Method Not Allowed', { Allow: 'POST' }); return; }
  if (!backend) { sendJson(res, 501, { errcode: 'M_UNRECOGNIZED', error: 'This backend cannot upload media yet.' }); return; }
  const params = parseUploadParams(query, req.headers['content-type']);
  if (params instanceof Error) { sendJson(res, 400, { errcode: 'M_INVALID_PARAM', error: params.message }); return; }
  const progress = bool(query.get('progress'));
  let file: string | undefined;
  let streaming = false;
  try {
    let limit: number;
    try {
      limit = (await backend.maxBytes()) ?? FALLBACK_MAX_UPLOAD_BYTES;
    } catch (e) {
      throw new UploadError(503, 'M_UNKNOWN', errorMessage(e));
    }
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
    await mkdir(uploadDir, { recursive: true, mode: PRIVATE_DIR });
    file = path.join(uploadDir, `upload-${randomBytes(12).toString('hex')}`);
    await receiveBody(req, file, limit);

    let sendProgress = (_fraction: number): void => undefined;
    if (progress) {
      res.writeHead(200, { 'Content-Type': PROGRESS_STREAM_TYPE, 'Cache-Control': 'no-store' });
      streaming = true;
      let last = 0;
      sendProgress = (fraction) => {
        const now = Date.now();
        if (now - last < PROGRESS_INTERVAL_MS && fraction < 1) return;
        last = now;
        res.write(`${JSON.stringify(fraction)}\n`);
      };
    }
    let content: unknown;
    try {
      content = await backend.upload(params, file, sendProgress);
    } catch (e) {
      throw new UploadError(502, 'M_UNKNOWN', errorMessage(e));
    }
    if (streaming) res.end(`${JSON.stringify(content)}\n`);
    else sendJson(res, 200, content);
  } catch (e) {
    const err = e instanceof UploadError ? e : new UploadError(500, 'M_UNKNOWN', errorMessage(e));
    const body = { errcode: err.errcode, error: err.message };
    if (streaming) res.end(`${JSON.stringify(body)}\n`);
    else if (req.complete) sendJson(res, err.status, body);
    else {
      // The rest of a refused body is not read: the connection closes after the answer.
      sendJson(res, err.status, body, { Connection: 'close' });
      res.once('finish', () => req.destroy());
    }
  } finally {
    if (file) await rm(file, { force: true });
  }
}
