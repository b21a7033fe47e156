/**
 * Endpoints that read events one at a time or around a point: a single event (optionally unredacted, MSC2815),
 * /context, /relations (threads, edits), a room's thread roots (/threads), the event nearest a time
 * (/timestamp_to_event) and server-side /search. The JSON types are the spec's, as far as we read them.
 */
import type { JSONObject } from '../../../../shared/rpc/index.ts';
import { enc, type MatrixHttp } from '../http.ts';
import type { ClientEvent } from '../types.ts';

export interface RespContext {
  start?: string;
  end?: string;
  event?: ClientEvent;
  events_before?: ClientEvent[];
  events_after?: ClientEvent[];
  state?: ClientEvent[];
}

export interface RespRelations {
  chunk?: ClientEvent[];
  next_batch?: string;
  prev_batch?: string;
}

export interface RelationsParams {
  dir: 'b' | 'f';
  from?: string;
  limit?: number;
  recurse?: boolean;
  /** Milliseconds before the request is abandoned (default: the transport's). */
  timeoutMs?: number;
}

/** GET /rooms/{roomId}/threads (spec v1.4): `participated` keeps the threads the user started or replied in. */
export interface ThreadsParams {
  include: 'all' | 'participated';
  from?: string;
  limit?: number;
}

/** Thread roots, latest activity first, each with its bundled m.thread aggregation in unsigned m.relations. */
export interface RespThreads {
  chunk?: ClientEvent[];
  next_batch?: string;
}

/** GET /rooms/{roomId}/timestamp_to_event (spec v1.6): the event closest to a time in one direction. */
export interface RespTimestampToEvent {
  event_id: string;
  origin_server_ts: number;
}

/** The room_events category of /search: what Lattice asks and reads. */
export interface SearchRoomEvents {
  search_term: string;
  order_by?: 'recent' | 'rank';
  filter?: { rooms?: string[]; senders?: string[]; limit?: number };
  keys?: string[];
  event_context?: { before_limit: number; after_limit: number; include_profile?: boolean };
}

export interface RespSearch {
  search_categories?: {
    room_events?: {
      count?: number;
      next_batch?: string;
      results?: { rank?: number; result?: ClientEvent; context?: JSONObject }[];
    };
  };
}

/** The query parameter of MSC2815 (unstable prefix, as Synapse and mautrix spell it). */
const MSC2815_PARAM = 'fi.mau.msc2815.include_unredacted_content';

export class EventsApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /** One event; with `unredacted`, its original content if the server allows this user to see it. */
  event(roomId: string, eventId: string, opts: { unredacted?: boolean; signal?: AbortSignal } = {}) {
    return this.http.request<ClientEvent>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`, {
      query: opts.unredacted ? { [MSC2815_PARAM]: 'true' } : undefined, signal: opts.signal,
    });
  }

  context(roomId: string, eventId: string, limit: number | undefined, signal?: AbortSignal) {
    return this.http.request<RespContext>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/context/${enc(eventId)}`, {
      // Lazy-loaded members: only the senders of the returned events, as gomuks asks.
      query: { limit, filter: JSON.stringify({ lazy_load_members: true }) }, signal,
    });
  }

  relations(roomId: string, eventId: string, relType: string, params: RelationsParams, signal?: AbortSignal) {
    return this.http.request<RespRelations>('GET',
      `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(eventId)}/${enc(relType)}`, {
        query: { dir: params.dir, from: params.from, limit: params.limit, recurse: params.recurse }, signal,
        timeoutMs: params.timeoutMs,
      });
  }

  threads(roomId: string, params: ThreadsParams, signal?: AbortSignal) {
    return this.http.request<RespThreads>('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/threads`, {
      query: { include: params.include, from: params.from, limit: params.limit }, signal,
    });
  }

  /**
   * The event nearest `ts` (ms since the epoch) going forward (`f`: the first at or after it) or back (`b`: the last
   * at or before it). M_NOT_FOUND when there is none that way.
   */
  timestampToEvent(roomId: string, ts: number, dir: 'f' | 'b', signal?: AbortSignal) {
    return this.http.request<RespTimestampToEvent>('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/timestamp_to_event`, {
      query: { ts, dir }, signal,
    });
  }

  search(roomEvents: SearchRoomEvents, nextBatch: string | undefined, signal?: AbortSignal) {
    return this.http.request<RespSearch>('POST', '/_matrix/client/v3/search', {
      query: { next_batch: nextBatch }, body: { search_categories: { room_events: roomEvents } }, signal,
    });
  }
}
