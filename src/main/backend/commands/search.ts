/**
 * Handlers of the search area: the local full-text index, and the homeserver's /search. Both answer each found
 * message once, with its latest edit in related_events.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { searchCommands } from '../../../shared/rpc/commands.ts';
import type { ManualPaginationResponse } from '../../../shared/rpc/commands/reading.ts';
import type { Event } from '../../../shared/rpc/index.ts';
import { storeServerEvent } from '../reading/server-events.ts';
import { decryptFetched } from '../crypto/decrypt-fetched.ts';
import { searchLocal } from '../search/local-search.ts';
import { messagesOfHits } from '../search/server-hits.ts';
import type { Store } from '../store/store.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

const DEFAULT_LIMIT = 50;

export function searchHandlers(ctx: CommandContext): AreaHandlers<typeof searchCommands> {
  return {
    search_local: (p) => {
      const limit = p.limit ?? DEFAULT_LIMIT;
      // next_batch is the offset of the next page, as a string (opaque to frontends).
      const offset = p.next_batch === undefined || p.next_batch === '' ? 0 : Number(p.next_batch);
      if (!Number.isSafeInteger(offset) || offset < 0) throw new Error('next_batch is not one that search_local gave.');
      const events = searchLocal(ctx.store.db, {
        searchTerm: p.search_term, rawLike: p.raw_like, roomIds: p.room_ids, senders: p.senders,
        minTimestamp: p.min_timestamp, maxTimestamp: p.max_timestamp, includeRedacted: p.include_redacted,
        sortByTime: p.sort_by_time, limit, offset,
      });
      return withLatestEdits(ctx.store, events, events.length === limit ? String(offset + limit) : undefined);
    },
    search_server: async (p, signal) => {
      const client = ctx.requireSession().client;
      let resp;
      try {
        resp = await client.events.search({
          search_term: p.search_term,
          order_by: p.sort_by_time ? 'recent' : 'rank',
          keys: ['content.body'],
          filter: { rooms: p.room_ids, senders: p.senders, limit: p.limit ?? DEFAULT_LIMIT },
        }, p.next_batch || undefined, signal);
      } catch (e) {
        // The search term is message text: it stays out of the error (which is logged).
        throw new Error(`The homeserver could not search: ${errorMessage(e)}`);
      }
      signal.throwIfAborted();
      const found = resp.search_categories?.room_events;
      const hits: Event[] = [];
      const store = ctx.store;
      store.transaction(() => {
        for (const r of Array.isArray(found?.results) ? found.results : []) {
          const raw = r.result;
          if (!raw || typeof raw.room_id !== 'string') continue;
          const ev = storeServerEvent(store, raw.room_id, raw);
          if (ev) hits.push(ev);
        }
      });
      const events = await messagesOfHits(store, hits, p.search_term, (roomId, eventId) => fetchEvent(ctx, roomId, eventId, signal));
      signal.throwIfAborted();
      return withLatestEdits(ctx.store, events, found?.next_batch || undefined);
    },
  };
}

/** An edit's message that was not stored, from the homeserver (then stored); undefined when it cannot be had. */
async function fetchEvent(ctx: CommandContext, roomId: string, eventId: string, signal: AbortSignal): Promise<Event | undefined> {
  const raw = await ctx.requireSession().client.events.event(roomId, eventId, { signal });
  return storeServerEvent(ctx.store, roomId, raw, await decryptFetched(ctx.session?.crypto, roomId, [raw]));
}

/**
 * A page of found messages with their latest edits (each one's last_edit_rowid) as `related_events`, as paginate
 * gives the timeline's: a frontend shows each message as it reads now, not as first sent.
 */
function withLatestEdits(store: Store, events: Event[], nextBatch: string | undefined): ManualPaginationResponse {
  const edits = store.events.getMany(events.flatMap((e) => (e.last_edit_rowid ? [e.last_edit_rowid] : [])));
  return {
    events,
    ...(nextBatch !== undefined ? { next_batch: nextBatch } : {}),
    ...(edits.length > 0 ? { related_events: edits } : {}),
  };
}
