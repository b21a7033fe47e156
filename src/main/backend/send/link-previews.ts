/**
 * Bundled link previews (MSC4095) in a message's content: the previews the composer kept go under
 * `com.beeper.linkpreviews`, as gomuks sends them. An empty list goes out as well: it tells receivers that the
 * sender chose no previews, so they do not make their own. Previews the backend fetched itself for a message sent
 * while they were still loading (see waiting-previews.ts) are added to that list before it is sent.
 */
import { previewForSending } from '../../../shared/link-preview-sending.ts';
import { LINK_PREVIEWS_KEY, linkPreviewField } from '../../../shared/rpc/commands/link-preview.ts';
import type { JSONObject, JSONValue, LinkPreview } from '../../../shared/rpc/index.ts';

/** Adds the previews to `content` (in place) when the request carried any list at all. */
export function addLinkPreviews(content: JSONObject, previews: readonly Record<string, unknown>[] | undefined): void {
  if (previews === undefined) return;
  content[LINK_PREVIEWS_KEY] = previews.map(toJSON);
}

function toJSON(p: Record<string, unknown>): JSONObject {
  const out: JSONObject = {};
  // Checked by the contract's schema, and parsed from JSON: every value is JSON. Absent fields stay absent.
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v as JSONValue;
  return out;
}

/**
 * `content` with the previews fetched for it (null: that one failed) added to its list, in the order their links
 * appear in its body, as the composer orders them; for an edit, in its m.new_content as well. A fetched preview
 * with nothing to show adds nothing but still decides (an empty list then says "no previews", as the composer
 * does); when every fetch failed and the content claims no list, it is returned as it is.
 */
export function withFetchedPreviews(content: JSONObject, fetched: readonly (LinkPreview | null)[]): JSONObject {
  const answered = fetched.filter((p) => p !== null);
  const had = content[LINK_PREVIEWS_KEY];
  if (!answered.length && !Array.isArray(had)) return content;
  const added: JSONObject[] = [];
  for (const p of answered) {
    const sendable = previewForSending(p);
    const checked = sendable && linkPreviewField.safeParse(sendable);
    if (checked?.success) added.push(toJSON(checked.data));
  }
  const body = typeof content.body === 'string' ? content.body : '';
  const at = (p: JSONValue): number => {
    const url = typeof p === 'object' && p !== null && !Array.isArray(p) ? p.matched_url : undefined;
    const i = typeof url === 'string' ? body.indexOf(url) : -1;
    return i < 0 ? Infinity : i;
  };
  const list = [...(Array.isArray(had) ? had : []), ...added].sort((a, b) => Math.sign(at(a) - at(b)) || 0);
  const out: JSONObject = { ...content, [LINK_PREVIEWS_KEY]: list };
  const inner = content['m.new_content'];
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) out['m.new_content'] = { ...inner, [LINK_PREVIEWS_KEY]: list };
  return out;
}
