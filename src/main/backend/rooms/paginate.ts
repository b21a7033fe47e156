/**
 * History for a room: the local database first; only when it has nothing older, /messages from the server, whose
 * events are stored below everything we have (falling timeline rowids) so the next call finds them locally.
 *
 * History fetched from the server gets its unread_type from the push rules like a synced event (so a mention in it
 * renders highlighted, and get_mentions finds it), but, as in gomuks, it never notifies and leaves the room's
 * counters as they are: it is older than everything the counters were made from.
 */
import type { Event, JSONObject, PaginationResponse } from '../../../shared/rpc/index.ts';
import type { MatrixClient } from '../matrix/client.ts';
import type { ClientEvent } from '../matrix/types.ts';
import type { Store } from '../store/store.ts';
import { PushEvaluator } from '../push/push-evaluator.ts';
import { isJsonObject, listOf } from '../matrix/json-shapes.ts';
import { bundledEdit, storeBundledEdits } from '../sync/bundled-edit.ts';
import { ingestEvent, isWellFormed } from '../sync/ingest-event.ts';
import type { PreparedSync } from '../sync/prepared.ts';

/** Decrypts a page's encrypted events before they are stored (crypto/decrypt-fetched.ts). */
export type DecryptPage = (roomId: string, events: readonly ClientEvent[]) => Promise<PreparedSync | undefined>;

export async function paginate(store: Store, client: MatrixClient, roomId: string, maxTimelineId: number | undefined,
  limit: number, signal: AbortSignal, decrypt?: DecryptPage): Promise<PaginationResponse> {
  if (!store.rooms.get(roomId)) throw new Error(`Unknown room ${roomId}: it is not a room this account has joined.`);
  const before = maxTimelineId || Number.MAX_SAFE_INTEGER;
  const local = store.timeline.page(roomId, before, limit);
  if (local.length > 0) {
    const more = local.length === limit || !!store.rooms.prevBatch(roomId);
    return { ...withRelated(store, roomId, local), has_more: more, from_server: false };
  }
  // A page can hold nothing new (all duplicates, or only events we drop as malformed): fetch on rather than answer
  // "nothing, but there is more", which would make a frontend ask for the same page again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const token = store.rooms.prevBatch(roomId);
    if (!token) break;
    const added = await fetchOlder(store, client, roomId, token, limit, signal, decrypt);
    if (added.length > 0 || !store.rooms.prevBatch(roomId)) {
      return { ...withRelated(store, roomId, store.events.getMany(added)), has_more: !!store.rooms.prevBatch(roomId), from_server: true };
    }
  }
  return { events: [], receipts: {}, related_events: [], has_more: false, from_server: true };
}

/**
 * A page with what a frontend needs to show it: the receipts on its events and its related events (edits and
 * reactions of its events, and the events its replies quote), as gomuks' paginate answers.
 */
function withRelated(store: Store, roomId: string, events: Event[]): Pick<PaginationResponse, 'events' | 'receipts' | 'related_events'> {
  const ids = events.map((e) => e.event_id);
  const have = new Set(ids);
  const replyTargets: string[] = [];
  for (const e of events) {
    const rel = (e.decrypted ?? e.content)['m.relates_to'];
    const reply = rel && typeof rel === 'object' && !Array.isArray(rel) ? rel['m.in_reply_to'] : undefined;
    const target = reply && typeof reply === 'object' && !Array.isArray(reply) ? reply.event_id : undefined;
    if (typeof target === 'string' && !have.has(target)) replyTargets.push(target);
  }
  const related = new Map<number, Event>();
  for (const e of [...store.events.related(roomId, ids), ...store.events.getManyByEventID(replyTargets)]) {
    if (e.room_id === roomId) related.set(e.rowid, e);
  }
  return { events, receipts: store.account.receiptsFor(roomId, ids), related_events: [...related.values()] };
}

async function fetchOlder(store: Store, client: MatrixClient, roomId: string, token: string, limit: number,
  signal: AbortSignal, decrypt: DecryptPage | undefined): Promise<number[]> {
  const resp = await client.rooms.messages(roomId, { from: token, dir: 'b', limit }, signal);
  signal.throwIfAborted();
  // The server's JSON, each part read as what it must be: a list that is none is empty, an `end` that is no string
  // is none. A throw would fail this page every time it is asked for, and history would stop here for good.
  const chunk = listOf(resp.chunk);
  const state = listOf(resp.state);
  const end = typeof resp.end === 'string' ? resp.end : undefined;
  const decrypted = decrypt ? await decrypt(roomId, chunk) : undefined;
  signal.throwIfAborted();
  // Each sender's member content as of the event being stored, walking back in time: from the members the server
  // sent with the chunk, then, past each member event, what it replaced (unsigned.prev_content).
  const profiles = new Map<string, JSONObject | undefined>();
  for (const ev of state) {
    if (ev?.type === 'm.room.member' && typeof ev.state_key === 'string' && isJsonObject(ev.content)) profiles.set(ev.state_key, ev.content);
  }
  return store.transaction(() => {
    // A limited sync while the page was on its way started the timeline afresh with a new token: the page belongs
    // below events that are gone, and stored below the new ones it would hide every message between (and its `end`
    // would replace the new token, for good). Dropped: the caller fetches again from the new token.
    if (store.rooms.prevBatch(roomId) !== token) return [];
    const rowids: number[] = [];
    const own = store.account.get()?.user_id;
    const push = own ? PushEvaluator.for(store, own) : undefined;
    let edits: ClientEvent[] | undefined;
    for (const ev of chunk) {
      // The push rules' answer (not the ingest's guess, which knows only "a message from someone else"), decided
      // before the insert so the row is written once.
      const unread = push && isWellFormed(ev) ? push.unreadType(roomId, ev) : undefined;
      const r = ingestEvent(store, roomId, ev, profiles.get(ev?.sender), own, decrypted?.get(ev?.event_id), unread);
      if (r && ev.type === 'm.room.member' && typeof ev.state_key === 'string') {
        const prev = ev.unsigned?.prev_content;
        // Before this event the member had its previous content, or (a join) none: then no name applies.
        profiles.set(ev.state_key, isJsonObject(prev) ? prev : {});
      }
      if (!r) continue;
      const edit = bundledEdit(roomId, ev);
      if (edit) (edits ??= []).push(edit);
      if (!store.timeline.prepend(roomId, r.rowid)) continue;
      rowids.push(r.rowid);
    }
    // The edits the server bundled with the page's messages (sync/bundled-edit.ts), in no timeline: the latest edit
    // of a message whose edit is beyond what we hold; the page's related events then carry it.
    if (edits) storeBundledEdits(store, roomId, edits, decrypted, own);
    // History comes newest first, so an event's reactions and edits were stored before it: count them now.
    store.events.refreshRelations(rowids);
    for (const ev of state) {
      // Lazy-loaded members of the senders above: fill gaps in current state, never override newer state.
      const r = ingestEvent(store, roomId, ev);
      if (r && ev.type === 'm.room.member' && ev.state_key !== undefined) {
        store.state.setIfMissing({ room_id: roomId, type: ev.type, state_key: ev.state_key, content: ev.content }, r.rowid);
      }
    }
    // No `end` (or an empty chunk) means the start of the room was reached.
    store.rooms.setPrevBatch(roomId, end && chunk.length > 0 ? end : '');
    return rowids;
  });
}
