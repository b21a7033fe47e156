/**
 * A poster for an uploaded video: its first frame as a JPEG of at most 800x600 (the size Element's video
 * thumbnails have), made by ffmpeg as a child process (an argument list, never a shell) on private temporary
 * files that are removed afterwards. Sent as the message's `info.thumbnail_url` (or `thumbnail_file`) so other
 * clients show a picture before the video plays. A courtesy: without ffmpeg, or for a file it cannot read, the
 * answer is undefined and the video goes without a poster.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { imageSize } from './lazy-image-size.ts';
import { withPrivateTemp } from './private-temp.ts';

export interface VideoPoster {
  jpeg: Buffer;
  w: number;
  h: number;
}

export interface PosterOptions {
  tempDir: string;
  /** The ffmpeg program; `ffmpeg` from the PATH by default. */
  ffmpeg?: string;
  signal?: AbortSignal;
}

const MAX_W = 800;
const MAX_H = 600;

export async function videoPoster(video: Uint8Array, opts: PosterOptions): Promise<VideoPoster | undefined> {
  try {
    return await withPrivateTemp(opts.tempDir, video, ['.in', '.jpg'], async ([input, output]) => {
      const args = [
        '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, '-map', '0:v:0', '-frames:v', '1',
        // Never enlarged; square pixels, so the poster has the size the video is shown at.
        '-vf', `scale='min(${MAX_W},iw*sar)':'min(${MAX_H},ih)':force_original_aspect_ratio=decrease,setsar=1`,
        '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', output,
      ];
      await new Promise<void>((resolve, reject) => {
        execFile(opts.ffmpeg ?? 'ffmpeg', args, { signal: opts.signal, maxBuffer: 1024 * 1024, windowsHide: true },
          (err) => { if (err) reject(new Error(err.message)); else resolve(); });
      });
      const jpeg = await readFile(output);
      if (jpeg.byteLength === 0) return undefined;
      const size = imageSize(jpeg);
      return size.width && size.height ? { jpeg, w: size.width, h: size.height } : undefined;
    });
  } catch {
    return undefined;
  }
}
