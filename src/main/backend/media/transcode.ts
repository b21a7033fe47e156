/**
 * gomuks' re-encoding of uploaded video and audio (`encode_to`), done as gomuks does it: by ffmpeg, run as a child
 * process (an argument list, never a shell) on private temporary files under the cache folder, which are removed
 * afterwards whatever happens. The targets and codecs are gomuks': MP4 (H.264 + AAC), WebM (VP9 + Opus), animated
 * WebP, Ogg Opus, M4A (AAC) and MP3; a video is scaled to `resize_width`x`resize_height` when both are given (as
 * gomuks does), or by `resize_percent`. ffmpeg is a system package: without it, or when it fails, the upload is
 * refused in words (with ffmpeg's own last line).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { AudioEncoding, VideoEncoding } from '../../../shared/rpc/commands.ts';
import { withPrivateTemp } from './private-temp.ts';

export type TranscodeTarget = VideoEncoding | AudioEncoding;

export interface Transcode {
  encodeTo: TranscodeTarget;
  width?: number;
  height?: number;
  percent?: number;
}

interface Target {
  /** The output file's extension: ffmpeg picks the container by it. */
  ext: string;
  /** The type the uploaded file is sent with. */
  contentType: string;
  args: string[];
  video: boolean;
}

const TARGETS: Record<TranscodeTarget, Target> = {
  'video/mp4': { ext: '.mp4', contentType: 'video/mp4', video: true, args: ['-c:v', 'libx264', '-c:a', 'aac', '-pix_fmt', 'yuv420p'] },
  'video/webm': { ext: '.webm', contentType: 'video/webm', video: true, args: ['-c:v', 'libvpx-vp9', '-c:a', 'libopus', '-pix_fmt', 'yuva420p'] },
  'image/webp+anim': { ext: '.webp', contentType: 'image/webp', video: true, args: ['-c:v', 'libwebp_anim', '-pix_fmt', 'yuva420p', '-loop', '0'] },
  // Audio targets drop any picture (a video's, or an MP3's cover art) rather than guess a codec for it.
  'audio/ogg; codecs=opus': { ext: '.ogg', contentType: 'audio/ogg', video: false, args: ['-vn', '-c:a', 'libopus'] },
  'audio/mp4': { ext: '.m4a', contentType: 'audio/mp4', video: false, args: ['-vn', '-c:a', 'aac'] },
  'audio/mpeg': { ext: '.mp3', contentType: 'audio/mpeg', video: false, args: ['-vn', '-c:a', 'libmp3lame'] },
};

/** The type a file re-encoded to `target` is uploaded with. */
export function transcodedType(target: TranscodeTarget): string {
  return TARGETS[target].contentType;
}

export interface TranscodeOptions {
  /** A private folder for the temporary files (created 0700 if missing). */
  tempDir: string;
  /** The ffmpeg program; `ffmpeg` from the PATH by default. */
  ffmpeg?: string;
  signal?: AbortSignal;
}

/** ffmpeg's own words are kept to their end: the last line says what went wrong. */
const MAX_STDERR = 1024 * 1024;

export async function transcode(data: Uint8Array, t: Transcode, opts: TranscodeOptions): Promise<Buffer> {
  const target = TARGETS[t.encodeTo];
  // The output is made private before ffmpeg writes it: ffmpeg truncates an existing file and keeps its mode.
  return withPrivateTemp(opts.tempDir, data, ['.in', target.ext], async ([input, output]) => {
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, ...target.args, ...scale(t, target), output];
    await run(opts.ffmpeg ?? 'ffmpeg', args, t.encodeTo, opts.signal);
    const out = await readFile(output);
    if (out.byteLength === 0) throw new Error(`ffmpeg made an empty file when converting to ${t.encodeTo}`);
    return out;
  });
}

/** gomuks' scaling: both sides given, exactly that size with square pixels; Lattice adds a percentage (even sides). */
function scale(t: Transcode, target: Target): string[] {
  if (!target.video) return [];
  if (t.width && t.height) return ['-vf', `scale=${t.width}:${t.height},setsar=1:1`];
  if (t.percent && t.percent !== 100) {
    const side = (s: string) => `max(2\\,trunc(${s}*${t.percent}/200)*2)`;
    return ['-vf', `scale=${side('iw')}:${side('ih')},setsar=1:1`];
  }
  return [];
}

function run(program: string, args: string[], target: string, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { signal, maxBuffer: MAX_STDERR, windowsHide: true }, (err, _stdout, stderr) => {
      if (!err) { resolve(); return; }
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new Error(`re-encoding to ${target} needs ffmpeg, which is not installed on this computer `
          + '(install it, e.g. apt-get install ffmpeg, or upload without encode_to)'));
      } else if (err.name === 'AbortError') {
        reject(new Error('the upload was cancelled while ffmpeg was converting it'));
      } else {
        const last = String(stderr).trim().split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
        reject(new Error(`ffmpeg could not convert it to ${target}${last ? `: ${last}` : ` (${err.message})`}`));
      }
    });
  });
}
