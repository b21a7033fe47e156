/**
 * gomuks' re-encoding of uploaded images (`encode_to` with `resize_width`/`resize_height` or `resize_percent`, and
 * `quality`): turned upright by its EXIF orientation, resized (both sides given: exactly that size, as gomuks does;
 * a percentage: both sides scaled), then encoded as WebP, JPEG (quality, default 80), PNG or GIF. Only the first
 * frame of an animation is kept. Video and audio go to ffmpeg instead (transcode.ts).
 */
import type { ImageEncoding, MediaEncoding } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { loadSharp } from './sharp-loader.ts';

export interface Reencode {
  encodeTo: MediaEncoding;
  width?: number;
  height?: number;
  percent?: number;
  quality?: number;
}

/** Larger images are refused before decoding: 128 megapixels is gomuks' 512 MB decode limit at 4 bytes a pixel. */
const MAX_INPUT_PIXELS = 128_000_000;
const DEFAULT_QUALITY = 80;

export async function reencodeImage(data: Uint8Array, r: Reencode & { encodeTo: ImageEncoding }): Promise<Buffer> {
  const load = await loadSharp();
  try {
    // Upright first, so a percentage applies to the sides as the picture is seen.
    const upright = await load(data, { animated: false, limitInputPixels: MAX_INPUT_PIXELS }).rotate().raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = upright.info;
    let img = load(upright.data, { raw: { width, height, channels } });
    if (r.width && r.height) img = img.resize(r.width, r.height, { fit: 'fill' });
    else if (r.percent && r.percent !== 100) {
      img = img.resize(Math.max(1, Math.round(width * r.percent / 100)), Math.max(1, Math.round(height * r.percent / 100)), { fit: 'fill' });
    }
    const quality = r.quality || DEFAULT_QUALITY;
    switch (r.encodeTo) {
      case 'image/webp': img = img.webp({ quality: Math.min(quality, 100), lossless: quality >= 100 }); break;
      case 'image/jpeg': img = img.jpeg({ quality: Math.min(quality, 100) }); break;
      case 'image/png': img = img.png(); break;
      case 'image/gif': img = img.gif(); break;
      default: { const never: never = r.encodeTo; throw new Error(`cannot encode to ${String(never)}`); }
    }
    return await img.toBuffer();
  } catch (e) {
    throw new Error(`it is not an image this computer can read and re-encode (${errorMessage(e)})`);
  }
}
