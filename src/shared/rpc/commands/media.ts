/**
 * Media commands: upload_media (a file on the backend's computer, inside the folders its host allows) and
 * download_media (into the backend's media cache). gomuks keeps these to its C FFI; over HTTP its frontends use the
 * /_gomuks/upload and /_gomuks/media routes, which Lattice's hosts serve through the same backend code. Lattice's
 * get_picture gives a picture's bytes to the renderer itself.
 */
import { z } from 'zod';
import { parseMxc } from '../media.ts';
import type { JSONObject, JSONValue } from '../types.ts';
import { command, type CommandArea } from './define.ts';
import { eventIdField } from './fields.ts';

/** The m.room.message content of an uploaded file, ready for send_message's base_content. */
export interface MediaMessageContent {
  msgtype: string;
  body: string;
  filename: string;
  /**
   * `duration` in milliseconds, for video and audio; a video's poster (a JPEG of its first frame) in `thumbnail_url`,
   * or `thumbnail_file` when encrypted, with `thumbnail_info`.
   */
  info: {
    mimetype: string; size: number; w?: number; h?: number; duration?: number;
    thumbnail_url?: string; thumbnail_file?: JSONObject; thumbnail_info?: JSONObject;
  };
  /** Unencrypted: the mxc:// URI. */
  url?: string;
  /** Encrypted: the spec's EncryptedFile, with its url. */
  file?: JSONObject;
  [key: string]: JSONValue | undefined;
}

/** jsoncmd.DownloadMediaResponse */
export interface DownloadMediaResponse {
  path: string;
  thumbnail_path?: string;
}

/**
 * get_picture (a Lattice extension): a picture's bytes for the renderer to keep, as base64. The renderer shows media
 * from its host's media route, but the desktop app's page may not read those bytes (its media host is isolated on
 * purpose: connect-src 'self', no CORS); a chat export's web page needs them to carry its pictures.
 */
export interface PictureData {
  /** A raster type a browser shows without running anything: PNG, JPEG, GIF, WebP or AVIF. */
  mimetype: string;
  /** The bytes, base64. */
  data: string;
}

/** The largest picture get_picture gives (and its default): 10 MiB, base64 a third more on the wire. */
export const PICTURE_MAX_BYTES = 10 * 1024 * 1024;

/** What an uploaded image can be re-encoded to (gomuks' image targets). */
export const IMAGE_ENCODINGS = ['image/webp', 'image/jpeg', 'image/png', 'image/gif'] as const;
export type ImageEncoding = (typeof IMAGE_ENCODINGS)[number];
/** What an uploaded video (or animation) can be re-encoded to, with ffmpeg (gomuks' names). */
export const VIDEO_ENCODINGS = ['video/mp4', 'video/webm', 'image/webp+anim'] as const;
export type VideoEncoding = (typeof VIDEO_ENCODINGS)[number];
/** What an uploaded audio file can be re-encoded to, with ffmpeg (gomuks' names). */
export const AUDIO_ENCODINGS = ['audio/ogg; codecs=opus', 'audio/mp4', 'audio/mpeg'] as const;
export type AudioEncoding = (typeof AUDIO_ENCODINGS)[number];
/** Every `encode_to` target. */
export const MEDIA_ENCODINGS = [...IMAGE_ENCODINGS, ...VIDEO_ENCODINGS, ...AUDIO_ENCODINGS] as const;
export type MediaEncoding = (typeof MEDIA_ENCODINGS)[number];

export function isImageEncoding(t: MediaEncoding): t is ImageEncoding {
  return (IMAGE_ENCODINGS as readonly string[]).includes(t);
}

/** MSC3246: a voice message's waveform is a list of whole numbers from 0 to this (Element sends about 100 of them). */
export const WAVEFORM_MAX_VALUE = 1024;
/** At most this many samples are taken (MSC3246 suggests 30 to 120; more only makes the event larger). */
export const WAVEFORM_MAX_SAMPLES = 1000;
/** The longest length an upload may declare, in milliseconds (a day; a voice message stops at 15 minutes). */
export const MAX_DECLARED_DURATION_MS = 24 * 60 * 60_000;

