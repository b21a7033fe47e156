/** Handlers of the search area: the local full-text index, and the homeserver's /search. */
import { errorMessage } from '../../../shared/error-message.ts';
import type { searchCommands } from '../../../shared/rpc/commands.ts';
import type { Event } from '../../../shared/rpc/index.ts';
import { storeServerEvent } from '../reading/server-events.ts';
import { searchLocal } from '../search/local-search.ts';
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
      return events.length === limit ? { events, next_batch: String(offset + limit) } : { events };
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
      const events: Event[] = [];
      const store = ctx.store;
      store.transaction(() => {
        for (const r of Array.isArray(found?.results) ? found.results : []) {
          const raw = r.result;
          if (!raw || typeof raw.room_id !== 'string') continue;
          const ev = storeServerEvent(store, raw.room_id, raw);
          if (ev) events.push(ev);
        }
      });
      return found?.next_batch ? { events, next_batch: found.next_batch } : { events };
    },
  };
}
