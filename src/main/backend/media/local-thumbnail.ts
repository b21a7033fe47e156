/**
 * Thumbnails made here, for media whose homeserver has none (a type it does not thumbnail, such as TIFF or AVIF,
 * thumbnails turned off, or a server that answers with something that is not an image). Made with sharp (libvips):
 * turned upright by its EXIF orientation, cropped to (or fitted inside) the size asked for, the first frame of an
 * animation, as WebP.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import { loadSharp } from './sharp-loader.ts';

/** Larger images are refused before decoding: ~32 megapixels is about 128 MB decoded (gomuks' avatar limit). */
const MAX_INPUT_PIXELS = 32_000_000;

export const LOCAL_THUMBNAIL_TYPE = 'image/webp';

/**
 * A WebP thumbnail of `image` cropped to `size`, or with `scale` fitted inside it (never enlarged); rejects with
 * words when it is not an image.
 */
export async function makeThumbnail(image: Uint8Array, size: { width: number; height: number; scale?: true }): Promise<Buffer> {
  const load = await loadSharp();
  try {
    return await load(image, { animated: false, limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(size.width, size.height, { fit: size.scale ? 'inside' : 'cover', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (e) {
    throw new Error(`it is not an image this computer can read (${errorMessage(e)})`);
  }
}
