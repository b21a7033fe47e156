/**
 * Media for the renderer and for download_media, fetched with the account's token (authenticated media,
 * `/_matrix/client/v1/media`, falling back to the old unauthenticated endpoints for servers without it) and kept
 * in the content-addressed cache (media-cache.ts), so the token never leaves the backend. A thumbnail the server
 * cannot give (it refuses, or answers with something that is not an image) is made here from the original
 * (local-thumbnail.ts).
 */
import type { MediaRequest, MediaResponse } from '../../../shared/rpc/index.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { ConnectionError, MatrixError } from '../matrix/errors.ts';
import { NO_ATTACHMENT_CRYPTO } from './attachment-crypto.ts';
import { LOCAL_THUMBNAIL_TYPE, makeThumbnail } from './local-thumbnail.ts';
import { MediaCache, type CachedMedia } from './media-cache.ts';

const MAX_BYTES = 50 * 1024 * 1024;
// Types a browser renders without running anything: no SVG (it can carry script), no HTML.
const SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

/** A download that failed, with the HTTP status a host should answer and the reason in words. */
export class MediaFetchError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'MediaFetchError';
    this.status = status;
  }
}

export class MediaFetcher {
  private readonly client: MatrixClient;
  readonly cache: MediaCache;
  /** Encrypted attachments (`encrypted: true`), once end-to-end encryption provides them (crypto/encrypted-media.ts). */
  decrypt: ((req: MediaRequest) => Promise<CachedMedia>) | undefined;
  /** Concurrent requests for the same item share one download. */
  private readonly inflight = new Map<string, Promise<CachedMedia>>();

  constructor(client: MatrixClient, cacheDir: string) {
    this.client = client;
    this.cache = new MediaCache(cacheDir);
  }

  /** For a host serving the renderer: the bytes with a type safe to serve, or an error status. */
  async fetch(req: MediaRequest): Promise<MediaResponse> {
    try {
      const got = req.encrypted ? await this.fetchDecrypted(req) : await this.fetchFile(req);
      const body = this.cache.read(got);
      if (!body) return errorResponse(500, 'the cached file could not be read');
      return { status: 200, contentType: SAFE_TYPES.has(got.contentType) ? got.contentType : 'application/octet-stream', body };
    } catch (e) {
      if (e instanceof MediaFetchError) return errorResponse(e.status, e.message);
      return errorResponse(500, errorMessage(e));
    }
  }

  /** An encrypted attachment's decrypted bytes in the cache; throws MediaFetchError. */
  fetchDecrypted(req: MediaRequest): Promise<CachedMedia> {
    return this.decrypt ? this.decrypt(req) : Promise.reject(new MediaFetchError(501, NO_ATTACHMENT_CRYPTO));
  }

  /** The item in the cache (downloaded first if need be); throws MediaFetchError. */
  fetchFile(req: MediaRequest): Promise<CachedMedia> {
    const key = MediaCache.key(req.server, req.mediaId, req.thumbnail);
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.download(req, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async download(req: MediaRequest, key: string): Promise<CachedMedia> {
    let got;
    try {
      got = await this.fromServer(req);
    } catch (e) {
      // The server answered, but has no thumbnail for it (a type it does not thumbnail, thumbnails off): made here.
      if (req.thumbnail && e instanceof MatrixError && e.status < 500) return this.localThumbnail(req, key, `${e.message} (${e.errcode})`);
      throw toFetchError(e);
    }
    const type = got.contentType.split(';')[0].trim().toLowerCase();
    if (req.thumbnail && !SAFE_TYPES.has(type)) return this.localThumbnail(req, key, `it sent ${type || 'no type'} instead of an image`);
    const stored = this.cache.put(key, got.body, type);
    if (!stored) throw new MediaFetchError(500, 'the media cache folder could not be written');
    return stored;
  }

  private async fromServer(req: MediaRequest) {
    const query = req.thumbnail
      ? { width: req.thumbnail.width, height: req.thumbnail.height, method: req.thumbnail.scale ? 'scale' : 'crop', animated: false }
      : undefined;
    const kind = req.thumbnail ? 'thumbnail' : 'download';
    try {
      return await this.client.media.download(kind, req.server, req.mediaId, { query, maxBytes: MAX_BYTES });
    } catch (e) {
      // Servers from before authenticated media (spec v1.11) don't know the endpoint.
      if (!(e instanceof MatrixError && (e.errcode === 'M_UNRECOGNIZED' || (e.status === 404 && e.errcode === 'M_UNKNOWN')))) throw e;
      return this.client.media.downloadLegacy(kind, req.server, req.mediaId, { query, maxBytes: MAX_BYTES });
    }
  }

  /** A thumbnail made from the original (itself fetched into the cache), for when the server gives none. */
  private async localThumbnail(req: MediaRequest, key: string, serverSaid: string): Promise<CachedMedia> {
    const original = await this.fetchFile({ server: req.server, mediaId: req.mediaId });
    const bytes = this.cache.read(original);
    if (!bytes) throw new MediaFetchError(500, 'the cached file could not be read');
    let thumb: Buffer;
    try {
      thumb = await makeThumbnail(bytes, req.thumbnail!);
    } catch (e) {
      throw new MediaFetchError(415, `The homeserver has no thumbnail of it (${serverSaid}) and none could be made here: ${errorMessage(e)}`);
    }
    const stored = this.cache.put(key, thumb, LOCAL_THUMBNAIL_TYPE);
    if (!stored) throw new MediaFetchError(500, 'the media cache folder could not be written');
    return stored;
  }
}

function toFetchError(e: unknown): MediaFetchError {
  if (e instanceof MatrixError) {
    const status = e.status === 404 ? 404 : e.status === 413 ? 413 : 502;
    return new MediaFetchError(status, `${e.message} (${e.errcode})`);
  }
  if (e instanceof ConnectionError) return new MediaFetchError(502, e.message);
  return new MediaFetchError(500, errorMessage(e));
}

function errorResponse(status: number, error: string): MediaResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(error), error };
}
