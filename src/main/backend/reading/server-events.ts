/**
 * Events fetched from the homeserver outside the sync timeline (one event, /context, manual pagination, server
 * search): stored like any other event, so they get rowids and derived fields, but placed in no timeline (their
 * timeline_rowid stays 0) because where they sit relative to the stored timeline is unknown.
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { ingestEvent } from '../sync/ingest-event.ts';
import type { PreparedSync } from '../sync/prepared.ts';

/**
 * Stores each well-formed event and returns them as stored, in the given order; malformed ones are dropped.
 * `decrypted`: the encrypted ones' decryptions (crypto/decrypt-fetched.ts), stored beside their ciphertext.
 */
export function storeServerEvents(store: Store, roomId: string, raw: readonly ClientEvent[], decrypted?: PreparedSync): Event[] {
  const rowids = store.transaction(() => {
    const ids: number[] = [];
    for (const ev of raw) {
      const r = ingestEvent(store, roomId, ev, undefined, undefined, decrypted?.get(ev.event_id));
      if (r) ids.push(r.rowid);
    }
    return ids;
  });
  return store.events.getMany(rowids);
}

/** One event from the server, stored; undefined if the server's JSON was not an event. */
export function storeServerEvent(store: Store, roomId: string, raw: ClientEvent, decrypted?: PreparedSync): Event | undefined {
  return storeServerEvents(store, roomId, [raw], decrypted)[0];
}
