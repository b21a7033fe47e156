/**
 * The homeserver's directories: the public room directory (C-S API `POST /publicRooms`), the rooms published to it,
 * searched by a term, a page at a time, on our own server or (through it, over federation) another server's; and the
 * user directory (`POST /user_directory/search`), the people it lets us find by name or user ID.
 */
import type { MatrixHttp } from '../http.ts';
import type { JSONObject } from '../../../../shared/rpc/index.ts';

export interface PublicRoomsQuery {
  /** Another server's directory, asked for through ours; ours when absent. */
  server?: string;
  limit?: number;
  /** `next_batch` (or `prev_batch`) of the page before. */
  since?: string;
  /** The spec's `filter`: `generic_search_term`, `room_types`. */
  filter?: JSONObject;
}

export interface PublicRoomsPage {
  chunk?: JSONObject[];
  next_batch?: string;
  prev_batch?: string;
  total_room_count_estimate?: number;
}

/** The spec's user directory answer; each result as the server sent it (checked by the command's handler). */
export interface UserDirectoryPage {
  results?: unknown[];
  limited?: boolean;
}

export class DirectoryApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /**
   * POST /publicRooms (the POST form, since only it takes a search filter). `server` goes in the query string, as
   * the spec has it. No retry on a rate limit: the person is typing, and a sentence saying how long to wait is more
   * use than a search that silently hangs for half a minute.
   */
  publicRooms(q: PublicRoomsQuery, signal?: AbortSignal) {
    const body: JSONObject = {};
    if (q.limit !== undefined) body.limit = q.limit;
    if (q.since !== undefined) body.since = q.since;
    if (q.filter !== undefined) body.filter = q.filter;
    return this.http.request<PublicRoomsPage>('POST', '/_matrix/client/v3/publicRooms', {
      query: { server: q.server }, body, signal, rateLimitRetries: 0,
    });
  }

  /**
   * POST /user_directory/search: the people the homeserver lets us find by `term` (Synapse: those sharing a room
   * with us or in a public room, unless it searches all its users), at most `limit`. No retry on a rate limit, as
   * for the room directory: the person is typing.
   */
  searchUsers(term: string, limit: number | undefined, signal?: AbortSignal) {
    return this.http.request<UserDirectoryPage>('POST', '/_matrix/client/v3/user_directory/search', {
      body: { search_term: term, ...(limit !== undefined ? { limit } : {}) }, signal, rateLimitRetries: 0,
    });
  }
}
