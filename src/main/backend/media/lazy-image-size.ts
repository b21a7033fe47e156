/**
 * image-size, loaded on the first upload (or video poster) that asks for an image's type or dimensions, not when the
 * backend starts: nothing a sync or a read does needs it, and its module takes about 25 ms of CPU to load. Its
 * CommonJS build loads synchronously, so the callers stay as they were (as markdown.ts does with markdown-it).
 */
import { createRequire } from 'node:module';
import type * as ImageSizeModule from 'image-size';

let loaded: typeof ImageSizeModule.imageSize | undefined;

/** image-size's `imageSize`: the type and dimensions of an image from its bytes; throws for bytes of no known image. */
export function imageSize(data: Uint8Array): ReturnType<typeof ImageSizeModule.imageSize> {
  loaded ??= (createRequire(import.meta.url)('image-size') as typeof ImageSizeModule).imageSize;
  return loaded(data);
}