/** A voice message's length and waveform as the sender measured them, for its `info` and MSC1767 audio block. */
export interface VoiceFacts {
  /** Milliseconds. */
  duration?: number;
  /** MSC3246 samples, each from 0 to WAVEFORM_MAX_VALUE. */
  waveform?: number[];
}

const duration = z.number().int('duration must be a whole number of milliseconds')
  .min(0, 'duration cannot be negative').max(MAX_DECLARED_DURATION_MS, 'duration must be at most a day (in milliseconds)').optional();
const waveform = z.array(z.number().int().min(0).max(WAVEFORM_MAX_VALUE), {
  error: `waveform must be a list of whole numbers from 0 to ${WAVEFORM_MAX_VALUE}`,
}).max(WAVEFORM_MAX_SAMPLES, `waveform may have at most ${WAVEFORM_MAX_SAMPLES} samples`).optional();

/** Checked by the spec's grammar, as the hosts' media routes check theirs (media.ts). */
const mxcField = z.string().refine((s) => parseMxc(s) !== undefined, 'must be an mxc:// URI like mxc://example.org/abc');

const encodeTo = z.union([z.enum(MEDIA_ENCODINGS), z.literal('')], {
  error: `encode_to must be one of ${MEDIA_ENCODINGS.join(', ')}`,
}).optional();
/** gomuks sends 0 for "not set". */
const pixels = z.number().int().min(0).max(16384).optional();
const percent = (what: string) => z.number().int().min(0, `${what} must be from 1 to 100`).max(100, `${what} must be from 1 to 100`).optional();

export const mediaCommands = {
  upload_media: command(z.object({
    path: z.string().min(1, 'path must name a file'),
    filename: z.string().min(1).max(255).optional(),
    encrypt: z.boolean().optional(),
    voice_message: z.boolean().optional(),
    /**
     * A voice message's length in milliseconds and its MSC3246 waveform, as the sender measured them (a recording
     * straight from a browser's MediaRecorder often declares no length ffprobe could read). `duration` goes into
     * `info.duration` of any audio or video; with `voice_message` both go into `org.matrix.msc1767.audio` too.
     */
    duration,
    waveform,
    force_file: z.boolean().optional(),
    /**
     * Re-encodes the file first (the options below apply only with it): an image here, a video or audio file with
     * ffmpeg. Video is resized by both sides or by the percentage; `quality` is for images.
     */
    encode_to: encodeTo,
    resize_width: pixels,
    resize_height: pixels,
    resize_percent: percent('resize_percent'),
    quality: percent('quality'),
  })).returns<MediaMessageContent>(),
  download_media: command(z.object({
    mxc: mxcField,
    encrypted: z.boolean().optional(),
    is_avatar: z.boolean().optional(),
    /** Also a small thumbnail (avatars). */
    thumbnail_avatar: z.boolean().optional(),
  })).returns<DownloadMediaResponse>(),
  get_picture: command(z.object({
    mxc: mxcField,
    /** An encrypted attachment: decrypted with the key from its stored event (`event_id` says which, if known). */
    encrypted: z.boolean().optional(),
    event_id: eventIdField.optional(),
    /**
     * Fitted inside a square of this many pixels, its aspect kept (the homeserver's thumbnail, or one made here):
     * unencrypted only, as ciphertext has no thumbnail. Without it, the picture itself.
     */
    fit: z.number().int().min(16, 'fit must be from 16 to 1600 pixels').max(1600, 'fit must be from 16 to 1600 pixels').optional(),
    /** Refused when larger (at most, and by default, PICTURE_MAX_BYTES). */
    max_bytes: z.number().int().min(1, 'max_bytes must be at least 1').max(PICTURE_MAX_BYTES, `max_bytes must be at most ${PICTURE_MAX_BYTES}`).optional(),
  })).returns<PictureData>(),
} satisfies CommandArea;
