/**
 * gomuks' upload route (`POST /_gomuks/upload`) apart from its transport, shared by the web host (web/upload-route.ts,
 * Node's http) and the desktop shell (its `lattice://app/_gomuks/upload`, a fetch-style Request). The request body is
 * the file; the query carries gomuks' options (`filename`, `encrypt`, `voice_message`, `force_file`, `progress`, and
 * the re-encoding ones `encode_to`, `resize_width`/`resize_height`, `resize_percent`, `quality`), and Lattice's
 * `duration` (ms) and `waveform` (comma-separated MSC3246 samples) for a voice message the page recorded. The
 * answer is the m.room.message content to send, as gomuks answers; with `progress=true` it is gomuks' progress stream
 * instead: one JSON value per line, numbers from 0 to 1 while the file goes to the homeserver, then the content (or
 * an `{errcode, error}` object).
 *
 * The body goes to a private temporary file as it arrives, never whole into the host's memory, and the backend
 * reads it from there (`UploadBackend`): a large file sits in memory once, in the backend, not in both threads.
 * The size is checked against the homeserver's limit (its media config) before and while the body arrives.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../shared/error-message.ts';
import { MAX_DECLARED_DURATION_MS, MEDIA_ENCODINGS, WAVEFORM_MAX_SAMPLES, WAVEFORM_MAX_VALUE, type MediaEncoding } from '../../shared/rpc/commands.ts';
import { PRIVATE_DIR } from '../backend/private-files.ts';

export interface UploadParams {
  filename?: string;
  contentType?: string;
  encrypt: boolean;
  voice_message: boolean;
  /** Lattice's: a voice message's length (ms) and MSC3246 waveform, measured by the page (see upload_media). */
  duration?: number;
  waveform?: number[];
  force_file: boolean;
  encode_to?: MediaEncoding;
  resize_width?: number;
  resize_height?: number;
  resize_percent?: number;
  quality?: number;
}

/** The backend's side of an upload (over the worker channel, see worker-protocol.ts). */
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

export const PROGRESS_STREAM_TYPE = 'application/x-mau-progress-stream+json';

export class UploadError extends Error {
  readonly status: number;
  readonly errcode: string;
  constructor(status: number, errcode: string, message: string) {
    super(message);
    this.status = status;
    this.errcode = errcode;
  }
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
    const known = MEDIA_ENCODINGS.find((t) => t === encodeTo);
    if (!known) return new Error(`cannot encode to ${encodeTo}: encode_to must be one of ${MEDIA_ENCODINGS.join(', ')}`);
    p.encode_to = known;
  }
  for (const [name, min, max] of [['resize_width', 1, 16384], ['resize_height', 1, 16384], ['resize_percent', 1, 100], ['quality', 1, 100]] as const) {
    const v = intParam(q, name, min, max);
    if (v instanceof Error) return v;
    if (v !== undefined) p[name] = v;
  }
  const duration = intParam(q, 'duration', 0, MAX_DECLARED_DURATION_MS);
  if (duration instanceof Error) return duration;
  if (duration !== undefined) p.duration = duration;
  const waveform = waveformParam(q);
  if (waveform instanceof Error) return waveform;
  if (waveform) p.waveform = waveform;
  return p;
}

/** `waveform=12,300,1024`: MSC3246 samples, comma-separated. */
function waveformParam(q: URLSearchParams): number[] | undefined | Error {
  const v = q.get('waveform');
  if (v === null || v === '') return undefined;
  const samples = v.split(',').map(Number);
  if (samples.length > WAVEFORM_MAX_SAMPLES) return new Error(`waveform may have at most ${WAVEFORM_MAX_SAMPLES} samples`);
  if (!samples.every((n) => Number.isInteger(n) && n >= 0 && n <= WAVEFORM_MAX_VALUE)) {
    return new Error(`waveform must be whole numbers from 0 to ${WAVEFORM_MAX_VALUE}, separated by commas`);
  }
  return samples;
}

function formatMiB(n: number): string {
  return `${(n / 1048576).toFixed(n % 1048576 === 0 ? 0 : 1)} MiB`;
}

export const tooLarge = (limit: number): UploadError =>
  new UploadError(413, 'M_TOO_LARGE', `Files over ${formatMiB(limit)} cannot be uploaded to this homeserver.`);

/** One upload request as the transport sees it. */
export interface UploadRequest {
  query: URLSearchParams;
  contentType: string | undefined;
  /** The declared body length (Content-Length), when there is one. */
  contentLength: number | undefined;
  /** Writes the body to `file` (created private, must not exist), rejecting once it passes `limit` bytes. */
  receive(file: string, limit: number): Promise<void>;
}

/** How the transport answers. */
export interface UploadAnswer {
  /** The body is in and `progress=true` was asked: the answer becomes a 200 stream of JSON lines. */
  beginStream(): void;
  /** One line of the stream. */
  line(value: unknown): void;
  /**
   * The final answer: `status` and JSON `body`, or, once streaming, the last line (the status is then moot).
   * `error` is true when the body is an `{errcode, error}` object.
   */
  finish(status: number, body: unknown, error: boolean): void;
}

/**
 * Runs one upload: checks the options and the size, takes the body to a private file in `uploadDir`, hands it to the
 * backend and answers with the content. Never rejects: every failure becomes an answer in words.
 */
export async function runUpload(backend: UploadBackend | undefined, uploadDir: string, req: UploadRequest,
  answer: UploadAnswer): Promise<void> {
  if (!backend) { answer.finish(501, { errcode: 'M_UNRECOGNIZED', error: 'This backend cannot upload media yet.' }, true); return; }
  const params = parseUploadParams(req.query, req.contentType);
  if (params instanceof Error) { answer.finish(400, { errcode: 'M_INVALID_PARAM', error: params.message }, true); return; }
  const progress = bool(req.query.get('progress'));
  let file: string | undefined;
  let status: number;
  let body: unknown;
  try {
    let limit: number;
    try {
      limit = (await backend.maxBytes()) ?? FALLBACK_MAX_UPLOAD_BYTES;
    } catch (e) {
      throw new UploadError(503, 'M_UNKNOWN', errorMessage(e));
    }
    if ((req.contentLength ?? 0) > limit) throw tooLarge(limit);
    await mkdir(uploadDir, { recursive: true, mode: PRIVATE_DIR });
    file = path.join(uploadDir, `upload-${randomBytes(12).toString('hex')}`);
    await req.receive(file, limit);

    let sendProgress = (_fraction: number): void => undefined;
    if (progress) {
      answer.beginStream();
      let last = 0;
      sendProgress = (fraction) => {
        const now = Date.now();
        if (now - last < PROGRESS_INTERVAL_MS && fraction < 1) return;
        last = now;
        answer.line(fraction);
      };
    }
    let content: unknown;
    try {
      content = await backend.upload(params, file, sendProgress);
    } catch (e) {
      throw new UploadError(502, 'M_UNKNOWN', errorMessage(e));
    }
    status = 200;
    body = content;
  } catch (e) {
    const err = e instanceof UploadError ? e : new UploadError(500, 'M_UNKNOWN', errorMessage(e));
    status = err.status;
    body = { errcode: err.errcode, error: err.message };
  } finally {
    // Gone before the answer: nothing of the body outlives the request.
    if (file) await rm(file, { force: true });
  }
  answer.finish(status, body, status !== 200);
}
