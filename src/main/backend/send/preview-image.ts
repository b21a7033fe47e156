/**
 * A link preview for an encrypted room (get_url_preview with `encrypt`, as gomuks does it): the image the
 * homeserver made for the preview is downloaded and uploaded again encrypted with a fresh key, and the preview then
 * names it by `beeper:image:encryption` (the spec's EncryptedFile) instead of `og:image`. The key travels inside the
 * encrypted message, so only the room's members can see the picture the link came with.
 */
import type { LinkPreview } from '../../../shared/rpc/index.ts';
import type { MediaFetcher } from '../media/media-fetcher.ts';
import type { MediaUploader } from '../media/media-uploader.ts';

const MXC = /^mxc:\/\/([^/]+)\/([^/?#]+)$/;
// What a preview image may be: the types the media route serves as pictures (no SVG, which can carry script).
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

export interface PreviewImageDeps {
  media: Pick<MediaFetcher, 'fetchFile' | 'cache'>;
  uploader: Pick<MediaUploader, 'uploadEncrypted'>;
}

/**
 * The preview with its image re-uploaded encrypted. A preview without an image comes back as it is; one whose image
 * cannot be fetched or is not a picture comes back without it (its text still helps), never with the server's
 * unencrypted copy. An upload that fails is an error: the caller then has no preview rather than a wrong one.
 */
export async function encryptPreviewImage(preview: LinkPreview, deps: PreviewImageDeps, signal?: AbortSignal): Promise<LinkPreview> {
  const { 'og:image': image, ...rest } = preview;
  const m = typeof image === 'string' ? MXC.exec(image) : null;
  if (!m) return image === undefined ? preview : withoutImage(rest);
  let bytes: Uint8Array | undefined;
  let type: string;
  try {
    const got = await deps.media.fetchFile({ server: m[1], mediaId: m[2] });
    bytes = deps.media.cache.read(got);
    type = got.contentType.split(';')[0].trim().toLowerCase();
  } catch {
    return withoutImage(rest);
  }
  if (!bytes || !IMAGE_TYPES.has(type)) return withoutImage(rest);
  const file = await deps.uploader.uploadEncrypted(bytes, type, signal);
  return { ...rest, 'beeper:image:encryption': file, 'og:image:type': type, 'matrix:image:size': bytes.byteLength };
}

function withoutImage(preview: LinkPreview): LinkPreview {
  const out: LinkPreview = { ...preview };
  for (const k of ['og:image:width', 'og:image:height', 'og:image:type', 'matrix:image:size']) delete out[k];
  return out;
}
