/**
 * A bundled link preview (MSC4095, `com.beeper.linkpreviews` in a message's content), as send_message's
 * `url_previews` takes it: mautrix' BeeperLinkPreview fields (the OpenGraph ones the homeserver's preview_url
 * answers, the URL they were asked for, and an encrypted image's EncryptedFile). Unknown fields are dropped, so
 * only these reach the event.
 */
import { z } from 'zod';
import { jsonObject } from './fields.ts';

const dimension = z.number().int().positive().max(100_000);

export const linkPreviewField = z.object({
  matched_url: z.string().min(1, 'matched_url is required').max(4096),
  'og:url': z.string().max(4096).optional(),
  'og:title': z.string().max(1000).optional(),
  'og:type': z.string().max(200).optional(),
  'og:description': z.string().max(5000).optional(),
  'og:site_name': z.string().max(500).optional(),
  'og:image': z.string().regex(/^mxc:\/\/[^/]+\/[^/]+$/, 'og:image must be an mxc:// URI').optional(),
  'beeper:image:encryption': jsonObject.optional(),
  'matrix:image:size': z.number().int().min(0).optional(),
  'og:image:width': dimension.optional(),
  'og:image:height': dimension.optional(),
  'og:image:type': z.string().max(200).optional(),
});

/** The content key previews travel under (MSC4095's unstable prefix, as Beeper, gomuks and Element send it). */
export const LINK_PREVIEWS_KEY = 'com.beeper.linkpreviews';
