/**
 * `POST /_gomuks/upload`: gomuks' upload route. The request body is the file; the query carries gomuks' options
 * (`filename`, `encrypt`, `voice_message`, `force_file`, `encode_to`, `resize_width`/`resize_height`,
 * `resize_percent`, `quality`). The host only reads and checks the request; the upload itself is the backend's
 * (`UploadFn`), which answers with the message content to send, as gomuks' does. Without one the route says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../../../shared/error-message.ts';
import { sendText } from './http-policy.ts';

export interface UploadParams {
  filename?: string;
  contentType?: string;
  encrypt: boolean;
  voice_message: boolean;
  force_file: boolean;
  encode_to?: string;
  resize_width?: number;
  resize_height?: number;
  resize_percent?: number;
  quality?: number;
}

/** The backend's upload: resolves with the content (`{msgtype, body, url|file, info}`) or rejects with words. */
export type UploadFn = (params: UploadParams, body: Buffer) => Promise<unknown>;

/** Bounds what one request can make the host hold in memory. */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const buf = Buffer.from(`${JSON.stringify(body)}\n`);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'Cache-Control': 'no-store' });
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
  if (filename !== null && filename !== '') p.filename = filename;
  if (contentType) p.contentType = contentType;
  const encodeTo = q.get('encode_to');
  if (encodeTo) {
    if (!['image/webp', 'image/jpeg', 'image/png', 'image/gif'].includes(encodeTo)) return new Error(`cannot encode to ${encodeTo}`);
    p.encode_to = encodeTo;
  }
  for (const [name, min, max] of [['resize_width', 1, 16384], ['resize_height', 1, 16384], ['resize_percent', 1, 100], ['quality', 1, 100]] as const) {
    const v = intParam(q, name, min, max);
    if (v instanceof Error) return v;
    if (v !== undefined) p[name] = v;
  }
  return p;
}

export async function handleUpload(upload: UploadFn | undefined, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  if (req.method !== 'POST') { sendText(res, 405, 'Method Not Allowed', { Allow: 'POST' }); return; }
  if (!upload) { sendJson(res, 501, { errcode: 'M_UNRECOGNIZED', error: 'This backend cannot upload media yet.' }); return; }
  const params = parseUploadParams(query, req.headers['content-type']);
  if (params instanceof Error) { sendJson(res, 400, { errcode: 'M_INVALID_PARAM', error: params.message }); return; }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_UPLOAD_BYTES) { sendJson(res, 413, { errcode: 'M_TOO_LARGE', error: `Files over ${MAX_UPLOAD_BYTES / 1048576} MiB cannot be uploaded here.` }); return; }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) {
      sendJson(res, 413, { errcode: 'M_TOO_LARGE', error: `Files over ${MAX_UPLOAD_BYTES / 1048576} MiB cannot be uploaded here.` });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  }
  let content: unknown;
  try { content = await upload(params, Buffer.concat(chunks)); } catch (e) {
    sendJson(res, 502, { errcode: 'M_UNKNOWN', error: errorMessage(e) });
    return;
  }
  sendJson(res, 200, content);
}
