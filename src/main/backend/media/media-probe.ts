/**
 * What gomuks puts in the `info` of an uploaded video or audio file besides its type and size: its length in
 * milliseconds (`duration`) and a video's size in pixels (`w`, `h`), read by ffprobe (ffmpeg's companion) from a
 * private temporary copy. The facts are a courtesy: without ffprobe, or for a file it cannot read, the file is sent
 * without them (as gomuks does).
 */
import { execFile } from 'node:child_process';
import { withPrivateTemp } from './private-temp.ts';

export interface MediaFacts {
  duration?: number;
  w?: number;
  h?: number;
}

export interface ProbeOptions {
  tempDir: string;
  /** The ffprobe program; `ffprobe` from the PATH by default. */
  ffprobe?: string;
  signal?: AbortSignal;
}

interface ProbeOutput {
  format?: { duration?: string };
  streams?: { width?: number; height?: number }[];
}

export async function probeMedia(data: Uint8Array, opts: ProbeOptions): Promise<MediaFacts> {
  try {
    return await withPrivateTemp(opts.tempDir, data, ['.probe'], async ([file]) => {
      const out = await new Promise<string>((resolve, reject) => {
        execFile(opts.ffprobe ?? 'ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
          { signal: opts.signal, maxBuffer: 4 * 1024 * 1024, windowsHide: true },
          (err, stdout) => { if (err) reject(new Error(err.message)); else resolve(stdout); });
      });
      return facts(JSON.parse(out) as ProbeOutput);
    });
  } catch {
    return {};
  }
}

function facts(p: ProbeOutput): MediaFacts {
  const f: MediaFacts = {};
  const seconds = Number(p.format?.duration);
  if (Number.isFinite(seconds) && seconds > 0) f.duration = Math.round(seconds * 1000);
  const picture = p.streams?.find((s) => typeof s.width === 'number' && s.width > 0 && typeof s.height === 'number' && s.height > 0);
  if (picture) { f.w = picture.width; f.h = picture.height; }
  return f;
}
