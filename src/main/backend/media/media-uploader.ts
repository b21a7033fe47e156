/**
 * Uploads for the frontends (upload_media, and the hosts' upload routes through Backend.uploadMedia): checks the
 * size against the homeserver's limit before sending anything, uploads with progress, keeps the bytes in the
 * media cache (so the sender's own copy never downloads again) and answers with the m.room.message content
 * gomuks answers with: msgtype by type, body and filename, info (mimetype, size, image dimensions; a video's or audio
 * file's length and a video's size, by ffprobe), url or file. `encode_to` re-encodes first: images with sharp
 * (reencode.ts), video and audio with ffmpeg (transcode.ts). A video also gets a poster (its first frame as a JPEG,
 * video-poster.ts), uploaded beside it (encrypted with its own key in an encrypted room) and named in
 * `info.thumbnail_url` or `info.thumbnail_file` with `thumbnail_info`, as Element sends it; without ffmpeg the video
 * goes without one. A voice message (`voiceMessage`) is m.audio with MSC3245's marker and MSC1767's audio block,
 * its length and waveform as the sender measured them.
 */
import { imageSize } from './lazy-image-size.ts';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { isImageEncoding, type MediaMessageContent, type VoiceFacts } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { MatrixError } from '../matrix/errors.ts';
import { NO_ATTACHMENT_CRYPTO, type AttachmentCrypto } from './attachment-crypto.ts';
import { decryptedCacheKey } from '../crypto/encrypted-media.ts';
import { MediaCache } from './media-cache.ts';
import { reencodeImage, type Reencode } from './reencode.ts';
import { probeMedia, type MediaFacts } from './media-probe.ts';
import { transcode, transcodedType } from './transcode.ts';
import { videoPoster, type VideoPoster } from './video-poster.ts';

export interface UploadRequest {
  filename: string;
  /** As the host or the file name says; `application/octet-stream` if unknown. */
  contentType: string;
  encrypt?: boolean;
  voiceMessage?: boolean;
  /**
   * The length (ms) and MSC3246 waveform the sender measured: the length wins over ffprobe's (which cannot read a
   * browser's WebM recording), and a voice message carries both in `org.matrix.msc1767.audio` as Element sends it.
   */
  voice?: VoiceFacts;
  /** Send as m.file whatever the type. */
  forceFile?: boolean;
  /** Re-encode (and resize) an image, video or audio file first, as gomuks' `encode_to` options ask. */
  reencode?: Reencode;
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/** How long the homeserver's upload limit is trusted before asking again. */
const CONFIG_TTL_MS = 60 * 60_000;

export class MediaUploader {
  private readonly client: MatrixClient;
  private readonly cache: MediaCache;
  private readonly crypto: () => AttachmentCrypto | undefined;
  private limit: { bytes: number | undefined; at: number } | undefined;
  /** The ffmpeg programs that re-encode video and audio and read their facts; undefined: from the PATH. */
  private readonly ffmpeg: string | undefined;
  private readonly ffprobe: string | undefined;

  constructor(client: MatrixClient, cache: MediaCache, crypto: () => AttachmentCrypto | undefined,
    opts: { ffmpeg?: string; ffprobe?: string } = {}) {
    this.client = client;
    this.cache = cache;
    this.crypto = crypto;
    this.ffmpeg = opts.ffmpeg;
    this.ffprobe = opts.ffprobe;
  }

  /** The homeserver's upload limit in bytes, or undefined when it names none (or cannot be asked). */
  async maxUploadBytes(signal?: AbortSignal): Promise<number | undefined> {
    if (this.limit && Date.now() - this.limit.at < CONFIG_TTL_MS) return this.limit.bytes;
    let bytes: number | undefined;
    try {
      const size = (await this.client.server.mediaConfig(signal))['m.upload.size'];
      bytes = typeof size === 'number' && size > 0 ? size : undefined;
    } catch {
      // Without the limit the server still refuses what is too large (413), and that is said in words too.
      bytes = undefined;
    }
    this.limit = { bytes, at: Date.now() };
    return bytes;
  }

  async upload(original: Uint8Array, asked: UploadRequest): Promise<MediaMessageContent> {
    let data = original;
    let req = asked;
    const r = asked.reencode;
    if (r) {
      const encodeTo = r.encodeTo;
      try {
        data = isImageEncoding(encodeTo)
          ? await reencodeImage(original, { ...r, encodeTo })
          : await transcode(original, { ...r, encodeTo }, { tempDir: this.cache.tempDir, ffmpeg: this.ffmpeg, signal: asked.signal });
      } catch (e) {
        throw new Error(`Could not re-encode ${asked.filename}: ${errorMessage(e)}`);
      }
      req = { ...asked, contentType: isImageEncoding(encodeTo) ? encodeTo : transcodedType(encodeTo) };
    }
    // Like gomuks: a video's or audio file's length (and a video's size) in its info, when ffprobe can tell.
    const major = req.contentType.split('/')[0];
    const media = { tempDir: this.cache.tempDir, signal: req.signal };
    const [facts, poster] = await Promise.all([
      !req.forceFile && (major === 'video' || major === 'audio') ? probeMedia(data, { ...media, ffprobe: this.ffprobe }) : {},
      !req.forceFile && !req.voiceMessage && major === 'video' ? videoPoster(data, { ...media, ffmpeg: this.ffmpeg }) : undefined,
    ]);
    const limit = await this.maxUploadBytes(req.signal);
    if (limit !== undefined && data.byteLength > limit) {
      throw new Error(`${req.filename} is ${formatBytes(data.byteLength)}; the homeserver accepts files up to ${formatBytes(limit)}.`);
    }
    let where;
    try {
      where = await this.put(data, req.filename, req.contentType, req);
    } catch (e) {
      if (e instanceof MatrixError && (e.status === 413 || e.errcode === 'M_TOO_LARGE')) {
        throw new Error(`The homeserver refused ${req.filename}: it is too large (${formatBytes(data.byteLength)}).`);
      }
      throw e instanceof UploadProblem ? e : new Error(`Could not upload ${req.filename}: ${errorMessage(e)}`);
    }
    const content = messageContent(data, req, where, facts);
    if (poster && (limit === undefined || poster.jpeg.byteLength <= limit)) Object.assign(content.info, await this.posterInfo(poster, req));
    return content;
  }

