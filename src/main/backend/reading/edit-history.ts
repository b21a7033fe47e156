/**
 * A message's edits for its edit history (get_edit_history): the stored ones merged with the homeserver's list of
 * its m.replace relations. The store alone lacks an edit that fell into a sync gap (a limited sync whose skipped
 * events were never paginated, or history never scrolled back to), which Element's history shows because it asks
 * the server; so does this. What the server sends is stored as any fetched event is (server-events.ts: decrypted
 * first, HTML sanitized at ingest, in no timeline), so the next read, the search and the timeline's latest edit have
 * it too. The server not answering is no failure: the stored edits are answered, with the reason in words.
 */
import { countingEdits } from '../../../shared/counting-edits.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { EditHistoryResponse } from '../../../shared/rpc/commands/reading.ts';
import type { Event } from '../../../shared/rpc/index.ts';
import type { CryptoSession } from '../crypto/crypto-session.ts';
import { decryptFetched } from '../crypto/decrypt-fetched.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { MatrixError } from '../matrix/errors.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { relatedEvents } from './read-queries.ts';
import { storeServerEvents } from './server-events.ts';

/** Edits per page asked of the server, and pages at most: a message edited more than this is listed in part. */
const PAGE = 50;
const MAX_PAGES = 40;
/** A dialog waits on this: a silent server should not keep it loading for the transport's full minute. */
const PAGE_TIMEOUT_MS = 15_000;

export interface EditHistoryDeps {
  store: Store;
  client: MatrixClient;
  crypto: CryptoSession | undefined;
}

/** The edits of `original` (stored) that count, the server's merged in when it answers. */
export async function editHistory(deps: EditHistoryDeps, original: Event, signal: AbortSignal): Promise<EditHistoryResponse> {
  const { store } = deps;
  const local = () => relatedEvents(store.db, original.room_id, original.event_id, 'm.replace');
  let fetched: ClientEvent[];
  try {
    fetched = await serverEdits(deps.client, original, signal);
  } catch (e) {
    signal.throwIfAborted();
    return { edits: countingEdits(original, local()), from_server: false, server_problem: problemInWords(e) };
  }
  // Only the original sender's count; those already stored need no decrypting or storing again.
  const fresh = fetched.filter((ev) => ev.sender === original.sender && store.events.rowidByEventID(ev.event_id) === undefined);
  if (fresh.length > 0) {
    const decrypted = await decryptFetched(deps.crypto, original.room_id, fresh);
    signal.throwIfAborted();
    storeServerEvents(store, original.room_id, fresh, decrypted);
  }
  // Read back from the store, which now holds both: one row per event, so no edit is listed twice.
  return { edits: countingEdits(original, local()), from_server: true };
}

/** Every m.replace relation of the message the server lists, following next_batch. */
async function serverEdits(client: MatrixClient, original: Event, signal: AbortSignal): Promise<ClientEvent[]> {
  const out: ClientEvent[] = [];
  let from: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const resp = await client.events.relations(original.room_id, original.event_id, 'm.replace',
      { dir: 'b', from, limit: PAGE, timeoutMs: PAGE_TIMEOUT_MS }, signal);
    for (const ev of Array.isArray(resp.chunk) ? resp.chunk : []) {
      if (typeof ev?.event_id === 'string' && typeof ev.sender === 'string') out.push(ev);
    }
    // A token the same as the one asked with would loop for ever.
    if (!resp.next_batch || resp.next_batch === from) break;
    from = resp.next_batch;
  }
  return out;
}

function problemInWords(e: unknown): string {
  if (e instanceof MatrixError && e.errcode === 'M_UNRECOGNIZED') {
    return 'This homeserver does not list the edits of a message (it needs Matrix 1.3 or newer).';
  }
  if (e instanceof MatrixError && e.errcode === 'M_FORBIDDEN') return `The homeserver refused to list the message's edits: ${e.message}`;
  if (e instanceof MatrixError) return `The homeserver could not list the message's edits: ${e.message}`;
  return errorMessage(e);
}
