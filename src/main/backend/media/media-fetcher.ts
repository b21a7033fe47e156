/**
 * Media for the renderer, fetched with the account's token (authenticated media, `/_matrix/client/v1/media`,
 * falling back to the old unauthenticated endpoints for servers without it) and cached on disk in the cache
 * folder, so the token never leaves the backend.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { MediaRequest, MediaResponse } from '../../../shared/rpc/index.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { ConnectionError, MatrixError } from '../matrix/errors.ts';
import { PRIVATE_FILE, ensurePrivateDir, fchmodPrivate } from '../private-files.ts';

const MAX_BYTES = 50 * 1024 * 1024;
// Types a browser renders without running anything: no SVG (it can carry script), no HTML.
const SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

export class MediaFetcher {
  private readonly client: MatrixClient;
  private readonly dir: string;
  /** Concurrent requests for the same item share one download. */
  private readonly inflight = new Map<string, Promise<MediaResponse>>();

  constructor(client: MatrixClient, cacheDir: string) {
    this.client = client;
    this.dir = path.join(cacheDir, 'media');
  }

  fetch(req: MediaRequest): Promise<MediaResponse> {
    const key = createHash('sha256')
      .update(`${req.server}/${req.mediaId}${req.thumbnail ? `@${req.thumbnail.width}x${req.thumbnail.height}` : ''}`)
      .digest('hex');
    const cached = this.readCache(key);
    if (cached) return Promise.resolve(cached);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.download(req, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async download(req: MediaRequest, key: string): Promise<MediaResponse> {
    const query = req.thumbnail
      ? { width: req.thumbnail.width, height: req.thumbnail.height, method: 'crop', animated: false }
      : undefined;
    const kind = req.thumbnail ? 'thumbnail' : 'download';
    try {
      let got;
      try {
        got = await this.client.media.download(kind, req.server, req.mediaId, { query, maxBytes: MAX_BYTES });
      } catch (e) {
        // Servers from before authenticated media (spec v1.11) don't know the endpoint.
        if (!(e instanceof MatrixError && (e.errcode === 'M_UNRECOGNIZED' || (e.status === 404 && e.errcode === 'M_UNKNOWN')))) throw e;
        got = await this.client.media.downloadLegacy(kind, req.server, req.mediaId, { query, maxBytes: MAX_BYTES });
      }
      const type = got.contentType.split(';')[0].trim().toLowerCase();
      const res: MediaResponse = { status: 200, contentType: SAFE_TYPES.has(type) ? type : 'application/octet-stream', body: got.body };
      this.writeCache(key, res);
      return res;
    } catch (e) {
      if (e instanceof MatrixError) {
        const status = e.status === 404 ? 404 : e.status === 413 ? 413 : 502;
        return errorResponse(status, `${e.message} (${e.errcode})`);
      }
      if (e instanceof ConnectionError) return errorResponse(502, e.message);
      return errorResponse(500, errorMessage(e));
    }
  }

  private readCache(key: string): MediaResponse | undefined {
    try {
      const meta = JSON.parse(readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as { contentType: string };
      return { status: 200, contentType: meta.contentType, body: readFileSync(path.join(this.dir, `${key}.bin`)) };
    } catch {
      return undefined;
    }
  }

  private writeCache(key: string, res: MediaResponse): void {
    try {
      ensurePrivateDir(this.dir);
      writePrivate(path.join(this.dir, `${key}.bin`), res.body);
      // The metadata is written last: a cache entry counts only once both files are complete.
      writePrivate(path.join(this.dir, `${key}.json`), Buffer.from(JSON.stringify({ contentType: res.contentType })));
    } catch {
      // A cache that can't be written only costs a download next time.
    }
  }
}

/** Media is account data (who sent what to whom): written 0600 under a temporary name, then renamed into place. */
function writePrivate(file: string, data: Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE);
  try {
    // A temp file left by a crash keeps its old mode through 'w': set it.
    fchmodPrivate(fd);
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function errorResponse(status: number, error: string): MediaResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(error), error };
}