  /**
   * Uploads bytes (encrypted first when asked: then the server learns neither name nor type) and keeps them in the
   * media cache, so the sender's own copy never downloads again; answers where the message finds them.
   */
  private async put(data: Uint8Array, filename: string, contentType: string, req: UploadRequest, progress = true): Promise<{ url: string } | { file: JSONObject }> {
    let body = data;
    let file: JSONObject | undefined;
    if (req.encrypt) {
      const crypto = this.crypto();
      if (!crypto) throw new UploadProblem(NO_ATTACHMENT_CRYPTO);
      const enc = await crypto.encrypt(data);
      body = enc.ciphertext;
      file = enc.file;
    }
    const resp = await this.client.media.upload(body, req.encrypt ? undefined : filename, {
      contentType: req.encrypt ? 'application/octet-stream' : contentType,
      onProgress: progress ? req.onProgress : undefined, signal: req.signal,
    });
    const uri = resp.content_uri;
    const m = typeof uri === 'string' ? /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(uri) : null;
    if (!m) throw new UploadProblem('The homeserver accepted the upload but sent no valid mxc:// URI for it.');
    // An encrypted upload is kept as the decrypted bytes it stands for.
    this.cache.put(req.encrypt ? decryptedCacheKey(m[1], m[2]) : MediaCache.key(m[1], m[2]), data, contentType);
    return file ? { file: { ...file, url: uri! } } : { url: uri! };
  }

  /**
   * Uploads bytes encrypted as they are (no message made of them): a link preview's image re-uploaded for an
   * encrypted room. Answers the EncryptedFile, with its url.
   */
  async uploadEncrypted(data: Uint8Array, contentType: string, signal?: AbortSignal): Promise<JSONObject> {
    const where = await this.put(data, 'preview', contentType, { filename: 'preview', contentType, encrypt: true, ...(signal ? { signal } : {}) }, false);
    if (!('file' in where)) throw new Error('The encrypted upload came back without its key.');
    return where.file;
  }

  /** The poster's part of the video's info; nothing when its upload fails (the video itself is already up). */
  private async posterInfo(poster: VideoPoster, req: UploadRequest): Promise<JSONObject> {
    try {
      const where = await this.put(poster.jpeg, 'thumbnail.jpg', 'image/jpeg', req, false);
      return {
        ...('file' in where ? { thumbnail_file: where.file } : { thumbnail_url: where.url }),
        thumbnail_info: { mimetype: 'image/jpeg', size: poster.jpeg.byteLength, w: poster.w, h: poster.h },
      };
    } catch {
      return {};
    }
  }
}

/** A failure whose words are already meant for the person (not wrapped in "Could not upload"). */
class UploadProblem extends Error {}

function messageContent(data: Uint8Array, req: UploadRequest, where: { url: string } | { file: JSONObject },
  facts: MediaFacts): MediaMessageContent {
  const info: MediaMessageContent['info'] = { mimetype: req.contentType, size: data.byteLength, ...facts };
  let msgtype = 'm.file';
  const major = req.contentType.split('/')[0];
  if (!req.forceFile && major === 'image') {
    msgtype = 'm.image';
    try {
      const dim = imageSize(data);
      if (dim.width && dim.height) { info.w = dim.width; info.h = dim.height; }
    } catch {
      // Not an image it can read (or a broken one): sent without dimensions.
    }
  } else if (!req.forceFile && (major === 'video' || major === 'audio')) {
    msgtype = `m.${major}`;
  }
  if (req.voiceMessage) msgtype = 'm.audio';
  const duration = req.voice?.duration;
  if (duration !== undefined && (msgtype === 'm.audio' || msgtype === 'm.video')) info.duration = duration;
  const content: MediaMessageContent = { msgtype, body: req.filename, filename: req.filename, info, ...where };
  if (req.voiceMessage) {
    content['org.matrix.msc3245.voice'] = {};
    // MSC1767's audio block (MSC3246's waveform), which Element draws its voice message player from.
    const audio: JSONObject = {};
    if (info.duration !== undefined) audio.duration = info.duration;
    if (req.voice?.waveform) audio.waveform = req.voice.waveform;
    content['org.matrix.msc1767.audio'] = audio;
  }
  return content;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
