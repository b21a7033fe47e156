/** The /sync endpoint and the filter it uses. */
import { enc, type MatrixHttp } from '../http.ts';
import type * as M from '../types.ts';

export interface SyncParams {
  since?: string;
  filter?: string;
  /** Long-poll timeout in milliseconds; 0 answers at once. */
  timeout: number;
  fullState?: boolean;
  /** Our presence while this sync runs (spec: set_presence); absent means online. */
  setPresence?: 'online' | 'unavailable' | 'offline';
}

export class SyncApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  createFilter(userId: string, filter: object, signal?: AbortSignal) {
    return this.http.request<{ filter_id: string }>('POST', `/_matrix/client/v3/user/${enc(userId)}/filter`, { body: filter, signal });
  }
  sync(params: SyncParams, signal?: AbortSignal) {
    return this.http.request<M.SyncResponse>('GET', '/_matrix/client/v3/sync', {
      query: { since: params.since, filter: params.filter, timeout: params.timeout, full_state: params.fullState || undefined,
        set_presence: params.setPresence },
      // The sync loop has its own backoff; a 429 here is one more failed sync to it.
      signal, timeoutMs: params.timeout + 30_000, rateLimitRetries: 0,
    });
  }
}
