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

/** gomuks' re-encoding options: accepted only as "none" (0 or ''), since Lattice sends files as they are. */
const unsupported = (what: string) => z.union([z.string(), z.number()]).refine((v) => v === 0 || v === '',
  `${what}: Lattice uploads files as they are and does not re-encode or resize them`).optional();

export const mediaCommands = {
  upload_media: command(z.object({
    path: z.string().min(1, 'path must name a file'),
    filename: z.string().min(1).max(255).optional(),
    encrypt: z.boolean().optional(),
    voice_message: z.boolean().optional(),
    force_file: z.boolean().optional(),
    encode_to: unsupported('encode_to'),
    resize_width: unsupported('resize_width'),
    resize_height: unsupported('resize_height'),
    resize_percent: unsupported('resize_percent'),
    quality: unsupported('quality'),
  })).returns<MediaMessageContent>(),
  download_media: command(z.object({
    mxc: z.string().regex(/^mxc:\/\/[^/]+\/[^/?#]+$/, 'must be an mxc:// URI like mxc://example.org/abc'),
    encrypted: z.boolean().optional(),
    is_avatar: z.boolean().optional(),
    /** Also a small thumbnail (avatars). */
    thumbnail_avatar: z.boolean().optional(),
  })).returns<DownloadMediaResponse>(),
} satisfies CommandArea;
