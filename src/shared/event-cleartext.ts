/**
 * An event's type and content as its sender wrote them. In an encrypted room the store keeps an event as the server
 * sent it (`m.room.encrypted`, ciphertext in `content`) with the cleartext beside it in `decrypted` and
 * `decrypted_type`: whatever reads what a message says or what kind it is reads it through these, so it works the
 * same in both kinds of room. `m.relates_to` stays in the outer content of an encrypted event (the spec keeps it in
 * the clear for the server), so relations are read from `content` as they are.
 */
import type { Event, JSONObject } from './rpc/types.ts';

/** The sender's type: `decrypted_type` once decrypted; `m.room.encrypted` only while it cannot be. */
export function effectiveType(e: Event): string {
  return e.decrypted_type ?? e.type;
}

/** The sender's content: `decrypted` once decrypted, else what the server sent. */
export function effectiveContent(e: Event): JSONObject {
  return e.decrypted ?? e.content;
}
