/**
 * Encrypted attachments for the renderer: the host's media route asks with `encrypted=true` (gomuks' parameter),
 * and this finds the file's key in the decrypted event that carries it (the EncryptedFile under `file` or
 * `info.thumbnail_file`, found by its mxc:// URI through migration 8's indexes; a link preview's picture in the event
 * the request names), downloads the ciphertext through
 * the media fetcher, checks and decrypts it here, and keeps the cleartext in the private media cache. The key never
 * leaves the backend: the renderer only ever sees the decrypted bytes.
 */
import type { CachedMedia, MediaCache } from '../media/media-cache.ts';
import { MediaCache as Cache } from '../media/media-cache.ts';
import type { MediaFetcher } from '../media/media-fetcher.ts';
import { MediaFetchError } from '../media/media-fetcher.ts';
import type { AttachmentCrypto, EncryptedFileInfo } from '../media/attachment-crypto.ts';
import type { MediaRequest, JSONObject } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import { eventKey, KEY_AND_ID } from '../store/event-key.ts';

// The expressions are those of the partial indexes (`expr = ?` implies their `expr IS NOT NULL`), so each lookup is an
// index search.
const BY_FILE_URL = `SELECT decrypted FROM event WHERE decrypted IS NOT NULL AND decrypted ->> '$.file.url' = ? LIMIT 1`;
const BY_THUMBNAIL_URL = `SELECT decrypted FROM event
  WHERE decrypted IS NOT NULL AND decrypted ->> '$.info.thumbnail_file.url' = ? LIMIT 1`;

// A link preview's image (MSC4095 `beeper:image:encryption`) has no index of its own: its key is read from the event
// the media request names (the one the renderer shows), found by its unique event ID. Searching every decrypted
// message for the URI instead would scan the whole table on a large encrypted account.
const CARRIER = `SELECT decrypted FROM event WHERE ${KEY_AND_ID} AND decrypted IS NOT NULL`;

/** The cache key of an mxc URI's decrypted bytes ('#' cannot occur in a media ID, so it never names a download). */
export function decryptedCacheKey(server: string, mediaId: string): string {
  return Cache.key(server, `${mediaId}#decrypted`);
}

/**
 * The EncryptedFile (and the type its message gives) of an mxc URI, from the stored decrypted events: an attachment
 * or its thumbnail by the URI's index, a link preview's picture in `eventId`, the event that carries it.
 */
export function findEncryptedFile(store: Store, mxc: string, eventId?: string): { file: EncryptedFileInfo; mimetype?: string } | undefined {
  const main = store.db.prepare<[string], { decrypted: string }>(BY_FILE_URL).get(mxc);
  if (main) {
    const content = JSON.parse(main.decrypted) as JSONObject;
    const file = content.file;
    const info = obj(content.info);
    if (isFileInfo(file)) return withType(file, info?.mimetype);
  }
  const thumb = store.db.prepare<[string], { decrypted: string }>(BY_THUMBNAIL_URL).get(mxc);
  if (thumb) {
    const info = obj((JSON.parse(thumb.decrypted) as JSONObject).info);
    if (info && isFileInfo(info.thumbnail_file)) return withType(info.thumbnail_file, obj(info.thumbnail_info)?.mimetype);
  }
  if (eventId === undefined) return undefined;
  const carrier = store.db.prepare<[number, string], { decrypted: string }>(CARRIER).get(eventKey(eventId), eventId);
  return carrier && previewImageFile(JSON.parse(carrier.decrypted) as JSONObject, mxc);
}

/** The EncryptedFile of a bundled link preview's image at `mxc`, in a message or its edit's new content. */
function previewImageFile(content: JSONObject, mxc: string): { file: EncryptedFileInfo; mimetype?: string } | undefined {
  for (const c of [content, obj(content['m.new_content'])]) {
    const previews = c?.['com.beeper.linkpreviews'];
    if (!Array.isArray(previews)) continue;
    for (const p of previews) {
      const preview = obj(p);
      const file = preview?.['beeper:image:encryption'];
      if (isFileInfo(file) && obj(file)?.url === mxc) return withType(file, preview?.['og:image:type']);
    }
  }
  return undefined;
}

/**
 * The decrypted file for a media request (thumbnail sizes are ignored: the server cannot scale what it cannot
 * read); throws MediaFetchError with a status and the reason in words.
 */
export async function fetchDecrypted(req: MediaRequest, deps: { fetcher: MediaFetcher; cache: MediaCache; store: () => Store; crypto: AttachmentCrypto }): Promise<CachedMedia> {
  const key = decryptedCacheKey(req.server, req.mediaId);
  const cached = deps.cache.get(key);
  if (cached) return cached;
  const found = findEncryptedFile(deps.store(), `mxc://${req.server}/${req.mediaId}`, req.eventId);
  if (!found) throw new MediaFetchError(404, 'No decrypted message here carries the key of this file.');
  const encrypted = await deps.fetcher.fetchFile({ server: req.server, mediaId: req.mediaId });
  const ciphertext = deps.cache.read(encrypted);
  if (!ciphertext) throw new MediaFetchError(500, 'the cached file could not be read');
  let plaintext: Uint8Array;
  try {
    plaintext = await deps.crypto.decrypt(ciphertext, found.file);
  } catch (e) {
    throw new MediaFetchError(502, e instanceof Error ? e.message : String(e));
  }
  const stored = deps.cache.put(key, plaintext, found.mimetype ?? 'application/octet-stream');
  if (!stored) throw new MediaFetchError(500, 'the media cache folder could not be written');
  return stored;
}

function withType(file: EncryptedFileInfo, mimetype: unknown): { file: EncryptedFileInfo; mimetype?: string } {
  return typeof mimetype === 'string' ? { file, mimetype: mimetype.split(';')[0].trim().toLowerCase() } : { file };
}

function obj(v: unknown): JSONObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : undefined;
}

function isFileInfo(v: unknown): v is EncryptedFileInfo {
  const o = obj(v);
  return !!o && typeof o.v === 'string' && !!obj(o.key) && typeof o.iv === 'string' && !!obj(o.hashes);
}
