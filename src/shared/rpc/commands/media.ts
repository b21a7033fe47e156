/**
 * Media commands: upload_media (a file on the backend's computer, inside the folders its host allows) and
 * download_media (into the backend's media cache). gomuks keeps these to its C FFI; over HTTP its frontends use the
 * /_gomuks/upload and /_gomuks/media routes, which Lattice's hosts serve through the same backend code.
 */
import { z } from 'zod';
import type { JSONObject, JSONValue } from '../types.ts';
import { command, type CommandArea } from './define.ts';

/** The m.room.message content of an uploaded file, ready for send_message's base_content. */
export interface MediaMessageContent {
  msgtype: string;
  body: string;
  filename: string;
  info: { mimetype: string; size: number; w?: number; h?: number };
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

/** What an uploaded image can be re-encoded to (gomuks' image targets; its video and audio ones need ffmpeg). */
export const IMAGE_ENCODINGS = ['image/webp', 'image/jpeg', 'image/png', 'image/gif'] as const;
export type ImageEncoding = (typeof IMAGE_ENCODINGS)[number];

const encodeTo = z.union([z.enum(IMAGE_ENCODINGS), z.literal('')], {
  error: `encode_to: Lattice re-encodes images only, to ${IMAGE_ENCODINGS.join(', ')}`,
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
    force_file: z.boolean().optional(),
    /** Re-encodes an image (the options below apply only with it). */
    encode_to: encodeTo,
    resize_width: pixels,
    resize_height: pixels,
    resize_percent: percent('resize_percent'),
    quality: percent('quality'),
  })).returns<MediaMessageContent>(),
  download_media: command(z.object({
    mxc: z.string().regex(/^mxc:\/\/[^/]+\/[^/?#]+$/, 'must be an mxc:// URI like mxc://example.org/abc'),
    encrypted: z.boolean().optional(),
    is_avatar: z.boolean().optional(),
    /** Also a small thumbnail (avatars). */
    thumbnail_avatar: z.boolean().optional(),
  })).returns<DownloadMediaResponse>(),
} satisfies CommandArea;
