/**
 * Events fetched from the homeserver outside the sync timeline (one event, /context, manual pagination, server
 * search): stored like any other event, so they get rowids and derived fields, but placed in no timeline (their
 * timeline_rowid stays 0) because where they sit relative to the stored timeline is unknown. The edits the server
 * bundled with them (sync/bundled-edit.ts) are stored after them the same way.
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { bundledEdit, storeBundledEdits } from '../sync/bundled-edit.ts';
import { ingestEvent } from '../sync/ingest-event.ts';
import type { PreparedSync } from '../sync/prepared.ts';

export interface StoredServerEvents {
  /** The well-formed events as stored, in the given order. */
  events: Event[];
  /**
   * The messages stored just now that have a latest edit, and those whose latest edit is now one the server bundled,
   * each followed by that edit: what a frontend needs to show the edited text, as a sync diff would have brought it.
   */
  edited: Event[];
}

/**
 * Stores each well-formed event and its bundled edit; malformed ones are dropped.
 * `decrypted`: the encrypted ones' decryptions, their bundled edits' too (crypto/decrypt-fetched.ts), stored beside
 * their ciphertext.
 */
export function storeServerEventsWithEdits(store: Store, roomId: string, raw: readonly ClientEvent[],
  decrypted?: PreparedSync): StoredServerEvents {
  const { rowids, inserted, bundledFor } = store.transaction(() => {
    const ids: number[] = [];
    /** Events new to the store: a latest edit they have now is news to a frontend. */
    const fresh = new Set<number>();
    let bundled: ClientEvent[] | undefined;
    for (const ev of raw) {
      // The server's JSON: an entry may be anything (ingestEvent passes over what is no event).
      const r = ingestEvent(store, roomId, ev, undefined, undefined, decrypted?.get(ev?.event_id));
      if (!r) continue;
      ids.push(r.rowid);
      if (r.inserted) fresh.add(r.rowid);
      const edit = bundledEdit(roomId, ev);
      if (edit) (bundled ??= []).push(edit);
    }
    // A message fetched after its edit (an edit among a context's later events, stored first) finds it now.
    if (fresh.size > 0) store.events.refreshRelations([...fresh]);
    /** The bundled edits stored just now, by the rowid of the message they name. */
    const edits = new Map<number, number>();
    for (const r of bundled ? storeBundledEdits(store, roomId, bundled, decrypted) : []) {
      if (r.inserted) for (const t of r.touched) edits.set(t, r.rowid);
    }
    return { rowids: ids, inserted: fresh, bundledFor: edits };
  });
  const events = store.events.getMany(rowids);
  // Those whose latest edit is news: stored just now with one, or now the bundled edit stored just now (not an
  // older one bundled by a server behind on the newer edit we hold).
  const withEdit = events.filter((e) => e.last_edit_rowid !== undefined
    && (inserted.has(e.rowid) || bundledFor.get(e.rowid) === e.last_edit_rowid));
  const edits = new Map(store.events.getMany(withEdit.map((e) => e.last_edit_rowid!)).map((e) => [e.rowid, e]));
  const edited: Event[] = [];
  for (const e of withEdit) {
    const edit = edits.get(e.last_edit_rowid!);
    if (edit) edited.push(e, edit);
  }
  return { events, edited };
}

/** Stores each well-formed event (and its bundled edit) and returns them as stored, in the given order. */
export function storeServerEvents(store: Store, roomId: string, raw: readonly ClientEvent[], decrypted?: PreparedSync): Event[] {
  return storeServerEventsWithEdits(store, roomId, raw, decrypted).events;
}

/** One event from the server, stored; undefined if the server's JSON was not an event. */
export function storeServerEvent(store: Store, roomId: string, raw: ClientEvent, decrypted?: PreparedSync): Event | undefined {
  return storeServerEvents(store, roomId, [raw], decrypted)[0];
}
