/**
 * Handlers of the media area. upload_media reads a file on the backend's computer, so only inside the folders the
 * host allows (`uploadRoots`; none by default): a frontend must not be able to send, say, ~/.ssh to a homeserver.
 * download_media fills the media cache and answers with the cached file's path.
 */
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { mediaCommands } from '../../../shared/rpc/commands.ts';
import { guessContentType } from '../media/content-type.ts';
import { MediaFetchError } from '../media/media-fetcher.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

/** Avatars' thumbnail size, as gomuks' thumbnail_avatar asks. */
const AVATAR_THUMB = { width: 96, height: 96 };

export function mediaHandlers(ctx: CommandContext): AreaHandlers<typeof mediaCommands> {
  /** The real path of an allowed file, or an error saying why not. */
  function allowedFile(given: string): string {
    if (!path.isAbsolute(given)) throw new Error('path must be absolute.');
    let real: string;
    try {
      real = realpathSync(given);
    } catch {
      throw new Error(`There is no file at ${given}.`);
    }
    // Symbolic links are followed first, so a link inside an allowed folder cannot reach outside it.
    const inside = ctx.uploadRoots.some((root) => {
      let r: string;
      try { r = realpathSync(root); } catch { return false; }
      return real.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
    });
    if (!inside) {
      throw new Error(ctx.uploadRoots.length === 0
        ? 'upload_media (a file on the backend\'s computer) is not enabled here; upload through the host\'s upload route.'
        : 'That file is outside the folders the backend may upload from.');
    }
    if (!statSync(real).isFile()) throw new Error(`${given} is not a file.`);
    return real;
  }

  return {
    upload_media: async (p, signal) => {
      const session = ctx.requireSession();
      const file = allowedFile(p.path);
      const filename = p.filename ?? path.basename(file);
      const limit = await session.uploader.maxUploadBytes(signal);
      const size = statSync(file).size;
      // Checked before reading, so a huge file is refused without loading it.
      if (limit !== undefined && size > limit) {
        throw new Error(`${filename} is ${size} bytes; the homeserver accepts files up to ${limit} bytes.`);
      }
      const data = await readFile(file, { signal });
      return session.uploader.upload(data, {
        filename, contentType: guessContentType(filename, data), encrypt: p.encrypt,
        voiceMessage: p.voice_message, forceFile: p.force_file, signal,
        voice: { duration: p.duration, waveform: p.waveform },
        ...(p.encode_to ? { reencode: {
          encodeTo: p.encode_to, width: p.resize_width, height: p.resize_height, percent: p.resize_percent, quality: p.quality,
        } } : {}),
      });
    },
    download_media: async (p) => {
      const session = ctx.requireSession();
      const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(p.mxc)!;
      const req = { server: m[1], mediaId: m[2] };
      try {
        // Encrypted: the decrypted file (its key comes from the stored event); no server thumbnail exists for it.
        if (p.encrypted) return { path: (await session.media.fetchDecrypted(req)).path };
        const original = await session.media.fetchFile(req);
        if (!p.thumbnail_avatar) return { path: original.path };
        const thumb = await session.media.fetchFile({ ...req, thumbnail: AVATAR_THUMB });
        return { path: original.path, thumbnail_path: thumb.path };
      } catch (e) {
        if (e instanceof MediaFetchError) throw new Error(`Could not download ${p.mxc}: ${e.message}`);
        throw e;
      }
    },
  };
}
