/**
 * The latest edit a homeserver bundles with a message: since Matrix 1.7, unsigned["m.relations"]["m.replace"] is the
 * whole replacement event (before, only its ID, sender and time, of no use here). A message whose edit we never
 * received as an event (it fell into a sync gap, or the message came by /messages, /context or /event long after it
 * was edited) would otherwise show its original text; Element shows the bundled edit's content. Lattice stores the
 * bundled edit like any fetched event (in no timeline, decrypted first, HTML sanitized at ingest), so the store makes
 * it the message's latest edit as for any other edit: only if it is newer than the one we hold (store/event-derived.ts
 * and refreshRelations pick by timestamp), and only of the original sender and type (checked there too).
 */
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { ingestEvent, isWellFormed, type IngestResult } from './ingest-event.ts';
import type { PreparedSync } from './prepared.ts';
import { serverMillis } from './server-millis.ts';

/**
 * The replacement event bundled with `ev`, if the server sent a whole one that may count. Called for every event
 * the sync stores: an event without bundled relations (nearly all) costs the one read of unsigned's m.relations.
 */
export function bundledEdit(roomId: string, ev: ClientEvent): ClientEvent | undefined {
  const relations = ev?.unsigned?.['m.relations'];
  return relations === undefined ? undefined : editIn(roomId, ev, relations);
}

function editIn(roomId: string, ev: ClientEvent, relations: unknown): ClientEvent | undefined {
  if (!isObject(relations)) return undefined;
  const edit = relations['m.replace'] as ClientEvent | undefined;
  // An older server's bundle (event_id, origin_server_ts and sender only) is no event: nothing to show from it.
  if (!isObject(edit) || !isWellFormed(edit) || edit.event_id === ev.event_id) return undefined;
  // Which edit is the latest goes by timestamp: one without cannot be placed among those we hold.
  if (serverMillis(edit.origin_server_ts) === undefined) return undefined;
  // The spec has servers bundle only the original sender's edits, but a client must check: anyone else's replaces
  // nothing. State events take no edits; a redacted message shows none.
  if (edit.sender !== ev.sender || edit.state_key !== undefined || ev.state_key !== undefined) return undefined;
  if (ev.unsigned?.redacted_because !== undefined) return undefined;
  if (edit.room_id !== undefined && edit.room_id !== roomId) return undefined;
  // The relation is in the clear, also of an encrypted edit (the server bundles by it).
  const rel = edit.content['m.relates_to'];
  if (!isObject(rel) || rel.rel_type !== 'm.replace' || rel.event_id !== ev.event_id) return undefined;
  // Of the message's type, or encrypted (its type is checked once decrypted, as for any edit).
  if (edit.type !== ev.type && edit.type !== 'm.room.encrypted') return undefined;
  return edit;
}

/**
 * Stores bundled edits (from bundledEdit) after the events they came with, so each finds its message stored and
 * becomes its latest edit if it is newer than the one held. Returns what each stored. An encrypted edit without its
 * decryption (no crypto engine, or it was not decrypted beforehand) is left out: stored without one it would never
 * be looked at again, since a known event is not stored twice and only failed decryptions are retried. An edit we
 * already hold is not written again (the insert finds it).
 */
export function storeBundledEdits(store: Store, roomId: string, edits: readonly ClientEvent[], decrypted: PreparedSync | undefined,
  ownUserId?: string): IngestResult[] {
  const out: IngestResult[] = [];
  for (const edit of edits) {
    const d = decrypted?.get(edit.event_id);
    if (edit.type === 'm.room.encrypted' && !d) continue;
    // Never unread: an edit is no new message (as unread_type's guess says of any edit).
    const r = ingestEvent(store, roomId, edit, undefined, ownUserId, d, 0);
    if (r) out.push(r);
  }
  return out;
}

/** The encrypted bundled edits of `events` that are not among `events` themselves: to decrypt with them. */
export function encryptedBundledEdits(roomId: string, events: readonly (ClientEvent | undefined)[]): ClientEvent[] {
  let ids: Set<string> | undefined;
  const out: ClientEvent[] = [];
  for (const ev of events) {
    if (!ev) continue;
    const edit = bundledEdit(roomId, ev);
    if (edit?.type !== 'm.room.encrypted') continue;
    ids ??= new Set(events.map((e) => e?.event_id).filter((id) => id !== undefined));
    if (!ids.has(edit.event_id)) out.push(edit);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
