/**
 * The latest edit a homeserver bundles with an event it serves (unsigned `m.relations` → `m.replace`: the whole edit
 * event since Matrix 1.7, MSC3925). An event fetched outside /sync (a pinned message, a server search hit, context)
 * is often older than anything synced, so its edits are not stored: storing the bundled one beside it lets it read
 * as it does now (its last_edit_rowid, the search index), and decrypting it with the event lets that work in an
 * encrypted room too. Only an edit that says it replaces this very event counts (the relation is in the clear).
 */
import type { ClientEvent } from '../matrix/types.ts';
import { isWellFormed } from '../sync/ingest-event.ts';

export function bundledEdit(ev: ClientEvent | undefined): ClientEvent | undefined {
  const relations = ev?.unsigned?.['m.relations'];
  const edit = isObject(relations) ? relations['m.replace'] : undefined;
  if (!ev || !isObject(edit)) return undefined;
  const candidate = edit as unknown as ClientEvent;
  if (!isWellFormed(candidate) || typeof candidate.origin_server_ts !== 'number') return undefined;
  const rel = candidate.content['m.relates_to'];
  if (!isObject(rel) || rel.rel_type !== 'm.replace' || rel.event_id !== ev.event_id) return undefined;
  return candidate;
}

/** The bundled latest edits of `events` (see bundledEdit). */
export function bundledEdits(events: readonly (ClientEvent | undefined)[]): ClientEvent[] {
  return events.map(bundledEdit).filter((e) => e !== undefined);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
