/**
 * What of a homeserver's link preview goes into a message (MSC4095's `com.beeper.linkpreviews`): the composer uses it
 * for the previews it shows before sending, and the backend for the ones it fetched itself for a message sent while
 * they were still loading, so both put the same fields in. Pure and shared: neither DOM nor Node.
 */
import type { LinkPreview } from './rpc/responses.ts';
import type { JSONObject, JSONValue } from './rpc/types.ts';

const TEXT_FIELDS: Readonly<Record<string, number>> = {
  'og:url': 4096, 'og:title': 1000, 'og:type': 200, 'og:description': 5000, 'og:site_name': 500, 'og:image:type': 200,
};
const NUMBER_FIELDS = ['og:image:width', 'og:image:height', 'matrix:image:size'];
const MXC = /^mxc:\/\/[^/]+\/[^/?#]+$/;

function obj(v: JSONValue | undefined): JSONObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** Whether a preview has anything a card would show: a title or a picture (as gomuks skips the others). */
export function previewHasContent(p: Readonly<Record<string, JSONValue | undefined>>): boolean {
  const title = p['og:title'];
  if (typeof title === 'string' && title.trim() !== '') return true;
  const enc = obj(p['beeper:image:encryption']);
  const mxc = enc ? enc.url : p['og:image'];
  return typeof mxc === 'string' && MXC.test(mxc.trim());
}

/**
 * The preview as send_message's `url_previews` takes it: MSC4095's fields only, texts clipped to the contract's
 * lengths, so an unusual page can never make the message itself fail to send. Undefined for a preview with nothing
 * to show.
 */
export function previewForSending(p: LinkPreview): LinkPreview | undefined {
  if (!previewHasContent(p)) return undefined;
  const out: LinkPreview = { matched_url: p.matched_url.slice(0, 4096) };
  for (const [k, max] of Object.entries(TEXT_FIELDS)) {
    const v = p[k];
    if (typeof v === 'string' && v !== '') out[k] = v.slice(0, max);
  }
  for (const k of NUMBER_FIELDS) {
    const v = p[k];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0 && (k === 'matrix:image:size' || v <= 100_000)) out[k] = v;
  }
  const enc = obj(p['beeper:image:encryption']);
  if (enc) out['beeper:image:encryption'] = enc;
  else if (typeof p['og:image'] === 'string' && /^mxc:\/\/[^/]+\/[^/]+$/.test(p['og:image'])) out['og:image'] = p['og:image'];
  return out;
}
