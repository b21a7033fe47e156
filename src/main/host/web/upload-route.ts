/**
 * `POST /_gomuks/upload` on the web host: Node's http side of gomuks' upload route (the route itself, its options
 * and answers are in ../upload-core.ts, shared with the desktop shell's app scheme).
 *
 * The body is written to the private temporary file as it arrives, pausing the request while the disk catches up,
 * and a refused body is not read further: the answer closes the connection.
 */
import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PRIVATE_FILE } from '../../backend/private-files.ts';
import { PROGRESS_STREAM_TYPE, runUpload, tooLarge, UploadError, type UploadBackend } from '../upload-core.ts';
import { sendText } from './http-policy.ts';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(`${JSON.stringify(body)}\n`);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
  res.end(buf);
}

/** Writes the request body to `file` (created private), refusing it once it passes `limit` bytes. */
function receiveBody(req: IncomingMessage, file: string, limit: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
    req.once('end', () => out.end(() => { if (!settled) { settled = true; resolve(); } }));
    req.once('error', fail);
    req.once('close', () => { if (!req.complete) fail(new UploadError(400, 'M_UNKNOWN', 'The upload was interrupted.')); });
    out.once('error', fail);
  });
}

export async function handleUpload(backend: UploadBackend | undefined, uploadDir: string, req: IncomingMessage,
  res: ServerResponse, query: URLSearchParams): Promise<void> {
  if (req.method !== 'POST') { sendText(res, 405, 'Method Not Allowed', { Allow: 'POST' }); return; }
  let streaming = false;
  await runUpload(backend, uploadDir, {
    query,
    contentType: req.headers['content-type'],
    contentLength: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']),
    receive: (file, limit) => receiveBody(req, file, limit),
  }, {
    beginStream: () => {
      res.writeHead(200, { 'Content-Type': PROGRESS_STREAM_TYPE, 'Cache-Control': 'no-store' });
      streaming = true;
    },
    line: (value) => { res.write(`${JSON.stringify(value)}\n`); },
    finish: (status, body) => {
      if (streaming) res.end(`${JSON.stringify(body)}\n`);
      else if (req.complete) sendJson(res, status, body);
      else {
        // The rest of a refused body is not read: the connection closes after the answer.
        sendJson(res, status, body, { Connection: 'close' });
        res.once('finish', () => req.destroy());
      }
    },
  });
}
