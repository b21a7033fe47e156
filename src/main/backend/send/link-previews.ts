/**
 * Bundled link previews (MSC4095) in a message's content: the previews the composer kept go under
 * `com.beeper.linkpreviews`, as gomuks sends them. An empty list goes out as well: it tells receivers that the
 * sender chose no previews, so they do not make their own.
 */
import { LINK_PREVIEWS_KEY } from '../../../shared/rpc/commands/link-preview.ts';
import type { JSONObject, JSONValue } from '../../../shared/rpc/index.ts';

/** Adds the previews to `content` (in place) when the request carried any list at all. */
export function addLinkPreviews(content: JSONObject, previews: readonly Record<string, unknown>[] | undefined): void {
  if (previews === undefined) return;
  content[LINK_PREVIEWS_KEY] = previews.map((p) => {
    const out: JSONObject = {};
    // Checked by the contract's schema, and parsed from JSON: every value is JSON. Absent fields stay absent.
    for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v as JSONValue;
    return out;
  });
}
