/**
 * Handlers of the media area. upload_media reads a file on the backend's computer, so only inside the folders the
 * host allows (`uploadRoots`; none by default): a frontend must not be able to send, say, ~/.ssh to a homeserver.
 * download_media fills the media cache and answers with the cached file's path; get_picture answers with a
 * picture's bytes, only a raster type the media routes would serve as an image (never SVG or HTML).
 */
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PICTURE_MAX_BYTES, type mediaCommands } from '../../../shared/rpc/commands.ts';
import { parseMxc } from '../../../shared/rpc/media.ts';
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
      // The schema has checked it (parseMxc).
      const req = parseMxc(p.mxc)!;
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
    get_picture: async (p) => {
      const session = ctx.requireSession();
      const { server, mediaId } = parseMxc(p.mxc)!;
      const limit = p.max_bytes ?? PICTURE_MAX_BYTES;
      // The same answer the hosts' media routes give the renderer: anything not a safe raster type comes back as
      // application/octet-stream, and the route's reasons come with its errors.
      const res = await session.media.fetch({
        server, mediaId,
        ...(p.encrypted ? { encrypted: true, ...(p.event_id ? { eventId: p.event_id } : {}) } : {}),
        ...(p.fit && !p.encrypted ? { thumbnail: { width: p.fit, height: p.fit, scale: true as const } } : {}),
      });
      if (res.status !== 200) throw new Error(`Could not get the picture ${p.mxc}: ${res.error ?? `status ${res.status}`}`);
      if (!res.contentType.startsWith('image/')) throw new Error(`${p.mxc} is not a picture a page can show (PNG, JPEG, GIF, WebP or AVIF).`);
      if (res.body.length > limit) throw new Error(`The picture ${p.mxc} is ${res.body.length} bytes, more than the ${limit} asked for.`);
      return { mimetype: res.contentType, data: Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString('base64') };
    },
  };
}
