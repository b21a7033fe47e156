/** Presence endpoints: set our own, read anyone's. */
import type { PresenceState } from '../../../../shared/rpc/index.ts';
import { enc, type MatrixHttp, type RequestOptions } from '../http.ts';

export interface PresenceStatus {
  presence: PresenceState;
  status_msg?: string | null;
  last_active_ago?: number;
  currently_active?: boolean;
}

export class PresenceApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /** `opts` lets shutdown bound the wait (a timeout, no 429 retries). */
  setPresence(userId: string, presence: PresenceState, statusMsg?: string, opts: Pick<RequestOptions, 'timeoutMs' | 'rateLimitRetries'> = {}) {
    const body: { presence: PresenceState; status_msg?: string } = { presence };
    if (statusMsg !== undefined) body.status_msg = statusMsg;
    return this.http.request<object>('PUT', `/_matrix/client/v3/presence/${enc(userId)}/status`, { body, ...opts });
  }
  getPresence(userId: string, signal?: AbortSignal) {
    return this.http.request<PresenceStatus>('GET', `/_matrix/client/v3/presence/${enc(userId)}/status`, { signal });
  }
}
