/** A file's media type for an upload: image types from the bytes themselves, others from the file name. */
import { imageSize } from './lazy-image-size.ts';

const BY_IMAGE_TYPE: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', bmp: 'image/bmp',
  svg: 'image/svg+xml', tiff: 'image/tiff', heif: 'image/heif', ico: 'image/x-icon',
};

const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', pdf: 'application/pdf', zip: 'application/zip', json: 'application/json',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', mkv: 'video/x-matroska',
  mp3: 'audio/mpeg', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', m4a: 'audio/mp4', wav: 'audio/wav', flac: 'audio/flac',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
};

export function guessContentType(filename: string, data: Uint8Array): string {
  try {
    const t = imageSize(data).type;
    if (t && BY_IMAGE_TYPE[t]) return BY_IMAGE_TYPE[t];
  } catch {
    // Not an image.
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || 'application/octet-stream';
}
