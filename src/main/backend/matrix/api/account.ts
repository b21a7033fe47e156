/** Endpoints about the signed-in account itself (whoami; account data and profile as they come). */
import { enc, type MatrixHttp } from '../http.ts';

export class AccountApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  whoami(signal?: AbortSignal) {
    return this.http.request<{ user_id: string; device_id?: string }>('GET', '/_matrix/client/v3/account/whoami', { signal });
  }

  /** A user's global profile (for our own: the display name and avatar client_state carries). */
  profile(userId: string, signal?: AbortSignal) {
    return this.http.request<{ displayname?: unknown; avatar_url?: unknown }>('GET', `/_matrix/client/v3/profile/${enc(userId)}`, { signal });
  }
}
