/**
 * Events fetched from the homeserver outside the sync timeline (one event, /context, manual pagination, server
 * search): stored like any other event, so they get rowids and derived fields, but placed in no timeline (their
 * timeline_rowid stays 0) because where they sit relative to the stored timeline is unknown.
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { ingestEvent } from '../sync/ingest-event.ts';
import { bundledEdit } from './bundled-edits.ts';
import type { PreparedSync } from '../sync/prepared.ts';

/**
 * Stores each well-formed event, and the latest edit the homeserver bundled with it (reading/bundled-edits.ts), and
 * returns the events as stored, in the given order (with the edit as their last_edit_rowid); malformed ones are
 * dropped. `decrypted`: the encrypted ones' decryptions (crypto/decrypt-fetched.ts), stored beside their ciphertext.
 */
export function storeServerEvents(store: Store, roomId: string, raw: readonly ClientEvent[], decrypted?: PreparedSync): Event[] {
  const rowids = store.transaction(() => {
    const ids: number[] = [];
    const added: number[] = [];
    for (const ev of raw) {
      const r = ingestEvent(store, roomId, ev, undefined, undefined, decrypted?.get(ev.event_id));
      if (!r) continue;
      ids.push(r.rowid);
      if (r.inserted) added.push(r.rowid);
      // After its message, so the message's last_edit_rowid and search text follow it as they do in sync.
      const edit = bundledEdit(ev);
      if (edit) ingestEvent(store, roomId, edit, undefined, undefined, decrypted?.get(edit.event_id));
    }
    // A new event can come after its edits and reactions (a server search hit on an edit, then its message).
    store.events.refreshRelations(added);
    return ids;
  });
  return store.events.getMany(rowids);
}

/** One event from the server, stored; undefined if the server's JSON was not an event. */
export function storeServerEvent(store: Store, roomId: string, raw: ClientEvent, decrypted?: PreparedSync): Event | undefined {
  return storeServerEvents(store, roomId, [raw], decrypted)[0];
}
